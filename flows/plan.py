"""Conversation around the plan: target date, viewing, ticking, re-dating, adding actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flows.assignee_view import action_button, action_owner
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.phrasing import looks_like_question
from flows.planning import build_plan, earliest_target
from flows.reading import Got, read_date
from flows.registry import Command, Flow, Input, Verb
from flows.state import Action
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply

PLAN_SHOWN = 10  # actions listed in one message (Telegram keyboards stay readable)
MAX_TITLE = 200
TARGET_CHOICES = (6, 9, 12)


# --- target date and the plan itself ---------------------------------------------------------


def ask_target(ctx: Ctx) -> Out:
    ctx.wait_for("plan_target")
    return [PROMPT]


def _target_prompt(ctx: Ctx) -> Out:
    buttons = [
        [
            Button(ctx.t("in_months", n=n), encode("pl.target", fmt_date(add_months(ctx.today, n))))
            for n in TARGET_CHOICES
        ]
    ]
    return [ctx.reply("ask_target", buttons, months=ctx.kb.rules.min_operation_months)]


def target_pressed(ctx: Ctx, value: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != "plan_target":
        return None
    try:
        return set_target(ctx, date.fromisoformat(value))
    except ValueError:
        return None


def set_target(ctx: Ctx, target: date) -> Out:
    ctx.clear_pending()
    out: Out = []
    earliest = earliest_target(ctx)
    if target < earliest:
        out.append(
            ctx.reply(
                "target_too_early",
                target=fmt_date(target),
                earliest=fmt_date(earliest),
                months=ctx.kb.rules.min_operation_months,
                lead=ctx.kb.rules.practice.planning.application_to_certificate_months,
            )
        )
        target = earliest
    ctx.company.target_date = target
    actions, m = build_plan(ctx, target)
    ctx.company.actions = actions
    if "prep.plan" not in ctx.company.steps_done:
        ctx.company.steps_done.append("prep.plan")
    lines = [
        (ctx.t("rule_internal_audit"), m.internal_audit),
        (ctx.t("rule_management_review"), m.management_review),
        (ctx.t("rule_apply"), m.apply),
    ]
    if ctx.company.system_start is None:
        lines.insert(0, (ctx.t("rule_operate"), m.system_start))
    milestones = "\n".join(f"• {fmt_date(d)} {title}" for title, d in lines)
    out.append(
        ctx.reply("plan_made", n=len(actions), target=fmt_date(target), milestones=milestones)
    )
    out.append(show(ctx))
    return out


def title_of(ctx: Ctx, a: Action) -> str:
    return a.title_zh if ctx.lang == "zh" else a.title_en


def _owner(ctx: Ctx, a: Action) -> str:
    role = a.owner_role_zh if ctx.lang == "zh" else a.owner_role_en
    return action_owner(ctx, a) or role or ctx.t("owner_you")


def open_actions(actions: list[Action]) -> list[Action]:
    return sorted((a for a in actions if a.done_on is None), key=lambda a: (a.due, a.priority))


def show(ctx: Ctx, show_all: bool = False) -> Reply:
    actions = ctx.company.actions
    if not actions:
        return ctx.reply("plan_empty", [[ctx.button("start_assess", "as.start")]])
    pending = open_actions(actions)
    done = [a for a in actions if a.done_on is not None]
    head = ctx.t(
        "plan_header",
        target=fmt_date(ctx.company.target_date) if ctx.company.target_date else "—",
        open=len(pending),
        done=len(done),
    )
    listed = pending if show_all else pending[:PLAN_SHOWN]
    lines = [
        ctx.t(
            "plan_line",
            mark="⬜",
            n=i,
            due=fmt_date(a.due),
            title=title_of(ctx, a),
            owner=_owner(ctx, a),
            star=" ★" if a.priority == 1 else "",
        )
        for i, a in enumerate(listed, 1)
    ]
    if len(pending) > len(listed):
        lines.append(ctx.t("plan_more", n=len(pending) - len(listed)))
    buttons = [
        [
            Button(f"✅ {i}", encode("pl.done", a.id)),
            Button(f"📅 {i}", encode("pl.date", a.id)),
            action_button(i, a),
        ]
        for i, a in enumerate(pending[:PLAN_SHOWN], 1)
    ]
    buttons.append([ctx.button("add_action", "pl.add")])
    return Reply("\n".join([head, *lines]), buttons)


def plan_command(ctx: Ctx, args: str) -> Out:
    return [show(ctx, show_all=args.lower() == "all")]


# --- one action ---------------------------------------------------------------------------


def find(ctx: Ctx, action_id: str) -> Action | None:
    return next((a for a in ctx.company.actions if a.id == action_id), None)


def mark_done(ctx: Ctx, action_id: str) -> Out | None:
    a = find(ctx, action_id)
    if a is None:
        return None
    if a.done_on is None:
        a.done_on = ctx.today
        return [ctx.reply("action_done", title=title_of(ctx, a)), show(ctx)]
    return [ctx.reply("action_done", title=title_of(ctx, a))]


def ask_new_date(ctx: Ctx, action_id: str) -> Out | None:
    if find(ctx, action_id) is None:
        return None
    ctx.wait_for("action_date", action_id)
    return [PROMPT]


def set_date(ctx: Ctx, action_id: str, due: date) -> Out:
    ctx.clear_pending()
    a = find(ctx, action_id)
    if a is None:
        return [ctx.reply("event_unknown")]
    a.due = due
    return [ctx.reply("action_moved", title=title_of(ctx, a), due=fmt_date(due)), show(ctx)]


def ask_new_action(ctx: Ctx) -> Out:
    ctx.wait_for("action_title")
    return [PROMPT]


def take_title(ctx: Ctx, text: str) -> Out | None:
    if looks_like_question(text):
        return None
    title = " ".join(text.split())
    if not 1 <= len(title) <= MAX_TITLE:
        return [ctx.reply("bad_title"), PROMPT]
    ctx.wait_for("action_due", "", title=title)
    return [PROMPT]


def add_action(ctx: Ctx, title: str, due: date) -> Out:
    ctx.clear_pending()
    n = 1 + max((int(a.id[4:]) for a in ctx.company.actions if a.id.startswith("own:")), default=0)
    ctx.company.actions.append(
        Action(id=f"own:{n}", title_zh=title, title_en=title, due=due, custom=True, priority=2)
    )
    return [ctx.reply("action_added", title=title, due=fmt_date(due)), show(ctx)]


# --- typed dates ----------------------------------------------------------------------------


def _future(ctx: Ctx, text: str, then: Callable[[date], Out]) -> Out | None:
    """A date today or later (the end of a period: "明年6月底", "March"), then ``then``."""
    got = read_date(ctx, text, "future", "end")
    if not isinstance(got, Got):
        return got
    return [*([got.echo] if got.echo else []), *then(got.value)]


def take_target(ctx: Ctx, text: str) -> Out | None:
    return _future(ctx, text, lambda d: set_target(ctx, d))


def take_action_date(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    return _future(ctx, text, lambda d: set_date(ctx, p.field, d))


def take_action_due(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    return _future(ctx, text, lambda d: add_action(ctx, p.data.get("title", "?"), d))


def _ask_action_date(ctx: Ctx) -> Out:
    p = ctx.pending
    a = find(ctx, p.field) if p else None
    if a is None:
        ctx.clear_pending()
        return [SHOW_NEXT]
    return [ctx.reply("action_new_date", title=title_of(ctx, a))]


def _ask_action_due(ctx: Ctx) -> Out:
    p = ctx.pending
    return [ctx.reply("ask_action_due", title=p.data.get("title", "") if p else "")]


FLOW = Flow(
    "plan",
    commands=(Command("plan", plan_command, needs_company=True),),
    verbs=(
        Verb("pl.make", ask_target),
        Verb("pl.show", lambda ctx: [show(ctx)]),
        Verb("pl.add", ask_new_action),
        Verb("pl.done", mark_done, arity=1),
        Verb("pl.date", ask_new_date, arity=1),
        Verb("pl.target", target_pressed, arity=1),
    ),
    inputs=(
        Input("plan_target", _target_prompt, take=take_target),
        Input("action_date", _ask_action_date, take=take_action_date),
        Input("action_title", lambda ctx: [ctx.reply("ask_action_title")], take=take_title),
        Input("action_due", _ask_action_due, take=take_action_due),
    ),
)
