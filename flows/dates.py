"""Parsing the dates users type, strictly: a wrong date is refused, never guessed."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta

# Year first only: "2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日", "20260301".
# Day-first forms like 01/03/2026 are ambiguous between locales, so they are refused.
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateError(ValueError):
    """The text is not a valid calendar date; ``reason`` is "format" or "invalid"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_date(text: str) -> date:
    s = unicodedata.normalize("NFKC", text).strip()
    m = _YMD.match(s) or _COMPACT.match(s)
    if not m:
        raise DateError("format")
    year, month, day = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:  # e.g. 2025-02-30
        raise DateError("invalid") from exc


def add_months(day: date, months: int) -> date:
    """Calendar months forward (negative: back); the day is clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def default_expiry(issued: date, validity_years: int) -> date:
    """A certificate issued on D is typically valid until the day before D + N years."""
    return add_years(issued, validity_years) - timedelta(days=1)
