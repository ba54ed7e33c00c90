"""People talking to one real Assistant (real database, fake clock), as in a chat.

``Person.say("/members")`` and ``Person.press("Remove from the company")`` go through
``Assistant.handle`` exactly as the Telegram adapter or the terminal would; buttons are
read from the replies the person last saw, like a user reads them off the screen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from bot.service import Assistant, Who
from flows.callbacks import decode
from flows.types import EventKind, Reply
from storage.models import AppUser
from storage.reminder_models import Reminder
from storage.repo import Store


@dataclass
class Person:
    assistant: Assistant
    who: Who
    seen: list[Reply] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.who.display_name

    async def send(self, kind: EventKind, value: str, args: str = "") -> list[Reply]:
        a = self.assistant
        replies = await a.handle(self.who, a.event(kind, value, args, lang_hint=self.who.lang_hint))
        self.seen = replies
        return replies

    async def say(self, line: str) -> list[Reply]:
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            return await self.send(EventKind.COMMAND, name, args)
        return await self.send(EventKind.TEXT, line)

    async def tap(self, data: str) -> list[Reply]:
        """Send button data as it is (pressed from an older message, or forged)."""
        return await self.send(EventKind.BUTTON, data)

    async def press(self, label: str) -> list[Reply]:
        """Press the button whose label contains ``label`` in what was last seen."""
        return await self.send(EventKind.BUTTON, self.button(label))

    def button(self, label: str) -> str:
        found = [b.data for r in self.seen for row in r.buttons for b in row if label in b.label]
        assert found, f"no button {label!r} in {self.labels()}"
        return found[0]

    async def assign_first(self) -> list[Reply]:
        """Open item 1 of the plan last seen (its number button), then its "👤 Assign"."""
        await self.send(EventKind.BUTTON, self.first_item())
        return await self.press("👤")

    def first_item(self) -> str:
        """The data of the plan's "1" button (``pl.how|<timeline key>``)."""
        [data] = [b.data for r in self.seen for row in r.buttons for b in row if b.label == "1"]
        return data

    def labels(self) -> list[str]:
        return [b.label for r in self.seen for row in r.buttons for b in row]

    def text(self) -> str:
        return "\n".join(r.text for r in self.seen)

    async def onboard(self, company: str) -> None:
        await self.say("/start")
        for text in (company, "20"):
            await self.say(text)
        for data in ("2|ob|industry|software", "2|ob|sites|1", "2|ob|stage|not_started"):
            await self.send(EventKind.BUTTON, data)

    async def make_plan(self) -> None:
        """A plan from the quick assessment's show-stoppers answered "no"."""
        await self.send(EventKind.BUTTON, "2|as.start")
        for _ in range(40):  # the quick questions: "No" until the assessment stops asking
            data = [b.data for r in self.seen for row in r.buttons for b in row]
            no = [
                d for d in data if (cb := decode(d)) and cb.verb == "as.answer" and d.endswith("|n")
            ]
            if not no:
                break
            await self.send(EventKind.BUTTON, no[0])
        await self.send(EventKind.BUTTON, "2|pl.make")
        data = [b.data for r in self.seen for row in r.buttons for b in row]
        await self.tap(next(d for d in data if (cb := decode(d)) and cb.verb == "pl.target"))

    async def export(self) -> dict[str, Any]:
        return await self.assistant.store.export_user(self.who.channel, self.who.external_id)


def invitation_code(replies: list[Reply]) -> str:
    text = "\n".join(r.text for r in replies)
    m = re.search(r"/join ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text)
    assert m, text
    return m.group(1)


async def invite(owner: Person, role: str = "member") -> str:
    return invitation_code(await owner.say(f"/invite {role}"))


async def join(person: Person, code: str) -> list[Reply]:
    return await person.say(f"/join {code}")


def buttons(replies: list[Reply]) -> list[str]:
    return [b.data for r in replies for row in r.buttons for b in row]


async def count_rows(store: Store, model: type[SQLModel]) -> int:
    async with store.session() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


def dumped(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


async def planned(store: Store) -> set[tuple[str, str]]:
    """(recipient's external id, event key) of every planned reminder."""
    async with store.session() as session:
        rows = await session.exec(
            select(AppUser.external_id, Reminder.event_key)
            .join(AppUser, col(AppUser.id) == col(Reminder.user_id))
            .where(Reminder.status == "planned")
        )
        return set(rows.all())
