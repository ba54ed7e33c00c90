"""Picking one option from a list by what people type.

``match_choice(text, options) -> str | Ambiguous | OutOfRange | None`` returns the option's
value. Tried in order, first hit wins:
1. the whole text equals an option's value, a label (or a part of a label split at "/"), or a
   synonym, in any case and width ("软件", "Software", "ＳＯＦＴＷＡＲＥ");
2. a position: a bare number "2", "２", "第二个", "选2", "#2", "option 2", "the second one",
   "最后一个"; a number outside 1..N is ``OutOfRange`` (the flow says "请输入 1–N"), never text;
   for options that carry a ``counts`` range (headcount buckets), a count inside no position
   ("120", "大概120人") picks the bucket that holds it instead;
3. an option's label or synonym inside the text ("我们是做软件的"), or the text inside a label
   ("制造" in "制造业", "manuf" in "Manufacturing"); several options hit -> ``Ambiguous``;
4. a close spelling of an English label or synonym ("manufactoring").
Otherwise None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from flows.natural.numbers import Count, cn_digits, parse_count
from flows.natural.text import MAX_INPUT, contains_word, has_cjk, strip_edges
from knowledge.lexicon import fold, load_lexicon


@dataclass(frozen=True)
class Option:
    """One option: its stored value, labels in both languages, synonyms, and optionally the
    counts it stands for (``(51, 200)``; ``(501, None)`` = 501 or more)."""

    value: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    counts: tuple[int, int | None] | None = None
    _names: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def names(self) -> tuple[str, ...]:
        """Folded value, labels, label parts and synonyms."""
        if not self._names:
            raw = [self.value, self.zh, self.en, *self.synonyms]
            parts = [p for label in (self.zh, self.en) for p in re.split(r"\s*/\s*", label)]
            names = tuple(dict.fromkeys(n for n in (fold(x) for x in raw + parts) if n))
            object.__setattr__(self, "_names", names)
        return self._names


@dataclass(frozen=True)
class Ambiguous:
    values: tuple[str, ...]


@dataclass(frozen=True)
class OutOfRange:
    number: int
    size: int


Match = str | Ambiguous | OutOfRange | None


def options_from(
    triples: Sequence[tuple[str, str, str]],
    group: str | None = None,
    counts: Sequence[tuple[int, int | None]] | None = None,
) -> tuple[Option, ...]:
    """Options from (value, zh, en) triples, with the lexicon's synonyms for ``group``."""
    lex = load_lexicon()
    return tuple(
        Option(v, zh, en, lex.synonyms(group, v) if group else (), counts[i] if counts else None)
        for i, (v, zh, en) in enumerate(triples)
    )


_POSITION_RE = re.compile(
    r"^(?:第|选|选择|选第|no\.?|number|option|#|choice)?\s*(-?\d+)\s*(?:个|项|条|号|个选项)?$"
)


def _position(s: str, size: int) -> int | None:
    """A 1-based position named by ``s`` (may be out of range), or None."""
    lex = load_lexicon().ordinals
    words = {**lex.zh, **lex.en}
    bare = strip_edges(
        s, ("the", "选", "选择"), ("one", "option", "choice", "个", "项", "吧", "please")
    )
    bare = s if s in words else bare
    if bare in words:
        n = words[bare]
        return size if n == -1 else n
    m = _POSITION_RE.match(cn_digits(bare).replace(" ", "")) or _POSITION_RE.match(cn_digits(bare))
    return int(m.group(1)) if m else None


def _by_count(count: Count | None, options: Sequence[Option]) -> str | None:
    if count is None:
        return None
    for o in options:
        if (
            o.counts
            and count.value >= o.counts[0]
            and (o.counts[1] is None or count.value <= o.counts[1])
        ):
            return o.value
    return None


# Words that deny what follows them: "没有证书" holds 有证 but says the opposite.
_NEGATED_ZH = re.compile("(?:没|没有|未|不|无|非|尚未|还没|还没有)$")
_NEGATED_EN = re.compile(
    r"\b(?:not|no|never|haven't|havent|don't|dont|didn't|didnt|n't)\s+(?:\w+\s+){0,2}$"
)


def _negated(s: str, name: str) -> bool:
    """Every occurrence of ``name`` in ``s`` follows a word that denies it."""
    starts = [m.start() for m in re.finditer(re.escape(name), s)]
    if not starts:
        return False
    pattern = _NEGATED_ZH if has_cjk(name) else _NEGATED_EN
    return all(pattern.search(s[:i]) for i in starts)


def _contained(s: str, options: Sequence[Option]) -> list[str]:
    hits: dict[str, int] = {}
    for o in options:
        for name in o.names():
            found = contains_word(s, name) and not _negated(s, name)
            if found or _is_part(s, name):
                hits[o.value] = max(hits.get(o.value, 0), len(name))
    return list(hits)


def _is_part(s: str, name: str) -> bool:
    """``s`` is a clear part of ``name``: a Chinese substring, or the start of an English word."""
    if has_cjk(s):
        return s in name
    return (len(s) >= 3 and any(w.startswith(s) for w in re.split(r"[\s/-]+", name))) or (
        len(s) >= 4 and s in name
    )


def _fuzzy(s: str, options: Sequence[Option]) -> str | None:
    if has_cjk(s) or len(s) < 5:
        return None
    scored = {o.value: max(fuzz.ratio(s, n) for n in o.names()) for o in options}
    best = sorted(scored.items(), key=lambda kv: -kv[1])
    if best and best[0][1] >= 85 and (len(best) == 1 or best[1][1] < best[0][1] - 5):
        return best[0][0]
    return None


def match_choice(text: str, options: Sequence[Option]) -> Match:
    """The value of the option ``text`` picks (see module doc)."""
    if not text or len(text) > MAX_INPUT or not options:
        return None
    s = " ".join(re.sub(r"[\s,.;!?，。；！？、]+$|^[\s,.;!?，。；！？、]+", "", fold(text)).split())
    if not s:
        return None
    exact = [o.value for o in options if s in o.names()]
    if len(exact) == 1:
        return exact[0]
    pos = _position(s, len(options))
    if pos is not None:
        if 1 <= pos <= len(options):
            return options[pos - 1].value
        picked = _by_count(parse_count(s), options)
        return picked if picked is not None else OutOfRange(pos, len(options))
    counted = _by_count(parse_count(s), options) if any(o.counts for o in options) else None
    if counted is not None:
        return counted
    hits = exact or _contained(s, options)
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        return Ambiguous(tuple(hits))
    return _fuzzy(s, options)
