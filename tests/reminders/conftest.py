"""Reminder fixtures: rules, a migrated store, companies with dates, fake senders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from flows.state import Certificate, Company, Conversation
from flows.types import Button
from knowledge.loader import Knowledge, load_knowledge
from knowledge.schema import Rules
from storage.migrate import upgrade
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi

__all__ = ["FakeBotApi"]  # the project's one fake Bot API, re-exported for these tests

# 2026-11-27 10:00 in Shanghai (the project's "today").
START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def rules(kb: Knowledge) -> Rules:
    return kb.rules


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade(db_url)
    s = await Store.open(db_url)
    yield s
    await s.close()


@pytest.fixture
async def sqlite_store(sqlite_url: str) -> AsyncIterator[Store]:
    await upgrade(sqlite_url)
    s = await Store.open(sqlite_url)
    yield s
    await s.close()


def certified(
    issued: date = date(2026, 1, 15),
    decision: date | None = date(2026, 1, 10),
    expires: date = date(2029, 1, 14),
    **company: Any,
) -> Company:
    cert = Certificate(number="IPMS-1", issued=issued, decision_date=decision, expires=expires)
    return Company(name="ACME", onboarded=True, certificate=cert, **company)


async def make_user(
    store: Store,
    external_id: str,
    company: Company | None = None,
    *,
    channel: str = "telegram",
    lang: str = "en",
    opt_in: bool = True,
) -> Conversation:
    """Create a user (and company) through the store; the company gets ``company``'s data."""
    async with store.conversation(channel, external_id, display_name=external_id) as h:
        conv = h.conv
        data = (company or Company()).model_dump(exclude={"id"})
        conv.company = Company.model_validate({**data, "id": conv.company.id})
        conv.user.lang = lang  # type: ignore[assignment]
        conv.user.reminders_opt_in = opt_in
        await h.save(conv)
        return h.conv


@dataclass
class Sent:
    chat_id: str
    text: str
    buttons: list[list[Button]]
    at: datetime


@dataclass
class RecordingSender:
    """A ``Sender`` that records messages and raises scripted errors per chat."""

    clock: Any
    sent: list[Sent] = field(default_factory=list)
    errors: dict[str, list[Exception]] = field(default_factory=dict)  # chat id -> to raise
    always: dict[str, Exception] = field(default_factory=dict)  # chat id -> raise every time

    async def send(self, chat_id: str, text: str, buttons: list[list[Button]]) -> None:
        if chat_id in self.always:
            raise self.always[chat_id]
        queue = self.errors.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append(Sent(chat_id, text, buttons, self.clock.now()))

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [s.text for s in self.sent if chat_id is None or s.chat_id == chat_id]


class FakeTime:
    """Monotonic time for the rate limiter: sleeping advances it (and an optional clock)."""

    def __init__(self, on_sleep: Callable[[float], None] | None = None) -> None:
        self.t = 1000.0
        self.on_sleep = on_sleep

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        if self.on_sleep is not None:
            self.on_sleep(seconds)
