"""What is already known about the company: checklist items that tick themselves.

A checklist item lists conditions (``known`` in journey.yaml); when all of them hold, the item
shows ticked without the user pressing it: the start date entered, the policy answered "yes"
in the assessment, the internal audit recorded as done. Conditions:

``answer:B01``  the requirement is met (answered yes) or its plan action is done
``done:<key>``  the timeline item is done (``done:internal_audit``, ``done:recert:apply``)
``date:<key>``  the user recorded a date for it (``date:operate``, ``date:stage1``)
``theme:<id>``  every plan action of the theme is done
``assessed`` (quick assessment done), ``plan``, ``target``, ``months`` (3 months of
operation reached), ``cert``, ``ncs`` (nonconformities recorded), ``ncs_closed``.
"""

from __future__ import annotations

from flows import assessment
from flows.context import Ctx
from flows.timeline import Item, State, Timeline, build, state
from knowledge.schema import CheckItem, Step


def timeline_of(ctx: Ctx) -> Timeline:
    return build(ctx.company, ctx.kb.rules, ctx.kb.journey)


def is_done(item: Item | None, ctx: Ctx) -> bool:
    return item is not None and state(item, ctx.today) is State.DONE


def holds(ctx: Ctx, condition: str, tl: Timeline) -> bool:
    kind, _, arg = condition.partition(":")
    company = ctx.company
    if kind == "answer":
        answer = company.answers.get(arg)
        action = next((a for a in company.actions if a.question_id == arg), None)
        return (answer is not None and answer.value == "yes") or (
            action is not None and action.done_on is not None
        )
    if kind == "done":
        return is_done(tl.get(arg), ctx)
    if kind == "date":
        item = tl.get(arg)
        return item is not None and item.fixed
    if kind == "theme":
        mine = [i for i in tl.items if i.theme == arg]
        return bool(mine) and all(i.done for i in mine)
    return _flag(ctx, condition, tl)


def _flag(ctx: Ctx, flag: str, tl: Timeline) -> bool:
    company = ctx.company
    if flag == "assessed":
        return assessment.quick_done(ctx)
    if flag == "plan":
        return any(not a.custom for a in company.actions)
    if flag == "target":
        return company.target_date is not None
    if flag == "months":
        eligible, start = tl.get("eligible"), tl.get("operate")
        return bool(eligible and start and start.fixed and eligible.on <= ctx.today)
    if flag == "cert":
        return company.certificate is not None
    if flag == "ncs":
        return bool(company.nonconformities)
    if flag == "ncs_closed":
        ncs = company.nonconformities
        return bool(ncs) and all(nc.closed_on is not None for nc in ncs)
    return False


def item_known(ctx: Ctx, item: CheckItem, tl: Timeline) -> bool:
    return bool(item.known) and all(holds(ctx, c, tl) for c in item.known)


def ticked(ctx: Ctx, step: Step, tl: Timeline | None = None) -> set[str]:
    """Checklist ids shown ticked: what the user ticked and what is known."""
    tl = tl or timeline_of(ctx)
    own = set(ctx.company.checked.get(step.id, []))
    return own | {c.id for c in step.checklist if item_known(ctx, c, tl)}
