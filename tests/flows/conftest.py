"""A pure driver for the flows: no database, no Telegram, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.context import FlowOptions
from flows.engine import handle
from flows.state import Conversation, User
from flows.types import Button, DoneLast, Effect, Event, EventKind, Reply
from knowledge.loader import Knowledge, load_knowledge

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class Driver:
    """Plays a user: sends events and presses buttons it has actually been shown."""

    def __init__(self, kb: Knowledge, lang: str = "en", now: datetime = START) -> None:
        self.kb = kb
        self.now = now
        self.conv = Conversation(user=User(external_id="u1", lang=lang))  # type: ignore[arg-type]
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.options = FlowOptions()

    def send(
        self, kind: EventKind, value: str, args: str = "", reminded: tuple[str, ...] | None = None
    ) -> list[Reply]:
        event = Event(kind=kind, value=value, now=self.now, args=args, reminded=reminded)
        self.conv, outcome = handle(self.conv, event, self.kb, self.options)
        if any(isinstance(e, DoneLast) for e in outcome.effects) and reminded is None:
            # as the service does: the same words again, with the last reminder's items
            # (none here: no reminders are sent without the service)
            return self.send(kind, value, args, reminded=())
        self.replies, self.effects = outcome.replies, outcome.effects
        return self.replies

    def cmd(self, name: str, args: str = "") -> list[Reply]:
        return self.send(EventKind.COMMAND, name, args)

    def text(self, value: str) -> list[Reply]:
        return self.send(EventKind.TEXT, value)

    @property
    def buttons(self) -> list[Button]:
        return [b for r in self.replies for row in r.buttons for b in row]

    def button(self, match: str) -> Button:
        """The shown button whose label or data contains ``match`` (first one)."""
        for b in self.buttons:
            if match == b.data or match in b.label:
                return b
        for b in self.buttons:
            if b.data.startswith(match):
                return b
        raise AssertionError(
            f"no button {match!r} among {[(b.label, b.data) for b in self.buttons]}"
        )

    def press(self, match: str) -> list[Reply]:
        return self.send(EventKind.BUTTON, self.button(match).data)

    def open_step(self, step_id: str) -> list[Reply]:
        """Navigate as a user would: journey -> phase -> step."""
        self.cmd("journey")
        self.press(f"2|ph|{self.kb.phase_of(step_id).id}")
        return self.press(f"2|step|{step_id}")

    def said(self) -> str:
        return "\n".join(r.text for r in self.replies)

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)

    def onboard(self, name: str = "Acme Ltd", stage: str = "2|ob|stage|not_started") -> None:
        self.cmd("start")
        self.text(name)
        self.text("45")
        self.press("Software" if self.conv.user.lang == "en" else "软件")
        self.press("2|ob|sites|1")
        self.press(stage)

    def answer_all(
        self, value: str = "y", overrides: dict[str, str] | None = None, full: bool = True
    ) -> None:
        """Answer the quick set, then (``full``) every chapter offered afterwards.

        ``value`` says whether requirements are met ("y") or not ("n"): for a negated
        question ("have you been penalised?") the button pressed is the opposite.
        """
        overrides = overrides or {}
        flip = {"y": "n", "n": "y"}
        while True:
            while self.conv.user.pending and self.conv.user.pending.flow == "assess":
                qid = self.conv.user.pending.field
                code = overrides.get(qid, value)
                if self.kb.question(qid).negated:
                    code = flip.get(code, code)
                self.send(EventKind.BUTTON, f"2|as.answer|{qid}|{code}")
            more = [b for b in self.buttons if b.data.startswith("2|as.set|ch:")]
            if not full or not more:
                return
            self.send(EventKind.BUTTON, more[0].data)


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture
def en(kb: Knowledge) -> Driver:
    return Driver(kb, "en")


@pytest.fixture
def zh(kb: Knowledge) -> Driver:
    return Driver(kb, "zh")
