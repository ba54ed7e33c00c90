"""Confirmations for irreversible actions: single-use and bound to the request that asked.

``ask(ctx, "question_key", "action.name", *args)`` shows the question with Yes/No; the action
runs only when "Yes" carries the token of the confirmation still open, or when a short "对" /
"yes" is typed right after it. Anything else the user does in between (a command, another
button, other text) withdraws it, "No" withdraws it, and
the answered question loses its buttons. The action is declared in a flow's ``actions=`` and
has no button of its own.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flows.authz import refusal
from flows.context import Ctx
from flows.natural import AnswerKind, parse_answer
from flows.phrasing import agrees
from flows.registry import Flow, Input, Registry, Verb
from flows.types import PROMPT, Out, Reply

INPUT = "confirm"
EXPIRES_AFTER = timedelta(minutes=10)
SEP = "\x1f"  # between the action's arguments inside the pending input
MAX_TYPED = 12  # a typed yes/no is short; a sentence is something else


def ask(ctx: Ctx, question_key: str, action: str, *args: str, **values: str) -> Out:
    seed = f"{ctx.user.channel}:{ctx.user.external_id}:{action}:{ctx.now.isoformat()}"
    token = hashlib.sha256(seed.encode()).hexdigest()[:12]
    ctx.wait_for(
        INPUT,
        question_key,
        token=token,
        action=action,
        args=SEP.join(args),
        expires=(ctx.now + EXPIRES_AFTER).isoformat(),
        **{f"v_{k}": v for k, v in values.items()},
    )
    return [PROMPT]


def _show(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    token = p.data.get("token", "")
    values = {k[2:]: v for k, v in p.data.items() if k.startswith("v_")}
    buttons = [[ctx.button("confirm_yes", "yes", token), ctx.button("confirm_no", "no", token)]]
    return [ctx.reply(p.field, buttons, **values)]


def _open(ctx: Ctx, token: str) -> bool:
    p = ctx.pending
    if p is None or p.flow != INPUT or p.data.get("token") != token:
        return False
    return ctx.now.isoformat() <= p.data.get("expires", "")


def _registry(ctx: Ctx) -> Registry:
    assert ctx.registry is not None, "the engine sets ctx.registry"
    return ctx.registry


def yes(ctx: Ctx, token: str) -> Out | None:
    if not _open(ctx, token):
        return None
    p = ctx.pending
    assert p is not None
    action = _registry(ctx).actions.get(p.data.get("action", ""))
    raw = p.data.get("args", "")
    args = raw.split(SEP) if raw else []
    ctx.clear_pending()
    if action is None or len(args) != action.arity:
        return None
    if (refused := refusal(ctx, action.right)) is not None:  # roles may have changed since
        return refused
    done = action.handler(ctx, *args)
    return [Reply(ctx.t("confirmed"), edit=True), *(done or [])]


def no(ctx: Ctx, token: str) -> Out | None:
    if not _open(ctx, token):
        return None
    ctx.clear_pending()
    return [Reply(ctx.t("confirm_cancelled"), edit=True)]


def typed(ctx: Ctx, text: str) -> Out | None:
    """ "对" / "yes" typed right after the question confirms it, "不" / "no" cancels it; any
    other text withdraws it and is read as usual."""
    p = ctx.pending
    assert p is not None
    token = p.data.get("token", "")
    if len(text) <= MAX_TYPED and agrees(text):
        return yes(ctx, token)
    if len(text) <= MAX_TYPED and parse_answer(text) is AnswerKind.NO:
        return no(ctx, token)
    ctx.clear_pending()
    return None


FLOW = Flow(
    "confirm",
    verbs=(
        Verb("yes", yes, arity=1, needs_company=False),
        Verb("no", no, arity=1, needs_company=False),
    ),
    inputs=(Input(INPUT, _show, take=typed, lapses=True, own_verbs=("yes", "no")),),
)
