"""The gap assessment: one question at a time, answers saved as they come."""

from __future__ import annotations

from flows.context import Ctx, progress_bar
from flows.scoring import gaps, readiness
from flows.state import Answer, AnswerValue
from flows.types import Button, Reply
from knowledge.answers import cite
from knowledge.schema import Question

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


def ask(ctx: Ctx, q: Question) -> Reply:
    ctx.wait_for("assess", q.id)
    row = [Button(ctx.t(f"answer_{v}"), f"as:{q.id}:{code}") for code, v in ANSWER_CODES.items()]
    return Reply(_question_text(ctx, q), [row, [Button(ctx.t("why"), f"as:why:{q.id}")]])


def first_unanswered(ctx: Ctx) -> Question | None:
    return next((q for q in ctx.kb.questions if q.id not in ctx.company.answers), None)


def start(ctx: Ctx, retake: bool = False) -> list[Reply]:
    """Begin, resume, or (``retake``) go through every question again."""
    qs = ctx.kb.questions
    if retake:
        ctx.company.checked.pop("prep.assess", None)
        return [ctx.reply("assess_intro", n=len(qs)), ask(ctx, qs[0])]
    q = first_unanswered(ctx)
    if q is None:
        return results(ctx)
    intro = [ctx.reply("assess_intro", n=len(qs))] if not ctx.company.answers else []
    return [*intro, ask(ctx, q)]


def why(ctx: Ctx, qid: str) -> list[Reply]:
    q = ctx.kb.question(qid)
    return [
        ctx.reply("why_text", qid=q.id, why=q.why.get(ctx.lang), evidence=q.evidence.get(ctx.lang))
    ]


def answer(ctx: Ctx, qid: str, code: str) -> list[Reply] | None:
    """Record an answer; None when the button is not for the question on screen."""
    pending = ctx.user.pending
    value = ANSWER_CODES.get(code)
    if value is None or pending is None or pending.flow != "assess" or pending.field != qid:
        return None
    q = ctx.kb.question(qid)
    ctx.company.answers[qid] = Answer(question_id=qid, value=value, answered_at=ctx.now)
    record = Reply(
        ctx.t("answered", question=_question_text(ctx, q), answer=ctx.t(f"answer_{value}")),
        edit=True,
    )
    qs = ctx.kb.questions
    following = qs[qs.index(q) + 1 :]
    # During a retake every later question is asked again; otherwise skip answered ones.
    nxt = following[0] if following and _retaking(ctx, following[0]) else first_unanswered(ctx)
    if nxt is not None:
        return [record, ask(ctx, nxt)]
    ctx.clear_pending()
    return [record, *results(ctx)]


def _retaking(ctx: Ctx, q: Question) -> bool:
    return q.id in ctx.company.answers


def results(ctx: Ctx) -> list[Reply]:
    qs = ctx.kb.questions
    ready = readiness(ctx.company.answers, qs)
    found = gaps(ctx.company.answers, qs)
    chapters = "\n".join(
        f"  {ch}: {progress_bar(p)} {p}%" if p is not None else f"  {ch}: —"
        for ch, p in ready.chapters.items()
    )
    _mark_done(ctx)
    summary = ctx.reply(
        "assess_done",
        overall=ready.overall if ready.overall is not None else 0,
        chapters=chapters,
        gaps=len(found),
        stoppers=sum(1 for _, p in found if p == 1),
    )
    out = [summary]
    if found:
        lines = "\n".join(
            f"{'★ ' if q.showstopper else '• '}{q.id} {q.action.get(ctx.lang)}"
            for q, _ in found[:TOP_GAPS_SHOWN]
        )
        out.append(ctx.reply("top_gaps", lines=lines))
    out[-1].buttons = [
        [Button(ctx.t("make_plan"), "pl:make")],
        [Button(ctx.t("retake"), "as:retake")],
    ]
    return out


def _mark_done(ctx: Ctx) -> None:
    if "prep.assess" not in ctx.company.steps_done:
        ctx.company.steps_done.append("prep.assess")
