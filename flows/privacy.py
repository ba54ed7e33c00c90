"""/privacy: what is stored, why, for how long, and how to take it or erase it; the
announcements opt-in; what deleting would do (rendered for the service's preview)."""

from __future__ import annotations

from flows.account import delete_buttons
from flows.context import Ctx
from flows.registry import Command, Flow, Verb
from flows.team import Fate
from flows.types import Out, Reply
from knowledge.text import Lang
from knowledge.texts import Catalogue


def privacy_command(ctx: Ctx, _: str = "") -> Out:
    on = ctx.user.news_opt_in
    state = ctx.t("privacy_news_on" if on else "privacy_news_off")
    text = "\n\n".join([ctx.t("privacy_text"), state])
    label, value = ("news_off_btn", "off") if on else ("news_on_btn", "on")
    return [Reply(text, [[ctx.button(label, "pv.news", value)]])]


def set_news(ctx: Ctx, value: str) -> Out | None:
    if value not in ("on", "off"):
        return None
    ctx.user.news_opt_in = value == "on"
    return [ctx.reply("news_set_on" if ctx.user.news_opt_in else "news_set_off")]


def _fate_line(ctx: Ctx, fate: Fate) -> str:
    name = fate.name or ctx.t("ws_unnamed")
    return ctx.t(f"delete_fate_{fate.action}", company=name, successor=fate.successor_name)


def deletion_preview(ctx: Ctx, fates: list[Fate]) -> Reply:
    """The confirmation of /deletedata: per company what will happen, then Yes / Cancel."""
    lines = [ctx.t("delete_confirm"), "", *[_fate_line(ctx, f) for f in fates]]
    if any(f.action == "hand_over" for f in fates):
        lines += ["", ctx.t("delete_hand_over_hint")]
    return Reply("\n".join(lines), delete_buttons(ctx))


def deletion_done(ctx: Ctx, fates: list[Fate]) -> Reply:
    kept = [_fate_line(ctx, f) for f in fates if f.action != "delete"]
    return Reply("\n".join([ctx.t("deleted"), *kept]) if kept else ctx.t("deleted"))


def announcement(texts: Catalogue, lang: Lang, text: str) -> str:
    """An operator's announcement as a user receives it: why they get it, how to stop it."""
    return "\n\n".join([texts.t(lang, "broadcast_head"), text, texts.t(lang, "broadcast_foot")])


FLOW = Flow(
    "privacy",
    commands=(Command("privacy", privacy_command, right="user"),),
    verbs=(Verb("pv.news", set_news, arity=1, needs_company=False, right="user"),),
)
