"""The gap assessment: one question at a time, answers saved as they come."""

from __future__ import annotations

from flows.callbacks import encode
from flows.context import Ctx, progress_bar
from flows.registry import Flow, Input, Verb
from flows.scoring import gaps, readiness
from flows.state import Answer, AnswerValue
from flows.types import Button, Out, Reply
from knowledge.answers import cite
from knowledge.schema import Question

INPUT = "assess"
ANSWER_CODES: dict[str, AnswerValue] = {"y": "yes", "p": "partly", "n": "no", "na": "na"}
TOP_GAPS_SHOWN = 5


def _question_text(ctx: Ctx, q: Question) -> str:
    qs = ctx.kb.questions
    return ctx.t(
        "assess_q",
        i=qs.index(q) + 1,
        n=len(qs),
        chapter=q.chapter,
        star=ctx.t("star") if q.showstopper else "",
        text=q.text.get(ctx.lang),
        clauses=cite(ctx.kb, [*q.clauses, *q.clauses_2013], ctx.lang),
    )


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    if p.field not in {q.id for q in ctx.kb.questions}:
        q = first_unanswered(ctx)
        if q is None:
            ctx.clear_pending()
            return results(ctx)
    else:
        q = ctx.kb.question(p.field)
    return [_ask_reply(ctx, q)]


def _ask_reply(ctx: Ctx, q: Question) -> Reply:
    ctx.wait_for(INPUT, q.id)
    row = [
        Button(ctx.t(f"answer_{v}"), encode("as.answer", q.id, code))
        for code, v in ANSWER_CODES.items()
    ]
    why = [Button(ctx.t("why"), encode("as.why", q.id))]
    return Reply(_question_text(ctx, q), [row, why])


def first_unanswered(ctx: Ctx) -> Question | None:
    return next((q for q in ctx.kb.questions if q.id not in ctx.company.answers), None)


def start(ctx: Ctx) -> Out:
    """Begin or resume; once every question is answered, show the results."""
    q = first_unanswered(ctx)
    if q is None:
        return results(ctx)
    intro = [ctx.reply("assess_intro", n=len(ctx.kb.questions))] if not ctx.company.answers else []
    return [*intro, _ask_reply(ctx, q)]


def retake(ctx: Ctx) -> Out:
    """Go through every question again (earlier answers shown as they stand)."""
    ctx.company.checked.pop("prep.assess", None)
    qs = ctx.kb.questions
    return [ctx.reply("assess_intro", n=len(qs)), _ask_reply(ctx, qs[0])]


def why(ctx: Ctx, qid: str) -> Out | None:
    if qid not in {q.id for q in ctx.kb.questions}:
        return None
    q = ctx.kb.question(qid)
    return [ctx.reply("why_text", why=q.why.get(ctx.lang), evidence=q.evidence.get(ctx.lang))]


def answer(ctx: Ctx, qid: str, code: str) -> Out | None:
    """Record an answer; None when the button is not for the question on screen."""
    p = ctx.pending
    value = ANSWER_CODES.get(code)
    if value is None or p is None or p.flow != INPUT or p.field != qid:
        return None
    q = ctx.kb.question(qid)
    ctx.company.answers[qid] = Answer(question_id=qid, value=value, answered_at=ctx.now)
    record = Reply(
        ctx.t("answered", question=_question_text(ctx, q), answer=ctx.t(f"answer_{value}")),
        edit=True,
        record=True,
    )
    qs = ctx.kb.questions
    following = qs[qs.index(q) + 1 :]
    # During a retake every later question is asked again; otherwise skip answered ones.
    retaking = bool(following) and following[0].id in ctx.company.answers
    nxt = following[0] if retaking else first_unanswered(ctx)
    if nxt is not None:
        return [record, _ask_reply(ctx, nxt)]
    ctx.clear_pending()
    return [record, *results(ctx)]


def back(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    qs = ctx.kb.questions
    ids = [q.id for q in qs]
    i = max(0, ids.index(p.field) - 1) if p.field in ids else 0
    return [_ask_reply(ctx, qs[i])]


def chapter_lines(ctx: Ctx) -> str:
    ready = readiness(ctx.company.answers, ctx.kb.questions, ctx.kb.rules)
    return "\n".join(
        f"  {ch}: {progress_bar(p)} {p}%" if p is not None else f"  {ch}: —"
        for ch, p in ready.chapters.items()
    )


def results(ctx: Ctx) -> Out:
    qs, rules = ctx.kb.questions, ctx.kb.rules
    ready = readiness(ctx.company.answers, qs, rules)
    found = gaps(ctx.company.answers, qs, rules)
    if "prep.assess" not in ctx.company.steps_done:
        ctx.company.steps_done.append("prep.assess")
    summary = ctx.reply(
        "assess_done",
        overall=ready.overall if ready.overall is not None else 0,
        chapters=chapter_lines(ctx),
        gaps=len(found),
        stoppers=sum(1 for _, p in found if p == 1),
    )
    out: list[Reply] = [summary]
    if found:
        lines = "\n".join(
            f"{'★ ' if q.showstopper else '• '}{q.action.get(ctx.lang)}"
            for q, _ in found[:TOP_GAPS_SHOWN]
        )
        out.append(ctx.reply("top_gaps", lines=lines))
    out[-1].buttons = [
        [Button(ctx.t("make_plan"), encode("pl.make"))],
        [Button(ctx.t("retake"), encode("as.retake"))],
    ]
    return list(out)


FLOW = Flow(
    "assessment",
    verbs=(
        Verb("as.start", start),
        Verb("as.retake", retake),
        Verb("as.answer", answer, arity=2),
        Verb("as.why", why, arity=1),
    ),
    inputs=(Input(INPUT, ask, back=back, resumable=True),),
)
