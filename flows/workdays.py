"""Working days: no due date on a weekend or a public holiday; make-up working days count.

Backed by the maintained ``holidays`` library (``holidays.China``), which marks the State
Council's make-up working days (调休, e.g. Saturday 2026-02-14) as working days and the
substituted days off (e.g. Monday 2026-02-23) as holidays.

Years not announced yet: the State Council publishes each year's arrangement around November
of the year before. For a later year ``holidays`` computes the statutory holidays from the
rules (Spring Festival from the lunar calendar, National Day, ...) but cannot know the
make-up working days or the bridging days off. So for such a year (``is_announced`` is
False) a statutory holiday is a day off, every Saturday and Sunday is a day off, and a bridge
day the Council may later add (e.g. a Friday between a holiday and the weekend) still counts as
a working day. A plan made now for such a year is re-checked once the year is announced.

Results are cached per (country, year): the first call for a year costs ~20 ms, later calls
are set look-ups (see ``benchmarks/workdays_bench.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays

Country = Literal["CN"]
MoveDirection = Literal["earlier", "later"]
_MAX_SCAN = 60  # days; the longest run of days off (Spring Festival + weekends) is ~9
_LANG = {"zh": "zh_CN", "en": "en_US"}


@dataclass(frozen=True)
class Shift:
    """A date moved to a working day. ``reason`` says why the original date was a day off."""

    day: date
    moved: bool
    original: date
    reason: Literal["weekend", "holiday"] | None = None


@dataclass(frozen=True)
class _Year:
    days_off: frozenset[date]
    holidays: frozenset[date]
    announced: bool


@lru_cache(maxsize=64)
def _year(country: Country, year: int) -> _Year:
    cal = holidays.country_holidays(country, years=year)
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    makeup = frozenset(d for d in getattr(cal, "weekend_workdays", ()) if d.year == year)
    return _Year(
        days_off=frozenset(d for d in days if not cal.is_working_day(d)),
        holidays=frozenset(d for d in cal if d.year == year),
        announced=bool(makeup),
    )


def is_working_day(d: date, country: Country = "CN") -> bool:
    return d not in _year(country, d.year).days_off


def is_announced(year: int, country: Country = "CN") -> bool:
    """True when the calendar knows the year's make-up working days (the year is announced)."""
    return _year(country, year).announced


def holiday_name(d: date, lang: str = "zh", country: Country = "CN") -> str | None:
    """The public holiday on ``d`` in ``lang`` ("春节" / "Chinese New Year (Spring Festival)")."""
    if d not in _year(country, d.year).holidays:
        return None
    return _names(country, d.year, _LANG.get(lang, "en_US")).get(d)


@lru_cache(maxsize=16)
def _names(country: Country, year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year, language=language).items())


def _scan(d: date, step: int, country: Country) -> date:
    for _ in range(_MAX_SCAN):
        if is_working_day(d, country):
            return d
        d += timedelta(days=step)
    raise ValueError(f"no working day within {_MAX_SCAN} days of {d}")  # never for CN


def previous_working_day(d: date, country: Country = "CN") -> date:
    """``d`` itself when it is a working day, else the last working day before it."""
    return _scan(d, -1, country)


def next_working_day(d: date, country: Country = "CN") -> date:
    """``d`` itself when it is a working day, else the first working day after it."""
    return _scan(d, 1, country)


def add_working_days(d: date, n: int, country: Country = "CN") -> date:
    """The n-th working day after ``d`` (before it when n < 0), not counting ``d`` itself.

    ``n == 0`` gives ``next_working_day(d)``.
    """
    if n == 0:
        return next_working_day(d, country)
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        d = _scan(d + timedelta(days=step), step, country)
    return d


def shift_to_working_day(d: date, direction: MoveDirection, country: Country = "CN") -> Shift:
    """Move ``d`` to the nearest working day ``direction`` (certificate deadlines move earlier).

    The result says whether it moved and why, so a reminder can say "moved earlier from
    Sunday 2028-06-25".
    """
    if is_working_day(d, country):
        return Shift(d, False, d)
    moved = (
        previous_working_day(d, country) if direction == "earlier" else next_working_day(d, country)
    )
    reason: Literal["weekend", "holiday"] = (
        "holiday" if d in _year(country, d.year).holidays else "weekend"
    )
    return Shift(moved, True, d, reason)


def spring_festival(year: int, country: Country = "CN") -> date | None:
    """The first day of the Spring Festival holiday in ``year`` (the lunar new year)."""
    names = _names(country, year, "en_US")
    days = sorted(d for d, name in names.items() if "Spring Festival" in name)
    return days[0] if days else None


def before_spring_festival(today: date, country: Country = "CN") -> date | None:
    """ "春节前", "before Chinese New Year": the last working day before the next Spring
    Festival holiday (this year's while it is still ahead, else next year's)."""
    for year in (today.year, today.year + 1):
        first = spring_festival(year, country)
        if first is None or first <= today:
            continue
        last = previous_working_day(first - timedelta(days=1), country)
        if last >= today:
            return last
    return None


def after_spring_festival(today: date, country: Country = "CN") -> date | None:
    """ "过完年": the first working day after the next Spring Festival holiday (the one under
    way, or the coming one once this year's is over)."""
    for year in (today.year, today.year + 1):
        first = spring_festival(year, country)
        if first is None:
            continue
        back = next_working_day(first + timedelta(days=1), country)
        if back > today:
            return back
    return None
