"""Assigning plan actions and journey steps to a member of the company.

The plan shows a 👤 button per action and a step's card one for the step; both open a
picker of the company's members. An assignee gets the item's reminders (``flows.team``)
and finds it in /mine.
"""

from __future__ import annotations

from flows import journey, plan
from flows.assignee_view import ACTION, STEP
from flows.callbacks import encode
from flows.context import Ctx
from flows.registry import Flow, Verb
from flows.state import Action
from flows.team import member_of
from flows.types import Button, Out

NOBODY = "-"


def _action(ctx: Ctx, action_id: str) -> Action | None:
    return next((a for a in ctx.company.actions if a.id == action_id), None)


def _title(ctx: Ctx, kind: str, item: str) -> str | None:
    if kind == ACTION:
        a = _action(ctx, item)
        return plan.title_of(ctx, a) if a is not None else None
    step = ctx.kb.steps.get(item) if kind == STEP else None
    return step.title.get(ctx.lang) if step is not None else None


def pick(ctx: Ctx, kind: str, item: str) -> Out | None:
    """Whom to assign ``item`` to: the company's members, or nobody."""
    title = _title(ctx, kind, item)
    if title is None:
        return None
    buttons = [
        [
            Button(
                ctx.t("ws_member_pick", name=m.name, role=ctx.t(f"ws_role_{m.role}")),
                encode("ws.to", kind, item, m.user_id),
            )
        ]
        for m in ctx.company.members
    ]
    buttons.append([ctx.button("ws_nobody_btn", "ws.to", kind, item, NOBODY)])
    return [ctx.reply("ws_assign_pick", buttons, title=title)]


def assign(ctx: Ctx, kind: str, item: str, who: str) -> Out | None:
    title = _title(ctx, kind, item)
    member = member_of(ctx.company, int(who)) if who.isdigit() else None
    if title is None or (member is None and who != NOBODY):
        return None  # stale: the item or the member is gone
    user_id = member.user_id if member is not None else None
    if kind == ACTION:
        action = _action(ctx, item)
        assert action is not None
        action.assignee_id = user_id
    elif user_id is None:
        ctx.company.assignees.pop(item, None)
    else:
        ctx.company.assignees[item] = user_id
    said = (
        ctx.reply("ws_assigned", title=title, name=member.name)
        if member is not None
        else ctx.reply("ws_unassigned", title=title)
    )
    view = plan.show(ctx) if kind == ACTION else journey.step_view(ctx, item)
    return [said, view]


FLOW = Flow(
    "assign",
    verbs=(
        Verb("ws.asg", pick, arity=2),
        Verb("ws.to", assign, arity=3),
    ),
)
