"""Injected time: flows and reminders never read the system clock directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from flows.state import DEFAULT_TZ


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock tests move by hand, so nothing has to sleep."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware time")
        self._now = when.astimezone(UTC)


SIMULATED_FROM = time(12, 0)  # a simulated day starts at noon, local time


class ShiftedClock:
    """Real time moved to another day: ``ipms chat --today 2027-06-01`` tries later phases.

    Time still runs (minutes pass as usual), only the date is moved; terminal only. The day is
    the day in ``tz`` (the user's timezone): at 01:00 in Shanghai it is still the previous day
    in UTC, and "yesterday" must mean the day before the one the user set.
    """

    def __init__(self, day: date, base: Clock | None = None, tz: str = DEFAULT_TZ) -> None:
        self._base = base or SystemClock()
        self.move_to(day, tz)

    def move_to(self, day: date, tz: str = DEFAULT_TZ) -> None:
        """That day at the real time of day, but not before noon: a day moved to is a working
        day's afternoon, after that morning's digest (at 04:00 it was not due yet, and every
        reminder showed up a day late, saying "today" of what was due the day before)."""
        real = self._base.now().astimezone(ZoneInfo(tz))
        at = max(real.time(), SIMULATED_FROM)
        self._offset = datetime.combine(day, at, tzinfo=real.tzinfo) - real

    def now(self) -> datetime:
        return self._base.now() + self._offset
