"""Changing the timeline: recording a date, marking things done, completing a step.

A date can live in several places of the saved state (the plan's milestone action, a recorded
event, the start of operation); these functions write all of them, so every view changes
together. A date recorded in the past is a record of what happened (done), not an alarm.
After each change, whatever is planned and depends on what moved is put after it again
(``reschedule``): recording a late internal audit moves the review and the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flows import position
from flows.context import Ctx
from flows.dates import add_months
from flows.known import timeline_of
from flows.state import Action, DatedEvent
from flows.timeline import MILESTONES, RULE_PREFIX, Item, Timeline, topological
from flows.workdays import next_working_day


@dataclass(frozen=True)
class Moved:
    item: Item
    to: date


def _action(ctx: Ctx, action_id: str) -> Action | None:
    return next((a for a in ctx.company.actions if a.id == action_id), None)


def _upsert_event(ctx: Ctx, item: Item | None, key: str, on: date, done: bool) -> None:
    """Record ``key`` on ``on``; an event keeps the kind and titles it had."""
    events = ctx.company.events
    old = next((e for e in events if e.key == key), None)
    if old is not None:
        old.on, old.done = on, done
        return
    kind = item.kind if item else key.split(":", 1)[0]
    if kind == "surveillance_audit":
        kind = "surveillance"  # stored as the surveillance slot it books
    titles = {}
    if item is not None and item.kind not in MILESTONES and not key.startswith("surveillance:"):
        titles = {"title_zh": item.title_zh, "title_en": item.title_en}
    events.append(
        DatedEvent(
            key=key, kind=kind, on=on, done=done, step_id=item.step_id if item else None, **titles
        )
    )


# A certification body dates its audits only once it has accepted the application and the
# contract is signed: a stage 1 or 2 date, past or planned, means the application steps are behind.
DATED_AFTER = {"stage1": "appl.review", "stage2": "appl.review"}


def record(ctx: Ctx, key: str, on: date) -> list[Moved]:
    """The user gave ``key`` a date: a past date means it happened, a future one plans it."""
    tl = timeline_of(ctx)
    item = tl.get(key)
    happened = on <= ctx.today
    if key.startswith("action:"):
        if (a := _action(ctx, key.removeprefix("action:"))) is not None:
            a.due = on
    elif key.startswith("nc:"):
        _nc_deadline(ctx, key, on)
    elif key == "operate":
        ctx.company.system_start = on
        _sync_rule(ctx, key, on, happened)
    elif key in MILESTONES:
        _upsert_event(ctx, item, key, on, happened)
        _sync_rule(ctx, key, on, happened)
        if happened:  # the item exists now even if this is its first date
            _step_done(ctx, timeline_of(ctx).get(key))
        accepted = DATED_AFTER.get(key)
        if accepted and accepted not in ctx.company.steps_done and (happened or _applied(tl)):
            position.mark_done_up_to(ctx, accepted)
        if key in APPLIED_AFTER and happened:
            _close_preparation(ctx)
    else:
        _upsert_event(ctx, item, key, on, happened)
        if happened and item is not None and key.startswith("surveillance:"):
            _prepared(ctx, item, on)
        if happened and key in RECERT_HELD:  # applying for it means the year's audit is done
            _prepared_for_recert(ctx, on)
    return reschedule(ctx)


def _applied(tl: Timeline) -> bool:
    """The application is recorded (or the company is past it): a stage date told ahead is
    the body's booking. Before that, "stage 2 in August" is the owner's aim, and the plan's
    open actions, the internal audit, the review and the application still come first."""
    apply = tl.get("apply")
    return apply is None or apply.done


# Applying (or being audited) means the system was built: the preparation plan is behind.
APPLIED_AFTER = {"apply", "stage1", "stage2"}


def _close_preparation(ctx: Ctx) -> None:
    """Plan actions from the gap assessment still open when the application went in are done
    by then (the body accepted it); milestones keep their own dates (the pre-application check
    asks for them), and what the user added (an internal audit's findings) stays open."""
    for a in ctx.company.actions:
        if a.done_on is None and not a.custom:
            a.done_on = ctx.today


def open_action_count(ctx: Ctx) -> int:
    return sum(1 for a in ctx.company.actions if a.done_on is None)


def _nc_deadline(ctx: Ctx, key: str, on: date) -> None:
    """A nonconformity's new deadline (the certification body agreed to move it)."""
    nc_id, _, part = key.rpartition(":")
    for nc in ctx.company.nonconformities:
        if nc.id == nc_id:
            if part == "correction":
                nc.correction_due = on
            else:
                nc.evidence_due = on


def _sync_rule(ctx: Ctx, key: str, on: date, happened: bool) -> None:
    if (a := _action(ctx, f"{RULE_PREFIX}{key}")) is not None:
        a.due = on
        a.done_on = on if happened else None


def _step_done(ctx: Ctx, item: Item | None) -> None:
    """The milestone's step is done too (not "run the system": that takes 3 months)."""
    if item is not None and item.key != "operate" and item.step_id in ctx.kb.steps:
        position.mark_step_done(ctx, item.step_id)
        position.refresh(ctx)


def complete(ctx: Ctx, key: str, on: date | None = None) -> Item | None:
    """Mark ``key`` done: today, or on its date when that has already passed; an action on
    ``on`` when the user said when it was done."""
    item = timeline_of(ctx).get(key)
    if item is None:
        return None
    told = on
    on = min(item.on, ctx.today)
    if key.startswith("action:"):
        if (a := _action(ctx, key.removeprefix("action:"))) is not None and a.done_on is None:
            a.done_on = told or ctx.today
    elif key.startswith("nc:"):
        nc_id = ":".join(key.split(":")[:2])
        for nc in ctx.company.nonconformities:
            if nc.id == nc_id and nc.closed_on is None:
                nc.closed_on = ctx.today
    elif key == "operate":
        ctx.company.system_start = ctx.company.system_start or on
        _sync_rule(ctx, key, on, True)
    else:
        _upsert_event(ctx, item, key, on, True)
        _sync_rule(ctx, key, on, True)
        if key in MILESTONES:
            _step_done(ctx, item)
        if key.startswith("surveillance:"):
            _prepared(ctx, item, on)
    _complete_finished_steps(ctx)
    reschedule(ctx)
    return item


def _prepared(ctx: Ctx, audit: Item, on: date) -> None:
    """A surveillance audit held: the yearly internal audit and review it checks were done
    (it always looks at both), by the audit day at the latest; they stop being reminded."""
    tl = timeline_of(ctx)
    for key in audit.after:
        before = tl.get(key)
        if before is not None and not before.done and before.kind.startswith("yearly_"):
            _upsert_event(ctx, before, key, min(before.on, on), True)


RECERT_HELD = ("recert:apply", "recert:audit")
RECERT_YEARLY = ("yearly_internal_audit:recert", "yearly_management_review:recert")


def _prepared_for_recert(ctx: Ctx, on: date) -> None:
    """The recertification applied for (or audited): the internal audit and review before it
    were done, by then at the latest; they stop being reminded."""
    tl = timeline_of(ctx)
    for key in RECERT_YEARLY:
        before = tl.get(key)
        if before is not None and not before.done:
            _upsert_event(ctx, before, key, min(before.on, on), True)


def complete_many(ctx: Ctx, keys: list[str]) -> int:
    return sum(1 for key in keys if complete(ctx, key) is not None)


def step_items(ctx: Ctx, step_id: str) -> list[Item]:
    """The open timeline items that belong to a journey step (its actions and milestone)."""
    return [i for i in timeline_of(ctx).open_items() if i.step_id == step_id and _owned(i)]


def _owned(item: Item) -> bool:
    """Plan actions and the way to the certificate (not the certificate's yearly cycle)."""
    return item.key.startswith("action:") or item.key in MILESTONES


def complete_step(ctx: Ctx, step_id: str) -> int:
    """The user says the step is done: its actions and its milestone are done too."""
    items = step_items(ctx, step_id)
    for item in items:
        complete(ctx, item.key)
    position.mark_step_done(ctx, step_id)
    position.refresh(ctx)
    return len(items)


def _complete_finished_steps(ctx: Ctx) -> None:
    """A step made only of plan actions is done when its last action is."""
    tl = timeline_of(ctx)
    for theme in ctx.kb.journey.themes:
        mine = [i for i in tl.items if i.step_id == theme.step and _owned(i)]
        milestone = any(i.key in MILESTONES for i in mine)
        if mine and not milestone and all(i.done for i in mine):
            position.mark_step_done(ctx, theme.step)
            position.refresh(ctx)


# --- dependencies -----------------------------------------------------------------------------


def _gap(ctx: Ctx, before: str, after: str) -> int:
    practice = ctx.kb.rules.practice.planning
    gaps = {
        ("internal_audit", "management_review"): practice.audit_before_review_days,
        ("management_review", "apply"): practice.review_before_apply_days,
    }
    return gaps.get((before, after), 0)


def reschedule(ctx: Ctx) -> list[Moved]:
    """Put every planned action after what it depends on again; only moves dates later."""
    tl = timeline_of(ctx)
    dates = {i.key: i.on for i in tl.items}
    moved: list[Moved] = []
    for item in topological(tl.items):
        if item.done or item.fixed or not item.after:
            continue
        need = max(
            (dates[d] + timedelta(days=_gap(ctx, d, item.key)) for d in item.after if d in dates),
            default=item.on,
        )
        if need <= dates[item.key]:
            continue
        action_id = item.action_id or (
            f"{RULE_PREFIX}{item.key}" if item.key in MILESTONES else None
        )
        action = _action(ctx, action_id) if action_id else None
        if action is None:
            continue
        new = next_working_day(max(need, ctx.today))  # moved, so never into the past
        action.due = new
        dates[item.key] = new
        if item.key == "operate" and "eligible" in dates:  # derived from the start
            months = ctx.kb.rules.min_operation_months
            dates["eligible"] = next_working_day(add_months(new, months))
        moved.append(Moved(item, new))
    return moved
