"""Free-text questions answered from the curated FAQ, with citations and honest refusals."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.phrasing import looks_like_question
from flows.registry import Flow, Input, Verb
from flows.reminders import relative_days
from flows.types import PROMPT, SHOW_NEXT, Button, Forward, Out, Reply
from knowledge.answers import cite, confidence_note
from knowledge.schema import FaqEntry

RELATED_SHOWN = 3
CONFIDENT = 90  # calibrated chance (%) the answer is right; below it, offer the runners-up
ALTERNATIVES_SHOWN = 2
MAX_FORWARD = 1000  # characters of a question kept for the operator
LABEL_MAX = 60
FORWARD_INPUT = "forward"


def _label(ctx: Ctx, entry: FaqEntry) -> str:
    text = entry.title(ctx.lang)
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def entry_reply(ctx: Ctx, entry: FaqEntry, alternatives: list[FaqEntry] | None = None) -> Reply:
    """The answer with its caveat and reference; then related questions, or, when the match
    was not sure, the other questions it might have been."""
    parts = [entry.answer.get(ctx.lang)]
    old = [e for e, edition in ctx.kb.editions.items() if not edition.current and e in parts[0]]
    if old and not _SAID_SUPERSEDED.search(parts[0]):
        # "2013版7.6…": never read as today's basis; the answer does not say so itself
        end = ctx.kb.rules.transition["old_certificates_end"]
        parts[0] += "\n" + ctx.t("faq_old_edition_note", edition=old[0], end=end)
    if yours := your_date(ctx, entry):
        parts.append(yours)
    if note := confidence_note(entry, ctx.lang):
        parts.append(note)
    if entry.clauses:
        parts.append(ctx.t("faq_clause", clauses=cite(ctx.kb, entry.clauses, ctx.lang)))
    if alternatives:
        more, header = alternatives[:ALTERNATIVES_SHOWN], "faq_alternatives"
    else:
        more = [ctx.kb.faq[r] for r in entry.related if r in ctx.kb.faq][:RELATED_SHOWN]
        header = "faq_related"
    if more:
        parts.append(ctx.t(header))
    return Reply("\n\n".join(parts), [[Button(_label(ctx, e), encode("faq", e.id))] for e in more])


_SAID_SUPERSEDED = re.compile(
    r"废止|失效|已结束|已关闭|不能再|不再作为|\bsuperseded\b|\bended\b|\bno longer\b|\bclosed\b",
    re.I,
)


def your_date(ctx: Ctx, entry: FaqEntry) -> str:
    """The company's own date under a general answer about it ("when is the first
    surveillance audit?"): the nearest open one of the kinds the entry names, if any."""
    kinds = ctx.kb.dates_for_faq.get(entry.id)
    if not kinds or not ctx.company.onboarded:
        return ""
    items = [i for i in timeline_of(ctx).open_items() if i.kind in kinds]
    if not items:
        return ""
    item = min(items, key=lambda i: (i.on, i.key))
    day = item.deadline if item.kind == "surveillance" and item.deadline else item.on
    late = (ctx.today - day).days
    when = ctx.t("faq_overdue", n=late) if late > 0 else relative_days(day, ctx.today, ctx.lang)
    return ctx.t("faq_your_date", title=item.title(ctx.lang), date=fmt_date(day), when=when)


def answer(ctx: Ctx, text: str) -> Out:
    match = ctx.kb.matcher.match(text, ctx.lang)
    tells = ctx.company.onboarded and _TELLS.search(text) and not looks_like_question(text)
    if match.status == "answered" and match.entry is not None:
        unsure = match.score < CONFIDENT
        others = [e for e, _ in match.ranked if e.id != match.entry.id and e.id in ctx.kb.faq]
        if unsure and tells:  # "the auditor was nice": news, not "how do we complain?"
            return [_news_or_these(ctx, [match.entry, *others])]
        return [entry_reply(ctx, match.entry, others if unsure else None)]
    if match.status == "suggest" and match.suggestions:
        if tells:  # "老板出差了，下个月回来": news; the menu only in case it was a question
            return [_news_or_these(ctx, match.suggestions)]
        buttons = [[Button(_label(ctx, e), encode("faq", e.id))] for e in match.suggestions[:3]]
        return [ctx.reply("faq_suggest", buttons)]
    if tells:
        # "审核组长姓李", "we hired a new IP manager": news we do not keep, not a question
        return [ctx.reply("statement_not_kept")]
    out = ctx.reply("faq_unknown")
    if ctx.options.can_forward and _nothing_awaited(ctx):
        # Offer a human answer; the question waits in ``pending`` until the user decides.
        ctx.wait_for(FORWARD_INPUT, "", q=text[:MAX_FORWARD])
        out.buttons = [[ctx.button("forward_btn", "fwd")]]
        return [out]
    if ctx.options.operator_contact:
        return [out, ctx.reply("faq_operator", contact=ctx.options.operator_contact)]
    return [out]


def _news_or_these(ctx: Ctx, entries: Sequence[FaqEntry]) -> Reply:
    buttons = [[Button(_label(ctx, e), encode("faq", e.id))] for e in entries[:3]]
    return ctx.reply("statement_or_these", buttons)


# A sentence that tells something about the company ("我们…了", "审核组长姓李", "our IP manager
# quit"): a statement, not a question the knowledge base could answer.
_TELLS = re.compile(
    r"我们|我司|公司|老板|审核员|审核组|组长|负责人|了$|了[，,。.！!]"
    r"|\b(?:we|we'?ve|we'?re|our|my|the\s+(?:auditor|boss|cb))\b",
    re.I,
)


def _nothing_awaited(ctx: Ctx) -> bool:
    """No input is open, or only a soft one (an offer) that the forward offer may replace."""
    p = ctx.pending
    inp = ctx.registry.inputs.get(p.flow) if p and ctx.registry else None
    return p is None or (inp is not None and inp.lapses)


def answer_if_question(ctx: Ctx, text: str) -> Out:
    return answer(ctx, text) if looks_like_question(text) else []


def forward(ctx: Ctx) -> Out | None:
    """The user accepted: the pending question goes to the operator."""
    p = ctx.pending
    if p is None or p.flow != FORWARD_INPUT or not p.data.get("q"):
        return None
    ctx.clear_pending()
    return [ctx.reply("forwarded"), Forward(p.data["q"])]


def show_entry(ctx: Ctx, entry_id: str) -> Out | None:
    """An answer tapped; a question that waits (the assessment's) is asked again under it,
    so its buttons, not the answer's related questions, are the last ones on screen."""
    entry = ctx.kb.faq.get(entry_id)
    if entry is None:
        return None
    p = ctx.pending
    inp = ctx.registry.inputs.get(p.flow) if p and ctx.registry else None
    waiting: Out = [ctx.reply("repeat_prompt"), PROMPT] if inp is not None and inp.resumable else []
    return [entry_reply(ctx, entry), *waiting]


FLOW = Flow(
    "faq",
    verbs=(
        Verb("faq", show_entry, arity=1, needs_company=False),
        Verb("fwd", forward, needs_company=False),
    ),
    # The offer to forward lapses once the user does anything else.
    inputs=(Input(FORWARD_INPUT, lambda ctx: [SHOW_NEXT], lapses=True, own_verbs=("fwd",)),),
)
