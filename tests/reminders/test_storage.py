"""Reminder rows on SQLite and PostgreSQL: idempotent replanning, claiming, snoozing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from flows.schedule import OVERDUE_LEAD, SNOOZE_LEAD
from flows.state import Company, Conversation, DatedEvent
from knowledge.schema import Rules
from storage import reminders as rem
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import START, certified, make_user

R = Reminder.__table__.c  # type: ignore[attr-defined]


async def rows(store: Store, **where: Any) -> list[Any]:
    stmt = select(Reminder.__table__).order_by(R.due_at, R.id)  # type: ignore[attr-defined]
    for name, value in where.items():
        stmt = stmt.where(R[name] == value)
    async with store.engine.connect() as conn:
        return list((await conn.execute(stmt)).all())


def with_event(conv: Conversation, key: str, kind: str, on: date, **extra: Any) -> Company:
    events = [e for e in conv.company.events if e.key != key]
    events.append(DatedEvent(key=key, kind=kind, on=on, **extra))
    return conv.company.model_copy(update={"events": events})


async def replan(store: Store, company: Company, rules: Rules, now: datetime = START) -> Any:
    assert company.id is not None
    members = await store.company_members(company.id)
    return await rem.replan_company(store, company, members, rules, now)


async def test_replan_inserts_once_and_is_idempotent(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "100", certified())
    first = await replan(store, conv.company, rules)
    snapshot = await rows(store)
    assert first.inserted == len(snapshot) > 20
    again = await replan(store, conv.company, rules)
    assert again.changed == 0
    assert await rows(store) == snapshot
    assert {r.status for r in snapshot} == {rem.PLANNED}
    assert all(r.due_at.tzinfo is not None for r in snapshot)


async def test_changed_date_cancels_old_rows_and_plans_new_ones(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "101")
    company = with_event(conv, "stage1", "stage1", date(2027, 3, 1))
    await replan(store, company, rules)
    moved = with_event(conv, "stage1", "stage1", date(2027, 4, 1))
    stats = await replan(store, moved, rules)
    assert stats.cancelled == 4 and stats.inserted == 4
    live = await rows(store, status=rem.PLANNED)
    assert {r.event_date for r in live} == {date(2027, 4, 1)}
    assert {r.lead_days for r in live} == {30, 7, 1, OVERDUE_LEAD}
    assert (await replan(store, moved, rules)).changed == 0


async def test_done_event_cancels_its_pending_reminders(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "102")
    await replan(store, with_event(conv, "stage2", "stage2", date(2027, 3, 1)), rules)
    done = with_event(conv, "stage2", "stage2", date(2027, 3, 1), done=True)
    assert (await replan(store, done, rules)).cancelled == 4
    assert await rows(store, status=rem.PLANNED) == []


async def test_every_opted_in_member_gets_rows_and_opting_out_cancels(
    store: Store, rules: Rules
) -> None:
    owner = await make_user(store, "103")
    company = with_event(owner, "stage1", "stage1", date(2027, 3, 1))
    colleague = await make_user(store, "104")
    # Make the colleague a member of the owner's company.
    from storage.models import Membership

    async with store.session() as s:
        s.add(Membership(user_id=colleague.user.id, company_id=company.id, role="member"))
        await s.commit()
    await replan(store, company, rules)
    assert {r.user_id for r in await rows(store)} == {owner.user.id, colleague.user.id}
    async with store.conversation("telegram", "104") as h:
        h.conv.user.reminders_opt_in = False
        await h.save(h.conv)
    assert (await replan(store, company, rules)).cancelled == 4
    live = await rows(store, status=rem.PLANNED)
    assert {r.user_id for r in live} == {owner.user.id}
    async with store.conversation("telegram", "104") as h:
        h.conv.user.reminders_opt_in = True
        await h.save(h.conv)
    assert (await replan(store, company, rules)).revived == 4


async def test_timezone_change_moves_pending_rows(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "105")
    company = with_event(conv, "stage1", "stage1", date(2027, 3, 1))
    await replan(store, company, rules)
    berlin = company.model_copy(update={"timezone": "Europe/Berlin", "reminder_hour": 10})
    assert (await replan(store, berlin, rules)).updated == 4
    hours = {r.due_at.astimezone(ZoneInfo("Europe/Berlin")).hour for r in await rows(store)}
    assert hours == {10}


async def test_claim_leases_rows_to_one_worker(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "106")
    await replan(store, with_event(conv, "stage1", "stage1", date(2027, 1, 10)), rules)
    now = datetime(2026, 12, 11, 3, 0, tzinfo=UTC)  # the 30-day reminder is due
    [claimed] = await rem.claim_due(store, "w1", now, lease=timedelta(minutes=5))
    assert (claimed.lead_days, claimed.attempts) == (30, 1)
    assert await rem.claim_due(store, "w2", now) == []  # leased to w1
    # w1 crashed: after the lease another worker takes over; w1's late mark is refused.
    later = now + timedelta(minutes=6)
    [again] = await rem.claim_due(store, "w2", later)
    assert again.id == claimed.id and again.attempts == 2
    assert not await rem.mark_sent(store, claimed.id, "w1", later)
    assert await rem.mark_sent(store, claimed.id, "w2", later)
    assert await rem.claim_due(store, "w3", later + timedelta(hours=1)) == []
    [row] = await rows(store, id=claimed.id)
    assert row.status == rem.SENT and row.sent_at == later


async def test_grouped_marks_are_written_at_the_end_and_respect_leases(
    store: Store, rules: Rules
) -> None:
    conv = await make_user(store, "116")
    company = with_event(conv, "stage1", "stage1", date(2027, 1, 10))
    company = with_event(conv.model_copy(update={"company": company}), "stage2", "stage2",
                         date(2027, 1, 20))  # fmt: skip
    await replan(store, company, rules)
    now = datetime(2026, 12, 22, 3, 0, tzinfo=UTC)  # both 30-day reminders are due
    first, second = await rem.claim_due(store, "w1", now, lease=timedelta(minutes=5))
    later = now + timedelta(minutes=6)
    [taken] = await rem.claim_due(store, "w2", later, batch=1)  # w1's lease ran out on one
    async with rem.outcomes(store, group=10) as out:
        marked = [await out.sent(r.id, "w1", later) for r in (first, second)]
        if store.is_sqlite:  # grouped: written when the group closes, lost leases counted then
            assert marked == [True, True]
            assert {r.status for r in await rows(store)} == {rem.PLANNED}
        else:  # PostgreSQL marks one by one: the refusal is known at once
            assert marked.count(False) == 1
    assert out.lost == (1 if store.is_sqlite else 0)
    sent = {r.id for r in await rows(store, status=rem.SENT)}
    assert sent == {first.id, second.id} - {taken.id}


async def test_claim_orders_overdue_then_nearest_event(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "107")
    company = with_event(conv, "stage2", "stage2", date(2026, 12, 20))
    company = company.model_copy(
        update={
            "events": [
                *company.events,
                DatedEvent(key="internal_audit", kind="internal_audit", on=date(2026, 11, 20)),
                DatedEvent(key="management_review", kind="management_review", on=date(2026, 12, 2)),
            ]
        }
    )
    await replan(store, company, rules)
    claimed = await rem.claim_due(store, "w", START)
    assert [(c.event_key, c.lead_days) for c in claimed] == [
        ("internal_audit", OVERDUE_LEAD),
        ("management_review", 7),
        ("stage2", 30),
    ]


async def test_channels_are_claimed_separately(store: Store, rules: Rules) -> None:
    tg = await make_user(store, "108")
    term = await make_user(store, "alice", channel="terminal")
    for conv in (tg, term):
        await replan(store, with_event(conv, "stage1", "stage1", date(2026, 12, 1)), rules)
    claimed = await rem.claim_due(store, "tg", START)
    assert {c.user_id for c in claimed} == {tg.user.id}
    assert {c.channel for c in claimed} == {"telegram"}
    assert await rem.count_due(store, START) == {"terminal": 1}


async def test_superseded_rows_are_cancelled_before_sending(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "109")
    await replan(store, with_event(conv, "stage1", "stage1", date(2026, 12, 1)), rules)
    # Ten days pass without a replan: the 7-day, 1-day and overdue rows are all due.
    later = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
    assert await rem.cancel_superseded(store, later) == 2
    claimed = await rem.claim_due(store, "w", later)
    assert [c.lead_days for c in claimed] == [OVERDUE_LEAD]


async def test_snooze_creates_a_later_reminder_for_the_owner_only(
    store: Store, rules: Rules
) -> None:
    conv = await make_user(store, "110")
    other = await make_user(store, "111")
    await replan(store, with_event(conv, "stage1", "stage1", date(2027, 1, 10)), rules)
    now = datetime(2026, 12, 11, 3, 0, tzinfo=UTC)  # the 30-day reminder is due
    [claimed] = await rem.claim_due(store, "w", now)
    await rem.mark_sent(store, claimed.id, "w", now)
    assert await rem.snooze(store, claimed.id, other.user.id or 0, 1, now) is None
    assert await rem.snooze(store, 999_999, conv.user.id or 0, 1, now) is None
    snoozed = await rem.snooze(store, claimed.id, conv.user.id or 0, 1, now)
    assert snoozed is not None
    # "Tomorrow" is Saturday 12-12: the next working day, Monday, at 09:00 Shanghai.
    assert snoozed.due_at == datetime(2026, 12, 14, 1, 0, tzinfo=UTC)
    [row] = await rows(store, id=snoozed.reminder_id)
    assert (row.lead_days, row.status, row.event_key) == (SNOOZE_LEAD, rem.PLANNED, "stage1")
    # Snoozing again moves the same row; a replan keeps it while the event is live.
    again = await rem.snooze(store, claimed.id, conv.user.id or 0, 7, now)
    assert again is not None and again.reminder_id == snoozed.reminder_id
    assert again.due_at == datetime(2026, 12, 18, 1, 0, tzinfo=UTC)
    company = with_event(conv, "stage1", "stage1", date(2027, 1, 10))
    await replan(store, company, rules, now)
    [row] = await rows(store, id=snoozed.reminder_id)
    assert row.status == rem.PLANNED
    # Once the event is done the snoozed reminder goes too.
    await replan(
        store, with_event(conv, "stage1", "stage1", date(2027, 1, 10), done=True), rules, now
    )
    [row] = await rows(store, id=snoozed.reminder_id)
    assert row.status == rem.CANCELLED


async def test_snooze_of_a_pending_reminder_cancels_it(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "112")
    await replan(store, with_event(conv, "stage1", "stage1", date(2027, 3, 1)), rules)
    [first, *_] = await rows(store)
    snoozed = await rem.snooze(store, first.id, conv.user.id or 0, 7, START)
    assert snoozed is not None
    [row] = await rows(store, id=first.id)
    assert row.status == rem.CANCELLED


async def test_upcoming_and_listing(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "113", certified())
    await replan(store, conv.company, rules)
    assert conv.company.id is not None
    soon = await rem.upcoming(store, conv.company.id, START, 3)
    assert len(soon) == 3
    assert soon == sorted(soon, key=lambda u: u.due_at)
    assert all(u.due_at >= START for u in soon)
    listed = await rem.list_planned(store, 5)
    assert listed[0].company == "ACME" and listed[0].recipient == "113"


async def test_deleting_the_user_deletes_their_reminders(store: Store, rules: Rules) -> None:
    conv = await make_user(store, "114", certified())
    await replan(store, conv.company, rules)
    assert await rows(store)
    assert await store.delete_user("telegram", "114")
    assert await rows(store) == []
