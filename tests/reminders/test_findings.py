"""A nonconformity is one finding: its correction and evidence due the same day make one
alert and one digest line, naming both deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from flows.state import Company, Nonconformity
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import RecordingSender, make_user


def _nc(n: int, text: str, due: date) -> Nonconformity:
    return Nonconformity(
        id=f"nc:{n}", description=text, raised_on=date(2026, 11, 10),
        correction_due=due, evidence_due=due,
    )  # fmt: skip


async def _send(store: Store, kb: Knowledge, at: datetime) -> RecordingSender:
    sender = RecordingSender(FakeClock(at))
    await Dispatcher(store, kb, sender, FakeClock(at), rate_limit=False).run_once()
    return sender


async def test_an_overdue_finding_is_one_alert_and_a_coming_one_one_line(
    store: Store, kb: Knowledge
) -> None:
    ncs = [
        _nc(1, "Patent register not kept", date(2026, 12, 10)),
        _nc(2, "No IP training records", date(2026, 12, 10)),
    ]
    conv = await make_user(store, "960", Company(name="ACME", onboarded=True, nonconformities=ncs))
    await rem.replan_for_company(store, conv.company, kb.rules, datetime(2026, 12, 1, tzinfo=UTC))

    # Thursday 12-03, 7 days ahead: one digest, one line per finding with both deadlines.
    [digest] = (await _send(store, kb, datetime(2026, 12, 3, 1, 0, 30, tzinfo=UTC))).texts()
    lines = [ln for ln in digest.splitlines() if "nonconformity" in ln.lower()]
    assert len(lines) == 2, digest
    assert all("Correct nonconformity and send evidence" in ln for ln in lines)
    assert all("2026-12-10" in ln for ln in lines)

    # Friday 12-11, the day after: one risk card per finding, not two.
    texts = (await _send(store, kb, datetime(2026, 12, 11, 1, 0, 30, tzinfo=UTC))).texts()
    assert len(texts) == 2, texts
    assert next(t for t in texts if "Patent register" in t).startswith("⚠️ Overdue: Correct")
    assert all("send evidence" in t for t in texts)
    async with store.session() as session:
        rows = (await session.exec(select(Reminder))).all()
    due = [r for r in rows if r.event_date == date(2026, 12, 10) and r.lead_days < 0]
    assert len(due) == 4 and all(r.status == rem.SENT for r in due)  # both parts delivered


async def test_deadlines_on_different_days_stay_apart(store: Store, kb: Knowledge) -> None:
    nc = _nc(1, "Patent register not kept", date(2026, 12, 10))
    nc = nc.model_copy(update={"evidence_due": date(2026, 12, 17)})
    conv = await make_user(store, "961", Company(name="ACME", onboarded=True, nonconformities=[nc]))
    await rem.replan_for_company(store, conv.company, kb.rules, datetime(2026, 12, 1, tzinfo=UTC))
    [digest] = (await _send(store, kb, datetime(2026, 12, 10, 1, 0, 30, tzinfo=UTC))).texts()
    assert "Correct nonconformity: Patent" in digest and "Send nonconformity evidence" in digest
