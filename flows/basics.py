"""Commands about the conversation itself: /help, /cancel and /back."""

from __future__ import annotations

from flows import journey
from flows.context import Ctx
from flows.registry import Command, Flow, Input, Registry, Verb
from flows.types import PROMPT, Out, Reply


def _registry(ctx: Ctx) -> Registry:
    assert ctx.registry is not None, "the engine sets ctx.registry"
    return ctx.registry


def _input(ctx: Ctx) -> Input | None:
    p = ctx.pending
    return _registry(ctx).inputs.get(p.flow) if p else None


def help_text(ctx: Ctx) -> str:
    """/help is made from the command table: every menu command with its description."""
    lines = [ctx.t("help_head")]
    for cmd in _registry(ctx).menu:
        usage = f" {cmd.usage}" if cmd.usage else ""
        lines.append(f"/{cmd.name}{usage} — {ctx.t(f'cmd_{cmd.name}')}")
    lines.append(ctx.t("help_tail"))
    return "\n".join(lines)


def help_command(ctx: Ctx, _: str) -> Out:
    return [Reply(help_text(ctx))]


def cancel(ctx: Ctx, _: str) -> Out:
    inp = _input(ctx)
    if inp is None:
        return [ctx.reply("nothing_to_cancel")]
    ctx.clear_pending()
    # Onboarding and the assessment are paused, not lost: what was answered stays.
    return [ctx.reply("paused" if inp.resumable else "cancelled")]


def back(ctx: Ctx, _: str) -> Out:
    inp = _input(ctx)
    if inp is not None and inp.back is not None:
        return inp.back(ctx)
    if inp is not None:
        return [PROMPT]
    if not ctx.company.onboarded:
        return [PROMPT]
    return journey.back_to_previous_step(ctx)


def pick(ctx: Ctx, value: str) -> Out | None:
    """A value offered as a button for the pending input (e.g. one of two readings of a date)."""
    inp = _input(ctx)
    if inp is None or inp.take is None:
        return None
    return inp.take(ctx, value)


FLOW = Flow(
    "basics",
    commands=(
        Command("help", help_command),
        Command("cancel", cancel),
        Command("back", back),
    ),
    verbs=(Verb("pick", pick, arity=1, needs_company=False),),
)
