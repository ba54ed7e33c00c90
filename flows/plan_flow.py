"""Conversation around the plan: target date, viewing, ticking, re-dating, adding actions."""

from __future__ import annotations

from datetime import date

from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.planning import APPLICATION_TO_CERTIFICATE_MONTHS, build_plan, earliest_target
from flows.state import Action
from flows.types import Button, Reply

PLAN_SHOWN = 10  # actions listed in one message (Telegram keyboards stay readable)
MAX_TITLE = 200
TARGET_CHOICES = (6, 9, 12)


def ask_target(ctx: Ctx) -> list[Reply]:
    ctx.wait_for("plan_target")
    buttons = [
        [
            Button(ctx.t("in_months", n=n), f"pl:target:{fmt_date(add_months(ctx.today, n))}")
            for n in TARGET_CHOICES
        ]
    ]
    return [ctx.reply("ask_target", buttons, months=ctx.kb.rules.min_operation_months)]


def set_target(ctx: Ctx, target: date) -> list[Reply]:
    ctx.clear_pending()
    out: list[Reply] = []
    earliest = earliest_target(ctx)
    if target < earliest:
        out.append(
            ctx.reply(
                "target_too_early",
                target=fmt_date(target),
                earliest=fmt_date(earliest),
                months=ctx.kb.rules.min_operation_months,
                lead=APPLICATION_TO_CERTIFICATE_MONTHS,
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


def _title(ctx: Ctx, a: Action) -> str:
    return a.title_zh if ctx.lang == "zh" else a.title_en


def _owner(ctx: Ctx, a: Action) -> str:
    return (a.owner_role_zh if ctx.lang == "zh" else a.owner_role_en) or ctx.t("owner_you")


def open_actions(ctx: Ctx) -> list[Action]:
    return sorted(
        (a for a in ctx.company.actions if a.done_on is None), key=lambda a: (a.due, a.priority)
    )


def show(ctx: Ctx, show_all: bool = False) -> Reply:
    actions = ctx.company.actions
    if not actions:
        return ctx.reply("plan_empty", [[Button(ctx.t("start_assess"), "as:start")]])
    pending = open_actions(ctx)
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
            title=_title(ctx, a),
            owner=_owner(ctx, a),
            star=" ★" if a.priority == 1 else "",
        )
        for i, a in enumerate(listed, 1)
    ]
    if len(pending) > len(listed):
        lines.append(ctx.t("plan_more", n=len(pending) - len(listed)))
    buttons = [
        [Button(f"✅ {i}", f"pl:done:{a.id}"), Button(f"📅 {i}", f"pl:date:{a.id}")]
        for i, a in enumerate(pending[:PLAN_SHOWN], 1)
    ]
    buttons.append([Button(ctx.t("add_action"), "pl:add")])
    return Reply("\n".join([head, *lines]), buttons)


def find(ctx: Ctx, action_id: str) -> Action | None:
    return next((a for a in ctx.company.actions if a.id == action_id), None)


def mark_done(ctx: Ctx, action_id: str) -> list[Reply] | None:
    a = find(ctx, action_id)
    if a is None:
        return None
    if a.done_on is None:
        a.done_on = ctx.today
        return [ctx.reply("action_done", title=_title(ctx, a)), show(ctx)]
    return [ctx.reply("action_done", title=_title(ctx, a))]


def ask_new_date(ctx: Ctx, action_id: str) -> list[Reply] | None:
    a = find(ctx, action_id)
    if a is None:
        return None
    ctx.wait_for("action_date", a.id)
    return [ctx.reply("action_new_date", title=_title(ctx, a))]


def set_date(ctx: Ctx, action_id: str, due: date) -> list[Reply]:
    ctx.clear_pending()
    a = find(ctx, action_id)
    if a is None:
        return [ctx.reply("event_unknown")]
    a.due = due
    return [ctx.reply("action_moved", title=_title(ctx, a), due=fmt_date(due)), show(ctx)]


def ask_new_action(ctx: Ctx) -> list[Reply]:
    ctx.wait_for("action_title")
    return [ctx.reply("ask_action_title")]


def take_title(ctx: Ctx, text: str) -> list[Reply]:
    title = " ".join(text.split())
    if not 1 <= len(title) <= MAX_TITLE:
        return [ctx.reply("bad_title")]
    ctx.wait_for("action_due", "", title=title)
    return [ctx.reply("ask_action_due", title=title)]


def add_action(ctx: Ctx, title: str, due: date) -> list[Reply]:
    ctx.clear_pending()
    n = 1 + max((int(a.id[4:]) for a in ctx.company.actions if a.id.startswith("own:")), default=0)
    ctx.company.actions.append(
        Action(id=f"own:{n}", title_zh=title, title_en=title, due=due, custom=True, priority=2)
    )
    return [ctx.reply("action_added", title=title, due=fmt_date(due)), show(ctx)]
