"""Turn gaps into a dated plan, scheduled backwards from the target certification date.

Hard rules (domain brief §3.2, [H]): the system runs at least ``min_operation_months`` with
records before applying, and a full internal audit and a management review are done before
applying. Lead times are typical practice ([M], ``rules.practice.planning``) and only place
the milestones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flows.context import Ctx
from flows.dates import add_months
from flows.scoring import gaps
from flows.state import Action
from knowledge.schema import PlanningPractice

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


def milestones_for(target: date, rules_months: int, lead: PlanningPractice) -> Milestones:
    apply = add_months(target, -lead.application_to_certificate_months)
    review = apply - timedelta(days=lead.review_before_apply_days)
    audit = review - timedelta(days=lead.audit_before_review_days)
    return Milestones(add_months(apply, -rules_months), audit, review, apply, target)


def earliest_target(ctx: Ctx) -> date:
    """The first target date that respects every hard rule, from today."""
    lead = ctx.kb.rules.practice.planning
    months = ctx.kb.rules.min_operation_months
    start = ctx.company.system_start or ctx.today + timedelta(days=lead.min_setup_days)
    audit_and_review = timedelta(days=lead.audit_before_review_days + lead.review_before_apply_days)
    apply = max(add_months(start, months), ctx.today + audit_and_review)
    return add_months(apply, lead.application_to_certificate_months)


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


def build_plan(ctx: Ctx, target: date) -> tuple[list[Action], Milestones]:
    """New plan for ``target``; keeps the user's own actions and what is already done."""
    rules = ctx.kb.rules
    m = milestones_for(target, rules.min_operation_months, rules.practice.planning)
    setup_deadline = max(m.system_start, ctx.today)
    previous = {a.id: a for a in ctx.company.actions}
    actions: list[Action] = []
    for q, priority in gaps(ctx.company.answers, ctx.kb.questions, rules):
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
