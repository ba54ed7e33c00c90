"""Planned vs stored reminders (pure, no database): what to insert, update, revive, cancel;
and the fingerprint that decides whether an update needs a re-plan at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.reconcile import (
    FORBIDDEN_PREFIX,
    PLAN_COMPANY_FIELDS,
    PLAN_USER_FIELDS,
    Reconciliation,
    ReminderStatus,
    StoredReminder,
    WantedReminder,
    plan_fingerprint,
    reconcile,
    replan,
    wanted_reminders,
)
from flows.schedule import SNOOZE_LEAD
from flows.state import (
    Action,
    Answer,
    Company,
    Conversation,
    DatedEvent,
    Nonconformity,
    Pending,
    User,
)
from knowledge.schema import Rules

from .conftest import certified

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
OWNER = User(id=1, channel="telegram", external_id="1")
COLLEAGUE = User(id=2, channel="terminal", external_id="bob")
STAGE1 = DatedEvent(key="stage1", kind="stage1", on=date(2027, 3, 1))


def company(*events: DatedEvent, **extra: Any) -> Company:
    return Company(id=7, events=list(events), **extra)


def stored_as(
    wanted: WantedReminder,
    row_id: int,
    status: ReminderStatus = ReminderStatus.PLANNED,
    **extra: Any,
) -> StoredReminder:
    """The row storage would hold for ``wanted``."""
    fields = {
        n: getattr(wanted, n) for n in StoredReminder.__dataclass_fields__ if hasattr(wanted, n)
    }
    return replace(
        StoredReminder(id=row_id, status=status.value, last_error=None, **fields), **extra
    )


def stored_plan(c: Company, rules: Rules, members: list[User] | None = None) -> list[Any]:
    wanted, _ = wanted_reminders(c, members or [OWNER], rules, NOW)
    return [stored_as(w, n) for n, w in enumerate(wanted.values(), 1)]


def test_nothing_stored_inserts_the_plan_for_every_recipient(rules: Rules) -> None:
    plan = replan(company(STAGE1), [OWNER, COLLEAGUE], [], rules, NOW)
    assert plan.update == [] and plan.cancel == []
    assert {(w.user_id, w.channel) for w in plan.insert} == {(1, "telegram"), (2, "terminal")}
    assert {w.lead_days for w in plan.insert} == {30, 7, 1, -1}
    assert {w.timezone for w in plan.insert} == {"Asia/Shanghai"}


def test_the_stored_plan_needs_nothing(rules: Rules) -> None:
    c = certified(id=7)
    assert replan(c, [OWNER], stored_plan(c, rules), rules, NOW) == Reconciliation()


def test_a_moved_date_cancels_the_old_reminders_and_inserts_new_ones(rules: Rules) -> None:
    stored = stored_plan(company(STAGE1), rules)
    moved = company(STAGE1.model_copy(update={"on": date(2027, 4, 1)}))
    plan = replan(moved, [OWNER], stored, rules, NOW)
    assert sorted(plan.cancel) == [s.id for s in stored]
    assert {w.event_date for w in plan.insert} == {date(2027, 4, 1)} and len(plan.insert) == 4


def test_a_done_event_or_an_opted_out_member_cancels_pending_rows(rules: Rules) -> None:
    stored = stored_plan(company(STAGE1), rules)
    done = company(STAGE1.model_copy(update={"done": True}))
    assert sorted(replan(done, [OWNER], stored, rules, NOW).cancel) == [s.id for s in stored]
    away = OWNER.model_copy(update={"reminders_opt_in": False})
    assert len(replan(company(STAGE1), [away], stored, rules, NOW).cancel) == 4
    blocked = OWNER.model_copy(update={"active": False})
    assert len(replan(company(STAGE1), [blocked], stored, rules, NOW).cancel) == 4


def test_only_pending_rows_are_cancelled(rules: Rules) -> None:
    rows = stored_plan(company(STAGE1), rules)
    failed = [replace(r, status=ReminderStatus.FAILED.value) for r in rows]
    assert replan(company(), [OWNER], failed, rules, NOW) == Reconciliation()


def test_cancelled_rows_and_rows_blocked_by_the_user_come_back(rules: Rules) -> None:
    rows = stored_plan(company(STAGE1), rules)
    cancelled = replace(rows[0], status=ReminderStatus.CANCELLED.value)
    blocked = replace(rows[1], status="failed", last_error=f"{FORBIDDEN_PREFIX}bot was blocked")
    bad = replace(rows[2], status="failed", last_error="bad request: chat not found")
    plan = replan(company(STAGE1), [OWNER], [cancelled, blocked, bad, rows[3]], rules, NOW)
    assert [(u.id, u.revive, u.changes) for u in plan.update] == [
        (cancelled.id, True, {}),
        (blocked.id, True, {}),
    ]
    assert plan.insert == [] and plan.cancel == []  # a plain failure stays failed
    assert (plan.revived, plan.updated) == (2, 0)


def test_a_timezone_change_updates_due_times_in_place(rules: Rules) -> None:
    stored = stored_plan(company(STAGE1), rules)
    berlin = company(STAGE1, timezone="Europe/Berlin", reminder_hour=10)
    plan = replan(berlin, [OWNER], stored, rules, NOW)
    assert plan.insert == [] and plan.cancel == [] and plan.updated == 4
    for change in plan.update:
        assert set(change.changes) == {"due_at", "timezone"}
        assert change.changes["due_at"].astimezone(ZoneInfo("Europe/Berlin")).hour == 10
        assert change.changes["timezone"] == "Europe/Berlin"


def test_a_snoozed_reminder_lives_as_long_as_its_event(rules: Rules) -> None:
    [first, *_] = stored_plan(company(STAGE1), rules)
    snoozed = replace(
        first,
        id=99,
        lead_days=SNOOZE_LEAD,
        dedup_key="stage1|snooze|2027-03-01",
        due_at=NOW + timedelta(days=1),
    )
    live = replan(company(STAGE1), [OWNER], [snoozed], rules, NOW)
    assert 99 not in live.cancel
    done = replan(company(STAGE1.model_copy(update={"done": True})), [OWNER], [snoozed], rules, NOW)
    assert done.cancel == [99]


def test_reconcile_keys_rows_by_user_and_dedup_key(rules: Rules) -> None:
    wanted, live = wanted_reminders(company(STAGE1), [OWNER, COLLEAGUE], rules, NOW)
    owners = [stored_as(w, n) for n, w in enumerate(wanted.values()) if w.user_id == 1]
    plan = reconcile(wanted, owners, live)
    assert {w.user_id for w in plan.insert} == {2}  # the owner's rows exist, not bob's


def test_a_company_without_id_cannot_be_planned(rules: Rules) -> None:
    with pytest.raises(ValueError, match="stored company"):
        replan(Company(), [OWNER], [], rules, NOW)


# --- the fingerprint ------------------------------------------------------------------------

BASE = Conversation(user=OWNER, company=certified(id=7, events=[STAGE1]))


@pytest.mark.parametrize(
    "change",
    [
        {"company": {"timezone": "Europe/Berlin"}},
        {"company": {"reminder_hour": 15}},
        {"company": {"events": [STAGE1.model_copy(update={"on": date(2027, 3, 2)})]}},
        {"company": {"events": [STAGE1.model_copy(update={"done": True})]}},
        {"company": {"certificate": None}},
        {
            "company": {
                "actions": [Action(id="own:1", title_zh="做", title_en="Do", due=date(2027, 1, 5))]
            }
        },
        {
            "company": {
                "nonconformities": [
                    Nonconformity(
                        id="nc:1",
                        description="x",
                        raised_on=date(2026, 11, 1),
                        correction_due=date(2026, 12, 1),
                        evidence_due=date(2026, 12, 15),
                    )
                ]
            }
        },
        {"user": {"reminders_opt_in": False}},
        {"user": {"active": False}},
    ],
)
def test_what_the_plan_depends_on_changes_the_fingerprint(
    rules: Rules, change: dict[str, dict[str, Any]]
) -> None:
    after = BASE.model_copy(
        update={part: getattr(BASE, part).model_copy(update=v) for part, v in change.items()}
    )
    assert plan_fingerprint(after, rules) != plan_fingerprint(BASE, rules)
    before_plan, _ = wanted_reminders(BASE.company, [BASE.user], rules, NOW)
    after_plan, _ = wanted_reminders(after.company, [after.user], rules, NOW)
    assert before_plan != after_plan  # ... and each really changes the plan


@pytest.mark.parametrize(
    "change",
    [
        {"company": {"name": "Renamed Co", "headcount": 99, "industry": "services"}},
        {"company": {"answers": {"A01": Answer(question_id="A01", value="yes", answered_at=NOW)}}},
        {"company": {"checked": {"prep.learn": ["c1"]}, "steps_done": ["prep.learn"]}},
        {"company": {"phase": "impl", "current_step": "impl.operate"}},
        {"user": {"lang": "en", "pending": Pending(flow="assess", field="A02")}},
        {"user": {"display_name": "Renamed"}},
    ],
)
def test_what_the_plan_ignores_leaves_the_fingerprint_and_the_plan_alone(
    rules: Rules, change: dict[str, dict[str, Any]]
) -> None:
    after = BASE.model_copy(
        update={part: getattr(BASE, part).model_copy(update=v) for part, v in change.items()}
    )
    assert plan_fingerprint(after, rules) == plan_fingerprint(BASE, rules)
    before_plan, _ = wanted_reminders(BASE.company, [BASE.user], rules, NOW)
    after_plan, _ = wanted_reminders(after.company, [after.user], rules, NOW)
    assert before_plan == after_plan


def _recording(model: type[Any], seen: set[str]) -> type[Any]:
    """A subclass of ``model`` that notes which of its fields are read."""
    fields = frozenset(model.model_fields)

    class Recording(model):  # type: ignore[misc, valid-type]
        def __getattribute__(self, name: str) -> Any:
            if name in fields:
                seen.add(name)
            return super().__getattribute__(name)

    return Recording


@pytest.mark.parametrize(
    "conv",
    [
        BASE,
        Conversation(
            user=OWNER.model_copy(update={"reminders_paused_from": NOW}),
            company=company(
                STAGE1,
                system_start=date(2026, 6, 1),
                steps_done=["prep.learn"],
                assignees={"prep.learn": 2},
                actions=[Action(id="own:1", title_zh="做", title_en="Do", due=date(2027, 1, 5))],
                nonconformities=[
                    Nonconformity(
                        id="nc:1",
                        description="x",
                        raised_on=date(2026, 11, 1),
                        correction_due=date(2026, 12, 1),
                        evidence_due=date(2026, 12, 15),
                    )
                ],
            ),
        ),
    ],
)
def test_the_plan_reads_only_the_declared_fields(rules: Rules, conv: Conversation) -> None:
    """``PLAN_*_FIELDS`` lets the service skip the fingerprints when a save changed none of
    them: every field the fingerprint reads must be declared."""
    company_reads: set[str] = set()
    user_reads: set[str] = set()
    recorded = Conversation.model_construct(
        user=_recording(User, user_reads).model_construct(**dict(conv.user)),
        company=_recording(Company, company_reads).model_construct(**dict(conv.company)),
    )
    assert plan_fingerprint(recorded, rules) == plan_fingerprint(conv, rules)
    assert company_reads <= PLAN_COMPANY_FIELDS, company_reads - PLAN_COMPANY_FIELDS
    assert user_reads <= PLAN_USER_FIELDS, user_reads - PLAN_USER_FIELDS
    assert {"events", "timezone"} <= company_reads and "active" in user_reads  # it recorded
