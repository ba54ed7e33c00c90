"""Seasons, quarters, halves and "mid-year": periods owners name that the date libraries miss.

"by next summer", "Q2 next year", "the first half of 2027", "明年夏天", "明年年中". dateparser
reads none of the English ones; jionlp reads "明年夏天" by the solar terms (May 6 – Aug 7) and
"明年年中" as the whole year. Seasons are the meteorological ones of the northern hemisphere
(summer = June to August); "mid-year" is June 30.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows.dates import add_months
from flows.natural.date_types import Edge, Reading

# period -> (first month, number of months)
_SEASONS = {"spring": (3, 3), "summer": (6, 3), "autumn": (9, 3), "fall": (9, 3), "winter": (12, 3)}
_ZH_SEASONS = {"春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter"}
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_EDGES: dict[str, Edge | None] = {
    "end": "end", "late": "end", "beginning": "start", "start": "start", "early": "start",
    "mid": None, "middle": None, "初": "start", "末": "end", "底": "end", "中": None,
}  # fmt: skip

_EN = re.compile(
    r"^(?:(?:by|before|in|around|until|till|sometime in|during|over)\s+)*(?:the\s+)?"
    r"(?:(?P<edge>end|late|beginning|start|early|mid|middle)(?:\s+of)?[\s-]+(?:the\s+)?)?"
    r"(?:(?P<rel>this|next|last|coming)\s+)?"
    r"(?P<what>spring|summer|autumn|fall|winter|q[1-4]"
    r"|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|(?:first|second|1st|2nd)\s+half|h[12])"
    r"(?:\s+(?:of\s+)?(?P<year>\d{4}|(?:this|next|last)\s+year))?$"
)
_ZH = re.compile(
    r"^(?P<year>今年|明年|后年|去年|\d{4}年)?的?"
    r"(?:(?P<season>[春夏秋冬])(?:天|季)(?P<edge>初|末|底|中)?|(?P<mid>年中))(?:之前|以前|前)?$"
)
_REL_YEARS = {"this": 0, "next": 1, "last": -1, "今年": 0, "明年": 1, "后年": 2, "去年": -1}


def read_period(s: str, today: date) -> Reading | None:
    """The period ``s`` names as a whole, or None (``s`` is cleaned and lower-cased)."""
    if (m := _ZH.match(s)) is not None:
        return _zh(m, today)
    if (m := _EN.match(s)) is not None:
        return _en(m, today)
    return None


def _zh(m: re.Match[str], today: date) -> Reading:
    year = _year(m.group("year"), today)
    if m.group("mid"):  # 年中: June 30
        when = date(year if year is not None else today.year, 6, 30)
        return Reading(when, when, cycle="year" if year is None else None)
    first, months = _SEASONS[_ZH_SEASONS[m.group("season")]]
    return _span(first, months, year, today, None, m.group("edge"))


def _en(m: re.Match[str], today: date) -> Reading:
    what = m.group("what")
    year = _year(m.group("year"), today)
    if what in _SEASONS:
        first, months = _SEASONS[what]
    elif what.startswith("q") or what.endswith("quarter"):
        n = int(what[1]) if what.startswith("q") else _ORDINALS[what.split()[0]]
        first, months = 3 * n - 2, 3
    else:  # a half
        n = int(what[1]) if what.startswith("h") else _ORDINALS[what.split()[0]]
        first, months = 6 * n - 5, 6
    return _span(first, months, year, today, m.group("rel"), m.group("edge"))


def _year(said: str | None, today: date) -> int | None:
    if not said:
        return None
    if said in _REL_YEARS:
        return today.year + _REL_YEARS[said]
    if said.endswith("year"):
        return today.year + _REL_YEARS[said.split()[0]]
    return int(said.rstrip("年"))


def _span(
    first: int, months: int, year: int | None, today: date, rel: str | None, edge_word: str | None
) -> Reading:
    """The months from ``first`` in ``year`` (for "next"/"last": the one after/before today;
    with no year at all, left open by whole years)."""

    def bounds(y: int) -> tuple[date, date]:
        start = date(y, first, 1)
        return start, add_months(start, months) - timedelta(days=1)

    cycle = None
    if year is None and rel in ("next", "coming"):
        year = next(y for y in range(today.year - 1, today.year + 2) if bounds(y)[0] > today)
    elif year is None and rel == "last":
        year = max(y for y in range(today.year - 2, today.year + 1) if bounds(y)[1] < today)
    elif year is None and rel == "this":
        year = today.year
    elif year is None:
        year, cycle = today.year, "year"
    start, end = bounds(year)
    edge = _EDGES.get(edge_word or "")
    if edge_word in ("mid", "middle", "中"):
        start = end = start + (end - start) / 2
    return Reading(start, end, cycle=cycle, edge=edge)  # type: ignore[arg-type]
