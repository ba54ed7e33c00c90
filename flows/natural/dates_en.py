"""English dates through dateparser, with the rewrites it needs.

dateparser reads "15 March 2027", "next Friday", "June 2027" well; it returns None for "end of
June next year", "end of next month", "last September", and reads any lone word it can ("a" ->
January). So, before the call: edge words ("end of", "early", "mid") are taken off and kept,
"next month"/"this year"/"<month> next year" become explicit months and years, a year-less
month is parsed in a fixed leap year and marked ``cycle="year"``; a text without any date word
or digit is refused.
"""

from __future__ import annotations

import re
import warnings
from calendar import monthrange
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from dateparser.date import DateDataParser

from flows.dates import add_months
from flows.natural.date_types import Cycle, DateProblem, Direction, Edge, Reading

LEAP_YEAR = 2024
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]  # fmt: skip
_MONTH_ALT = "|".join([m for m in _MONTHS] + [m[:3] for m in _MONTHS] + ["sept"])
_MONTH_RE = re.compile(rf"\b(?:{_MONTH_ALT})\b\.?")
_WEEKDAY_RE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b"
)
_DATE_WORD_RE = re.compile(
    rf"\d|\b(?:{_MONTH_ALT}|today|tomorrow|yesterday|tonight|now|next|last|this|ago|week|month|"
    r"year|quarter|q[1-4]|weekend|fortnight)\b|" + _WEEKDAY_RE.pattern
)
_LEAD_RE = re.compile(
    r"^(?:(?:by|before|on|around|about|approximately|roughly|until|till|due|sometime|some time|"
    r"no later than|not later than|at|in|probably|maybe|hopefully|we plan|planned for|target)\s+)+"
)
_EDGE_RE = re.compile(
    r"^(?:the\s+)?(end|late|beginning|start|early|mid|middle)(?:\s+of)?[\s-]+(?:the\s+)?"
)
_EDGES: dict[str, Edge | None] = {
    "end": "end", "late": "end", "beginning": "start", "start": "start", "early": "start",
    "mid": None, "middle": None,
}  # fmt: skip
_REL_PERIOD_RE = re.compile(r"\b(this|next|last)\s+(month|year)\b|\b(the\s+)?(month|year)\b")
_MONTH_YEAR_REL_RE = re.compile(
    rf"\b((?:{_MONTH_ALT})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?)\s+(this|next|last)\s+year\b"
)
_NEXT_LAST_MONTH_RE = re.compile(rf"^(next|last|this)\s+((?:{_MONTH_ALT})\b.*)$")
_YEAR_RE = re.compile(r"\b\d{4}\b")
_RELATIVE_WORD_RE = re.compile(r"\b(?:today|tomorrow|yesterday|next|last|this|ago|week|from now)\b")


def _shift(word: str, period: str, today: date) -> str:
    step = {"this": 0, "next": 1, "last": -1}[word]
    if period == "month":
        d = add_months(today, step)
        return f"{_MONTHS[d.month - 1]} {d.year}"
    return str(today.year + step)


def _rewrite(s: str, today: date) -> tuple[str, Edge | None, bool]:
    """Explicit years and months; returns (text, edge, mid)."""
    s = _LEAD_RE.sub("", s)
    edge: Edge | None = None
    mid = False
    m = _EDGE_RE.match(s)
    if m and (rest := s[m.end() :].strip()):
        edge, mid, s = _EDGES[m.group(1)], m.group(1) in ("mid", "middle"), rest
    s = _MONTH_YEAR_REL_RE.sub(lambda m: f"{m.group(1)} {_shift(m.group(2), 'year', today)}", s)
    if edge is not None or mid or _REL_PERIOD_RE.fullmatch(s):
        s = _REL_PERIOD_RE.sub(
            lambda m: _shift(m.group(1) or "this", m.group(2) or m.group(4), today), s
        )
    return s.strip(), edge, mid


@lru_cache(maxsize=8)
def _parser(today: date) -> Any:
    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "current_period",
        "RETURN_TIME_AS_PERIOD": True,
        "PARSERS": ["relative-time", "absolute-time"],
    }
    return DateDataParser(languages=["en"], settings=settings)


def _span(start: date, period: str) -> tuple[date, date]:
    if period == "month":
        first = start.replace(day=1)
        return first, first.replace(day=monthrange(first.year, first.month)[1])
    if period == "quarter":
        first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        return first, add_months(first, 3) - timedelta(days=1)
    if period == "year":
        return date(start.year, 1, 1), date(start.year, 12, 31)
    return start, start


def _call(s: str, today: date) -> tuple[date, date, str] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            data = _parser(today).get_date_data(s)
        except Exception:  # dateparser raises assorted errors on odd input; it is "no date"
            return None
    if data.date_obj is None:
        return None
    period = data.period or "day"
    start, end = _span(data.date_obj.date(), period)
    return start, end, period


def _force(s: str, today: date) -> tuple[str, Direction | None]:
    m = _NEXT_LAST_MONTH_RE.match(s)
    if not m or _YEAR_RE.search(s):
        return s, None
    if m.group(1) == "last":  # "last November" is last year's, as "去年11月": said in December
        return f"{m.group(2)} {today.year - 1}", "past"  # it is not the month just gone
    forced: dict[str, Direction | None] = {"next": "future", "last": "past", "this": None}
    return m.group(2), forced[m.group(1)]


# "June 8-9", "June 8 to 9", "8-9 June": two days of one month, read as a span.
_DAY_RANGE_RE = re.compile(
    r"\b(?P<mon>[a-z]{3,9})\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until|till)\s*"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\b(?P<e1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to)\s*(?P<e2>\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(?:of\s+)?(?P<emon>[a-z]{3,9})\b",
    re.I,
)


def read_en(text: str, today: date) -> Reading | DateProblem:
    """Read an English date expression relative to ``today``."""
    if (m := _DAY_RANGE_RE.search(text)) is not None:
        return _day_range(text, m, today)
    return _read_en(text, today)


def _day_range(text: str, m: re.Match[str], today: date) -> Reading | DateProblem:
    mon = m.group("mon") or m.group("emon")
    d1, d2 = (m.group("d1"), m.group("d2")) if m.group("mon") else (m.group("e1"), m.group("e2"))
    first = _read_en(f"{text[: m.start()]}{mon} {d1}{text[m.end() :]}", today)
    last = _read_en(f"{text[: m.start()]}{mon} {d2}{text[m.end() :]}", today)
    if isinstance(first, DateProblem) or isinstance(last, DateProblem) or last.end < first.start:
        return _read_en(text, today)
    return replace(first, end=last.end)


def _read_en(text: str, today: date) -> Reading | DateProblem:
    if not _DATE_WORD_RE.search(text):
        return DateProblem("not_a_date")
    s, edge, mid = _rewrite(text, today)
    s, force = _force(s, today)
    year_less = bool(_MONTH_RE.search(s)) and not _YEAR_RE.search(s)
    if year_less and _RELATIVE_WORD_RE.search(s):
        return DateProblem("not_a_date")
    found = _call(f"{s} {LEAP_YEAR}" if year_less else s, today)
    if found is None:
        return DateProblem("impossible" if _impossible(s) else "not_a_date")
    start, end, period = found
    if mid and start != end:  # mid-month: the 15th; mid-year: 30 June
        start = end = start.replace(day=15) if period != "year" else start.replace(month=6, day=30)
    cycle = "year" if year_less else _open_cycle(s)
    complete = period == "day" and bool(_YEAR_RE.search(text)) and bool(_MONTH_RE.search(s))
    return Reading(start, end, complete=complete, cycle=cycle, edge=edge, force=force)


_DAY_ONLY_RE = re.compile(r"^(?:the\s+)?\d{1,2}(?:st|nd|rd|th)(?:\s+of\s+the\s+month)?$")


def _open_cycle(s: str) -> Cycle | None:
    if _WEEKDAY_RE.fullmatch(s):
        return "week"
    return "month" if _DAY_ONLY_RE.match(s) else None


def _impossible(s: str) -> bool:
    """A month name with a day it does not have ("February 30", "31 April")."""
    m = _MONTH_RE.search(s)
    if not m:
        return False
    month = next(
        i for i, name in enumerate(_MONTHS, 1) if m.group(0).rstrip(".").startswith(name[:3])
    )
    days = [int(d) for d in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", s)]
    return any(d > monthrange(LEAP_YEAR, month)[1] for d in days)


def warm_up() -> None:
    _call("15 March 2027", date(2026, 12, 2))
