"""Reminders land on working days: never a digest on a weekend or a Chinese public holiday.

Lead-time reminders move to the working day before (never after the event), the follow-up
after a date to the working day after; a risk to the certificate is not held back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, TelegramSender, pop_due_for_user
from flows.schedule import (
    OVERDUE_LEAD,
    PlannedReminder,
    all_events,
    is_risk,
    local_today,
    plan_reminders,
    zone,
)
from flows.state import Action, Company, DatedEvent
from flows.workdays import is_working_day
from knowledge.loader import Knowledge
from knowledge.schema import Rules
from storage import reminders as rem
from storage.repo import Store

from .conftest import FakeBotApi, RecordingSender, make_user

SHANGHAI = zone("Asia/Shanghai")
BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


def _plan(company: Company, rules: Rules, now: datetime = BEFORE) -> list[PlannedReminder]:
    return plan_reminders(company, all_events(company, rules), rules, now, [1])


def test_no_reminder_planned_on_a_day_off_and_none_after_its_event(rules: Rules) -> None:
    # Every kind, on every third day of 2027 (Spring Festival, May Day, National Day...).
    days = [date(2027, 1, 1) + timedelta(days=i) for i in range(0, 365, 3)]
    events = [
        DatedEvent(key=f"{k.id}:{d.isoformat()}", kind=k.id, on=d)
        for k in rules.reminder_kinds
        for d in days
    ]
    planned = _plan(Company(events=events), rules)
    assert planned
    for p in planned:
        day = p.due_at.astimezone(SHANGHAI).date()
        if p.lead_days >= 0:
            assert day <= p.event_date, p
            assert is_working_day(day), p
        elif is_risk(rules, p.kind, p.lead_days):  # a certificate risk: the very next day
            assert day == p.event_date + timedelta(days=1), p
        else:
            assert day > p.event_date and is_working_day(day), p


def test_the_reported_days_off_move_to_the_working_day_before(rules: Rules) -> None:
    # "下次提醒 02-05 09:00" (2027-02-05 is New Year's Eve) and "05-03" (May Day holiday).
    company = Company(
        events=[
            DatedEvent(key="operate", kind="operate", on=date(2027, 2, 8)),
            DatedEvent(key="internal_audit", kind="internal_audit", on=date(2027, 5, 4)),
            DatedEvent(key="management_review", kind="management_review", on=date(2027, 4, 30)),
        ]
    )
    due = {(p.event_key, p.lead_days): p.due_at.astimezone(SHANGHAI) for p in _plan(company, rules)}
    # 02-08 itself is in the Spring Festival holiday: the day's reminder and the one the day
    # before both move to Thursday before the Eve, one reminder (the nearer lead time)
    assert due["operate", 0].date() == date(2027, 2, 4)
    assert ("operate", 1) not in due
    assert due["operate", 7].date() == date(2027, 2, 1)
    # the day before May Day (the day's own reminder: 05-03 and 05-04 are off too)
    assert due["internal_audit", 0].date() == date(2027, 4, 30)
    assert due["internal_audit", 0].hour == 9
    # The follow-up after a date: the first working day after it (05-01 to 05-04 are off).
    assert due["management_review", OVERDUE_LEAD].date() == date(2027, 5, 5)


def test_two_lead_times_on_one_working_day_make_one_reminder(rules: Rules) -> None:
    # Thursday 2026-10-08, the first working day after National Day (10-01 to 10-07 off): 1
    # and 7 days before both move to Wednesday 09-30; one reminder, the nearer lead time.
    company = Company(events=[DatedEvent(key="stage1", kind="stage1", on=date(2026, 10, 8))])
    leads = {p.lead_days: p.due_at.astimezone(SHANGHAI).date() for p in _plan(company, rules)}
    assert leads == {30: date(2026, 9, 8), 1: date(2026, 9, 30), OVERDUE_LEAD: date(2026, 10, 9)}


async def test_the_dispatcher_sends_no_digest_on_weekends_or_holidays(
    store: Store, kb: Knowledge
) -> None:
    # Actions due every day of December 2026; the dispatcher runs every hour for three weeks.
    actions = [
        Action(id=f"gap:D{i:02d}", title_zh=f"行动{i}", title_en=f"Action {i}",
               due=date(2026, 12, 1) + timedelta(days=i))
        for i in range(21)
    ]  # fmt: skip
    conv = await make_user(store, "950", Company(name="ACME", onboarded=True, actions=actions))
    start = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 12-01 00:00 in Shanghai
    await rem.replan_for_company(store, conv.company, kb.rules, start)
    clock = FakeClock(start)
    sender = RecordingSender(clock)
    d = Dispatcher(store, kb, sender, clock, rate_limit=False)
    for _ in range(21 * 24):
        await d.run_once()
        clock.advance(timedelta(hours=1))
    days = [local_today(s.at, SHANGHAI) for s in sender.sent]
    assert len(days) >= 10
    assert all(is_working_day(day) for day in days), days
    assert date(2026, 12, 12) not in days  # the reported Saturday
    assert len(days) == len(set(days))  # one digest a day


async def test_a_restart_on_sunday_holds_the_catch_up_until_monday(
    sqlite_store: Store, kb: Knowledge
) -> None:
    from telegram.ext import Application

    store = sqlite_store
    events = [DatedEvent(key="internal_audit", kind="internal_audit", on=date(2026, 12, 15))]
    conv = await make_user(store, "951", Company(events=events))
    await rem.replan_for_company(store, conv.company, kb.rules, datetime(2026, 12, 1, tzinfo=UTC))
    clock = FakeClock(datetime(2026, 12, 13, 2, 0, tzinfo=UTC))  # Sunday 10:00: we were down
    api = FakeBotApi()
    app = Application.builder().token("1:T").request(api).get_updates_request(api).updater(None)
    built = app.build()
    d = Dispatcher(store, kb, TelegramSender(built.bot), clock, rate_limit=False)
    job = d.schedule(built.job_queue, interval=30, first=5)
    async with built:
        await job.run(built)  # what APScheduler runs every 30 s
        assert api.sent_to(951) == []
        clock.set(datetime(2026, 12, 14, 0, 59, tzinfo=UTC))  # Monday 08:59
        await job.run(built)
        assert api.sent_to(951) == []
        clock.set(datetime(2026, 12, 14, 1, 0, 30, tzinfo=UTC))  # Monday 09:00:30
        await job.run(built)
        await job.run(built)
    assert len(api.sent_to(951)) == 1


async def test_a_risk_is_not_held_back_by_a_weekend(store: Store, kb: Knowledge) -> None:
    # Evidence for a finding due Friday 2026-12-11: the overdue alert comes Saturday.
    events = [DatedEvent(key="nc:1:evidence", kind="nc_evidence", on=date(2026, 12, 11))]
    conv = await make_user(store, "carol", Company(events=events), channel="terminal")
    await rem.replan_for_company(store, conv.company, kb.rules, datetime(2026, 12, 1, tzinfo=UTC))
    saturday = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
    [alert] = await pop_due_for_user(store, conv.user, saturday, kb)
    assert "Overdue" in alert.text
