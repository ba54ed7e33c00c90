"""A small jieba dictionary for the FAQ's Chinese words: 0.3 MB resident instead of 73 MB.

jieba's own dictionary (349,000 words) costs ~73 MB once loaded. The lexical matcher only
needs words to be cut the same way in questions and in phrasings, so it segments with
``faq/index/jieba-words.txt``: every dictionary word that occurs in the FAQ (phrasings,
answers) or the glossary, plus the dictionary's frequent words (``MIN_FREQ``). A question's
word outside that list is cut by jieba's HMM as before, so it still counts as a word the FAQ
does not know. Measured on dev + held-out (benchmarks/README.md): the same Chinese lexical
top-1 as the full dictionary.

``ipms kb embed`` writes the file; ``ipms kb check`` reports it when it no longer matches the
FAQ. Without it the matcher falls back to jieba's full dictionary (and logs a warning).

The matcher does not import jieba to cut with that list: ``WordSegmenter`` is jieba's accurate
mode with HMM (``Tokenizer.lcut(text, HMM=True)``, jieba 0.42.1) ported over compact tables.
Importing jieba costs ~10 MB resident (``pkg_resources``, the HMM's emission probabilities as
four dicts of 14,632 characters), its tokenizer ~2 MB more; the port keeps the emission
probabilities in one array (the HMM only ever sees U+4E00..U+9FD5) and the word list's scores
in one dict. The same words come out (tests/knowledge/test_faq_words.py compares both on every
FAQ text, every benchmark question and random strings).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import pickle
import re
from array import array
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.piece_table import PieceTable
from knowledge.schema import FaqEntry, Glossary

__all__ = [
    "MIN_FREQ",
    "WordSegmenter",
    "expected_words",
    "segment",
    "segmenter",
    "words_path",
    "words_problems",
    "write_words",
]

log = logging.getLogger(__name__)
MIN_FREQ = 500  # jieba's frequency count; ~13,000 words with the FAQ's own
MAX_WORD = 12


def words_path(data_dir: Path) -> Path:
    return Path(data_dir) / "faq" / "index" / "jieba-words.txt"


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _substrings(entries: Sequence[FaqEntry], glossary: Glossary) -> set[str]:
    """Every substring (up to ``MAX_WORD`` characters) of the FAQ's and glossary's texts."""
    texts: list[str] = []
    for e in entries:
        texts += [*e.questions.zh, *e.questions.en, e.answer.zh]
    for t in glossary.terms:
        texts += [t.zh, *t.variants]
    out: set[str] = set()
    for text in texts:
        for i in range(len(text)):
            out.update(text[i:j] for j in range(i + 1, min(len(text), i + MAX_WORD) + 1))
    return out


def expected_words(entries: Sequence[FaqEntry], glossary: Glossary) -> list[str]:
    """The dictionary lines (``word freq tag``) the FAQ needs, in jieba's order."""
    jieba = _jieba()
    corpus = _substrings(entries, glossary)
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if int(freq) >= MIN_FREQ or word in corpus:
                lines.append(line.rstrip("\n"))
    return lines


def write_words(entries: Sequence[FaqEntry], glossary: Glossary, data_dir: Path) -> Path:
    path = words_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(expected_words(entries, glossary)) + "\n", encoding="utf-8")
    return path


def words_problems(entries: Sequence[FaqEntry], glossary: Glossary, data_dir: Path) -> list[str]:
    path = words_path(data_dir)
    if not path.is_file():
        return ["faq/index/jieba-words.txt: missing; run `ipms kb embed`"]
    stored = path.read_text("utf-8").splitlines()
    if stored != expected_words(entries, glossary):
        return ["faq/index/jieba-words.txt: stale (FAQ wording changed); run `ipms kb embed`"]
    return []


@lru_cache(maxsize=4)
def segmenter(path: Path | None) -> Any:
    """A tokenizer over the word list at ``path`` (jieba's full dictionary without one)."""
    if path is None or not Path(path).is_file():
        log.warning("FAQ word list %s missing: segmenting with jieba's full dictionary", path)
        return _jieba().dt
    return WordSegmenter(Path(path))


def segment(tokenizer: Any, text: str) -> list[str]:
    return list(tokenizer.lcut(text, HMM=True))


# --- jieba's accurate mode with HMM, ported ------------------------------------------------

# jieba's patterns, as its source spells them (the tests compare them with jieba's own).
_RE_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")  # re_han_default
_RE_SKIP = re.compile("(\r\n|\\s)")  # re_skip_default
_RE_HMM_HAN = re.compile("([\u4e00-\u9fd5]+)")  # finalseg.re_han
_RE_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")  # finalseg.re_skip

_MIN_FLOAT = -3.14e100  # finalseg.MIN_FLOAT: the log probability of what the model lacks
_PREV_STATUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_STATES = "BMES"
_HMM_FIRST = 0x4E00  # finalseg only runs the HMM on runs of U+4E00..U+9FD5
_HMM_LAST = 0x9FD5


def _hmm_model() -> tuple[dict[str, float], dict[str, dict[str, float]], array]:
    """finalseg's start and transition probabilities, and its emission probabilities as one
    array: ``4 * (ord(char) - 0x4E00) + state`` (states in "BMES" order), ``MIN_FLOAT``
    where finalseg's dicts have no entry. Read from the package's pickles (the same values as
    its ``prob_*.py`` modules) without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    base = Path(next(iter(spec.submodule_search_locations))) / "finalseg"
    loaded = []
    for name in ("prob_start.p", "prob_trans.p", "prob_emit.p"):
        with (base / name).open("rb") as fh:
            loaded.append(pickle.load(fh))
    start, trans, emit_dicts = loaded
    emit = array("d", [_MIN_FLOAT]) * (4 * (_HMM_LAST - _HMM_FIRST + 1))
    for s, state in enumerate(_STATES):
        for char, logp in emit_dicts[state].items():
            code = ord(char)
            if _HMM_FIRST <= code <= _HMM_LAST:
                emit[4 * (code - _HMM_FIRST) + s] = logp
    return dict(start), {k: dict(v) for k, v in trans.items()}, emit


class WordSegmenter:
    """``jieba.Tokenizer(dictionary=path).lcut(text, HMM=True)`` without jieba's memory.

    The word list is read as ``Tokenizer.gen_pfdict`` reads it; each word keeps the part of
    the route score jieba computes per call (``log(freq) - log(total)``, the same float), each
    prefix that is not a word maps to None. The HMM (``jieba.finalseg``) is the same Viterbi
    over the same probabilities, looked up in one array.
    """

    def __init__(self, path: Path) -> None:
        freq: dict[str, int] = {}
        total = 0
        with Path(path).open("rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                line = raw.strip().decode("utf-8")
                try:
                    word, count = line.split(" ")[:2]
                    freq[word] = int(count)
                except ValueError:
                    raise ValueError(
                        f"invalid dictionary entry in {path} at Line {lineno}: {line}"
                    ) from None
                total += freq[word]
                for k in range(len(word)):
                    freq.setdefault(word[: k + 1], 0)
        logtotal = math.log(total)
        self._unknown = math.log(1) - logtotal  # a single character the list lacks
        # word -> score, prefix -> NaN ("no word"), as flat arrays (``PieceTable``: 0.4 MB
        # instead of a dict's 1.4 MB).
        self._words = PieceTable(
            list(freq), [math.log(f) - logtotal if f else math.nan for f in freq.values()], "d"
        )
        self._start, self._trans, self._emit = _hmm_model()

    def lcut(self, sentence: str, HMM: bool = True) -> list[str]:
        if not HMM:
            raise ValueError("WordSegmenter cuts with the HMM only")
        return list(self.cut(sentence))

    def cut(self, sentence: str) -> Iterator[str]:
        """``Tokenizer.cut(sentence, cut_all=False, HMM=True)``."""
        for blk in _RE_HAN.split(sentence):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                yield from self._cut_dag(blk)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        yield x
                    else:
                        yield from x

    def _score(self, word: str) -> float | None:
        """The word's score; None when it is only a prefix of one, or not in the list."""
        at = self._words.index(word)
        score = self._words.value(at) if at >= 0 else None
        return None if score is None or score != score else score  # NaN: a prefix

    def _dag(self, sentence: str) -> list[list[int]]:
        words = self._words
        index, value = words.index, words.value
        n = len(sentence)
        dag: list[list[int]] = []
        for k in range(n):
            ends: list[int] = []
            i = k
            frag = sentence[k]
            while i < n and (at := index(frag)) >= 0:
                score = value(at)
                if score == score:  # a word, not NaN (a prefix only)
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            if not ends:
                ends.append(k)
            dag.append(ends)
        return dag

    def _route(self, sentence: str) -> list[tuple[float, int]]:
        """``Tokenizer.calc``: the best (score, end) from every position."""
        unknown = self._unknown
        n = len(sentence)
        dag = self._dag(sentence)
        route: list[tuple[float, int]] = [(0, 0)] * (n + 1)
        get = self._score
        for idx in range(n - 1, -1, -1):
            route[idx] = max(
                (
                    (unknown if (score := get(sentence[idx : x + 1])) is None else score)
                    + route[x + 1][0],
                    x,
                )
                for x in dag[idx]
            )
        return route

    def _cut_dag(self, sentence: str) -> Iterator[str]:
        """``Tokenizer.__cut_DAG``: the route's words; runs of single characters that are not
        a word of the list go through the HMM."""
        route = self._route(sentence)
        x = 0
        buf = ""
        n = len(sentence)
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from self._flush(buf)
                    buf = ""
                yield word
            x = y
        if buf:
            yield from self._flush(buf)

    def _flush(self, buf: str) -> Iterator[str]:
        if len(buf) == 1:
            yield buf
        elif self._score(buf) is None:
            yield from self._hmm_cut(buf)
        else:
            yield from buf

    def _hmm_cut(self, sentence: str) -> Iterator[str]:
        """``finalseg.cut`` (no force-split words: the matcher never adds any)."""
        for blk in _RE_HMM_HAN.split(sentence):
            if _RE_HMM_HAN.match(blk):
                yield from self._hmm_words(blk)
            else:
                for x in _RE_HMM_SKIP.split(blk):
                    if x:
                        yield x

    def _hmm_words(self, sentence: str) -> Iterator[str]:
        """``finalseg.__cut``: the Viterbi path's B/M/E/S tags joined into words."""
        pos_list = self._viterbi(sentence)
        begin, nexti = 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i]
            if pos == "B":
                begin = i
            elif pos == "E":
                yield sentence[begin : i + 1]
                nexti = i + 1
            elif pos == "S":
                yield char
                nexti = i + 1
        if nexti < len(sentence):
            yield sentence[nexti:]

    def _viterbi(self, obs: str) -> list[str]:
        """``finalseg.viterbi(obs, "BMES", ...)``, term for term (same sums, same ties)."""
        start_p, trans_p, emit = self._start, self._trans, self._emit
        first = 4 * (ord(obs[0]) - _HMM_FIRST)
        v: dict[str, float] = {}
        path: dict[str, list[str]] = {}
        for s, y in enumerate(_STATES):
            v[y] = start_p[y] + emit[first + s]
            path[y] = [y]
        for t in range(1, len(obs)):
            at = 4 * (ord(obs[t]) - _HMM_FIRST)
            nv: dict[str, float] = {}
            newpath: dict[str, list[str]] = {}
            for s, y in enumerate(_STATES):
                em_p = emit[at + s]
                prob, state = max(
                    [(v[y0] + trans_p[y0].get(y, _MIN_FLOAT) + em_p, y0) for y0 in _PREV_STATUS[y]]
                )
                nv[y] = prob
                newpath[y] = path[state] + [y]
            v, path = nv, newpath
        _, state = max((v[y], y) for y in "ES")
        return path[state]
