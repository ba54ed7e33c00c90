"""The lexical matcher's compact index scores exactly as the dict-of-lists index did."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from knowledge.faq_lexical import LexicalMatcher, _idf, _Postings
from knowledge.faq_words import words_path
from knowledge.loader import Knowledge

BENCH_DATA = Path(__file__).parents[2] / "benchmarks" / "data"


class _Reference:
    """The index as it was before round 8 (benchmarks/README.md): weights looked up per call
    in the IDF dict, postings as dicts of lists keyed by the feature text."""

    def __init__(self, lexical: LexicalMatcher) -> None:
        self.lex = lexical
        entries = lexical.entries
        texts = [(i, q) for i, e in enumerate(entries) for q in (*e.questions.zh, *e.questions.en)]
        answers = [f"{e.answer.zh} {e.answer.en}" for e in entries]
        phrasing_feats = [(i, lexical.features(q, repair=False)) for i, q in texts]
        answer_feats = [lexical.features(a, repair=False) for a in answers]
        self.idf = _idf(phrasing_feats, len(entries))
        self.max_idf = math.log(1 + len(entries))
        self.answer_only = {f for feats in answer_feats for f in feats} - set(self.idf)
        self.phrasings: list[tuple[int, float]] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        union: list[set[str]] = [set() for _ in entries]
        for entry_idx, feats in phrasing_feats:
            if not feats:
                continue
            pid = len(self.phrasings)
            self.phrasings.append((entry_idx, sum(self.weight(f) for f in feats)))
            union[entry_idx] |= feats
            for f in feats:
                self.postings[f].append(pid)
        self.union = self._entry_postings(union)
        self.answer = self._entry_postings(answer_feats)

    @staticmethod
    def _entry_postings(entry_feats: list[set[str]]) -> dict[str, list[int]]:
        postings: dict[str, list[int]] = defaultdict(list)
        for i, feats in enumerate(entry_feats):
            for f in feats:
                postings[f].append(i)
        return postings

    def weight(self, feature: str) -> float:
        p = self.lex.params
        kind = feature[0]
        mult = {"C": p.w_concept, "E": p.w_word, "P": p.w_pair, "Z": p.w_bigram, "W": p.w_zhword}
        idf = self.idf.get(feature)
        if idf is None:
            if feature in self.answer_only:
                idf = self.max_idf
            elif kind in "EPW":
                idf = self.max_idf * p.unknown_word
            else:
                idf = self.max_idf * p.unknown_char
        return mult.get(kind, p.w_unigram) * idf

    def scores(self, text: str) -> dict[int, float]:
        feats = self.lex.features(text)
        if not feats:
            return {}
        p = self.lex.params
        weights = {f: self.weight(f) for f in feats}
        q_weight = sum(weights.values())
        overlap: dict[int, float] = defaultdict(float)
        for f, w in weights.items():
            for pid in self.postings.get(f, ()):
                overlap[pid] += w
        phrase: dict[int, float] = {}
        for pid, inter in overlap.items():
            entry_idx, ph_weight = self.phrasings[pid]
            q_cov, ph_cov = inter / q_weight, inter / ph_weight
            score = q_cov**p.query_exponent * ph_cov ** (1 - p.query_exponent)
            if score > phrase.get(entry_idx, 0.0):
                phrase[entry_idx] = score
        total = p.w_phrase + p.w_union + p.w_answer
        scores = {i: p.w_phrase * s / total for i, s in phrase.items()}
        for postings, w_part in ((self.union, p.w_union), (self.answer, p.w_answer)):
            for f, w in weights.items():
                for i in postings.get(f, ()):
                    scores[i] = scores.get(i, 0.0) + w_part * w / q_weight / total
        return scores


@pytest.fixture(scope="module")
def lexical(kb: Knowledge) -> LexicalMatcher:
    return LexicalMatcher(list(kb.faq.values()), kb.glossary, words=words_path(kb.data_dir))


def test_scores_are_bitwise_the_reference_ones(lexical: LexicalMatcher) -> None:
    reference = _Reference(lexical)
    questions = ["", "hello", "HACCP 护照 认证", "贯标"]
    for path in sorted(BENCH_DATA.glob("*.yaml"))[:6]:
        questions += [str(row["q"]) for row in yaml.safe_load(path.read_text("utf-8")) or []]
    questions += [q for e in lexical.entries[:40] for q in (*e.questions.zh, *e.questions.en)]
    for q in questions:
        # same entries, same order (ties in rank keep it), same floats
        assert list(lexical.scores(q).items()) == list(reference.scores(q).items()), q
    for f in {f for q in questions for f in lexical.features(q)}:
        assert lexical._weight(f) == reference.weight(f), f


def test_postings_keep_every_list_in_order() -> None:
    lists = {0: [1, 5, 9], 2: [3], 3: []}
    postings = _Postings(lists, 5)
    assert [list(postings[k]) for k in range(5)] == [[1, 5, 9], [], [3], [], []]


def test_english_stemmer_alone_stems_as_the_package() -> None:
    """Imported without the package's ``__init__``, then the package: same class, same stems,
    and the package whole (its other languages) afterwards."""
    code = """
import sys
from knowledge.faq_lexical import _stemmer
alone = _stemmer()
assert "snowballstemmer" not in sys.modules
words = "certification certified audits auditing companies company's ran running".split()
stems = alone.stemWords(words)
import snowballstemmer
package = snowballstemmer.stemmer("english")
assert type(package) is type(alone), (type(package), type(alone))
assert package.stemWords(words) == stems
snowballstemmer.stemmer("french")
print(stems)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "certif" in out
