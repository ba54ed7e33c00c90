"""Free-text questions answered from the curated FAQ, with citations and honest refusals."""

from __future__ import annotations

from flows.context import Ctx
from flows.types import Button, Reply
from knowledge.answers import cite, confidence_note
from knowledge.schema import FaqEntry

RELATED_SHOWN = 3
MAX_FORWARD = 1000  # characters of a question kept for the operator
LABEL_MAX = 60


def _label(ctx: Ctx, entry: FaqEntry) -> str:
    text = entry.questions.get(ctx.lang)[0]
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def entry_reply(ctx: Ctx, entry: FaqEntry) -> Reply:
    parts = [entry.answer.get(ctx.lang)]
    if note := confidence_note(entry, ctx.lang):
        parts.append(note)
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
    if ctx.options.can_forward and ctx.user.pending is None:
        # Offer a human answer; the question waits in ``pending`` until the user decides.
        ctx.wait_for("forward", "", q=text[:MAX_FORWARD])
        out[-1].buttons = [[Button(ctx.t("forward_btn"), "fwd:yes")]]
    elif ctx.options.operator_contact:
        out.append(ctx.reply("faq_operator", contact=ctx.options.operator_contact))
    return out


def forward(ctx: Ctx) -> list[Reply] | None:
    """The user accepted: the pending question goes to the operator."""
    p = ctx.user.pending
    if p is None or p.flow != "forward" or not p.data.get("q"):
        return None
    ctx.clear_pending()
    return [ctx.reply("forwarded"), Reply(p.data["q"], to_operator=p.data["q"])]


def show_entry(ctx: Ctx, entry_id: str) -> list[Reply] | None:
    entry = ctx.kb.faq.get(entry_id)
    return [entry_reply(ctx, entry)] if entry else None
