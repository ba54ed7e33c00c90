"""Shared text handling for the natural-answer parsers: folding, clauses, word search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from knowledge.lexicon import fold

MAX_INPUT = 200  # characters; a longer message is never a short answer
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
# "n/a" and "n.a." must survive clause splitting on "/" and ".".
_JOINED = re.compile(r"(?<![a-z])n\s*[/.]\s*a\.?(?![a-z])")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def _keep(ch: str, keep: frozenset[str]) -> str:
    """Map one character: separators become "|", unknown symbols and marks vanish."""
    if ch in keep:
        return ch
    cat = unicodedata.category(ch)
    if cat[0] == "P" or ch in "\n\r\t":
        return "|"
    if cat[0] in "SMC":  # emoji, variation selectors, skin tones, control characters
        return ""
    return ch


def clauses(text: str, keep: Iterable[str] = ()) -> list[str]:
    """Fold ``text`` and split it into clauses at punctuation (symbols in ``keep`` survive).

    A space between two Chinese characters also separates clauses ("有 去年制定的").
    """
    folded = _JOINED.sub("na", fold(text))
    folded = _SPACE_BETWEEN_CJK.sub("\n", folded)
    keep_set = frozenset(keep)
    mapped = "".join(_keep(ch, keep_set) for ch in folded)
    parts = (" ".join(p.split()) for p in mapped.split("|"))
    return [p for p in parts if p]


def contains_word(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text``: as a substring when Chinese, on word boundaries otherwise."""
    if has_cjk(phrase) or not any(ch.isalnum() for ch in phrase):
        return phrase in text
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def strip_edges(text: str, lead: Iterable[str], trail: Iterable[str]) -> str:
    """Drop leading and trailing filler phrases (longest first) until none is left."""
    lead_l = sorted(lead, key=len, reverse=True)
    trail_l = sorted(trail, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for p in lead_l:
            rest = _after_prefix(text, p)
            if rest is not None and rest:
                text, changed = rest, True
                break
        for p in trail_l:
            rest = _before_suffix(text, p)
            if rest is not None and rest:
                text, changed = rest, True
                break
    return text


def _after_prefix(text: str, p: str) -> str | None:
    if not text.startswith(p):
        return None
    rest = text[len(p) :]
    if has_cjk(p) or not rest or rest[0] == " ":
        return rest.strip()
    return None


def _before_suffix(text: str, p: str) -> str | None:
    if not text.endswith(p):
        return None
    rest = text[: len(text) - len(p)]
    if has_cjk(p) or not rest or rest[-1] == " ":
        return rest.strip()
    return None


def prefix_match(text: str, phrases: Iterable[str], min_cjk: int = 2) -> str | None:
    """The longest phrase that starts ``text`` at a word boundary.

    A Chinese phrase shorter than ``min_cjk`` characters must be the whole text: "有" alone is
    an answer, but "有点难" and "无所谓" must not be read as "有" or "无".
    """
    best: str | None = None
    for p in phrases:
        if not text.startswith(p) or (best is not None and len(p) <= len(best)):
            continue
        rest = text[len(p) :]
        if rest and has_cjk(p) and len(p) < min_cjk:
            continue
        if rest and not has_cjk(p) and rest[0] != " ":
            continue
        best = p
    return best


_CLIP_TRIM = "，,；;。.:： "


def clip(text: str, limit: int) -> str:
    """``text`` whole, or cut to ``limit`` characters at a word (English) with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text.isascii():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_CLIP_TRIM) + "…"
