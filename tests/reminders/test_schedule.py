"""Planning rules (pure): which dates exist, and when each reminder is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows import timeline_edit
from flows.context import Ctx
from flows.schedule import (
    OVERDUE_LEAD,
    STILL_LEAD,
    PlannedReminder,
    add_months,
    all_events,
    local_instant,
    plan_reminders,
)
from flows.state import Action, Company, Conversation, DatedEvent, Nonconformity, User
from knowledge.loader import load_knowledge
from knowledge.schema import Rules

from .conftest import certified

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def events_by_key(company: Company, rules: Rules) -> dict[str, DatedEvent]:
    return {e.key: e for e in all_events(company, rules)}


def plan(company: Company, rules: Rules, now: datetime = NOW) -> list[PlannedReminder]:
    return plan_reminders(company, all_events(company, rules), rules, now, [1])


def leads(reminders: list[PlannedReminder], key: str) -> list[int]:
    return [r.lead_days for r in reminders if r.event_key == key]


# --- which events ---------------------------------------------------------------------------


def test_surveillance_windows_count_from_decision_then_from_previous_audit(rules: Rules) -> None:
    ev = events_by_key(certified(decision=date(2026, 1, 10)), rules)
    # ≤ 12 months after the decision: Sunday 2027-01-10, so the Friday before.
    assert ev["surveillance:1"].on == date(2027, 1, 8)
    assert ev["surveillance:2"].on == date(2028, 1, 10)  # ≤ 12 months after the first
    assert "surveillance:3" not in ev  # year 3 is the recertification audit
    assert ev["surveillance:1"].title_en.startswith("Surveillance audit 1 deadline")
    assert "moved earlier from Sun 2027-01-10" in ev["surveillance:1"].title_en
    assert ev["surveillance:1"].step_id == "maint.surveillance"


def test_surveillance_without_decision_date_counts_from_issue(rules: Rules) -> None:
    ev = events_by_key(certified(issued=date(2026, 3, 31), decision=None), rules)
    assert ev["surveillance:1"].on == date(2027, 3, 31)


def test_entered_surveillance_date_overrides_and_moves_the_next_window(rules: Rules) -> None:
    entered = DatedEvent(key="surveillance:1", kind="surveillance", on=date(2026, 11, 20))
    ev = events_by_key(certified(events=[entered]), rules)
    assert ev["surveillance:1"].on == date(2026, 11, 20)
    assert ev["surveillance:1"].kind == "surveillance_audit"  # booked: the body runs it
    assert ev["surveillance:2"].on == date(2027, 11, 19)  # ≤ 12 months later (a Saturday)
    # The yearly internal audit / management review follow the real audit dates.
    assert ev["yearly_internal_audit:s2"].on == date(2027, 9, 17)
    assert ev["yearly_management_review:s2"].on == date(2027, 10, 19)


def test_unnumbered_surveillance_date_fills_the_next_slot(rules: Rules) -> None:
    first_done = DatedEvent(
        key="surveillance:1", kind="surveillance", on=date(2026, 12, 1), done=True
    )
    next_one = DatedEvent(key="surveillance", kind="surveillance", on=date(2027, 10, 8))
    ev = events_by_key(certified(events=[first_done, next_one]), rules)
    assert "surveillance" not in ev
    assert ev["surveillance:1"].done
    assert ev["surveillance:2"].on == date(2027, 10, 8)


def test_recertification_milestones_and_expiry(rules: Rules) -> None:
    ev = events_by_key(certified(expires=date(2029, 1, 14)), rules)
    assert ev["recert:plan"].on == date(2028, 7, 14)  # 6 months before expiry
    assert ev["recert:apply"].on == date(2028, 9, 14)  # 4
    assert ev["recert:latest"].on == date(2028, 10, 13)  # 3 (the 14th is a Saturday)
    assert ev["recert:check"].on == date(2028, 12, 14)  # 1
    assert ev["expiry"].on == date(2029, 1, 14)  # a Sunday: the printed expiry never moves
    assert ev["recert:apply"].kind == "recert_apply"
    assert ev["recert:apply"].title_zh == "再认证：提交申请"


def test_yearly_internal_audit_and_review_precede_each_audit(rules: Rules) -> None:
    ev = events_by_key(certified(decision=date(2026, 1, 10), expires=date(2029, 1, 14)), rules)
    assert ev["yearly_internal_audit:s1"].on == date(2026, 11, 6)  # 2 months before S1
    assert ev["yearly_management_review:s1"].on == date(2026, 12, 8)  # 1 month before
    # Before recertification: 6 and 2 weeks before the application (2028-09-14), not after.
    assert ev["yearly_internal_audit:recert"].on == date(2028, 8, 3)
    assert ev["yearly_management_review:recert"].on == date(2028, 8, 31)
    assert ev["yearly_management_review:recert"].on < ev["recert:apply"].on


def test_three_month_mark_only_before_certification(rules: Rules) -> None:
    company = Company(system_start=date(2026, 9, 15))
    ev = events_by_key(company, rules)
    assert ev["eligible"].on == date(2026, 12, 15)
    assert ev["eligible"].kind == "eligible"
    assert ev["operate"].on == date(2026, 9, 15) and ev["operate"].done
    assert "eligible" not in events_by_key(certified(system_start=date(2025, 1, 1)), rules)


def test_open_actions_and_nonconformity_deadlines(rules: Rules) -> None:
    company = Company(
        actions=[
            Action(
                id="gap:A03",
                title_zh="建立台账",
                title_en="Set up the ledger",
                due=date(2027, 1, 5),
            ),
            Action(
                id="own:1",
                title_zh="x",
                title_en="x",
                due=date(2027, 1, 6),
                done_on=date(2026, 12, 1),
            ),
        ],
        nonconformities=[
            Nonconformity(
                id="nc:1",
                description="No contract review records",
                raised_on=date(2026, 11, 20),
                correction_due=date(2026, 12, 20),
                evidence_due=date(2027, 1, 19),
            ),
            Nonconformity(
                id="nc:2",
                description="closed",
                raised_on=date(2026, 11, 1),
                correction_due=date(2026, 12, 1),
                evidence_due=date(2026, 12, 31),
                closed_on=date(2026, 11, 25),
            ),
        ],
    )
    ev = events_by_key(company, rules)
    assert ev["action:gap:A03"].title_en == "Set up the ledger"
    assert ev["action:gap:A03"].kind == "action"
    assert ev["action:own:1"].done  # listed as done, never reminded
    assert ev["nc:1:correction"].on == date(2026, 12, 20)
    assert ev["nc:1:evidence"].kind == "nc_evidence"
    assert "No contract review records" in ev["nc:1:evidence"].title_en
    assert all(e.done for k, e in ev.items() if k.startswith("nc:2"))  # closed
    reminded = {r.event_key for r in plan(company, rules)}
    assert "action:own:1" not in reminded and not any(k.startswith("nc:2") for k in reminded)


def test_explicit_event_overrides_derived_and_2013_certificate_has_no_cycle(rules: Rules) -> None:
    moved = DatedEvent(key="recert:apply", kind="recert_apply", on=date(2028, 8, 1))
    ev = events_by_key(certified(events=[moved]), rules)
    assert ev["recert:apply"].on == date(2028, 8, 1)
    assert ev["recert:apply"].title_en == "Recertification: apply"  # inherited
    old = certified()
    assert old.certificate is not None
    old.certificate.edition = "2013"
    assert not any(
        k.startswith(("surveillance", "recert", "expiry")) for k in events_by_key(old, rules)
    )


def _ctx(company: Company, today: datetime = NOW) -> Ctx:
    return Ctx(Conversation(user=User(external_id="t"), company=company), load_knowledge(), today)


def test_done_and_new_dates_turn_derived_events_into_explicit_ones(rules: Rules) -> None:
    ctx = _ctx(certified())
    timeline_edit.complete(ctx, "surveillance:1")
    ev = events_by_key(ctx.company, rules)
    assert ev["surveillance:1"].done
    assert not any(r.event_key == "surveillance:1" for r in plan(ctx.company, rules))
    ctx = _ctx(certified())
    timeline_edit.record(ctx, "surveillance:1", date(2026, 12, 15))  # booked, ahead
    ev = events_by_key(ctx.company, rules)
    assert not ev["surveillance:1"].done and ev["surveillance:1"].on == date(2026, 12, 15)
    assert ev["surveillance:2"].on == date(2027, 12, 15)
    ctx = _ctx(certified())
    timeline_edit.record(ctx, "surveillance:1", date(2026, 11, 2))  # held: a record
    assert events_by_key(ctx.company, rules)["surveillance:1"].done


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert add_months(date(2026, 5, 15), -6) == date(2025, 11, 15)


# --- when reminders are due ---------------------------------------------------------------


def test_every_lead_time_plus_overdue_at_the_local_hour(rules: Rules) -> None:
    company = Company(
        events=[DatedEvent(key="internal_audit", kind="internal_audit", on=date(2027, 3, 1))]
    )
    planned = plan(company, rules)
    # rules: [30, 7, 1, 0]; after the date the alert, then the first Monday's "still overdue"
    assert leads(planned, "internal_audit") == [30, 7, 1, 0, OVERDUE_LEAD, STILL_LEAD]
    due = {r.lead_days: r.due_at for r in planned}
    assert due[0] == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # the day itself, Monday
    assert due[STILL_LEAD] == datetime(2027, 3, 8, 1, 0, tzinfo=UTC)  # the Monday after
    # Asia/Shanghai (UTC+8, no DST): 09:00 local is 01:00 UTC. 30 days before is Saturday
    # 01-30 and 1 day before Sunday 02-28: both move to the Friday before.
    assert due[30] == datetime(2027, 1, 29, 1, 0, tzinfo=UTC)
    assert due[1] == datetime(2027, 2, 26, 1, 0, tzinfo=UTC)
    assert due[OVERDUE_LEAD] == datetime(2027, 3, 2, 1, 0, tzinfo=UTC)
    r = planned[0]
    assert r.dedup_key == "internal_audit|30|2027-03-01"
    assert r.user_id == 1 and r.kind == "internal_audit" and r.step_id == "impl.internal_audit"


def test_kinds_without_overdue_get_no_alert(rules: Rules) -> None:
    planned = plan(Company(system_start=date(2027, 1, 10)), rules)
    assert leads(planned, "eligible") == [7, 0]  # the 3-month mark: no "overdue"
    assert leads(planned, "operate") == []  # a start date recorded is not reminded


def test_every_recipient_gets_each_reminder(rules: Rules) -> None:
    company = Company(events=[DatedEvent(key="stage1", kind="stage1", on=date(2027, 3, 1))])
    planned = plan_reminders(company, all_events(company, rules), rules, NOW, [5, 6, 5])
    assert sorted({r.user_id for r in planned}) == [5, 6]
    assert len(planned) == 2 * 4


def test_certified_company_gets_reminders_for_every_certificate_event(rules: Rules) -> None:
    start = datetime(2026, 1, 20, tzinfo=UTC)
    keys = {r.event_key for r in plan(certified(), rules, start)}
    assert keys >= {
        "surveillance:1", "surveillance:2", "recert:plan", "recert:apply", "recert:latest",
        "recert:check", "expiry", "yearly_internal_audit:s1", "yearly_management_review:s1",
        "yearly_internal_audit:s2", "yearly_management_review:s2",
        "yearly_internal_audit:recert", "yearly_management_review:recert",
    }  # fmt: skip


def test_done_events_are_not_reminded(rules: Rules) -> None:
    company = Company(
        events=[DatedEvent(key="stage2", kind="stage2", on=date(2027, 2, 1), done=True)]
    )
    assert plan(company, rules) == []


@pytest.mark.parametrize(
    ("tz", "day", "expected_utc"),
    [
        # The clocks change on Sundays, when no digest goes out: the working days either side.
        # Asia/Shanghai has no DST: always UTC+8.
        ("Asia/Shanghai", date(2027, 3, 29), datetime(2027, 3, 29, 1, 0, tzinfo=UTC)),
        # Europe/Berlin: CET (+1) before 2027-03-28 02:00, CEST (+2) after.
        ("Europe/Berlin", date(2027, 3, 26), datetime(2027, 3, 26, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", date(2027, 3, 29), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),
        # ... and back to CET on 2027-10-31.
        ("Europe/Berlin", date(2027, 10, 29), datetime(2027, 10, 29, 7, 0, tzinfo=UTC)),
        ("Europe/Berlin", date(2027, 11, 1), datetime(2027, 11, 1, 8, 0, tzinfo=UTC)),
        # America/New_York: EDT from 2027-03-14, EST from 2027-11-07.
        ("America/New_York", date(2027, 3, 12), datetime(2027, 3, 12, 14, 0, tzinfo=UTC)),
        ("America/New_York", date(2027, 3, 15), datetime(2027, 3, 15, 13, 0, tzinfo=UTC)),
        ("America/New_York", date(2027, 11, 8), datetime(2027, 11, 8, 14, 0, tzinfo=UTC)),
    ],
)
def test_reminder_hour_is_local_across_dst_switches(
    rules: Rules, tz: str, day: date, expected_utc: datetime
) -> None:
    company = Company(
        timezone=tz,
        events=[DatedEvent(key="stage1", kind="stage1", on=day + timedelta(days=1))],
    )
    [one_day_before] = [
        r for r in plan(company, rules, datetime(2027, 1, 1, tzinfo=UTC)) if r.lead_days == 1
    ]
    assert one_day_before.due_at == expected_utc
    assert one_day_before.due_at.astimezone(ZoneInfo(tz)).hour == 9


def test_a_risk_alert_on_the_sunday_the_clocks_change_is_at_the_local_hour(rules: Rules) -> None:
    # Evidence due Saturday 2027-03-27 in Berlin: the overdue alert (a risk, sent on a day
    # off too) is Sunday 03-28 at 09:00 CEST, i.e. 07:00 UTC.
    company = Company(
        timezone="Europe/Berlin",
        events=[DatedEvent(key="nc:1:evidence", kind="nc_evidence", on=date(2027, 3, 27))],
    )
    [alert] = [r for r in plan(company, rules, datetime(2027, 1, 1, tzinfo=UTC)) if r.lead_days < 0]
    assert alert.due_at == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)


def test_nonexistent_and_ambiguous_local_times_give_one_instant() -> None:
    berlin, new_york = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
    # 02:00 on 2027-03-28 does not exist in Berlin: read just after the jump (03:00 CEST).
    skipped = local_instant(date(2027, 3, 28), 2, berlin)
    assert skipped == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert skipped.astimezone(berlin).hour == 3
    # 01:00 on 2027-11-07 happens twice in New York: the first one (EDT).
    twice = local_instant(date(2027, 11, 7), 1, new_york)
    assert twice == datetime(2027, 11, 7, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(("configured", "used"), [(3, 8), (9, 9), (14, 14), (23, 20)])
def test_reminders_never_at_night(rules: Rules, configured: int, used: int) -> None:
    company = Company(
        timezone="Europe/Berlin",
        reminder_hour=configured,
        events=[DatedEvent(key="stage1", kind="stage1", on=date(2027, 6, 10))],
    )
    hours = {r.due_at.astimezone(ZoneInfo("Europe/Berlin")).hour for r in plan(company, rules)}
    assert hours == {used}


# --- catch-up -------------------------------------------------------------------------------


def audit_on(day: date) -> Company:
    return Company(events=[DatedEvent(key="internal_audit", kind="internal_audit", on=day)])


def test_catch_up_keeps_only_the_latest_missed_lead_time(rules: Rules) -> None:
    # 2027-03-01 audit; now = 2027-02-25 10:00 Shanghai: the 30- and 7-day ones are past.
    now = datetime(2027, 2, 25, 2, 0, tzinfo=UTC)
    assert leads(plan(audit_on(date(2027, 3, 1)), rules, now), "internal_audit") == [
        7,
        1,
        0,
        OVERDUE_LEAD,
        STILL_LEAD,
    ]


def test_catch_up_after_the_date_sends_only_the_overdue_alert(rules: Rules) -> None:
    now = datetime(2027, 3, 5, 2, 0, tzinfo=UTC)
    planned = plan(audit_on(date(2027, 3, 1)), rules, now)
    # the alert, and the Monday after it (not yet due) with the other overdue items
    assert leads(planned, "internal_audit") == [OVERDUE_LEAD, STILL_LEAD]


def test_catch_up_on_the_day_itself_keeps_the_last_lead_time(rules: Rules) -> None:
    # On the audit day (before the overdue alert), the day's own reminder still applies.
    now = datetime(2027, 3, 1, 5, 0, tzinfo=UTC)
    planned = plan(audit_on(date(2027, 3, 1)), rules, now)
    assert leads(planned, "internal_audit") == [0, OVERDUE_LEAD, STILL_LEAD]
    assert planned[0].due_at < now  # sent at once by the dispatcher


def test_planning_is_deterministic(rules: Rules) -> None:
    company = certified(events=[DatedEvent(key="stage2", kind="stage2", on=date(2027, 2, 1))])
    assert plan(company, rules) == plan(company, rules)
    assert len({r.dedup_key for r in plan(company, rules)}) == len(plan(company, rules))
