"""The user's own settings and data: language, timezone, reminder hour, export, delete, admin."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flows.callbacks import encode
from flows.context import Ctx
from flows.natural import TimezoneProblem, resolve_timezone
from flows.registry import Command, Flow, Input, Verb
from flows.types import LANGS, PROMPT, AdminStats, Button, DeleteData, ExportData, Out, Reply

CONFIRM_DELETE = "confirm_delete"
CONFIRM_MINUTES = 10  # a delete confirmation expires after this


def lang_buttons() -> list[list[Button]]:
    return [[Button("中文", encode("lang", "zh")), Button("English", encode("lang", "en"))]]


def set_lang(ctx: Ctx, lang: str) -> Out | None:
    if lang not in LANGS:
        return None
    ctx.user.lang = "zh" if lang == "zh" else "en"
    ctx.user.lang_chosen = True
    out: Out = [ctx.reply("lang_set")]
    return [*out, PROMPT] if ctx.pending else out


def lang_command(ctx: Ctx, args: str) -> Out:
    choice = args.strip().lower()
    if choice in LANGS:
        return set_lang(ctx, choice) or []
    return [Reply(ctx.texts.both("lang_choose", sep=" / "), lang_buttons())]


def timezone_command(ctx: Ctx, args: str) -> Out:
    name = args.strip()
    company = ctx.company
    if not name:
        return [ctx.reply("timezone_show", tz=company.timezone, hour=company.reminder_hour)]
    found = resolve_timezone(name)
    if isinstance(found, TimezoneProblem):
        key = "timezone_region" if found.kind in ("region", "ambiguous") else "timezone_bad"
        return [ctx.reply(key, tz=name[:60])]
    company.timezone = found
    return [ctx.reply("timezone_set", tz=found, hour=company.reminder_hour)]


def reminder_hour_command(ctx: Ctx, args: str) -> Out:
    practice = ctx.kb.rules.practice.reminders
    lo, hi = practice.earliest_hour, practice.latest_hour
    s = args.strip()
    if not (s.isdigit() and lo <= int(s) <= hi):
        return [ctx.reply("hour_bad", lo=lo, hi=hi, hour=ctx.company.reminder_hour)]
    ctx.company.reminder_hour = int(s)
    return [ctx.reply("timezone_set", tz=ctx.company.timezone, hour=int(s))]


# --- data rights ----------------------------------------------------------------------------


def export_command(ctx: Ctx, _: str) -> Out:
    return [ExportData()]


def _token(ctx: Ctx) -> str:
    """Binds a confirmation to the request that showed it (not guessable from the outside)."""
    seed = f"{ctx.user.channel}:{ctx.user.external_id}:{ctx.now.isoformat()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def delete_command(ctx: Ctx, _: str) -> Out:
    token = _token(ctx)
    expires = (ctx.now + timedelta(minutes=CONFIRM_MINUTES)).isoformat()
    ctx.wait_for(CONFIRM_DELETE, "", token=token, expires=expires)
    return [PROMPT]


def _ask_delete(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    token = p.data.get("token", "")
    buttons = [
        [ctx.button("delete_yes", "del.yes", token), ctx.button("delete_no", "del.no", token)]
    ]
    return [ctx.reply("delete_confirm", buttons)]


def _confirmation_open(ctx: Ctx, token: str) -> bool:
    p = ctx.pending
    if p is None or p.flow != CONFIRM_DELETE or p.data.get("token") != token:
        return False
    return ctx.now.isoformat() <= p.data.get("expires", "")


def delete_yes(ctx: Ctx, token: str) -> Out | None:
    if not _confirmation_open(ctx, token):
        return None
    ctx.clear_pending()
    return [Reply(ctx.t("deleting"), edit=True), DeleteData()]


def delete_no(ctx: Ctx, token: str) -> Out | None:
    if not _confirmation_open(ctx, token):
        return None
    ctx.clear_pending()
    return [Reply(ctx.t("delete_cancelled"), edit=True)]


def admin_command(ctx: Ctx, _: str) -> Out:
    user = ctx.user
    if user.channel != "telegram" or user.external_id not in ctx.options.admin_ids:
        return [ctx.reply("admin_only")]
    return [AdminStats()]


FLOW = Flow(
    "account",
    commands=(
        Command("lang", lang_command, aliases=("language",)),
        Command("timezone", timezone_command, needs_company=True, usage="Asia/Shanghai"),
        Command("reminderhour", reminder_hour_command, needs_company=True, usage="9"),
        Command("export", export_command),
        Command("deletedata", delete_command, aliases=("delete",)),
        Command("admin", admin_command, menu=False),
    ),
    verbs=(
        Verb("lang", set_lang, arity=1, needs_company=False),
        Verb("del.yes", delete_yes, arity=1, needs_company=False),
        Verb("del.no", delete_no, arity=1, needs_company=False),
    ),
    # Anything else the user does withdraws the confirmation: an old "Yes" never deletes.
    inputs=(Input(CONFIRM_DELETE, _ask_delete, lapses=True, own_verbs=("del.yes", "del.no")),),
)
