"""Deadlines said as dates ("close it by August 20", "要求9月8号前交整改", "期限是8月20号").

A date introduced by a deadline phrase is when something is due, never the day an event was
held: the audit's day is read from the text with these phrases blanked out, and the date
they name is the findings' deadline.
"""

from __future__ import annotations

import re
from datetime import date

from flows.reading import find_date

# "by August 20", "until the 20th", "no later than Aug 20", "deadline is August 20"
_EN = re.compile(
    r"\b(?:by|until|till|before|no\s+later\s+than|due(?:\s+(?:on|by))?"
    r"|deadline(?:\s+(?:is|was|of))?)\s+[^,;，；。]*?(?=[,;，；。]|\.(?:\s|$)|\s+and\b|$)",
    re.I,
)
# A day said in Chinese, ending on a day or a month's part ("9月8号", "8月底"): not "两个月前"
_ZH_DAY = (
    r"(?:\d{4}\s*年\s*)?[0-9一二三四五六七八九十两]{1,3}\s*月"
    r"\s*(?:[0-9一二三四五六七八九十]{1,3}\s*[号日]?|底|中旬|下旬|上旬|初)?"
    r"|[0-9一二三四五六七八九十]{1,3}\s*[号日]"
)
_ZH = re.compile(
    rf"(?:要求|需要|必须|须|需|得|在|于)?\s*(?:{_ZH_DAY})\s*(?:之|以)?前"
    rf"|(?:期限|截止(?:日期|时间)?|最晚|最迟)\s*(?:是|为|到|在|定在)?\s*(?:{_ZH_DAY})"
)
# Said of findings or of fixing them: otherwise "内审6月底前做" is the audit's own date.
_ABOUT_FIXING = re.compile(
    r"整改|改完|改好|纠正|关闭|不符合|问题|\b(?:close|fix|correct|respond|submit|evidence|resolve)"
    r"|\b(?:findings?|ncs?|issues?|nonconformit)",
    re.I,
)


def spans(text: str, today: date, of_findings: bool = True) -> list[tuple[int, int]]:
    """Where deadline phrases with a date are; ``of_findings``: only when the text speaks of
    findings or fixing them (a deadline said alone, where one is asked, needs no such words)."""
    if of_findings and not _ABOUT_FIXING.search(text):
        return []
    found = [*_EN.finditer(text), *_ZH.finditer(text)]
    return [
        (m.start(), m.end())
        for m in found
        if find_date(m.group(0), today, "future", "end") is not None
    ]


def blanked(text: str, today: date) -> str:
    """The text with its deadline phrases blanked (same length: offsets stay valid)."""
    for start, end in spans(text, today):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def due(text: str, today: date, of_findings: bool = True) -> date | None:
    """The date the first deadline phrase names, or None."""
    found = spans(text, today, of_findings)
    if not found:
        return None
    start, end = min(found)
    return find_date(text[start:end], today, "future", "end")
