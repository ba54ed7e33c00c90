"""A time zone from what people type: an IANA name, a city, a country, an offset.

``resolve_timezone(text) -> str | TimezoneProblem`` returns a name from
``zoneinfo.available_timezones()``. The text is only ever compared with that set (never used to
open a file), so "Asia" (a directory: ``ZoneInfo("Asia")`` raises IsADirectoryError), "../etc"
and 10,000-character names are refused cleanly. Tried in order:
1. places and countries from the lexicon ("北京", "Shenzhen", "德国", "东八区"; "美国" spans
   several zones -> ``ambiguous`` with the candidates);
2. an IANA name in any case, spaces for underscores ("asia/shanghai", "America/New York");
3. a region alone ("Asia", "Europe") -> ``region``;
4. an offset: "UTC+8", "GMT-5", "+08:00", "东八区"/"西五区" -> the fixed zone Etc/GMT-8 etc.
   (IANA's Etc signs are inverted: Etc/GMT-8 is UTC+8); half-hour offsets map to a place;
5. a city that is the last part of exactly one IANA name ("Tokyo", "los angeles");
6. a known place inside a sentence ("我们在深圳", "we are based in Berlin").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from zoneinfo import available_timezones

from flows.natural.numbers import cn_digits
from flows.natural.text import contains_word
from knowledge.lexicon import fold, load_lexicon

MAX_NAME = 255
ProblemKind = Literal["empty", "too_long", "region", "ambiguous", "unknown"]


@dataclass(frozen=True)
class TimezoneProblem:
    """Why no zone was found; ``candidates`` lists zones to offer (ambiguous, region)."""

    kind: ProblemKind
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Tables:
    by_lower: dict[str, str]  # "asia/shanghai" -> "Asia/Shanghai"
    by_city: dict[str, tuple[str, ...]]  # "new_york" -> ("America/New_York",)
    regions: dict[str, tuple[str, ...]]  # "asia" -> a few zones in it
    places: dict[str, tuple[str, ...]]  # folded place name -> zones (one unless ambiguous)
    offsets: dict[str, str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    zones = sorted(available_timezones())
    by_city: dict[str, list[str]] = {}
    regions: dict[str, list[str]] = {}
    for z in zones:
        if "/" in z and not z.startswith(("Etc/", "SystemV/")):
            by_city.setdefault(z.rsplit("/", 1)[1].lower(), []).append(z)
            regions.setdefault(z.split("/", 1)[0].lower(), []).append(z)
    lex = load_lexicon().timezones
    places: dict[str, tuple[str, ...]] = {}
    for p in lex.places:
        places.update(dict.fromkeys(p.names, (p.zone,)))
    for a in lex.ambiguous:
        places.update(dict.fromkeys(a.names, a.zones))
    return _Tables(
        by_lower={z.lower(): z for z in zones},
        by_city={k: tuple(v) for k, v in by_city.items()},
        regions={k: tuple(v[:5]) for k, v in regions.items()},
        places=places,
        offsets=dict(lex.offset_zones),
    )


_OFFSET_RE = re.compile(
    r"^(?:utc|gmt|ut|z)?\s*([+-])\s*(\d{1,2})(?:\s*[:：.]?\s*(\d{2}))?\s*(?:h|小时)?$"
)
_ZH_OFFSET_RE = re.compile(r"^(东|西)\s*(\d{1,2})\s*区$")
_SUFFIX_RE = re.compile(r"\s*(?:时间|时区|time zone|timezone|time|tz)$")


def _offset_zone(s: str) -> str | TimezoneProblem | None:
    m = _OFFSET_RE.match(s)
    zh = _ZH_OFFSET_RE.match(cn_digits(s)) if not m else None
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    elif zh:
        sign, hours, minutes = ("+" if zh.group(1) == "东" else "-"), int(zh.group(2)), 0
    else:
        return None
    if hours > 14 or minutes >= 60:
        return TimezoneProblem("unknown")
    if minutes:
        zone = _tables().offsets.get(f"{sign}{hours:02d}:{minutes:02d}")
        return zone if zone else TimezoneProblem("unknown")
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"  # IANA: Etc/GMT-8 is UTC+8


def _one(zones: tuple[str, ...]) -> str | TimezoneProblem:
    return zones[0] if len(zones) == 1 else TimezoneProblem("ambiguous", zones)


def _in_sentence(s: str) -> str | TimezoneProblem | None:
    """Place names inside a sentence; a city beats the country around it ("美国纽约")."""
    found = [z for n, z in _tables().places.items() if len(n) >= 2 and contains_word(s, n)]
    if not found:
        return None
    single = {zs[0] for zs in found if len(zs) == 1}
    if len(single) == 1:
        return single.pop()
    every = tuple(dict.fromkeys(z for zs in found for z in zs))
    return TimezoneProblem("ambiguous", every)


def resolve_timezone(text: str) -> str | TimezoneProblem:
    """The IANA zone ``text`` names (see module doc), or why there is none."""
    if len(text) > MAX_NAME:
        return TimezoneProblem("too_long")
    s = _SUFFIX_RE.sub("", fold(text).strip(" .。!！?？"))
    if not s:
        return TimezoneProblem("empty")
    t = _tables()
    if s in t.places:
        return _one(t.places[s])
    key = re.sub(r"\s*/\s*", "/", s).replace(" ", "_")
    if key in t.by_lower:
        return t.by_lower[key]
    if key in t.regions:
        return TimezoneProblem("region", t.regions[key])
    offset = _offset_zone(s)
    if offset is not None:
        return offset
    if key in t.by_city:
        return _one(t.by_city[key])
    return _in_sentence(s) or TimezoneProblem("unknown")


def warm_up() -> None:
    _tables()
