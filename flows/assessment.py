"""The gap assessment: a quick set first, then the rest chapter by chapter; answers saved as
they come, typed in words ("有", "还没有", "不清楚") or tapped."""

from __future__ import annotations

import re

from flows.callbacks import encode
from flows.context import Ctx, progress_bar
from flows.dates import add_months
from flows.natural import AnswerKind, parse_answer
from flows.phrasing import (
    asks_meaning,
    asks_to_resume,
    denies,
    looks_like_question,
    may_not_apply,
    reports_done,
)
from flows.registry import Flow, Input, Verb
from flows.scoring import gaps, readiness
from flows.state import Answer, AnswerValue, Stage
from flows.types import PROMPT, Button, Out, Reply
from knowledge.answers import cite
from knowledge.schema import Question

INPUT = "assess"
ANSWER_CODES: dict[str, AnswerValue] = {
    "y": "yes",
    "p": "partly",
    "n": "no",
    "na": "na",
    "u": "unsure",
}
TYPED: dict[AnswerKind, AnswerValue] = {
    AnswerKind.YES: "yes",
    AnswerKind.PARTLY: "partly",
    AnswerKind.NO: "no",
    AnswerKind.NA: "na",
    AnswerKind.UNSURE: "unsure",
}
TOP_GAPS_SHOWN = 5
QUICK, ALL, CLARIFY = "quick", "all", "clarify"  # question sets; "ch:8" = rest of chapter 8


# --- which questions -----------------------------------------------------------------------


def question_set(ctx: Ctx, which: str) -> list[Question]:
    """The questions of a set, without those it is too early to ask or already known."""
    if which == CLARIFY:
        return [q for q in _unanswered_set(ctx, ALL) if _value(ctx, q) == "unsure"]
    return list(_unanswered_set(ctx, which))


# Performance: which questions a set holds before any answer is looked at depends on the
# knowledge and two facts of the company only, whether its system runs (``not_yet``) and
# whether it has a start date (``known`` answers the "months" questions then): kept per
# combination instead of filtering every question for every question shown. Change the key
# with ``not_yet`` or ``known``.
_SETS: dict[tuple[int, bool, bool, str], tuple[object, list[Question]]] = {}


def _unanswered_set(ctx: Ctx, which: str) -> list[Question]:
    questions = ctx.kb.questions
    running = ctx.company.stage not in (None, Stage.NOT_STARTED, Stage.BUILDING)
    key = (id(questions), running, ctx.company.system_start is None, which)
    hit = _SETS.get(key)
    if hit is not None and hit[0] is questions:  # held: its id is not reused
        return hit[1]
    qs = [q for q in questions if not not_yet(ctx, q) and known(ctx, q) is None]
    if which == QUICK:
        qs = [q for q in qs if q.quick]
    elif which.startswith("ch:"):
        qs = [q for q in qs if q.chapter == which[3:] and not q.quick]
    if len(_SETS) > 512:
        _SETS.clear()
    _SETS[key] = (questions, qs)
    return qs


def _value(ctx: Ctx, q: Question) -> AnswerValue | None:
    a = ctx.company.answers.get(q.id)
    return a.value if a else None


def known(ctx: Ctx, q: Question) -> AnswerValue | None:
    """The answer the saved state already gives (the start date shows 3 months or not)."""
    start = ctx.company.system_start
    if q.answered_by == "months" and start is not None:
        reached = add_months(start, ctx.kb.rules.min_operation_months) <= ctx.today
        return "yes" if reached else "no"
    return None


def _take_known(ctx: Ctx) -> None:
    """Record what is already known, so it is never asked."""
    for q in ctx.kb.questions:
        value = known(ctx, q)
        current = ctx.company.answers.get(q.id)
        if value is not None and (current is None or current.value != value):
            ctx.company.answers[q.id] = Answer(question_id=q.id, value=value, answered_at=ctx.now)


def not_yet(ctx: Ctx, q: Question) -> bool:
    """Pointless to ask: a system that is not running yet cannot have run 3 months, nor held
    its internal audit or management review (the plan schedules those as milestones)."""
    running = ctx.company.stage not in (None, Stage.NOT_STARTED, Stage.BUILDING)
    return q.requires_running and not running


def quick_done(ctx: Ctx) -> bool:
    """The quick assessment gave a first readiness (milestone questions aside)."""
    quick = (q for q in ctx.kb.questions if q.quick and not q.requires_running)
    return all(q.id in ctx.company.answers or known(ctx, q) for q in quick)


def remaining_by_chapter(ctx: Ctx) -> dict[str, int]:
    out: dict[str, int] = {}
    for q in question_set(ctx, ALL):
        if q.id not in ctx.company.answers and not q.quick:
            out[q.chapter] = out.get(q.chapter, 0) + 1
    return out


def chapter_title(ctx: Ctx, chapter: str) -> str:
    clause = ctx.kb.clauses.get(f"2023:{chapter}")
    title = clause.title.get(ctx.lang) if clause else ""
    return ctx.t("chapter_label", n=chapter, title=title)


# --- asking --------------------------------------------------------------------------------


def _current_set(ctx: Ctx) -> str:
    p = ctx.pending
    return p.data.get("set", QUICK) if p and p.flow == INPUT else QUICK


def _question_text(ctx: Ctx, q: Question, which: str) -> str:
    qs = question_set(ctx, which) if which != CLARIFY else [q]
    i = next((n for n, x in enumerate(qs, 1) if x.id == q.id), 1)
    return ctx.t(
        "assess_q",
        i=i,
        n=len(qs),
        chapter=chapter_title(ctx, q.chapter),
        star=ctx.t("star") if q.showstopper else "",
        text=q.text.get(ctx.lang),
        clauses=cite(ctx.kb, q.clauses, ctx.lang),  # the edition certified today only
    )


# A question about something to avoid ("any administrative penalty?"): "partly" and "n/a" make
# no sense, and plain 是/否 invite a reflex "yes" that would mean "we were penalised".
_NEGATED_CODES = ("n", "y", "u")


def answer_label(ctx: Ctx, q: Question, value: AnswerValue) -> str:
    """The button label of an answer (the user's own answer, as they gave it)."""
    negated = q.negated and value in ("yes", "no")
    return ctx.t(f"answer_{value}_negated" if negated else f"answer_{value}")


def _ask_reply(ctx: Ctx, q: Question, which: str) -> Reply:
    ctx.wait_for(INPUT, q.id, set=which)
    codes = _NEGATED_CODES if q.negated else tuple(ANSWER_CODES)
    row = [
        Button(answer_label(ctx, q, ANSWER_CODES[code]), encode("as.answer", q.id, code))
        for code in codes
    ]
    why = [Button(ctx.t("why"), encode("as.why", q.id))]
    return Reply(_question_text(ctx, q, which), [row[:3], [*row[3:], *why]])


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    which = _current_set(ctx)
    if p.field in {q.id for q in ctx.kb.questions}:
        return [_ask_reply(ctx, ctx.kb.question(p.field), which)]
    q = _next_in(ctx, which, after=None)
    if q is None:
        ctx.clear_pending()
        return results(ctx, which)
    return [_ask_reply(ctx, q, which)]


def _next_in(ctx: Ctx, which: str, after: Question | None) -> Question | None:
    """The next question of the set: unanswered ones, or every one in a full retake."""
    qs = question_set(ctx, which)
    start = qs.index(after) + 1 if after in qs else 0
    if which == ALL and ctx.pending and ctx.pending.data.get("retake"):
        return qs[start] if start < len(qs) else None
    if which == CLARIFY:
        later = qs[start:] if after is not None else qs
        return later[0] if later else None
    return next((q for q in qs[start:] + qs[:start] if q.id not in ctx.company.answers), None)


def start(ctx: Ctx) -> Out:
    """Begin or resume the quick set; once it is done, offer the rest by chapter."""
    first_time = not ctx.company.answers
    _take_known(ctx)
    skipped = any(not_yet(ctx, q) for q in ctx.kb.questions if q.quick)
    q = _next_in(ctx, QUICK, after=None)
    if q is not None:
        n = len(question_set(ctx, QUICK))
        intro: Out = [ctx.reply("assess_intro", n=n)] if first_time else []
        if first_time and skipped:
            intro.append(ctx.reply("assess_inferred"))
        return [*intro, _ask_reply(ctx, q, QUICK)]
    return results(ctx, QUICK)


def start_set(ctx: Ctx, which: str) -> Out | None:
    if which not in (ALL, CLARIFY) and not which.startswith("ch:"):
        return None
    q = _next_in(ctx, which, after=None)
    if q is None:
        return results(ctx, which)
    return [_ask_reply(ctx, q, which)]


def retake(ctx: Ctx) -> Out:
    """Go through every question again (earlier answers are replaced as the user goes)."""
    ctx.company.checked.pop("prep.assess", None)
    qs = ctx.kb.questions
    reply = _ask_reply(ctx, qs[0], ALL)
    assert ctx.pending is not None
    ctx.pending.data["retake"] = "1"
    return [ctx.reply("assess_retake", n=len(qs)), reply]


def why(ctx: Ctx, qid: str) -> Out | None:
    if qid not in {q.id for q in ctx.kb.questions}:
        return None
    q = ctx.kb.question(qid)
    return [ctx.reply("why_text", why=q.why.get(ctx.lang), evidence=q.evidence.get(ctx.lang))]


# --- answering -----------------------------------------------------------------------------


def answer(ctx: Ctx, qid: str, code: str) -> Out | None:
    """A tapped answer; None when the button is not for the question on screen."""
    p = ctx.pending
    value = ANSWER_CODES.get(code)
    if value is None or p is None or p.flow != INPUT or p.field != qid:
        return None
    return _record(ctx, ctx.kb.question(qid), value, tapped=True)


# "有台账", "我们都有保密协议": having the thing (有没有, 有点, 有些, 有时 are other kinds).
_HAS_THING = re.compile(
    r"^(?:我们|公司|我司)?(?:都|也|已经)?有(?!没有|点|些|时|一部分|的有|待)\S{1,12}$"
)


def typed(ctx: Ctx, text: str) -> Out | None:
    """An answer in words; a question goes to the FAQ; anything else is asked again."""
    p = ctx.pending
    assert p is not None
    if asks_to_resume(text):
        return [PROMPT]
    if asks_meaning(text) and p.field in {q.id for q in ctx.kb.questions}:
        return [*(why(ctx, p.field) or []), PROMPT]
    kind = parse_answer(text)
    asked = p.field in {q.id for q in ctx.kb.questions}
    if kind in (AnswerKind.NO, None) and asked and may_not_apply(text):
        return [_na_or_no(ctx, p.field)]  # "我们没有研发部门": not applicable, or not done?
    done = reports_done(text) if kind is None and not looks_like_question(text) else None
    if kind is None and done is None and _HAS_THING.match(text) and not denies(text):
        kind = AnswerKind.YES  # "有台账", "我们有保密制度": the thing asked about, named as had
    if done is not None:  # "we did the internal audit last week", "we didn't do it"
        kind = AnswerKind.YES if done else AnswerKind.NO
    if kind is None:
        if looks_like_question(text):
            return None
        return [ctx.reply("answer_not_understood"), PROMPT]
    if p.field not in {q.id for q in ctx.kb.questions}:
        return [PROMPT]
    return _record(ctx, ctx.kb.question(p.field), TYPED[kind], tapped=False)


def _na_or_no(ctx: Ctx, qid: str) -> Reply:
    """Two readings of a "no" that names a missing activity, as two buttons."""
    buttons = [
        Button(ctx.t(f"answer_{ANSWER_CODES[c]}"), encode("as.answer", qid, c)) for c in ("na", "n")
    ]
    return Reply(ctx.t("assess_na_or_no"), [buttons])


FLIPPED: dict[AnswerValue, AnswerValue] = {"yes": "no", "no": "yes"}


def met(q: Question, said: AnswerValue) -> AnswerValue:
    """What the user said, as "is the requirement met" (a negated question flips yes/no)."""
    return FLIPPED.get(said, said) if q.negated else said


def _record(ctx: Ctx, q: Question, value: AnswerValue, tapped: bool) -> Out:
    which = _current_set(ctx)
    ctx.company.answers[q.id] = Answer(question_id=q.id, value=met(q, value), answered_at=ctx.now)
    label = answer_label(ctx, q, value)
    text = ctx.t("answered", question=_question_text(ctx, q, which), answer=label)
    out: Out = [Reply(text, edit=True, record=True)] if tapped else []
    nxt = _next_in(ctx, which, after=q)
    if nxt is not None:
        retake = ctx.pending.data.get("retake") if ctx.pending else None
        reply = _ask_reply(ctx, nxt, which)
        if retake and ctx.pending:
            ctx.pending.data["retake"] = retake
        return [*out, reply]
    ctx.clear_pending()
    return [*out, *results(ctx, which)]


def back(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    which = _current_set(ctx)
    qs = question_set(ctx, which) or ctx.kb.questions
    ids = [q.id for q in qs]
    i = max(0, ids.index(p.field) - 1) if p.field in ids else 0
    return [_ask_reply(ctx, qs[i], which)]


# --- results ---------------------------------------------------------------------------------


def chapter_lines(ctx: Ctx) -> str:
    ready = readiness(ctx.company.answers, ctx.kb.questions, ctx.kb.rules)
    return "\n".join(
        ctx.t(
            "chapter_line",
            chapter=chapter_title(ctx, ch),
            bar=progress_bar(p or 0),
            pct=f"{p}%" if p is not None else "—",
        )
        for ch, p in ready.chapters.items()
    )


def to_clarify(ctx: Ctx) -> list[Question]:
    return question_set(ctx, CLARIFY)


def results(ctx: Ctx, which: str = ALL) -> Out:
    _take_known(ctx)
    qs, rules = ctx.kb.questions, ctx.kb.rules
    ready = readiness(ctx.company.answers, qs, rules)
    found = gaps(ctx.company.answers, qs, rules)
    if quick_done(ctx) and "prep.assess" not in ctx.company.steps_done:
        ctx.company.steps_done.append("prep.assess")
    complete = all(q.id in ctx.company.answers for q in question_set(ctx, ALL))
    summary = ctx.reply(
        "assess_done" if complete else "assess_done_quick",
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
    if unsure := to_clarify(ctx):
        out.append(ctx.reply("to_clarify", n=len(unsure)))
    out[-1].buttons = _next_buttons(ctx, complete, len(unsure))
    out[-1].offer = out[-1].buttons[0][0].data  # "ok" / "好的": make the plan
    return list(out)


def _next_buttons(ctx: Ctx, complete: bool, unsure: int) -> list[list[Button]]:
    rows = [[Button(ctx.t("make_plan"), encode("pl.make"))]]
    if unsure:
        rows.append([Button(ctx.t("clarify_btn", n=unsure), encode("as.set", CLARIFY))])
    for chapter, n in remaining_by_chapter(ctx).items():
        label = ctx.t("deepen_btn", chapter=chapter_title(ctx, chapter), n=n)
        rows.append([Button(label, encode("as.set", f"ch:{chapter}"))])
    if complete:
        rows.append([Button(ctx.t("retake"), encode("as.retake"))])
    return rows


FLOW = Flow(
    "assessment",
    verbs=(
        Verb("as.start", start),
        Verb("as.set", start_set, arity=1),
        Verb("as.retake", retake),
        Verb("as.answer", answer, arity=2),
        Verb("as.why", why, arity=1),
    ),
    inputs=(Input(INPUT, ask, take=typed, back=back, resumable=True),),
)
