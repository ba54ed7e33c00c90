"""The gap assessment: a quick set first, then the rest chapter by chapter; answers saved as
they come, typed in words ("有", "还没有", "不清楚") or tapped."""

from __future__ import annotations

import re
from functools import lru_cache

from flows.callbacks import encode
from flows.context import Ctx, progress_bar
from flows.dates import add_months
from flows.natural import AnswerKind, bare_answer, parse_answer, told_kind
from flows.natural.text import contains_word, has_cjk
from flows.phrasing import (
    asks_meaning,
    asks_to_resume,
    clauses,
    denies,
    looks_like_question,
    may_not_apply,
    reports_done,
    says,
    says_goal,
)
from flows.registry import Flow, Input, Verb
from flows.scoring import gaps, readiness
from flows.state import Answer, AnswerValue, Stage
from flows.types import PROMPT, Button, Out, Reply
from knowledge.answers import cite
from knowledge.lexicon import fold, load_lexicon
from knowledge.loader import Knowledge
from knowledge.schema import Question
from knowledge.texts import Catalogue

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
# With each set, where each question first is in it (1-based, as ``list.index`` + 1).
_SETS: dict[tuple[int, bool, bool, str], tuple[object, list[Question], dict[str, int]]] = {}


def _unanswered_set(ctx: Ctx, which: str) -> list[Question]:
    return _set_entry(ctx, which)[1]


def _set_entry(ctx: Ctx, which: str) -> tuple[object, list[Question], dict[str, int]]:
    questions = ctx.kb.questions
    running = ctx.company.stage not in (None, Stage.NOT_STARTED, Stage.BUILDING)
    key = (id(questions), running, ctx.company.system_start is None, which)
    hit = _SETS.get(key)
    if hit is not None and hit[0] is questions:  # held: its id is not reused
        return hit
    qs = [q for q in questions if not not_yet(ctx, q) and known(ctx, q) is None]
    if which == QUICK:
        qs = [q for q in qs if q.quick]
    elif which.startswith("ch:"):
        qs = [q for q in qs if q.chapter == which[3:] and not q.quick]
    if len(_SETS) > 512:
        _SETS.clear()
    entry = (questions, qs, {q.id: i for i, q in reversed(list(enumerate(qs, 1)))})
    _SETS[key] = entry
    return entry


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
    if which == CLARIFY:  # the set shrinks as answers come: counted as it was when started
        p = ctx.pending
        held = p.data.get("ids") if p and p.flow == INPUT else None
        ids = held.split(",") if held else [q.id]
        i, n = ids.index(q.id) + 1 if q.id in ids else 1, len(ids)
    else:  # the set's place of each question, kept with the set (``question_set``'s order)
        _, qs, places = _set_entry(ctx, which)
        i, n = places.get(q.id, 1), len(qs)
    return ctx.t(
        "assess_q",
        i=i,
        n=n,
        chapter=chapter_title(ctx, q.chapter),
        star=ctx.t("star") if q.showstopper else "",
        text=q.text.get(ctx.lang),
        clauses=_cited(ctx, q),  # the edition certified today only
    )


# Performance: a question's citation depends on the knowledge and the language only (both
# read-only, held with it: their ids are not reused); made once instead of per question shown.
_CITED: dict[tuple[int, int, str], tuple[Question, Knowledge, str]] = {}


def _cited(ctx: Ctx, q: Question) -> str:
    kb, lang = ctx.kb, ctx.lang
    key = (id(q), id(kb), lang)
    hit = _CITED.get(key)
    if hit is not None and hit[0] is q and hit[1] is kb:
        return hit[2]
    if len(_CITED) > 1024:
        _CITED.clear()
    cited = cite(kb, q.clauses, lang)
    _CITED[key] = (q, kb, cited)
    return cited


# A question about something to avoid ("any administrative penalty?"): "partly" and "n/a" make
# no sense, and plain 是/否 invite a reflex "yes" that would mean "we were penalised".
_NEGATED_CODES = ("n", "y", "u")


def answer_label(ctx: Ctx, q: Question, value: AnswerValue) -> str:
    """The button label of an answer (the user's own answer, as they gave it)."""
    return ctx.t(_label_key(q, value))


def _label_key(q: Question, value: AnswerValue) -> str:
    negated = q.negated and value in ("yes", "no")
    return f"answer_{value}_negated" if negated else f"answer_{value}"


# Kept from one question of a set to the next: a full retake, the questions of a clarification.
_CARRIED = ("retake", "ids")


def _answer_buttons(ctx: Ctx, q: Question) -> list[Button]:
    texts, lang = ctx.texts, ctx.lang
    key = (id(q), id(texts), lang)
    hit = _ROWS.get(key)
    if hit is not None and hit[0] is q and hit[1] is texts:
        return list(hit[2])
    codes = _NEGATED_CODES if q.negated else tuple(ANSWER_CODES)
    row = [
        Button(answer_label(ctx, q, ANSWER_CODES[code]), encode("as.answer", q.id, code))
        for code in codes
    ]
    labels = [texts.texts[lang][_label_key(q, ANSWER_CODES[code])] for code in codes]
    if not any("{cb}" in label for label in labels):  # else the company's words: not kept
        if len(_ROWS) > 1024:
            _ROWS.clear()
        _ROWS[key] = (q, texts, row)
    return list(row)


# Performance: a question's answer buttons depend on it, the catalogue and the language only
# (all read-only, held here: their ids are not reused; buttons are frozen, so shared), unless
# a label names the certification body; made once instead of for every question shown.
_ROWS: dict[tuple[int, int, str], tuple[Question, Catalogue, list[Button]]] = {}


def _ask_reply(ctx: Ctx, q: Question, which: str) -> Reply:
    p = ctx.pending
    old = p.data if p and p.flow == INPUT and p.data.get("set", QUICK) == which else {}
    carried = {k: old[k] for k in _CARRIED if old.get(k)}
    if which == CLARIFY and "ids" not in carried:
        carried["ids"] = ",".join(x.id for x in question_set(ctx, CLARIFY))
    ctx.wait_for(INPUT, q.id, set=which, **carried)
    row = _answer_buttons(ctx, q)
    why = [Button(ctx.t("why"), encode("as.why", q.id))]
    return Reply(_question_text(ctx, q, which), [row[:3], [*row[3:], *why]])


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    which = _current_set(ctx)
    try:  # the question on screen (``kb.question`` knows every one of ``kb.questions``)
        shown = ctx.kb.question(p.field)
    except KeyError:
        shown = None
    if shown is not None:
        return [_ask_reply(ctx, shown, which)]
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


# "有专人管专利", "we have a patent guy": what is had is named right after "have" (not "有，…",
# "yes we have …": a yes, with a detail after it).
_HAS_NAMED = re.compile(
    r"^(?:我们|公司|我司)?(?:都|也|已经)?有(?![，,。.!！\s没点些时])"
    r"|^we(?:'ve| have)(?: got)?\s+(?!it\b|one\b|that\b)",
    re.I,
)
# "没分级", "还没定", "没签过": the thing asked about, not done (not "没问题", "没错": fine)
_NOT_DONE = re.compile(
    r"^(?:还|都|也|暂时|目前)?(?:没|没有|未|尚未)(?!问题|错|事|毛病|关系|说|听说)"
    r"[\u4e00-\u9fff]{1,4}[。.!！]*$"
)


# A thing had, then partly taken back: "a folder of templates but nothing approved".
_TAKES_BACK = re.compile(
    r"\b(?:but|though|however|except|only)\b.{0,40}(?:\b(?:no|not|nothing|nobody|never|none|without"
    r"|missing|unsigned|unapproved|dont|doesnt|didnt)\b|n't\b)|(?:但是?|不过|可是|只是).{0,12}(?:没|未|不|缺|少)",
    re.I,
)
# Someone named as the one in charge: "the plant manager is responsible", "由厂长负责".
_WHO_IS = re.compile(
    r"\b(?:is|are)\s+(?:responsible|in\s+charge)\b|\b(?:runs|handles|owns)\s+it\b"
    r"|(?:由|是)\S{1,8}负责|\S{1,8}(?:负责|在管|管这块|管这个)$",
    re.I,
)
# Nobody does it: "contracts are signed by the boss, nobody checks IP".
_NOBODY = re.compile(r"\b(?:nobody|no\s+one|no-one|nothing|none)\b|没人|没有人|谁也不|都不", re.I)


# Where one part of a sentence ends and the next begins: "she's part time and nothing is
# written down", "有兼职的，其他部门没写"
_PARTS = re.compile(r"[,，;；、]|\b(?:and|but|while)\b|而且|但是?|不过|可是|其他|别的", re.I)


# Done, as a part of an answer says it: narrower than ``phrasing.reports_done`` on purpose
# ("contracts are signed by the boss" says who signs, not that anything is had)
_DONE_IN = re.compile(r"签了|签过|做了|做过|开了|发了|建了|定了|\b(?:done|did)\b", re.I)
_HAVE = re.compile(
    r"\b(?:have|has|got|keep|there\s+(?:is|are)|we\s+(?:do|run|hold|use))\b|有|\byes\b", re.I
)


def _mixed(text: str) -> bool:
    """One part has something ("she's part time", "有兼职的"), another denies something:
    partly. ("contracts are signed by the boss, nobody checks IP" has nothing: no.)"""
    parts = [p for p in _PARTS.split(text) if len(p.strip()) > 2]
    said_no = [denies(p) or _NOBODY.search(p) is not None for p in parts]
    has = [
        not no
        and (
            _HAVE.search(p) is not None
            or told_kind(p) is AnswerKind.PARTLY
            or _DONE_IN.search(p) is not None
        )
        for p, no in zip(parts, said_no, strict=True)
    ]
    return any(said_no) and any(has)


# A failure the question asks about, said not to have happened: "近一年没有权利失效",
# "nothing lapsed", "never missed a fee" (the denial before it, in its own clause).
_DENIED_BEFORE = re.compile(
    r"(?:没有|没|无|未|从未|从没|不曾|不会)[^，,。；;]{0,8}$"
    r"|\b(?:no|nothing|never|none|not|without|zero)\b[^,.;]{0,25}$",
    re.I,
)
_CLAUSE_ENDS = re.compile(r"[，,。；;]|\.(?=\s|$)|\bbut\b|但是?|不过|可是", re.I)


def _failures(q: Question, text: str) -> list[tuple[str, bool]]:
    """The clauses that tell one of ``q``'s failure words, in order, each with whether the
    failure is denied there."""
    if q.fails is None:
        return []
    folded = fold(text)
    found: dict[int, tuple[str, bool]] = {}
    for word in sorted({*q.fails.zh, *q.fails.en}, key=len, reverse=True):
        m = _find(folded, fold(word))
        if m is None:
            continue
        starts = [c.end() for c in _CLAUSE_ENDS.finditer(folded, 0, m.start())]
        start = starts[-1] if starts else 0
        end = next((c.start() for c in _CLAUSE_ENDS.finditer(folded, m.end())), len(folded))
        denied = _DENIED_BEFORE.search(folded[start : m.start()]) is not None
        found.setdefault(start, (folded[start:end].strip(), denied))
    return [found[at] for at in sorted(found)]


def _failure_told(q: Question, text: str) -> str | None:
    """The failure the question asks about, told as having happened ("专利忘交年费掉了")."""
    return next((said for said, denied in _failures(q, text) if not denied), None)


def _without_denied_failures(q: Question, text: str) -> str:
    """ "有台账，近一年没有权利失效": the clause denying the failure is the question's "no
    lapse" met, not a denial of the answer: the rest is read ("有台账")."""
    if not any(denied for _, denied in _failures(q, text)):
        return text
    parts = [p for p in _CLAUSE_ENDS.split(text) if p.strip()]
    kept = [p for p in parts if not _failures(q, p)]
    return "，".join(p.strip() for p in kept) if kept else text


def _failed(ctx: Ctx, q: Question, said: str) -> Out:
    """A yes told with the very failure the question asks about: partly, and said so."""
    which = _current_set(ctx)
    label = answer_label(ctx, q, "partly")
    shown = ctx.t("answered", question=_question_text(ctx, q, which), answer=label)
    note = Reply(shown + "\n" + ctx.t("assess_failure_noted", said=said))
    return [note, *_record(ctx, q, "partly", tapped=False)]


def _stated_kind(text: str) -> AnswerKind:
    """A sentence about the question's subject, read as an answer."""
    if _TAKES_BACK.search(text) or _mixed(text):
        return AnswerKind.PARTLY
    if denies(text) or _NOBODY.search(text):
        return AnswerKind.NO
    return told_kind(text)


def typed(ctx: Ctx, text: str) -> Out | None:
    """An answer in words; a question goes to the FAQ; anything else is asked again."""
    p = ctx.pending
    assert p is not None
    if asks_to_resume(text):
        return [PROMPT]
    asked = p.field in {q.id for q in ctx.kb.questions}
    if asks_meaning(text) and asked:
        return [*(why(ctx, p.field) or []), PROMPT]
    if asked and _said(text, "back"):  # "wait, go back, the first one should be no"
        return _go_back(ctx, text)
    if asked and (fixed := _earlier_corrected(ctx, text)) is not None:
        return fixed  # "方针其实还没签" at the next question: that answer changed
    shown = ctx.kb.question(p.field) if asked else None
    failure = _failure_told(shown, text) if shown is not None else None
    if shown is not None and failure is None:  # "…，近一年没有权利失效": the rest is the answer
        text = _without_denied_failures(shown, text)
    if says(text, "assess", "hesitant_ask"):  # "嗯": a yes, or a pause?
        return [ctx.reply("assess_hesitant"), PROMPT]
    kind = AnswerKind.UNSURE if says(text, "assess", "hesitant_unsure") else parse_answer(text)
    if kind is None and _HAS_THING.match(text) and _TAKES_BACK.search(text):
        kind = AnswerKind.PARTLY  # "有目标，但没分解到部门": had, and part taken back
    if kind is None and any(parse_answer(c) is AnswerKind.PARTLY for c in clauses(text)):
        kind = AnswerKind.PARTLY  # "范围写过，不太全": a clause of it says "partly"
    if kind in (AnswerKind.NO, None) and asked and may_not_apply(text):
        return [_na_or_no(ctx, p.field)]  # "我们没有研发部门": not applicable, or not done?
    done = reports_done(text) if kind is None and not looks_like_question(text) else None
    if kind is None and done is None and _NOT_DONE.match(text):
        kind = AnswerKind.NO
    if kind is None and done is None and _HAS_THING.match(text) and not denies(text):
        kind = AnswerKind.YES  # "有台账", "我们有保密制度": the thing asked about, named as had
    if done is not None:  # "we did the internal audit last week", "we didn't do it"
        # "we did one training": partly; "每年都培训，但是没签到": done, then partly taken back
        taken_back = _TAKES_BACK.search(text) is not None
        kind = _stated_kind(text) if done or taken_back or _mixed(text) else AnswerKind.NO
    names_who = _said(text, "self") or (_WHO_IS.search(text) and not _NOBODY.search(text))
    if kind is None and asked and names_who and _is_about_who(ctx.kb.question(p.field)):
        kind = AnswerKind.YES  # "it's just me, I'm the boss": the person in charge is named
    q = ctx.kb.question(p.field) if asked else None
    kept = (None, AnswerKind.YES, AnswerKind.PARTLY)  # a "no" stays no
    told_failure = failure is not None and not looks_like_question(text)
    if q is not None and failure is not None and told_failure and not q.negated and kind in kept:
        return _failed(ctx, q, failure)  # "有台账，去年有个专利忘交年费掉了": partly
    if kind is None:
        if looks_like_question(text) or says_goal(text):  # "明年6月底要拿证": noted elsewhere
            return None
        if q is not None and (other := off_topic(q, text)) is not None:
            return [_ask_back(ctx, q, other)]  # no answer in it, but a subject we know
        about = set(topics_in(text)) & question_topics(q) if q is not None else set()
        if q is not None and about and not _said(text, "self") and not _INTENDED.search(text):
            # "we watch competitors' patents every quarter": about the question, as told
            kind = _stated_kind(text)
            return _record(ctx, q, TYPED[kind], tapped=False, said=text)
        return [ctx.reply("answer_not_understood"), PROMPT]
    if q is None:
        return [PROMPT]
    if bare_answer(text) is None and (other := off_topic(q, text, bool(_HAS_NAMED.match(text)))):
        return [_ask_back(ctx, q, other)]  # "we have an IP policy" to "any penalty?"
    if q.negated and kind is AnswerKind.PARTLY:  # "部分吧" to "any penalty?": no such answer
        return [ctx.reply("choice_not_understood"), PROMPT]
    if q.negated and not any(ch.isalnum() for ch in text):  # "👍" to "any penalty?": which?
        return [ctx.reply("assess_sign_ambiguous"), PROMPT]
    if not q.negated and kind in (AnswerKind.YES, AnswerKind.NO) and _mixed(text):
        kind = AnswerKind.PARTLY  # "NDAs yes, non-competes no": had in part
    return _record(ctx, q, TYPED[kind], tapped=False, said=text)


# --- what a typed answer talks about ---------------------------------------------------------
#
# A sentence answer ("we have a patent list in excel") is recorded only when what it talks
# about is what the question asks about. The topics are the lexicon's ``assess`` phrase lists
# named ``topic_*``; a question's topics are those its own text, evidence and action name, in
# both languages. An answer naming no topic ("yes, every year") is taken as it stands.

_TOPIC = "topic_"
# What is only planned is no answer yet: "we'd like to do training next year", "打算明年做".
_INTENDED = re.compile(
    r"\b(?:will|going to|plan(?:ning)? to|want to|would like|we'?d like|next (?:year|month|week)"
    r"|soon|later|planned|scheduled)\b|打算|准备|将要|明年|下个月|以后|想要|想做|计划(?:做|搞|建)",
    re.I,
)
# Who does the work, where it is written down and the rights it is about: said in passing in
# answers to most questions ("yes, our GM signed it", "yes, it's in the manual", "yes, for
# every patent"); alone they are no reason to doubt an answer, except to a question about
# something to avoid (never "penalised" from "we have a manual").
_INCIDENTAL = frozenset({"lead", "staff", "documents", "rights"})
_PEOPLE = frozenset({"lead", "staff"})


@lru_cache(maxsize=1)
def _topic_phrases() -> tuple[tuple[str, str], ...]:
    """(phrase, topic) pairs, longest phrase first."""
    group = load_lexicon().choices.get("assess", {})
    pairs = [
        (phrase, name.removeprefix(_TOPIC))
        for name, phrases in group.items()
        if name.startswith(_TOPIC)
        for phrase in phrases
    ]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _find(text: str, phrase: str) -> re.Match[str] | None:
    if has_cjk(phrase):
        return re.search(re.escape(phrase), text)
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text)


def topics_in(text: str) -> list[str]:
    """The topics a text names, in the order it names them (a longer phrase wins: "保密协议"
    is an NDA, not "保密")."""
    folded = fold(text)
    at: dict[str, int] = {}
    for phrase, topic in _topic_phrases():
        while (m := _find(folded, phrase)) is not None:
            at[topic] = min(at.get(topic, m.start()), m.start())
            folded = folded[: m.start()] + " " * len(m.group()) + folded[m.end() :]
    return sorted(at, key=at.__getitem__)


_QUESTION_TOPICS: dict[tuple[str, str], frozenset[str]] = {}


def question_topics(q: Question) -> frozenset[str]:
    """What a question is about: the topics its text, evidence and action name (zh and en)."""
    key = (q.id, q.text.get("en"))
    hit = _QUESTION_TOPICS.get(key)
    if hit is None:
        said = " | ".join(
            t.get(lang) for t in (q.text, q.evidence, q.action) for lang in ("zh", "en")
        )
        hit = _QUESTION_TOPICS[key] = frozenset(topics_in(said))
    return hit


def off_topic(q: Question, text: str, strict: bool = False) -> str | None:
    """The topic an answer talks about when none of the topics it names is the question's.
    ``strict``: the answer is the thing it has ("有专门的人管专利" to "a signed IP policy?"),
    so even an incidental subject is what it says."""
    said = topics_in(text)
    if strict and _is_about_who(q):  # "we have an IP person …" to "who is appointed?"
        said = [t for t in said if t not in _PEOPLE]
    if not q.negated and not strict:
        said = [t for t in said if t not in _INCIDENTAL]
    if not said or set(said) & question_topics(q):
        return None
    return said[0]


def _is_about_who(q: Question) -> bool:
    """A question about the person appointed to run the system (its own words say so)."""
    return "appointed" in topics_in(f"{q.text.get('zh')} | {q.text.get('en')}")


def _said(text: str, group: str) -> bool:
    """One of the lexicon's ``assess`` phrases of ``group`` is in the text."""
    folded = fold(text)
    return any(contains_word(folded, p) for p in load_lexicon().synonyms("assess", group))


def _ask_back(ctx: Ctx, q: Question, topic: str) -> Reply:
    """What the answer seemed to be about, and the question's answers to choose from."""
    # what the question is about: named in its action and its text alike ("培训计划"); the text
    # alone also lists who takes part ("研发/采购/销售人员")
    action, asked = topics_in(q.action.get(ctx.lang)), topics_in(q.text.get(ctx.lang))
    own = [t for t in action if t in asked] or asked
    own = [t for t in own if t not in _INCIDENTAL] or own  # "the IP policy", not "the boss"
    said = ctx.t(f"topic_{topic}")
    if own:
        text = ctx.t("assess_off_topic", said=said, asked=ctx.t(f"topic_{own[0]}"))
    else:
        text = ctx.t("assess_off_topic_plain", said=said)
    row = _answer_buttons(ctx, q)
    return Reply(text, [row[:3], row[3:]] if row[3:] else [row])


# "should be no", "应该是没有", "改成有": the answer meant for the question before.
_CORRECTION = re.compile(
    r"(?:should (?:be|have been|say)|make it|change (?:it |that )?to|it was|answer (?:is|was)"
    r"|应该是|应该选|应该为|改成|改为|选)\s*([^,，。.!！;；]+)"
)


_FIRST = re.compile(r"\bfirst (?:one|question)\b|第一题|第一个问题|第一道题")


def _go_back(ctx: Ctx, text: str) -> Out:
    """Back to the question before; with the answer it should have had, that answer is
    recorded and the question on screen asked again."""
    p = ctx.pending
    assert p is not None
    which = _current_set(ctx)
    ids = [q.id for q in question_set(ctx, which)]
    if p.field not in ids or ids.index(p.field) == 0:
        return [ctx.reply("assess_nothing_before"), PROMPT]
    first = _FIRST.search(fold(text)) is not None  # "the first one should be no"
    before = ctx.kb.question(ids[0 if first else ids.index(p.field) - 1])
    said = [parse_answer(m.group(1)) for m in _CORRECTION.finditer(fold(text))]
    kind = next((k for k in reversed(said) if k is not None), None)
    if kind is None:
        return [_ask_reply(ctx, before, which)]
    value = TYPED[kind]
    ctx.company.answers[before.id] = Answer(
        question_id=before.id, value=met(before, value), answered_at=ctx.now
    )
    label = answer_label(ctx, before, value)
    changed = ctx.reply("assess_changed", question=_question_text(ctx, before, which), answer=label)
    return [changed, _ask_reply(ctx, ctx.kb.question(p.field), which)]


# The words that say an answer given was wrong ("不对不对，…", "actually …"): not the answer.
_WRONG = re.compile(
    r"^(?:\s*(?:不对|不是|错了|说错了|搞错了|更正|纠正|其实|sorry|oops|wait|actually|in\s+fact|no)"
    r"[\s,，.。!！、]*)+",
    re.I,
)


def _earlier_corrected(ctx: Ctx, text: str) -> Out | None:
    """An answer given earlier in this set, named as owners call it and said otherwise
    ("方针其实还没签" at the question after the policy's): that answer changed, said so,
    and the question on screen asked again. Words about the question on screen are its own."""
    from flows.steps_told import called_questions  # it reads offers, which need this module

    p = ctx.pending
    assert p is not None
    said = _WRONG.sub("", text) or text  # "不对不对，…" is no "对不对?" asked
    if len(text) > 60 or looks_like_question(said):
        return None
    which = _current_set(ctx)
    ids = [q.id for q in question_set(ctx, which)]
    if p.field not in ids:
        return None
    named = called_questions(ctx.kb, text)
    earlier = [i for i in named if i in ids[: ids.index(p.field)] and i in ctx.company.answers]
    shown = ctx.kb.question(p.field)
    if len(earlier) != 1 or p.field in named or off_topic(shown, text) is None:
        return None
    q = ctx.kb.question(earlier[0])
    kind = _stated_kind(said)
    if kind not in TYPED or (q.negated and kind is AnswerKind.PARTLY):
        return None
    value = TYPED[kind]
    if ctx.company.answers[q.id].value == met(q, value):
        return None  # the same answer: nothing to correct
    ctx.company.answers[q.id] = Answer(question_id=q.id, value=met(q, value), answered_at=ctx.now)
    label = answer_label(ctx, q, value)
    changed = ctx.reply(
        "assess_changed_earlier", question=_question_text(ctx, q, which), answer=label
    )
    return [changed, _ask_reply(ctx, shown, which)]


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


def _record(ctx: Ctx, q: Question, value: AnswerValue, tapped: bool, said: str = "") -> Out:
    which = _current_set(ctx)
    ctx.company.answers[q.id] = Answer(question_id=q.id, value=met(q, value), answered_at=ctx.now)
    label = answer_label(ctx, q, value)
    text = ctx.t("answered", question=_question_text(ctx, q, which), answer=label)
    out: Out = [Reply(text, edit=True, record=True)] if tapped else []
    if not tapped and q.negated and value == "yes" and q.showstopper:
        # "有" to "any penalty?" may be a habit of saying yes: a blocker is read back, with why
        out.append(ctx.reply("assess_blocker_noted", answer=label, why=q.why.get(ctx.lang)))
    elif said and bare_answer(said) is None and _sentence(said):
        # "kind of, the boss signed something years ago": how a sentence was read, said
        out.append(ctx.reply("assess_sentence_noted", answer=label))
    nxt = _next_in(ctx, which, after=q)
    if nxt is not None:
        return [*out, _ask_reply(ctx, nxt, which)]
    ctx.clear_pending()
    return [*out, *results(ctx, which)]


def _sentence(text: str) -> bool:
    """More than a short answer ("no, none", "有台账"): a reading worth saying back."""
    return len(text.split()) > 3 if not has_cjk(text) else len(text.strip()) > 6


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


# "what does it mean that 2 answers are not sure?", "不确定的那几题怎么办"
_UNSURE_ASKED = re.compile(
    r"(?:not\s+sure|unsure).{0,40}(?:mean|do\b|now|what)|(?:what|how).{0,40}(?:not\s+sure|unsure)"
    r"|(?:不确定|不清楚).{0,12}(?:什么意思|啥意思|怎么办|怎么弄|要做什么|要干嘛)",
    re.I,
)


def unsure_asked(ctx: Ctx, text: str) -> Out | None:
    """What the "not sure" answers are and how to settle them, with the button, or None."""
    if not _UNSURE_ASKED.search(text) or len(text) > 120:
        return None
    unsure = to_clarify(ctx)
    if not unsure:
        return None
    button = Button(ctx.t("clarify_btn", n=len(unsure)), encode("as.set", CLARIFY))
    reply = ctx.reply("unsure_explained", [[button]], n=len(unsure))
    reply.offer = button.data  # "ok": go through them
    return [reply]


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
