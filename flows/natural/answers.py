"""Yes / partly / no / not applicable / not sure, as people type them, in both languages.

``parse_answer("有，去年制定的")`` is ``AnswerKind.YES``; ``parse_answer("有什么用？")`` is None
(a question, not an answer). The words are data (``knowledge/data/lexicon.yaml``).

Rules, in order:
1. The text is folded (full-width -> half-width, lowercase) and cut into clauses at punctuation.
2. The first clause decides: it must be an answer phrase, possibly with fillers before it
   ("我觉得有") and particles after it ("有吧"), or start with a phrase of at least two Chinese
   characters / one English word followed by an explanation ("没有正在写", "no we don't").
   A first clause that contains a question marker ("有什么用", "是不是") is a question: None.
3. A single clause ending with "?" is a question ("有？"): None.
4. A later clause that is itself an answer phrase can turn yes or no into partly: "有，但不全",
   "有，也没有", "没有，只有一部分". Mixed answers ("有的有，有的没有") are partly.
5. A qualifier anywhere turns yes into partly: "we do searches sometimes", "有，没记录".
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from flows.natural.text import MAX_INPUT, clauses, contains_word, has_cjk, prefix_match, strip_edges
from knowledge.lexicon import AnswerWords, fold, load_lexicon


class AnswerKind(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NA = "na"
    UNSURE = "unsure"


class _Words:
    """Folded look-up tables built once from the lexicon."""

    def __init__(self, data: AnswerWords) -> None:
        self.kind_of: dict[str, AnswerKind] = {}
        for kind, words in data.kinds.items():
            for phrase in words.both:
                self.kind_of[phrase] = AnswerKind(kind)
        self.keep = frozenset(ch for p in self.kind_of for ch in p if not ch.isalnum())
        self.markers = data.question_markers.both
        self.fillers = data.fillers.both
        self.particles = data.particles.both
        self.connectives = data.connectives.both
        self.qualifiers = data.qualifiers.both


@lru_cache(maxsize=1)
def _words() -> _Words:
    return _Words(load_lexicon().answers)


def _is_question(clause: str, w: _Words) -> bool:
    return any(contains_word(clause, m) for m in w.markers)


def _exact(clause: str, w: _Words, lead: tuple[str, ...]) -> AnswerKind | None:
    if clause in w.kind_of:
        return w.kind_of[clause]
    stripped = strip_edges(clause, lead, w.particles)
    no_space = stripped.replace(" ", "") if has_cjk(stripped) else stripped
    return w.kind_of.get(stripped) or w.kind_of.get(no_space)


# After "we have" / "we do", a negation makes the statement a "no": "we have no penalties",
# "we have never been fined", "we have had none".
_NEGATIONS = frozenset(["no", "not", "never", "nothing", "none", "neither", "zero"])


def _statement(phrase: str) -> bool:
    """An English answer phrase that opens a statement ("we have", "we do", "we have one")."""
    return phrase.startswith("we ") and not has_cjk(phrase)


def _head_kind(clause: str, w: _Words) -> AnswerKind | None:
    kind = _exact(clause, w, w.fillers)
    if kind is not None:
        return kind
    body = strip_edges(clause, w.fillers, ())
    phrase = prefix_match(body, w.kind_of)
    if phrase is None:
        return None
    kind = w.kind_of[phrase]
    # A question word after an opening answer is a relative clause or an object, not a
    # question: "no idea what that is", "不知道是啥", "we have one guy who does patents".
    if _is_question(clause, w) and not (kind is AnswerKind.UNSURE or _statement(phrase)):
        return None
    after = body[len(phrase) :].split()
    if "but" in after:  # "we have targets but not per department": the "not" is the but's
        after = after[: after.index("but")]
    negated = _NEGATIONS & set(after[:3])
    if kind is AnswerKind.YES and _statement(phrase) and negated:
        return AnswerKind.NO
    return kind


def _combine(head: AnswerKind, later: list[AnswerKind]) -> AnswerKind:
    if head is AnswerKind.YES and (AnswerKind.NO in later or AnswerKind.PARTLY in later):
        return AnswerKind.PARTLY
    if head is AnswerKind.NO and (AnswerKind.YES in later or AnswerKind.PARTLY in later):
        return AnswerKind.PARTLY
    return head


def parse_answer(text: str) -> AnswerKind | None:
    """The answer kind of ``text``, or None when it is not clearly an answer."""
    if not text or len(text) > MAX_INPUT:
        return None
    w = _words()
    parts = clauses(text, keep=w.keep)
    while parts and parts[0] in w.fillers:  # "well, yes"
        parts = parts[1:]
    if not parts:
        return None
    head = _head_kind(parts[0], w)
    if head is None:
        return None
    if len(parts) == 1 and fold(text).rstrip().endswith("?"):
        return None
    later = [k for p in parts[1:] if (k := _exact(p, w, w.connectives)) is not None]
    kind = _combine(head, later)
    if kind is AnswerKind.NO and any(_COVERED.search(fold(p)) for p in parts[1:]):
        return AnswerKind.PARTLY  # "没有专人，行政兼着": nobody for it alone, someone on the side
    if kind is AnswerKind.YES and any(contains_word(fold(text), q) for q in w.qualifiers):
        return AnswerKind.PARTLY  # "we do searches sometimes", "有，但没记录"
    if kind is AnswerKind.YES and any(_BUT_NOT.search(fold(p)) for p in parts[1:]):
        return AnswerKind.PARTLY  # "有，但是没签到表", "yes, but nobody signed it"
    if kind is AnswerKind.YES and _BUT_NOT_INSIDE.search(fold(text)):
        return AnswerKind.PARTLY  # "we have a folder of templates but nothing approved"
    return kind


# Someone does it besides their own job: after a "no", the work is partly covered.
_COVERED = re.compile(
    r"兼着|兼管|兼职|顺便管|顺带管|\bcovers?\s+it\b|\bpart[- ]?time\b|\bon\s+the\s+side\b"
)


# A clause after a yes that takes part of it back: "但是没…", "不过还没…", "but no …"
_BUT_NOT = re.compile(
    r"^(?:但是?|不过|就是|可是|只是|但还|可惜).{0,6}(?:没|未|不|缺|少)"
    r"|^(?:but|though|however|except|only)\b.{0,20}\b(?:no|not|never|nobody|missing|without)\b"
    r"|^not\s+(?:here|at\s+\w+|in\s+\w+|for\s+us|locally|signed|written|formal|official)\b"
)


_BUT_NOT_INSIDE = re.compile(
    r"\b(?:but|though|except)\b.{0,40}\b(?:no|not|nothing|nobody|never|none|without|missing)\b"
)


def bare_answer(text: str) -> AnswerKind | None:
    """The answer kind when the whole text is one answer phrase ("没有", "no thanks"), with
    nothing else said ("没有行政处罚" says something more: None)."""
    if not text or len(text) > MAX_INPUT:
        return None
    w = _words()
    parts = clauses(text, keep=w.keep)
    return _exact(parts[0], w, w.fillers) if len(parts) == 1 else None


def told_kind(text: str) -> AnswerKind:
    """How a statement without an answer phrase reads as one, once the caller knows it is
    about the question and denies nothing: "most staff know the policy" is partly (a partly
    phrase or qualifier in it), "we watch competitors every quarter" yes."""
    folded = fold(text)
    w = _words()
    partly = [p for p, k in w.kind_of.items() if k is AnswerKind.PARTLY] + ["most", "大部分"]
    if any(contains_word(folded, p) for p in (*partly, *w.qualifiers)):
        return AnswerKind.PARTLY
    if _ONLY_AT_END.search(folded):  # "legal looks at big contracts only"
        return AnswerKind.PARTLY
    return AnswerKind.YES


_ONLY_AT_END = re.compile(r"\bonly\s*[.!]*$")
