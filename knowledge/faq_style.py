"""House style of user-facing knowledge texts, checked by ``ipms kb check``.

- Chinese addresses the user as 您 (never 你/你们) and uses full-width punctuation next to
  Chinese characters (，；：？！（）), no English words (names and acronyms such as GB/T,
  ISO, CNAS, FTO are upper-case and allowed);
- English never leaves Chinese untranslated: Chinese characters and "guanbiao" appear only in
  parentheses after their translation ("IPMS certification (贯标)").

FAQ phrasings (``questions``) are how users type and are not checked, nor are the patterns of
what users say (a step's ``told`` and ``told_when_current``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.loader import RawData
from knowledge.schema import Text, TextList

__all__ = ["EXEMPT_FILES", "style_problems"]

EXEMPT_FILES: frozenset[str] = frozenset()
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_INFORMAL = re.compile(r"你")
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}])\s*[,;:?!()]|[,;:?!()]\s*(?=[{_CJK}])")
_PAREN_WITH_CJK = re.compile(rf"\([^()]*[{_CJK}][^()]*\)")
_LOWER_WORD = re.compile(r"(?<![\w/.@:-])[a-z]{3,}(?![\w/.@-])")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_USER_WORDS = (".questions", ".told", ".told_when_current")  # what users type: not house style
_PARENS = re.compile(r"\([^()]*\)|（[^（）]*）")


def zh_problems(text: str) -> list[str]:
    out: list[str] = []
    if _INFORMAL.search(text):
        out.append("uses 你 (write 您)")
    for m in (*_ASCII_PUNCT.finditer(text), *_PAREN_WITH_CJK.finditer(text)):
        out.append(f"ASCII punctuation in Chinese: {_context(text, m.start(), m.end())!r}")
    for m in _LOWER_WORD.finditer(text):
        out.append(f"English word in Chinese text: {m.group(0)!r}")
    return out


def en_problems(text: str) -> list[str]:
    outside = _PARENS.sub(" ", text)
    out = [f"untranslated Chinese in English text: {run!r}" for run in _CJK_RUN.findall(outside)]
    if re.search(r"\bguanbiao\b", outside, re.I):
        out.append("untranslated 'guanbiao' in English text")
    return out


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 6) : end + 6]


def _texts(obj: object, path: str) -> Iterator[tuple[str, str, str]]:
    """(path, lang, text) for every user-facing text below ``obj``."""
    from pydantic import BaseModel

    if isinstance(obj, Text):
        yield path, "zh", obj.zh
        yield path, "en", obj.en
    elif isinstance(obj, TextList):
        if not path.endswith(_USER_WORDS):
            for lang in ("zh", "en"):
                for i, item in enumerate(obj.get(lang)):
                    yield f"{path}[{i}]", lang, item
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _texts(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            item_id = getattr(item, "id", None)
            yield from _texts(item, f"{path}[{item_id if isinstance(item_id, str) else i}]")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _texts(value, f"{path}.{key}")


def style_problems(raw: RawData) -> list[str]:
    documents: list[tuple[str, object]] = [
        ("assessment.yaml", raw.assessment),
        ("clauses.yaml", raw.catalogue),
        ("journey.yaml", raw.journey),
        ("rules.yaml", raw.rules),
        ("glossary.yaml", raw.glossary),
        *raw.faq_files.items(),
    ]
    problems: list[str] = []
    for name, doc in documents:
        if name in EXEMPT_FILES:
            continue
        for path, lang, text in _texts(doc, ""):
            found = zh_problems(text) if lang == "zh" else en_problems(text)
            problems.extend(f"{name}: {path.lstrip('.')}.{lang}: {p}" for p in found)
    return problems
