"""Progress told after the gap assessment and before there is a plan ("the policy is signed
and the GM appointed himself as management rep", "组织机构图弄了一半"): the plan is made from
the assessment's answers, so those answers are updated, read back first, one "yes".

Before the assessment the same words only say that it will count there (steps_told)."""

from __future__ import annotations

import re

from flows import assessment
from flows.context import Ctx
from flows.phrasing import denies, looks_like_question
from flows.registry import Flow, Verb
from flows.scoring import gaps, readiness
from flows.state import Answer, AnswerValue
from flows.steps_told import called_questions, says_ahead, says_done, says_partly
from flows.types import Out

MAX_LEN = 160
MAX_TOLD = 3  # what one button holds (64 bytes)
_CODES: dict[str, AnswerValue] = {"y": "yes", "p": "partly"}


def recognise(ctx: Ctx, text: str) -> Out | None:
    """The answers the text changes, read back; None when it tells none."""
    c = ctx.company
    if c.actions or not assessment.quick_done(ctx) or len(text) > MAX_LEN:
        return None
    if looks_like_question(text):
        return None
    # each clause speaks for what it names: "老板出差了，任命书下周签" is no appointment done
    told = [(q, code) for part in _CLAUSES.split(text) for q, code in _told(ctx, part)]
    if not told:
        return None
    codes = {code for _, code in told}
    if len(codes) > 1:
        return None  # "方针签了，手册写了一半": two answers in one button would be one
    code = codes.pop()
    value = _CODES[code]
    qids = list(dict.fromkeys(q for q, _ in told))
    changed = [
        q
        for q in map(ctx.kb.question, qids)
        if (a := c.answers.get(q.id)) is None or a.value != assessment.met(q, value)
    ][:MAX_TOLD]
    if not changed:
        return [ctx.reply("assess_told_same")]
    lines = "\n".join(
        f"• {q.action.get(ctx.lang)} → {assessment.answer_label(ctx, q, value)}" for q in changed
    )
    button = ctx.button("assess_told_yes", "as.told", ",".join(q.id for q in changed), code)
    reply = ctx.reply("assess_told_confirm", [[button]], lines=lines)
    reply.offer = button.data  # "yes" / "对" updates them
    return [reply]


# Alone, these say nothing the assessment asks about ("老板出差了", "we have patents",
# "审核组长姓李": the certification body's audit)
_PASSING = frozenset({"lead", "rights", "documents", "audit", "review"})
_BEFORE = frozenset({"prep.learn", "prep.assess"})  # the journey's steps before the assessment


def before_assessment(ctx: Ctx, text: str) -> Out | None:
    """ "we have an IP person, part time", "no targets yet" before the gap assessment: what
    it asks about, so the answer goes there (with the button to start it)."""
    c = ctx.company
    if not c.onboarded or c.answers or len(text) > MAX_LEN or looks_like_question(text):
        return None
    if c.certificate is not None or c.actions or c.current_step not in _BEFORE:
        return None  # certified, or past the assessment: "internal audit went ok, 1 finding"
    topics = assessment.topics_in(text)
    if not topics or set(topics) <= _PASSING:
        return None
    named = "、".join if ctx.lang == "zh" else ", ".join
    start = ctx.button("start_assess", "as.start")
    reply = ctx.reply(
        "told_before_assessment", [[start]], topics=named(ctx.t(f"topic_{t}") for t in topics)
    )
    reply.offer = start.data  # "好的" starts it
    return [reply]


_CLAUSES = re.compile(r"[，,；;。.!！]")


def _told(ctx: Ctx, part: str) -> list[tuple[str, str]]:
    """(question id, code) for what one clause says is done or half done."""
    if not part.strip() or says_ahead(part):
        return []
    if says_partly(part):
        code = "p"
    elif says_done(part) and not denies(part):
        code = "y"
    else:
        return []
    return [(q, code) for q in called_questions(ctx.kb, part)]


def update(ctx: Ctx, ids: str, code: str) -> Out | None:
    value = _CODES.get(code)
    known = {q.id for q in ctx.kb.questions}
    qids = [q for q in ids.split(",") if q in known]
    if value is None or not qids:
        return None
    for q in map(ctx.kb.question, qids):
        ctx.company.answers[q.id] = Answer(
            question_id=q.id, value=assessment.met(q, value), answered_at=ctx.now
        )
    ready = readiness(ctx.company.answers, ctx.kb.questions, ctx.kb.rules)
    left = gaps(ctx.company.answers, ctx.kb.questions, ctx.kb.rules)
    make = ctx.button("make_plan", "pl.make")
    reply = ctx.reply("assess_told_done", [[make]], pct=ready.overall or 0, gaps=len(left))
    reply.offer = make.data  # "ok": make the plan from the updated answers
    return [reply]


FLOW = Flow(
    "assessment_told",
    verbs=(Verb("as.told", update, arity=2, moving_on_accepts=True),),
)
