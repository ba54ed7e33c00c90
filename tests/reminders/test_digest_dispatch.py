"""The daily digest through the real dispatcher, on SQLite and PostgreSQL.

One message per person per run for everything due, a message of its own for each risk to
the certificate, each row delivered exactly once; after downtime one catch-up digest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, pop_due_for_user
from flows.state import Action, Company, DatedEvent
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import START, RecordingSender, certified, make_user


async def _rows(store: Store) -> list[Any]:
    async with store.engine.connect() as conn:
        return list((await conn.execute(select(Reminder.__table__))).all())  # type: ignore[attr-defined]


def _actions(n: int, first: date) -> list[Action]:
    return [
        Action(id=f"gap:X{i:02d}", title_zh=f"行动{i}", title_en=f"Action {i}",
               due=first + timedelta(days=2 * i))
        for i in range(n)
    ]  # fmt: skip


async def test_a_day_of_reminders_is_one_digest_and_each_risk_its_own_message(
    store: Store, kb: Knowledge
) -> None:
    # Certified 2025-09-01: the first surveillance was due by 2026-09-01 and is missed; the
    # yearly audit and review before it, missed too; an action due today.
    now = datetime(2026, 12, 2, 1, 0, 30, tzinfo=UTC)  # 09:00:30 in Shanghai
    company = certified(
        issued=date(2025, 9, 1), decision=date(2025, 9, 1), expires=date(2028, 8, 31),
        actions=_actions(1, date(2026, 12, 2)),
    )  # fmt: skip
    conv = await make_user(store, "900", company)
    await rem.replan_for_company(store, conv.company, kb.rules, now - timedelta(days=1))
    sender = RecordingSender(FakeClock(now))
    stats = await Dispatcher(store, kb, sender, FakeClock(now), rate_limit=False).run_once()
    texts = [m.text for m in sender.sent]
    risks = [t for t in texts if "Surveillance audit 1" in t and "Do today" in t]
    digests = [t for t in texts if t.startswith(("☀️", "👋"))]
    assert len(risks) == 1 and len(digests) == 1 and len(texts) == 2
    assert "Action 0" in digests[0] and "Yearly internal audit" in digests[0]
    rows = await _rows(store)
    sent = [r for r in rows if r.status == rem.SENT]
    assert stats.sent == len(sent) == stats.claimed - stats.cancelled
    again = await Dispatcher(store, kb, sender, FakeClock(now), rate_limit=False).run_once()
    assert again.claimed == 0 and len(sender.sent) == 2  # nothing twice


async def test_after_downtime_one_catch_up_digest(store: Store, kb: Knowledge) -> None:
    company = Company(name="ACME", onboarded=True, actions=_actions(30, date(2026, 11, 30)))
    conv = await make_user(store, "901", company)
    await rem.replan_for_company(store, conv.company, kb.rules, START)
    back = START + timedelta(days=60)  # down for two months, nobody replanned
    clock = FakeClock(back)
    sender = RecordingSender(clock)
    stats = await Dispatcher(store, kb, sender, clock, rate_limit=False).run_once()
    [digest] = sender.sent
    assert digest.text.startswith("👋") and "…and" in digest.text
    assert len(digest.text.splitlines()) < 25
    rows = await _rows(store)
    due = [r for r in rows if r.due_at.replace(tzinfo=UTC) <= back]
    assert due and all(r.status in (rem.SENT, rem.CANCELLED) for r in due)
    assert stats.sent == sum(1 for r in rows if r.status == rem.SENT) > 20


async def test_the_terminal_shows_the_same_digest_once(store: Store, kb: Knowledge) -> None:
    events = [
        DatedEvent(key="internal_audit", kind="internal_audit", on=date(2026, 11, 28)),
        DatedEvent(key="management_review", kind="management_review", on=date(2026, 12, 4)),
    ]
    conv = await make_user(store, "bob", Company(events=events), channel="terminal")
    await rem.replan_for_company(store, conv.company, kb.rules, START - timedelta(days=10))
    [digest] = await pop_due_for_user(store, conv.user, START, kb)
    assert "Internal audit" in digest.text and "Management review" in digest.text
    assert await pop_due_for_user(store, conv.user, START, kb) == []
