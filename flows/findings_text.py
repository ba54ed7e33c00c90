"""Findings listed in one message, in the owner's words: "第一个是合同没做知识产权审查，第二个是
培训记录缺签到", "一个是范围说明写得不清楚，一个是合规义务清单不全", "the findings were: no IP
clause check in contracts; training records unsigned". Text only: internal audit findings and
the certification body's nonconformities are both read with it."""

from __future__ import annotations

import re

from flows.natural.text import clip

MAX_FINDINGS = 8
MAX_FINDING = 100

ORDINALS = r"(?:first|second|third|fourth|fifth|sixth|last|other|another)(?:ly)?"
# Where one finding starts: "第一个是", "一个是", "另一个是", "1.", "(2)", "①", "the first was",
# "one is", "第二，".
_MARK = re.compile(
    r"第[一二三四五六七八九十\d]+[个条项点]?(?:问题|不符合项?)?\s*(?:是|：|:|，|,|、)"
    r"|另一?个(?:问题)?是|还有一?个(?:问题)?是|一个(?:问题)?是"
    r"|(?:^|(?<=[，,；;。：:\s]))[1-9][.、)）]|[(（][1-9][)）]|[①②③④⑤⑥⑦⑧]"
    rf"|\b(?:the\s+)?{ORDINALS}(?:\s+(?:one|finding|issue|problem))?\s+(?:was|is)\b:?"
    r"|\bone\s+(?:was|is)\b:?"
    r"|\b(?:the\s+)?(?:one|other|another)\s+(?:about|on|regarding|concerning|re)\b:?",
    re.I,
)
# A bare ordinal opening a part ("first …, second …, third …", "一是…二是…"): a list only when
# there are two of them, "first, we applied" is no finding.
_ORDINAL = re.compile(
    rf"(?:^|[,;:.，；。]\s*(?:and\s+)?|\band\s+)(?:the\s+)?{ORDINALS}\b"
    r"(?:\s+(?:one|finding|issue|problem))?\s*[:,\-–]?"
    r"|(?:^|(?<=[，,；;。\s]))[一二三四五六七八]是",
    re.I,
)
# A list introduced as findings: "问题是…", "发现的问题有：…", "the findings were: …".
_START = r"(?:^|(?<=[，,；;。.\s]))"
INTRO = re.compile(
    _START + r"(?:内审)?(?:发现|开)?的?(?:两|三|几|[2-9])?[个条项]?(?:问题|不符合项?)"
    r"(?:是|有|分别是)?\s*[：:]"
    r"|"
    + _START
    + r"(?:内审)?(?:发现|开)?的?(?:两|三|几|[2-9])?[个条项]?(?:问题|不符合项?)分?别?是"
    r"|" + _START + r"(?:the\s+)?(?:internal\s+audit\s+)?(?:findings?|issues|nonconformities)"
    r"\s+(?:were|are)\b:?"
    r"|" + _START + r"(?:we\s+(?:got|had|found)\s+)?(?:\d+|one|a|an|two|three|four|five|six|some"
    r"|a\s+few)\s+"
    r"(?:minor\s+|major\s+)?(?:findings?|issues?|problems?|nonconformit(?:y|ies)|ncs?)\s*(?:[:：]|,?\s+"
    r"(?:namely|being)\b|(?:about|regarding|concerning|on)\b)",  # "1 minor finding about X"
    re.I,
)
_SPLIT = re.compile(r"[；;\n]|(?<=[。.])\s*|\band\b(?=\s+(?:the\s+)?(?:other|second|third))", re.I)
TRIM = "，,；;。.:： "
_JOINER = re.compile(r"(?:\s+and|\s+&|和|还有|以及|另外)$", re.I)
_LEAD_JOINER = re.compile(r"^(?:and|&|also|plus|和|还有|以及|另外|另一个是|另一个)\s*", re.I)


def marks(text: str) -> list[re.Match[str]]:
    """Where the findings of a list start: the plain marks, and bare ordinals when two or more
    of them make the list."""
    strong = list(_MARK.finditer(text))
    weak = [m for m in _ORDINAL.finditer(text) if not any(_overlap(m, s) for s in strong)]
    found = strong + (weak if len(weak) + len(strong) >= 2 else [])
    return sorted(found, key=lambda m: m.start())


def _overlap(a: re.Match[str], b: re.Match[str]) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def clean(parts: list[str]) -> list[str]:
    found = [
        _LEAD_JOINER.sub("", _JOINER.sub("", " ".join(p.split()).strip(TRIM)).strip(TRIM))
        for p in parts
    ]
    return [clip(f, MAX_FINDING) for f in found if len(f) >= 2][:MAX_FINDINGS]


def list_start(text: str) -> int:
    """Where the list of findings begins: its introduction or its first mark."""
    starts = [m.start() for m in (INTRO.search(text), *marks(text)[:1]) if m is not None]
    return min(starts, default=0)


def findings_in(text: str) -> list[str]:
    """The findings a message lists, in its own words ([] when it lists none)."""
    found_marks = marks(text)
    intro = INTRO.search(text)
    if found_marks:
        starts = [m.end() for m in found_marks]
        ends = [m.start() for m in found_marks[1:]] + [len(text)]
        parts = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    elif intro is not None:
        body = text[intro.end() :]
        parts = [p for chunk in _SPLIT.split(body) if chunk for p in re.split(r"[，,]", chunk)]
        parts = parts if len(parts) > 1 else [body]
    else:
        return []
    return clean(parts)
