"""How a typed text reads: a question to answer rather than the input that was asked for."""

from __future__ import annotations

import re

# Text that is a question rather than the requested input (a name, a date...).
_QUESTION = re.compile(
    r"[?？]\s*$|吗|什么|怎么|如何|为什么|多少|是否|哪些|哪个|能不能|可不可以"
    r"|^(what|how|why|when|which|who|can|could|do|does|is|are|should|must|will)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION.search(text.strip()))
