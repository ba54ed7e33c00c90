"""Turn gaps into a dated plan, scheduled backwards from the target certification date.

Hard rules (domain brief §3.2, [H]): the system runs at least ``min_operation_months`` with
records before applying, and a full internal audit and a management review are done before
applying. Lead times below are typical practice ([M]) and only place the milestones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flows.context import Ctx
from flows.dates import add_months
from flows.messages import MESSAGES
from flows.scoring import gaps
from flows.state import Action

APPLICATION_TO_CERTIFICATE_MONTHS = 3  # CB review, stage 1, stage 2, decision (brief §3.3)
REVIEW_BEFORE_APPLY_DAYS = 14  # management review shortly before applying
AUDIT_BEFORE_REVIEW_DAYS = 14  # the review takes the internal audit's results as input
MIN_SETUP_DAYS = 30  # documents and training before the system can run with records

# Gap questions whose closing action is tied to a milestone rather than to its effort.
MILESTONE_QUESTIONS = {
    "F01": "internal_audit",
    "F02": "management_review",
    "F03": "management_review",
    "F05": "apply",
}


@dataclass(frozen=True)
class Milestones:
    system_start: date
    internal_audit: date
    management_review: date
    apply: date
    target: date


def milestones_for(target: date, rules_months: int) -> Milestones:
    apply = add_months(target, -APPLICATION_TO_CERTIFICATE_MONTHS)
    review = apply - timedelta(days=REVIEW_BEFORE_APPLY_DAYS)
    audit = review - timedelta(days=AUDIT_BEFORE_REVIEW_DAYS)
    return Milestones(add_months(apply, -rules_months), audit, review, apply, target)


def earliest_target(ctx: Ctx) -> date:
    """The first target date that respects every hard rule, from today."""
    months = ctx.kb.rules.min_operation_months
    start = ctx.company.system_start or ctx.today + timedelta(days=MIN_SETUP_DAYS)
    audit_and_review = timedelta(days=AUDIT_BEFORE_REVIEW_DAYS + REVIEW_BEFORE_APPLY_DAYS)
    apply = max(add_months(start, months), ctx.today + audit_and_review)
    return add_months(apply, APPLICATION_TO_CERTIFICATE_MONTHS)


def _rule_action(ctx: Ctx, key: str, due: date, role: str) -> Action:
    return Action(
        id=f"rule:{key}",
        title_zh=MESSAGES[f"rule_{key}"]["zh"],
        title_en=MESSAGES[f"rule_{key}"]["en"],
        owner_role_zh=MESSAGES[role]["zh"],
        owner_role_en=MESSAGES[role]["en"],
        priority=1,
        due=due,
    )


def build_plan(ctx: Ctx, target: date) -> tuple[list[Action], Milestones]:
    """New plan for ``target``; keeps the user's own actions and what is already done."""
    m = milestones_for(target, ctx.kb.rules.min_operation_months)
    setup_deadline = max(m.system_start, ctx.today)
    previous = {a.id: a for a in ctx.company.actions}
    actions: list[Action] = []
    for q, priority in gaps(ctx.company.answers, ctx.kb.questions):
        milestone = MILESTONE_QUESTIONS.get(q.id)
        if milestone:
            due = getattr(m, milestone)
        else:
            due = min(ctx.today + timedelta(days=q.effort_days), setup_deadline)
        actions.append(
            Action(
                id=f"gap:{q.id}",
                title_zh=q.action.zh,
                title_en=q.action.en,
                owner_role_zh=q.owner_role.zh,
                owner_role_en=q.owner_role.en,
                question_id=q.id,
                clause_ids=list(q.clauses),
                priority=priority,
                due=max(due, ctx.today),
            )
        )
    if ctx.company.system_start is None:
        actions.append(_rule_action(ctx, "operate", m.system_start, "role_ip_manager"))
    actions += [
        _rule_action(ctx, "internal_audit", m.internal_audit, "role_auditor"),
        _rule_action(ctx, "management_review", m.management_review, "role_top"),
        _rule_action(ctx, "apply", m.apply, "role_ip_manager"),
    ]
    for a in actions:
        if (old := previous.get(a.id)) and old.done_on:
            a.done_on = old.done_on
    actions += [a for a in ctx.company.actions if a.custom]
    actions.sort(key=lambda a: (a.done_on is not None, a.due, a.priority))
    return actions, m
