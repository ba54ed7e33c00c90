"""How an assignee shows in the plan and on a step's card (used by ``flows.plan`` and
``flows.journey``; the picker itself is ``flows.workspace_assign``)."""

from __future__ import annotations

from flows.callbacks import encode
from flows.context import Ctx
from flows.state import Action
from flows.team import assignee_name
from flows.types import Button

ACTION, STEP = "a", "s"  # what ``ws.asg`` assigns


def action_owner(ctx: Ctx, action: Action) -> str | None:
    """The plan line's "who": the assignee's name if the action has one."""
    return assignee_name(ctx.company, action.assignee_id)


def action_button(n: int, action: Action) -> Button:
    return Button(f"👤 {n}", encode("ws.asg", ACTION, action.id))


def step_line(ctx: Ctx, step_id: str) -> list[str]:
    """The step card's line naming its assignee (none when unassigned)."""
    name = assignee_name(ctx.company, ctx.company.assignees.get(step_id))
    return [ctx.t("ws_step_assignee", name=name)] if name else []


def step_button(ctx: Ctx, step_id: str) -> list[Button]:
    return [ctx.button("ws_assign_step_btn", "ws.asg", STEP, step_id)]
