"""Lexical FAQ scoring: how much of a question's wording an entry's phrasings cover.

Pipeline, applied alike to every stored phrasing and answer (at build time) and to a query:

1. ``normalize``: NFKC (full-width -> half-width), lowercase, punctuation -> space; then
   generic colloquial forms are rewritten ("啥时候" -> "什么时候", "cert" -> "certificate"),
   input-method slips corrected and filler removed (``knowledge.faq_normalize``: "管标" ->
   "贯标", "请问", "老板说", a trailing "啊").
2. English typo repair (query only): an unknown word becomes the closest vocabulary word with
   the same first letter within 1-2 edits (rapidfuzz, transpositions count once).
3. Glossary concepts: every glossary form (canonical zh/en, variants such as 内审, 年审, 换证,
   "annual audit", and regular English inflections) becomes one concept token, found by a
   trie-shaped regex. "内审" and "internal audit" are then the same feature.
4. Features: concepts, Snowball-stemmed English words and adjacent word pairs, Chinese words
   (jieba over the FAQ's word list, ``knowledge.faq_words``), bigrams inside long Chinese
   words and single characters. Each is weighted by its
   inverse document frequency over FAQ entries (and a kind multiplier, see ``Params``).
5. Scores (0..100): a phrasing scores by weighted overlap with the query (query coverage
   counted more than phrasing coverage); an entry blends its best phrasing, the query share
   covered by all its phrasings together and by its answer. Inverted indexes visit only
   phrasings/entries sharing a feature with the query, so scoring takes well under 1 ms.

``knowledge.matcher`` fuses these scores with the semantic ones and decides.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.faq_normalize import rules as query_rules
from knowledge.faq_words import segment, segmenter
from knowledge.piece_table import PieceTable
from knowledge.schema import FaqEntry, Glossary
from knowledge.text import (
    CJK_RE,
    CONCEPT_MARK,
    EN_STOPWORDS,
    TOKEN_RE,
    ZH_STOPCHARS,
    decolloquialize,
    normalize,
)

__all__ = ["DEFAULT_PARAMS", "LexicalMatcher", "Params"]


@dataclass(frozen=True)
class Params:
    """Scoring weights, tuned by random search on the dev sets (benchmarks/README.md)."""

    # Weight multipliers per feature kind (on top of IDF): C glossary concept, E English
    # word, P English word pair, W Chinese word, Z character bigram inside a long Chinese
    # word, U Chinese character.
    w_concept: float = 2.4
    w_word: float = 1.0
    w_pair: float = 0.4
    w_zhword: float = 0.85
    w_bigram: float = 0.25
    w_unigram: float = 0.5
    # Query features never seen in the FAQ, as a share of the rarest known feature's IDF.
    # Unseen words are often names of other things ("HACCP", "护照") and weigh more than
    # unseen characters.
    unknown_word: float = 2.2
    unknown_char: float = 0.75
    # Phrasing score = (query covered)^e * (phrasing covered)^(1-e): the query side counts
    # more, since a stored phrasing may carry detail the user left out.
    query_exponent: float = 0.55
    # Entry score = weighted mean of: its best phrasing; the query covered by all its
    # phrasings together; the query covered by its answer text.
    w_phrase: float = 1.0
    w_union: float = 1.3
    w_answer: float = 0.5


DEFAULT_PARAMS = Params()


def _concept_key(term_id: str) -> str:
    return f"C:{term_id}"


class LexicalMatcher:
    """Precomputes an inverted index over every phrasing (both languages) of every entry."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        glossary: Glossary,
        params: Params = DEFAULT_PARAMS,
        *,
        words: Path | None = None,
    ) -> None:
        """``words``: the Chinese word list (``knowledge.faq_words``); None: jieba's own."""
        self.entries = list(entries)
        self.params = params
        self.words = words
        self._tokenizer = segmenter(words)
        self._concept_re, self._concept_of = _build_concept_regex(glossary)
        texts = [
            (i, q) for i, e in enumerate(self.entries) for q in (*e.questions.zh, *e.questions.en)
        ]
        answers = [f"{e.answer.zh} {e.answer.en}" for e in self.entries]
        # Vocabulary for typo repair: English words of phrasings, answers and glossary forms.
        vocab: set[str] = set()
        for text in (*(q for _, q in texts), *answers, *self._concept_of):
            vocab.update(re.findall(r"[a-z]{2,}", normalize(text)))
        self._vocab_set = frozenset(vocab)
        self._vocab_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(vocab):
            self._vocab_by_initial[word[0]].append(word)
        self._repair = lru_cache(maxsize=4096)(self._repair_word)
        phrasing_feats = [(i, self.features(q, repair=False)) for i, q in texts]
        answer_feats = [self.features(a, repair=False) for a in answers]
        idf = _idf(phrasing_feats, len(self.entries))
        self._max_idf = math.log(1 + len(self.entries))
        # Features seen only in answers weigh as rare words; unseen ones as set in Params.
        answer_only = {f for feats in answer_feats for f in feats} - set(idf)
        # Every known feature gets a number: those of phrasings (with an IDF), then those of
        # answers only. Its weight and its postings are kept in arrays under that number
        # (Python lists of int objects and dicts per index cost ~3x as much).
        ids: dict[str, int] = {}
        for f in (*idf, *answer_only):
            ids[f] = len(ids)
        self._feature_weight = array(
            "d", [self._kind_weight(f, idf.get(f, self._max_idf)) for f in ids]
        )
        # Held as flat arrays (``PieceTable``: ~0.4 MB instead of the dict's ~1.6 MB); a
        # feature's number is its position there (``index``), as it was its value here.
        self._feature_ids = PieceTable(list(ids), list(ids.values()))
        del ids
        postings: dict[int, list[int]] = defaultdict(list)
        entry_of: list[int] = []
        weight_of: list[float] = []
        union: list[set[str]] = [set() for _ in self.entries]
        for entry_idx, feats in phrasing_feats:
            if not feats:
                continue
            pid = len(entry_of)
            weight = sum(self._weight(f) for f in feats)
            entry_of.append(entry_idx)
            weight_of.append(weight)
            union[entry_idx] |= feats
            for f in feats:
                postings[self._feature_ids.index(f)].append(pid)
        self._phrasing_entry = array("I", entry_of)  # phrasing -> entry index
        self._phrasing_weight = array("d", weight_of)  # phrasing -> sum of feature weights
        n = len(self._feature_ids)
        self._postings = _Postings(postings, n)  # feature -> phrasings
        self._union_postings = _Postings(self._entry_postings(union), n)  # -> entries
        self._answer_postings = _Postings(self._entry_postings(answer_feats), n)

    # --- text -> features -------------------------------------------------------------------

    def _repair_word(self, word: str) -> str:
        """Closest vocabulary word for an unknown word (typos keep the first letter)."""
        if len(word) < 4 or word in self._vocab_set or word.isdigit():
            return word
        max_dist = 1 if len(word) < 8 else 2
        candidates = self._vocab_by_initial.get(word[0], ())
        best = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=max_dist)
        return best[0] if best else word

    def prepare(self, text: str, *, repair: bool = True) -> str:
        """Normalised text with typos repaired and glossary forms replaced by concepts."""
        rules = query_rules()
        norm = rules.strip(rules.fix(decolloquialize(normalize(text))))
        if repair:
            norm = re.sub(r"[a-z]{4,}", lambda m: self._repair(m.group(0)), norm)
        if self._concept_re is not None:
            norm = self._concept_re.sub(self._concept_token, norm)
        return norm

    def _concept_token(self, m: re.Match[str]) -> str:
        return f" {CONCEPT_MARK}{self._concept_of[m.group(0)]}{CONCEPT_MARK} "

    def features(self, text: str, *, repair: bool = True) -> set[str]:
        feats: set[str] = set()
        words: list[str] = []
        for concept, cjk, latin in TOKEN_RE.findall(self.prepare(text, repair=repair)):
            if concept:
                feats.add(_concept_key(concept))
                words.append("")
            elif cjk:
                feats.update(f"U:{c}" for c in cjk if c not in ZH_STOPCHARS)
                for w in segment(self._tokenizer, cjk):
                    if len(w) >= 2:
                        feats.add(f"W:{w}")
                    if len(w) >= 3:  # "知识产权" also matches "产权"
                        feats.update(f"Z:{w[k : k + 2]}" for k in range(len(w) - 1))
                words.append("")
            elif latin not in EN_STOPWORDS:
                word = _stem(latin)
                feats.add(f"E:{word}")
                words.append(word)
        feats.update(f"P:{a}_{b}" for a, b in itertools.pairwise(words) if a and b)
        return feats

    def _weight(self, feature: str) -> float:
        k = self._feature_ids.index(feature)
        if k >= 0:
            return self._feature_weight[k]
        p = self.params
        if feature[0] in "EPW":
            return self._kind_weight(feature, self._max_idf * p.unknown_word)
        return self._kind_weight(feature, self._max_idf * p.unknown_char)

    def _kind_weight(self, feature: str, idf: float) -> float:
        p = self.params
        mult = {
            "C": p.w_concept,
            "E": p.w_word,
            "P": p.w_pair,
            "Z": p.w_bigram,
            "W": p.w_zhword,
        }.get(feature[0], p.w_unigram)
        return mult * idf

    def _entry_postings(self, entry_feats: list[set[str]]) -> dict[int, list[int]]:
        postings: dict[int, list[int]] = defaultdict(list)
        for i, feats in enumerate(entry_feats):
            for f in feats:
                postings[self._feature_ids.index(f)].append(i)
        return postings

    # --- scoring ------------------------------------------------------------------------------

    def rank(self, text: str, limit: int = 5) -> list[tuple[FaqEntry, float]]:
        """Best-first (entry, score) pairs, one per entry, scores 0..100."""
        top = sorted(self.scores(text).items(), key=lambda kv: kv[1], reverse=True)[:limit]
        return [(self.entries[i], round(100 * s, 2)) for i, s in top]

    def concepts(self, text: str) -> set[str]:
        """Glossary concept ids named in a text."""
        return {c for c, _, _ in TOKEN_RE.findall(self.prepare(text)) if c}

    def scores(self, text: str) -> dict[int, float]:
        """Entry index -> score 0..1 for every entry sharing a feature with the text."""
        feats = self.features(text)
        if not feats:
            return {}
        p = self.params
        weights = {f: self._weight(f) for f in feats}
        q_weight = sum(weights.values())
        ids = self._feature_ids
        # (feature number, weight) of the known features, in the order of ``weights``
        known = [(k, w) for f, w in weights.items() if (k := ids.index(f)) >= 0]
        overlap: dict[int, float] = defaultdict(float)
        for k, w in known:
            for pid in self._postings[k]:
                overlap[pid] += w
        phrase: dict[int, float] = {}
        entry_of, weight_of = self._phrasing_entry, self._phrasing_weight
        for pid, inter in overlap.items():
            entry_idx = entry_of[pid]
            score = _combine(inter / q_weight, inter / weight_of[pid], p.query_exponent)
            if score > phrase.get(entry_idx, 0.0):
                phrase[entry_idx] = score
        total = p.w_phrase + p.w_union + p.w_answer
        scores = {i: p.w_phrase * s / total for i, s in phrase.items()}
        for postings, w_part in (
            (self._union_postings, p.w_union),
            (self._answer_postings, p.w_answer),
        ):
            if not w_part:
                continue
            for k, w in known:
                for i in postings[k]:
                    scores[i] = scores.get(i, 0.0) + w_part * w / q_weight / total
        return scores


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """``snowballstemmer.stemmer("english")``: the package's ``EnglishStemmer``, imported with
    the package stood in for by an empty one (its ``__init__`` imports all 36 languages, ~2 MB)
    and taken out again, so a later ``import snowballstemmer`` gets the real package. With
    PyStemmer installed, or the package already imported, the package decides as before."""
    spec = importlib.util.find_spec("snowballstemmer")
    if (
        "snowballstemmer" in sys.modules
        or importlib.util.find_spec("Stemmer") is not None
        or spec is None
        or not spec.submodule_search_locations
    ):
        import snowballstemmer

        return snowballstemmer.stemmer("english")
    stand_in = ModuleType("snowballstemmer")
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules["snowballstemmer"] = stand_in
    try:
        module = importlib.import_module("snowballstemmer.english_stemmer")
    finally:
        if sys.modules.get("snowballstemmer") is stand_in:
            del sys.modules["snowballstemmer"]
    return module.EnglishStemmer()


def _combine(query_cov: float, phrasing_cov: float, exponent: float) -> float:
    return query_cov**exponent * phrasing_cov ** (1 - exponent)


class _Postings:
    """Feature number -> the ascending numbers (phrasings or entries) it occurs in: one array
    of all the lists end to end and one of where each starts."""

    __slots__ = ("_flat", "_starts")

    def __init__(self, lists: dict[int, list[int]], n_features: int) -> None:
        self._flat = array("I")
        self._starts = array("I", [0]) * (n_features + 1)
        for k in range(n_features):
            self._flat.extend(lists.get(k, ()))
            self._starts[k + 1] = len(self._flat)

    def __getitem__(self, k: int) -> array:  # type: ignore[type-arg]
        return self._flat[self._starts[k] : self._starts[k + 1]]


def _idf(phrasing_feats: Iterable[tuple[int, set[str]]], n_entries: int) -> dict[str, float]:
    """IDF over entries (not phrasings), so an entry's many phrasings don't dilute it."""
    entries_with: dict[str, set[int]] = defaultdict(set)
    for entry_idx, feats in phrasing_feats:
        for f in feats:
            entries_with[f].add(entry_idx)
    return {f: math.log(1 + n_entries / len(ids)) for f, ids in entries_with.items()}


def _inflections(form: str) -> list[str]:
    """Regular English inflections of a Latin form's last word ("certify" -> "certified")."""
    if CJK_RE.search(form) or not form[-1].isalpha():
        return []
    if len(form) < 4:  # abbreviations: only plurals ("ncs")
        return [form + "s"]
    if form.endswith("y"):
        return [form[:-1] + "ies", form[:-1] + "ied", form + "ing"]
    if form.endswith("e"):
        return [form + "s", form + "d", form[:-1] + "ing"]
    return [form + "s", form + "es", form + "ed", form + "ing"]


def _build_concept_regex(glossary: Glossary) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A trie-shaped regex over all glossary forms (longest match first).

    A plain alternation of ~1,000 forms costs ~1 ms per query because ``re`` tries every
    alternative at every position; the trie shares prefixes and costs microseconds. Latin
    forms must start and end on word edges ("ia" must not match inside "media").
    """
    concept_of: dict[str, str] = {}
    for term in glossary.terms:
        for form in (term.zh, term.en, *term.variants):
            norm = normalize(form)
            if norm:
                concept_of.setdefault(norm, term.id)
    # Inflected forms never override a form the glossary lists explicitly.
    for form, term_id in list(concept_of.items()):
        for inflected in _inflections(form):
            concept_of.setdefault(inflected, term_id)
    if not concept_of:
        return None, concept_of
    trie: dict[str, Any] = {}
    for form in concept_of:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = True
    return re.compile(_trie_regex(trie, prev="")), concept_of


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _trie_regex(node: dict[str, Any], prev: str) -> str:
    """Regex for a trie node: longer continuations first, then the end of a form."""
    alternatives = []
    for ch in sorted(k for k in node if k):
        head = re.escape(ch)
        if not prev and _is_word_char(ch):
            head = rf"(?<![a-z0-9]){head}"  # a Latin form starts on a word edge
        alternatives.append(head + _trie_regex(node[ch], prev=ch))
    if "" in node:
        alternatives.append(r"(?![a-z0-9])" if _is_word_char(prev) else "")
    if len(alternatives) == 1 and "" not in node:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"
