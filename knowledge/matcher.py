"""FAQ matcher: maps a free-text question (Chinese, English or mixed) to a curated FAQ entry.

For each question, in this order:

1. ``guard``: empty text, a short conversational intent (``knowledge.intents``) or a
   question about another scheme or a business-admin chore (``knowledge.faq_guard``) is never
   matched ("unknown").
2. Clause questions ("9.2条款要求什么", "what does clause 7.3 require?") are answered from the
   clause catalogue (``knowledge.faq_clauses``) as a synthesized entry ``clause.<id>``.
3. Every entry is scored lexically (``knowledge.faq_lexical``) and semantically
   (``knowledge.semantic``: multilingual sentence embeddings, cross-lingual), the scores are
   fused and two calibrated probabilities decide (``knowledge.faq_decide``):
   - answered: the best entry is right with probability >= ``p_answer``;
   - suggest: otherwise, the question is in scope with probability >= ``p_suggest`` and has
     a word of our domain (a glossary concept or a ``domain_words`` word of
     ``faq/matching/guard.yaml``): the three best entries ("did you mean");
   - unknown: otherwise.

Everything heavy (models, phrasing vectors, jieba) is loaded by ``warm_up()``, which the
servers call before accepting updates; ``Knowledge.matcher`` builds the same object lazily.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from knowledge.faq_clauses import clause_entry, names_edition, parse_clause_question
from knowledge.faq_decide import PACKAGED_CALIBRATION, Calibration, features, fuse
from knowledge.faq_guard import in_domain, names_other_scheme
from knowledge.faq_intent import IntentProfiles, related_matrix
from knowledge.faq_lexical import LexicalMatcher
from knowledge.faq_normalize import fix_typos, semantic_text
from knowledge.faq_words import words_path
from knowledge.intents import detect_intent
from knowledge.schema import Clause, Edition, FaqEntry, Glossary
from knowledge.semantic import SemanticIndex, load_index
from knowledge.text import Lang, decolloquialize, detect_lang, normalize

if TYPE_CHECKING:
    from knowledge.loader import Knowledge

__all__ = [
    "MAX_SUGGESTIONS",
    "PACKAGED_CALIBRATION",
    "CalibratedScores",
    "FaqMatcher",
    "Match",
    "build_matcher",
    "detect_lang",
    "warm_up",
]

MAX_SUGGESTIONS = 3

Status = Literal["answered", "suggest", "unknown"]


@dataclass(frozen=True)
class Match:
    status: Status
    entry: FaqEntry | None  # set only when answered
    score: float  # 0..100: the calibrated chance that the best candidate is right
    suggestions: list[FaqEntry] = field(default_factory=list)  # set only for "suggest"
    # Best-first (entry, fused score x 100) candidates, one per entry, whatever the status.
    ranked: list[tuple[FaqEntry, float]] = field(default_factory=list)
    p_scope: float = 0.0  # 0..1: the calibrated chance that the question is in scope


@dataclass(frozen=True)
class CalibratedScores:
    """Everything the decision reads, for one question (also used by the benchmark)."""

    order: np.ndarray  # entry indexes, best first
    fused: np.ndarray  # fused score per entry
    row: np.ndarray  # decision features of the best candidate
    p_right: float
    p_scope: float
    in_domain: bool = True  # the text has a word of our domain (else never a menu)


class FaqMatcher:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        glossary: Glossary,
        *,
        data_dir: Path,
        calibration: Calibration | None = None,
        clauses: dict[str, Clause] | None = None,
        editions: dict[str, Edition] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.lexical = LexicalMatcher(self.entries, glossary, words=words_path(data_dir))
        self.calibration = calibration or _load_calibration(data_dir)
        # The calibration names its models; kb check verifies they are SEMANTIC_MODELS.
        self.semantic: list[SemanticIndex] = [
            load_index(self.entries, data_dir, name) for name in self.calibration.models
        ]
        self.intent = IntentProfiles(self.entries)
        self.related = related_matrix(self.entries)
        self.clauses = clauses or {}
        self.editions = editions or {}

    # --- decisions ---------------------------------------------------------------------------

    def match(self, text: str, lang: Lang | None = None) -> Match:
        """Classify a question as answered / suggest / unknown.

        ``lang`` is accepted for callers that know the user's language; scoring covers both
        languages and does not need it.
        """
        del lang
        if self.guard(text) is not None:
            return Match("unknown", None, 0.0)
        if (entry := self.clause_answer(text)) is not None:
            return Match("answered", entry, 100.0, ranked=[(entry, 100.0)], p_scope=1.0)
        scored = self.scores(text)
        if scored is None:
            return Match("unknown", None, 0.0)
        return self.decide(scored)

    def decide(
        self,
        scored: CalibratedScores,
        p_answer: float | None = None,
        p_suggest: float | None = None,
    ) -> Match:
        """Apply the thresholds (overridable so the benchmark can sweep them)."""
        cal = self.calibration
        p_answer = cal.p_answer if p_answer is None else p_answer
        p_suggest = cal.p_suggest if p_suggest is None else p_suggest
        ranked = [
            (self.entries[i], round(100 * float(scored.fused[i]), 2))
            for i in scored.order[: MAX_SUGGESTIONS + 2]
        ]
        score = round(100 * scored.p_right, 1)
        if scored.p_right >= p_answer:
            return Match("answered", ranked[0][0], score, ranked=ranked, p_scope=scored.p_scope)
        if scored.p_scope >= p_suggest and scored.in_domain:
            suggestions = [e for e, _ in ranked[:MAX_SUGGESTIONS]]
            return Match("suggest", None, score, suggestions, ranked, scored.p_scope)
        return Match("unknown", None, score, ranked=ranked, p_scope=scored.p_scope)

    def scores(self, text: str) -> CalibratedScores | None:
        """Fused scores, features and probabilities of a question (None: nothing to score).

        A long question of several clauses is also read without its context (what owners put
        first: "我是新来的hr 老板说…", "I'm the GM of a German-owned plant ... what does it
        certify") when the full reading is not confident enough to answer: without its first
        clause, and, for English, from the question word of its last clause on (round 5).
        When a reading ranks the same entry first as the full one, the most confident decides.
        """
        full = self._scores(text)
        if full is None or full.p_right >= self.calibration.p_answer:
            return full  # answered anyway: the second reading would change nothing
        best: CalibratedScores | None = None
        for core in context_readings(text):
            short = self._scores(core)
            if short is None or short.order[0] != full.order[0]:
                continue
            if short.p_right > (best or full).p_right:
                best = short
        if best is None:
            return full
        return CalibratedScores(
            full.order,
            full.fused,
            full.row,
            best.p_right,
            max(full.p_scope, best.p_scope),
            full.in_domain,
        )

    def _scores(self, text: str) -> CalibratedScores | None:
        lex = np.zeros(len(self.entries))
        for i, s in self.lexical.scores(text).items():
            lex[i] = s
        sems = [index.entry_scores(semantic_text(text)) for index in self.semantic]
        if not self.entries or (not lex.any() and not sems):
            return None
        return self.calibrated(text, lex, sems)

    def calibrated(
        self, text: str, lex: np.ndarray, sems: Sequence[np.ndarray]
    ) -> CalibratedScores:
        cal = self.calibration
        intent = self.intent.scores(text)
        fused = fuse(lex, sems, cal.weights, intent, cal.intent_weight)
        concepts = self.lexical.concepts(text)
        norm = normalize(text)
        order, row = features(
            lex,
            sems,
            fused,
            concept=bool(concepts),
            length=len(norm),
            intent=intent,
            related=self.related,
        )
        p_right, p_scope = cal.probabilities(row[None, :])
        domain = in_domain(fix_typos(decolloquialize(norm)), concepts)
        return CalibratedScores(order, fused, row, float(p_right[0]), float(p_scope[0]), domain)

    # --- guards and clause questions -----------------------------------------------------------

    def guard(self, text: str, *, lookalikes: bool = True) -> str | None:
        """Why a text must not be matched at all ("empty", "intent", "other-scheme"), or None."""
        norm = normalize(text)
        if not norm:
            return "empty"
        if detect_intent(text) is not None:
            return "intent"
        concepts = self.lexical.concepts(text)
        if names_other_scheme(fix_typos(decolloquialize(norm)), concepts, lookalikes=lookalikes):
            return "other-scheme"
        return None

    def clause_answer(self, text: str) -> FaqEntry | None:
        """A synthesized entry when the text asks what a catalogued clause says."""
        parsed = parse_clause_question(text)
        if parsed is None:
            return None
        edition_id, number, mapping = parsed
        bare = not names_edition(text)
        clause = self.clauses.get(f"{edition_id}:{number}")
        if clause is None and bare and edition_id == "2023":
            # a bare number only the 2013 edition has ("7.6条款讲什么"): that one (round 12)
            edition_id = "2013"
            clause = self.clauses.get(f"2013:{number}")
        edition = self.editions.get(edition_id)
        if clause is None or edition is None:
            return None
        mapped = [self.clauses[c] for c in clause.maps_to if c in self.clauses]
        same_number = None
        if bare:
            other = self.clauses.get(f"{'2013' if edition_id == '2023' else '2023'}:{number}")
            if other is not None and other.title.en != clause.title.en:
                same_number = other
        return clause_entry(clause, edition, mapped, mapping, same_number)


# A question read without its first clause: at least this many characters in all, and a
# remainder of at least this many.
CONTEXT_MIN_CHARS = 14
CORE_MIN_CHARS = 6


# Clause breaks: punctuation, and a space next to a Chinese character (owners separate
# Chinese clauses with spaces; a space between English words is no break).
_CLAUSE_BREAK_RE = re.compile(
    r"[,，.。;；:：!！?？、\n]+|(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])"
)


def context_stripped(text: str) -> str | None:
    """The question without its first clause, or None when it is short or one clause."""
    clauses = [c for c in (normalize(c) for c in _CLAUSE_BREAK_RE.split(text)) if c]
    if len(clauses) < 2 or sum(len(c.replace(" ", "")) for c in clauses) < CONTEXT_MIN_CHARS:
        return None
    rest = " ".join(clauses[1:])
    return rest if len(rest.replace(" ", "")) >= CORE_MIN_CHARS else None


# English question words that start the question proper after a context clause without
# punctuation ("... and our parent company asked me what GB/T 29490 actually certifies").
_EN_QUESTION_RE = re.compile(
    r"(?<![a-z0-9])(?:what|how|when|who|which|where|why|whether|is|are|can|could|do|does|"
    r"should|must|will|would)(?![a-z0-9])"
)
EN_TAIL_MIN_WORDS = 3
EN_CONTEXT_MIN_WORDS = 4  # words of context a tail must drop ("new owner do we tell the CB": none)


def english_question_tail(text: str) -> str | None:
    """From the first question word of the last clause of an English question on, when that
    drops at least EN_CONTEXT_MIN_WORDS words of context; else None."""
    if detect_lang(text) != "en":
        return None
    clauses = [c for c in (normalize(c) for c in _CLAUSE_BREAK_RE.split(text)) if c]
    if not clauses:
        return None
    last = clauses[-1]
    m = _EN_QUESTION_RE.search(last)
    if m is None:
        return None
    tail = last[m.start() :]
    dropped = len(normalize(text).split()) - len(tail.split())
    if len(tail.split()) < EN_TAIL_MIN_WORDS or dropped < EN_CONTEXT_MIN_WORDS:
        return None
    return tail


def context_readings(text: str) -> list[str]:
    """Shorter readings of a question without its context (none when it is short)."""
    out = []
    for core in (context_stripped(text), english_question_tail(text)):
        if core and core not in out:
            out.append(core)
    return out


def _load_calibration(data_dir: Path) -> Calibration:
    """The data directory's calibration, else the packaged one (fitted on the real FAQ)."""
    own = Path(data_dir) / "faq" / "index" / "calibration.json"
    return Calibration.load(own if own.is_file() else PACKAGED_CALIBRATION)


def build_matcher(kb: Knowledge) -> FaqMatcher:
    return FaqMatcher(
        list(kb.faq.values()),
        kb.glossary,
        data_dir=kb.data_dir,
        clauses=kb.clauses,
        editions=kb.editions,
    )


def warm_up(kb: Knowledge | None = None) -> Knowledge:
    """Load the knowledge, the models and the phrasing vectors, and answer one question.

    Call it before serving: afterwards the first user question costs what any other does.
    """
    from knowledge.loader import load_knowledge

    kb = kb or load_knowledge()
    matcher = kb.matcher
    for text in ("贯标要多长时间", "how long does certification take"):
        matcher.match(text)
    return kb
