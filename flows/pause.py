"""Pausing reminders ("别每天提醒我了", /pause 2周) and resuming them (/resume, "恢复提醒").

A pause is two instants on the user (stored on ``app_user``): ``reminders_paused_from`` (when
they asked) and ``reminders_paused_until`` (None: until they resume). Resuming sets ``until``
to now and keeps both, so the rule stays one line: a *digest* reminder due before ``until``
is held (not planned, and cancelled if it falls due anyway). What fell due during the pause
is not sent late on resume; /reminders still lists what is overdue.

Certificate risks (``flows.schedule.is_risk``: a missed surveillance audit, the certificate
about to lapse, a nonconformity past its deadline) are still sent while paused: a pause is
asked for to quiet the daily digest, missing one of these can cost the certificate, and
there are only a few a year. The pause reply says so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flows.natural.numbers import cn_digits

MAX_PAUSE_DAYS = 366


def held(paused_from: datetime | None, paused_until: datetime | None, due_at: datetime) -> bool:
    """A digest reminder due at ``due_at`` is held by the user's pause."""
    return paused_from is not None and (paused_until is None or due_at < paused_until)


def is_paused(paused_from: datetime | None, paused_until: datetime | None, now: datetime) -> bool:
    return paused_from is not None and (paused_until is None or now < paused_until)


_UNITS = {
    "天": 1, "日": 1, "day": 1, "days": 1, "d": 1,
    "周": 7, "星期": 7, "礼拜": 7, "week": 7, "weeks": 7, "w": 7,
    "个月": 30, "月": 30, "month": 30, "months": 30,
}  # fmt: skip
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "few": 3, "两": 2}
_DURATION = re.compile(
    r"(?P<n>\d+|a|an|one|two|three|four|six|few|两)?\s*(?:个)?\s*"
    r"(?P<unit>个月|星期|礼拜|天|日|周|月|days?|weeks?|months?|d|w)\b",
    re.I,
)


def parse_days(text: str) -> int | None:
    """Days of a pause ("2周", "两个星期", "10天", "two weeks", "a month", "14"), or None."""
    s = cn_digits(text.strip().lower())
    if s.isdigit():
        return int(s)
    m = _DURATION.search(s + " ")
    if m is None:
        return None
    raw = (m.group("n") or "1").lower()
    n = int(raw) if raw.isdigit() else _WORDS.get(raw, 1)
    return n * _UNITS[m.group("unit").lower()]


def resume_day(today: date, days: int) -> date:
    """The local day reminders come back: ``days`` after today."""
    return today + timedelta(days=min(max(days, 1), MAX_PAUSE_DAYS))
