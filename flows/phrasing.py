"""How a typed text reads: a question to answer rather than the input that was asked for."""

from __future__ import annotations

import re
import unicodedata

from flows.natural import AnswerKind, parse_answer
from knowledge.lexicon import fold, load_lexicon

# Text that is a question rather than the requested input (a name, a date...).
_QUESTION = re.compile(
    r"[?？]\s*$|吗|什么|怎么|如何|为什么|多少|是否|哪些|哪个|能不能|可不可以"
    r"|^(what|how|why|when|which|who|can|could|do|does|is|are|should|must|will)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION.search(text.strip()))


# Control, format (zero-width, bidi overrides), private-use, surrogate and unassigned code points.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}


def clean_name(text: str) -> str:
    """A name as stored: no invisible or control characters (NUL, U+200B, U+202E...), single
    spaces. A name made only of such characters becomes empty and is refused by the caller."""
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(visible.split())


def bare(text: str) -> str:
    """The text folded, without the punctuation around it ("好的！" -> "好的")."""
    return fold(text).strip(" .!?~。！？～、，,")


def says_go(text: str) -> bool:
    """ "ok", "好的", "继续": go on (the lexicon's words for accepting an offer)."""
    return bare(text) in load_lexicon().synonyms("offer", "accept")


def agrees(text: str) -> bool:
    """ "ok", "好的", "yes", "行": agreement to what was just proposed."""
    return says_go(text) or parse_answer(text) is AnswerKind.YES


def says_nothing_new(text: str) -> bool:
    """A bare yes/no/not sure or "ok": no name, date or other content in it."""
    return agrees(text) or parse_answer(text) is not None
