"""Counts as people type them: "大概120人吧", "一百二十人左右", "about 60", "1,200", "120-150".

Chinese numerals are read with ``cn2an``, English number words with ``text2num``; this module
only finds the one number in the text and says whether it was approximate.

Rules:
- Exactly one number (or one range) must be present; "2个厂区120人" is refused (None).
- "X多", "X来", "X余", "X几" (三十多人, 50来个, 十几个) give X, marked approximate.
- A range ("120-150", "120到150人", "二三十人", "between 120 and 150") gives its upper bound,
  marked approximate, with ``low`` set: sizing on the larger figure is the safe side.
- "1.2k", "1.2万", "3千" are multiplied out; a fraction that does not give a whole number
  ("1.5"), a percentage, a negative number and "第二个" (an ordinal) are refused.
- Vague amounts without a figure ("几十个", "很多") are refused.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import cn2an
from text_to_num import alpha2digit

from flows.natural.text import MAX_INPUT, contains_word
from knowledge.lexicon import NumberWords, fold, load_lexicon


@dataclass(frozen=True)
class Count:
    """A count read from text. For a range, ``value`` is the upper bound and ``low`` the lower."""

    value: int
    approximate: bool = False
    low: int | None = None


_MULT = {"k": 1_000, "千": 1_000, "thousand": 1_000, "万": 10_000, "w": 10_000, "m": 1_000_000}
_MULT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(k|千|万|w|m|thousand)(?![a-z])")
_THOUSANDS_RE = re.compile(r"(?<=\d)[,，'](?=\d{3}(?!\d))")
_NUM_RE = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.])")
_RANGE_RE = re.compile(r"(?:between\s+)?(\d+)\s*(?:-|–|—|~|〜|～|到|至|to|and|或)\s*(\d+)(?![\d.])")
_APPROX_SUFFIX_RE = re.compile(r"\d\s*(?:多|来|余|几|出头)")
_CN_PAIR_RE = re.compile(r"([一二两三四五六七八九])([二两三四五六七八九])([十百千万])")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_BARE_UNIT_RE = re.compile(r"(?<![零一二两三四五六七八九十百千万\d])([百千])")
_VAGUE_RE = re.compile(
    r"几\s*[十百千万]|[数好]\s*[十百千万]|很多|不少|许多|several|many|lots|dozens"
)
_REFUSE_RE = re.compile(r"第\s*\d|%|％|percent|百分之")
# Words with 一 in them that count nothing: "写了一半", "一直在做", "一共120人" (the 120 counts).
_NOT_A_NUMBER_RE = re.compile(
    r"一(?:半|下|点|起|直|些|般|定|样|切|边|会|旦|致|同|向|律|概|味|再|早|路|共|心|手|块儿)"
    r"|统一|唯一|万一|第一|零件|零部件|零售|零食"
)


@lru_cache(maxsize=1)
def _words() -> NumberWords:
    return load_lexicon().numbers


def _cn_pair_range(text: str) -> tuple[str, tuple[int, int] | None]:
    """ "二三十" -> range (20, 30); the pair is removed from the text."""
    m = _CN_PAIR_RE.search(text)
    if not m:
        return text, None
    unit = _CN_UNIT[m.group(3)]
    lo, hi = _CN_DIGIT[m.group(1)] * unit, _CN_DIGIT[m.group(2)] * unit
    if lo >= hi:
        return text, None
    return text[: m.start()] + " " + text[m.end() :], (lo, hi)


def cn_digits(text: str) -> str:
    """Chinese numerals -> digits ("一百二十人" -> "120人"); the text unchanged if cn2an fails."""
    # cn2an warns on fragments it cannot read, and raises assorted errors on some.
    with warnings.catch_warnings(), contextlib.suppress(Exception):
        warnings.simplefilter("ignore")
        text = cn2an.transform(text, "cn2an")
    return text


def to_digits(text: str) -> str:
    """Chinese numerals and English number words -> digits."""
    text = cn_digits(_BARE_UNIT_RE.sub(r"一\1", text))  # "百来人" -> "一百来人"
    with contextlib.suppress(ValueError, IndexError):
        text = alpha2digit(text, "en")
    for word, n in sorted(_words().en_words.items(), key=lambda kv: -len(kv[0])):
        if contains_word(text, word):
            text = re.sub(rf"(?<![a-z]){re.escape(word)}(?![a-z])", str(n), text)
    return text


def _multiply(text: str) -> str | None:
    def repl(m: re.Match[str]) -> str:
        value = float(m.group(1)) * _MULT[m.group(2)]
        return f" {int(value)} " if value.is_integer() else m.group(0)

    out = _MULT_RE.sub(repl, text)
    return None if _MULT_RE.search(out) else out


def _approximate(text: str) -> bool:
    if _APPROX_SUFFIX_RE.search(text):
        return True
    return any(contains_word(text, w) for w in _words().approximate.both)


def _single(text: str) -> tuple[int, int | None] | None:
    """The one number (or range) in ``text`` as (value, low)."""
    ranges = [(int(a), int(b)) for a, b in _RANGE_RE.findall(text) if int(a) < int(b)]
    rest = _RANGE_RE.sub(" ", text) if ranges else text
    numbers = _NUM_RE.findall(rest)
    if len(ranges) == 1 and not numbers:
        return ranges[0][1], ranges[0][0]
    if ranges or len(numbers) != 1:
        return None
    token = numbers[0]
    if token.startswith("-") or "." in token:
        return None
    return int(token), None


_ISH_RE = re.compile(r"(?<=\d)ish\b|-ish\b")


def parse_count(text: str) -> Count | None:
    """The count in ``text``, or None when there is not exactly one whole, non-negative number."""
    if not text or len(text) > MAX_INPUT:
        return None
    folded = _NOT_A_NUMBER_RE.sub(" ", _THOUSANDS_RE.sub("", fold(text)))
    folded = _ISH_RE.sub(" ish", folded)  # "forty-ish", "40ish": about forty
    if _VAGUE_RE.search(folded) or _REFUSE_RE.search(folded):
        return None
    folded, pair = _cn_pair_range(folded)
    early = _multiply(folded)  # "3 千人" before cn2an reads "千" on its own
    digits = _multiply(to_digits(early)) if early is not None else None
    if digits is None or _REFUSE_RE.search(digits):
        return None
    approx = _approximate(digits)
    if pair is not None:
        return None if _NUM_RE.search(digits) else Count(pair[1], True, pair[0])
    found = _single(digits)
    if found is None:
        return None
    value, low = found
    return Count(value, approx or low is not None, low)
