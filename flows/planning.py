"""Turn gaps into a plan a small company can carry out.

Actions come in dependency order (the journey's themes: policy and roles, procedures and
registers, training, then records once the system runs; audit findings after the internal
audit), show-stoppers first within a theme. Each is due no earlier than its effort allows and
each responsible person gets no more than a few a week (``rules.practice.planning.capacity``;
in a small company one person carries every role but top management's). Every date is a
working day.

Hard rules (domain brief §3.2, [H]): the system runs at least ``min_operation_months`` with
records before applying, and a full internal audit and a management review come before it.
Lead times are typical practice ([M], ``rules.practice.planning``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flows.context import Ctx
from flows.dates import add_months
from flows.scoring import gaps
from flows.state import Action
from flows.types import Lang
from flows.workdays import is_working_day, next_working_day, previous_working_day
from knowledge.schema import Capacity, Question, Theme


@dataclass(frozen=True)
class Milestones:
    operate: date
    eligible: date
    internal_audit: date
    management_review: date
    apply: date
    target: date


@dataclass
class Draft:
    """The plan at the earliest pace the company can carry (before a target is chosen)."""

    due: dict[str, date]  # question id -> due date of its action
    earliest: Milestones
    per_week: int
    running: bool  # the system already runs (its start is a recorded fact)
    open_gaps: int = 0


def capacity_for(ctx: Ctx) -> Capacity:
    rows = ctx.kb.rules.practice.planning.capacity or [Capacity(max_headcount=0, per_week=4)]
    size = ctx.company.headcount or 0
    return next((c for c in rows if size <= c.max_headcount), rows[-1])


@dataclass
class _Load:
    """How many actions each person has due per week; places the next one."""

    cap: Capacity
    top_role: str
    weeks: Counter[tuple[str, date]] = field(default_factory=Counter)

    def lane(self, q: Question) -> str:
        role = q.owner_role.en
        return ("top" if role == self.top_role else "team") if self.cap.shared_roles else role

    def place(self, lane: str, earliest: date) -> date:
        week = earliest - timedelta(days=earliest.weekday())
        while True:
            used = self.weeks[(lane, week)]
            days = [week + timedelta(days=i) for i in range(7)]
            working = [d for d in days if is_working_day(d)]
            open_days = [d for d in working if d >= earliest]
            if used < self.cap.per_week and open_days:
                # Spread a week's actions over it (Mon, Wed, Fri for three) instead of piling up.
                aim = working[min(used * len(working) // self.cap.per_week, len(working) - 1)]
                self.weeks[(lane, week)] += 1
                return next((d for d in open_days if d >= aim), open_days[-1])
            week += timedelta(days=7)


def _schedule_theme(
    theme: Theme, start: date, todo: dict[str, Question], load: _Load, due: dict[str, date]
) -> date:
    """Place the theme's open gaps from ``start``; returns the last due date (or ``start``).

    ``todo`` is in priority order: each person's show-stoppers are due before the rest of
    their actions in the theme.
    """
    end = start
    stoppers: dict[str, date] = {}  # lane -> last show-stopper due
    for qid in [q for q in todo if q in theme.questions]:
        q = todo[qid]
        lane = load.lane(q)
        earliest = start + timedelta(days=q.effort_days)
        if not q.showstopper:
            earliest = max(earliest, stoppers.get(lane, earliest))
        due[qid] = load.place(lane, earliest)
        if q.showstopper:
            stoppers[lane] = max(stoppers.get(lane, due[qid]), due[qid])
        end = max(end, due[qid])
    return end


def draft(ctx: Ctx) -> Draft:
    """Schedule every open gap at the company's pace and find the earliest milestones."""
    kb, rules = ctx.kb, ctx.kb.rules
    practice = rules.practice.planning
    cap = capacity_for(ctx)
    load = _Load(cap, practice.top_role)
    done = {a.question_id for a in ctx.company.actions if a.done_on and a.question_id}
    closed_by = {q for qs in kb.journey.milestones.values() for q in qs}
    open_gaps = [q for q, _ in gaps(ctx.company.answers, kb.questions, rules) if q.id not in done]
    todo = {q.id: q for q in open_gaps if q.id not in closed_by}
    due: dict[str, date] = {}
    # Nothing due before the day after tomorrow: a new plan brings no reminder the same day.
    start = next_working_day(ctx.today + timedelta(days=2))
    cursor = start
    for theme in (t for t in kb.journey.themes if t.after is None):
        cursor = _schedule_theme(theme, cursor, todo, load, due)
    running = ctx.company.system_start is not None
    groundwork = cursor  # when the policy, procedures and training gaps are closed
    if ctx.company.system_start is not None:
        operate = ctx.company.system_start
    else:
        operate = next_working_day(max(cursor + timedelta(days=1), start))
    cursor = max(operate, start)
    for theme in (t for t in kb.journey.themes if t.after == "operate"):
        cursor = _schedule_theme(theme, cursor, todo, load, due)
    eligible = next_working_day(add_months(operate, rules.min_operation_months))
    gap = timedelta(days=practice.audit_before_review_days + practice.review_before_apply_days)
    # The internal audit checks everything: it follows every open gap's action, also when the
    # system already runs (a running company's groundwork gaps ended after its audit).
    last = max(cursor, groundwork)
    audit = next_working_day(max(last + timedelta(days=1), eligible - gap, start))
    review, apply = _after_audit(ctx, audit, eligible, todo, load, due)
    # a working day: a target offered on a Saturday (or Christmas Day) reads careless
    target = next_working_day(add_months(apply, practice.application_to_certificate_months))
    earliest = Milestones(operate, eligible, audit, review, apply, target)
    return Draft(due, earliest, cap.per_week, running, len(open_gaps))


def _after_audit(
    ctx: Ctx,
    audit: date,
    eligible: date,
    todo: dict[str, Question],
    load: _Load,
    due: dict[str, date],
) -> tuple[date, date]:
    """Findings closed after the audit, then the review, then the application."""
    practice = ctx.kb.rules.practice.planning
    end = audit
    for theme in (t for t in ctx.kb.journey.themes if t.after == "internal_audit"):
        end = _schedule_theme(theme, audit, todo, load, due)
    review = max(audit + timedelta(days=practice.audit_before_review_days), end + timedelta(days=1))
    review = next_working_day(review)
    apply = max(review + timedelta(days=practice.review_before_apply_days), eligible)
    return review, next_working_day(apply)


def fit(ctx: Ctx, plan: Draft, target: date) -> Milestones:
    """Milestones for a feasible ``target``: the application as late as it allows."""
    practice = ctx.kb.rules.practice.planning
    e = plan.earliest
    apply = max(
        previous_working_day(add_months(target, -practice.application_to_certificate_months)),
        e.apply,
    )
    review = max(
        previous_working_day(apply - timedelta(days=practice.review_before_apply_days)),
        e.management_review,
    )
    audit = max(
        previous_working_day(review - timedelta(days=practice.audit_before_review_days)),
        e.internal_audit,
    )
    return Milestones(e.operate, e.eligible, audit, review, apply, target)


def earliest_target(ctx: Ctx) -> date:
    """The first target date that respects every hard rule and the company's pace."""
    return draft(ctx).earliest.target


def _follow_the_audit(ctx: Ctx, plan: Draft, m: Milestones) -> None:
    """A later target moves the audit later: its findings' actions move with it."""
    shift = m.internal_audit - plan.earliest.internal_audit
    if not shift:
        return
    after_audit = {
        q for t in ctx.kb.journey.themes if t.after == "internal_audit" for q in t.questions
    }
    for qid in after_audit & set(plan.due):
        plan.due[qid] = next_working_day(plan.due[qid] + shift)


def _rule_action(ctx: Ctx, key: str, due: date, role: str) -> Action:
    return Action(
        id=f"rule:{key}",
        title_zh=ctx.texts.t("zh", f"rule_{key}"),
        title_en=ctx.texts.t("en", f"rule_{key}"),
        owner_role_zh=ctx.texts.t("zh", role),
        owner_role_en=ctx.texts.t("en", role),
        priority=1,
        due=due,
    )


def _role(ctx: Ctx, q: Question, lang: Lang) -> str:
    """The question's owner role, or the IP manager in a company too small for departments."""
    planning = ctx.kb.rules.practice.planning
    small = planning.one_team_max_headcount
    if (
        q.owner_role.en in planning.one_team_kept_roles
        or (ctx.company.headcount or small + 1) > small
    ):
        return q.owner_role.get(lang)
    return ctx.texts.t(lang, "role_ip_manager")


def build_plan(ctx: Ctx, target: date) -> tuple[list[Action], Milestones]:
    """A new plan for a feasible ``target``; keeps the user's own actions and what is done."""
    plan = draft(ctx)
    m = fit(ctx, plan, target)
    _follow_the_audit(ctx, plan, m)
    previous = {a.id: a for a in ctx.company.actions}
    actions: list[Action] = []
    for q, priority in gaps(ctx.company.answers, ctx.kb.questions, ctx.kb.rules):
        old = previous.get(f"gap:{q.id}")
        if q.id not in plan.due and not (old and old.done_on):
            continue  # closed by a milestone
        actions.append(
            Action(
                id=f"gap:{q.id}",
                title_zh=q.action.zh,
                title_en=q.action.en,
                owner_role_zh=_role(ctx, q, "zh"),
                owner_role_en=_role(ctx, q, "en"),
                question_id=q.id,
                clause_ids=list(q.clauses),
                priority=priority,
                due=old.due if old and old.done_on else plan.due[q.id],
                done_on=old.done_on if old else None,
            )
        )
    milestones = [
        ("internal_audit", m.internal_audit, "role_auditor"),
        ("management_review", m.management_review, "role_top"),
        ("apply", m.apply, "role_ip_manager"),
    ]
    if not plan.running:
        milestones.insert(0, ("operate", m.operate, "role_ip_manager"))
    for key, due, role in milestones:
        action = _rule_action(ctx, key, due, role)
        if (old := previous.get(action.id)) and old.done_on:
            action.done_on, action.due = old.done_on, old.due
        actions.append(action)
    actions += [a for a in ctx.company.actions if a.custom]
    actions.sort(key=lambda a: (a.done_on is not None, a.due, a.priority))
    return actions, m
