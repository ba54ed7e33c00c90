"""Free-text questions answered from the curated FAQ, with citations and honest refusals."""

from __future__ import annotations

from flows.cite import cite
from flows.context import Ctx
from flows.types import Button, Reply
from knowledge.schema import FaqEntry

RELATED_SHOWN = 3
LABEL_MAX = 60


def _label(ctx: Ctx, entry: FaqEntry) -> str:
    text = entry.questions.get(ctx.lang)[0]
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def entry_reply(ctx: Ctx, entry: FaqEntry) -> Reply:
    parts = [entry.answer.get(ctx.lang)]
    if entry.confidence == "L":
        parts.append(ctx.t("faq_uncertain"))
    if entry.clauses:
        parts.append(ctx.t("faq_clause", clauses=cite(ctx.kb, entry.clauses, ctx.lang)))
    related = [ctx.kb.faq[r] for r in entry.related if r in ctx.kb.faq][:RELATED_SHOWN]
    buttons = [[Button(_label(ctx, r), f"faq:{r.id}")] for r in related]
    if related:
        parts.append(ctx.t("faq_related"))
    return Reply("\n\n".join(parts), buttons)


def answer_text(ctx: Ctx, text: str) -> list[Reply]:
    match = ctx.kb.matcher.match(text, ctx.lang)
    if match.status == "answered" and match.entry is not None:
        return [entry_reply(ctx, match.entry)]
    if match.status == "suggest" and match.suggestions:
        buttons = [[Button(_label(ctx, e), f"faq:{e.id}")] for e in match.suggestions[:3]]
        return [ctx.reply("faq_suggest", buttons)]
    out = [ctx.reply("faq_unknown")]
    if ctx.options.operator_contact:
        out.append(ctx.reply("faq_operator", contact=ctx.options.operator_contact))
    return out


def show_entry(ctx: Ctx, entry_id: str) -> list[Reply] | None:
    entry = ctx.kb.faq.get(entry_id)
    return [entry_reply(ctx, entry)] if entry else None
