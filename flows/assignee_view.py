"""How an assignee shows in the plan and on a step's card (used by ``flows.plan`` and
``flows.journey``; the picker itself is ``flows.workspace_assign``).

A plan action (key ``action:<id>``) is assigned itself; a milestone of the plan (the internal
audit, the application...) through its journey step, which is what its reminders follow
(``flows.team.assignee_of``).
"""

from __future__ import annotations

from flows.context import Ctx
from flows.team import assignee_name
from flows.timeline import Item
from flows.types import Button

ACTION, STEP = "a", "s"  # what ``ws.asg`` assigns


def _target(item: Item) -> tuple[str, str] | None:
    if item.key.startswith("action:") and item.action_id:
        return ACTION, item.action_id
    return (STEP, item.step_id) if item.step_id else None


def item_owner(ctx: Ctx, item: Item) -> str | None:
    """The plan line's "who": the assignee's name if the item has one."""
    target = _target(item)
    if target is None:
        return None
    kind, item_id = target
    if kind == ACTION:
        action = next((a for a in ctx.company.actions if a.id == item_id), None)
        return assignee_name(ctx.company, action.assignee_id if action else None)
    return assignee_name(ctx.company, ctx.company.assignees.get(item_id))


def assign_button(ctx: Ctx, item: Item) -> list[Button]:
    target = _target(item)
    return [ctx.button("ws_assign_step_btn", "ws.asg", *target)] if target else []


def step_line(ctx: Ctx, step_id: str) -> list[str]:
    """The step card's line naming its assignee (none when unassigned)."""
    name = assignee_name(ctx.company, ctx.company.assignees.get(step_id))
    return [ctx.t("ws_step_assignee", name=name)] if name else []


def step_button(ctx: Ctx, step_id: str) -> list[Button]:
    return [ctx.button("ws_assign_step_btn", "ws.asg", STEP, step_id)]
