"""An hour of the day as people type it: "8", "8am", "8:00", "20点", "晚上8点", "下午3点", "8pm"."""

from __future__ import annotations

import re

from flows.natural.numbers import cn_digits

_HOUR = re.compile(
    r"^(?P<pre>早上|上午|中午|下午|晚上|傍晚)?\s*(?P<h>\d{1,2})\s*"
    r"(?::00|：00|点钟?|点整|时|h)?\s*(?P<post>am|a\.m\.|pm|p\.m\.|o'?clock)?$",
    re.IGNORECASE,
)
_AFTERNOON = {"下午", "晚上", "傍晚"}


def parse_hour(text: str) -> int | None:
    """The hour 0-23 ``text`` names, or None."""
    m = _HOUR.match(cn_digits(text.strip().lower()))
    if m is None:
        return None
    hour = int(m.group("h"))
    pm = (m.group("post") or "").startswith("p") or m.group("pre") in _AFTERNOON
    am = (m.group("post") or "").startswith("a")
    if (pm or am) and not 1 <= hour <= 12:
        return None
    if pm and hour < 12:
        hour += 12
    if am and hour == 12:
        hour = 0
    return hour if 0 <= hour <= 23 else None
