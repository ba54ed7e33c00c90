"""Dates as people type them, resolved toward the future or the past as the question asks.

``parse_date(text, today, direction, edge=None) -> ParsedDate | DateProblem``

- Chinese goes to jionlp (``dates_zh``), English to dateparser (``dates_en``); numeric forms
  and "in N days/weeks/months/years" / "N个月后" are read here, the same for both languages.
- ``direction``: "future" accepts today or later, "past" today or earlier, "any" both. A text
  that names its year ("2025年3月") keeps it: if that breaks the direction the answer is a
  ``wrong_direction`` problem. A year-less date ("3月底", "March 15") takes the nearest year
  that honours the direction (on 2026-12-02: future -> 2027-03-31, past -> 2026-03-31, any ->
  the nearest of the two); a lone weekday ("周一", "Friday") the nearest such week.
- ``edge``: a text naming a period ("2027年3月", "明年6月底", "June 2027") gives its end or its
  start. Default: "end" (deadline-like questions), "start" when direction is "past" ("since
  when..."). "end of"/"early"/"月初" in the text narrow the period first.
- Day and month order (``31/12/2026``, ``12/31/2026``, ``3/4/2027``): a year first is always
  year-month-day. Otherwise, when only one of day-first and month-first is a valid date in the
  right direction it is taken; when both are, the answer is an ``ambiguous`` problem carrying
  both readings (day-first first) so the flow can ask; we never guess between 3 April and 4 March.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from itertools import pairwise

from flows.dates import DateError, add_months
from flows.dates import parse_date as parse_iso
from flows.natural.date_types import Cycle, DateProblem, Direction, Edge, ParsedDate, Reading
from flows.natural.dates_en import read_en
from flows.natural.dates_en import warm_up as warm_en
from flows.natural.dates_periods import read_period
from flows.natural.dates_zh import read_zh
from flows.natural.dates_zh import warm_up as warm_zh
from flows.natural.numbers import cn_digits, to_digits
from flows.natural.text import MAX_INPUT, has_cjk
from flows.workdays import after_spring_festival, before_spring_festival

__all__ = ["DateProblem", "Direction", "Edge", "ParsedDate", "format_date", "parse_date", "warm_up"]

_YMD_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$|^(\d{4})(\d{2})(\d{2})$"
)
_DMY_RE = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_DM_RE = re.compile(r"^(\d{1,2})\s*([/.])\s*(\d{1,2})$")
_YM_RE = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_UNITS = {"天": "d", "日": "d", "周": "w", "星期": "w", "礼拜": "w", "个月": "m", "年": "y",
          "个星期": "w", "个礼拜": "w",
          "day": "d", "week": "w", "fortnight": "f", "month": "m", "year": "y"}  # fmt: skip
_ZH_OFFSET_RE = re.compile(
    # "3个月后" needs 个: "3月前" means "before March", not "three months ago".
    r"^(?:大概|大约|约)?(\d+|0\.5|半)\s*(个月|个星期|个礼拜|天|日|周|星期|礼拜|年)\s*"
    r"(以后|之后|后|以内|之内|内|以前|之前|前)$"
)
_EN_OFFSET_RE = re.compile(
    r"^(?:(?:in|within)\s+(\d+|a|an)\s+(day|week|fortnight|month|year)s?(?:\s+time)?"
    r"|(\d+|a|an)\s+(day|week|fortnight|month|year)s?\s+(from now|from today|later|ago|before))$"
)
_MIN_YEAR_GAP = 100


def _offset(today: date, n: int, unit: str) -> date:
    if unit == "d":
        return today + timedelta(days=n)
    if unit in ("w", "f"):
        return today + timedelta(weeks=n * (2 if unit == "f" else 1))
    return add_months(today, n * (12 if unit == "y" else 1))


def _relative(s: str, today: date) -> Reading | None:
    """'N个月后', '3天前', 'in two weeks', '3 days ago': exact arithmetic from today."""

    s = to_digits(s) if not has_cjk(s) else _zh_digits(s.replace("两", "2"))
    m = _ZH_OFFSET_RE.match(s.replace(" ", "")) if has_cjk(s) else _EN_OFFSET_RE.match(s)
    if not m:
        return None
    if has_cjk(s):
        amount, unit, way = m.group(1), _UNITS[m.group(2)], m.group(3)
        sign = -1 if way.endswith("前") else 1
    else:
        amount, word = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        unit, sign = _UNITS[word], (-1 if m.group(5) in ("ago", "before") else 1)
    if amount in ("半", "0.5"):  # 半年 = 6 months, 半个月 = 15 days (cn2an reads 半 as 0.5)
        d = add_months(today, 6 * sign) if unit == "y" else today + timedelta(days=15 * sign)
    else:
        n = 1 if amount in ("a", "an") else int(amount)
        d = _offset(today, sign * n, unit)
    return Reading(d, d)


def _zh_digits(s: str) -> str:

    return cn_digits(s)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _numeric(s: str) -> list[Reading] | DateProblem | None:
    """Digit-only forms; None when ``s`` is not one of them."""
    if _YMD_RE.match(s):
        try:
            d = parse_iso(s)
        except DateError:
            return DateProblem("impossible")
        return [Reading(d, d, complete=True)]
    if m := _YM_RE.match(s):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return DateProblem("impossible")
        first = date(int(m.group(1)), month, 1)
        return [Reading(first, add_months(first, 1) - timedelta(days=1))]
    m = _DMY_RE.match(s) or _DM_RE.match(s)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(3))
    has_year = m.re is _DMY_RE
    year = int(m.group(4)) if has_year else 2024
    year += 2000 if year < 100 else 0
    found = [d for d in (_valid(year, b, a), _valid(year, a, b)) if d is not None]
    if not found:
        return DateProblem("impossible")
    cycle: Cycle | None = None if has_year else "year"
    return [Reading(d, d, complete=has_year, cycle=cycle) for d in dict.fromkeys(found)]


def _ok(d: date, today: date, direction: Direction | None) -> bool:
    if direction == "future":
        return d >= today
    if direction == "past":
        return d <= today
    return True


def _shift_year(d: date, years: int, is_span: bool) -> date | None:
    y = d.year + years
    if is_span and (d + timedelta(days=1)).month != d.month:  # a month's end stays its end
        return add_months(date(y, d.month, 1), 1) - timedelta(days=1)
    return _valid(y, d.month, d.day)


def _candidates(r: Reading, today: date) -> list[Reading]:
    """The reading moved by whole years or weeks around today (itself when nothing is open)."""
    if r.cycle is None:
        return [r]
    out = []
    if r.cycle == "week":
        base = (today - r.start).days // 7
        for n in range(base - 2, base + 3):
            out.append(
                Reading(r.start + timedelta(weeks=n), r.end + timedelta(weeks=n), r.complete)
            )
        return out
    if r.cycle == "month":
        for n in range(-2, 3):
            d = _valid(*(add_months(r.start.replace(day=1), n).timetuple()[:2]), r.start.day)
            if d is not None:
                out.append(Reading(d, d, r.complete))
        return out
    is_span = r.start != r.end
    for n in range(today.year - r.start.year - 4, today.year - r.start.year + 5):
        start, end = _shift_year(r.start, n, is_span), _shift_year(r.end, n, is_span)
        if start is not None and end is not None:
            out.append(Reading(start, end, r.complete, None, r.edge, r.force))
    return out


def _pick(r: Reading, edge: Edge) -> date:
    return r.start if (r.edge or edge) == "start" else r.end


def _choose(r: Reading, today: date, direction: Direction, edge: Edge) -> Reading | date:
    """The candidate nearest to today that honours the direction, else the date that did not."""
    cands = _candidates(r, today)
    if not cands:
        return r.end
    dist = lambda c: abs((_pick(c, edge) - today).days)  # noqa: E731
    good = [
        c
        for c in cands
        if _ok(_pick(c, edge), today, direction) and _ok(_pick(c, edge), today, r.force)
    ]
    if good:
        return min(good, key=dist)
    forced = [c for c in cands if _ok(_pick(c, edge), today, r.force)] or cands
    return _pick(min(forced, key=dist), edge)


def _resolve(
    readings: list[Reading], today: date, direction: Direction, edge: Edge
) -> ParsedDate | DateProblem:
    chosen: list[Reading] = []
    rejected: list[date] = []
    for r in readings:
        got = _choose(r, today, direction, edge)
        (rejected if isinstance(got, date) else chosen).append(got)  # type: ignore[arg-type]
    if not chosen:
        return DateProblem("wrong_direction", (rejected[0],))
    values = [_pick(c, edge) for c in chosen]
    if len(set(values)) > 1:
        return DateProblem("ambiguous", tuple(values))
    r, value = chosen[0], values[0]
    if abs(value.year - today.year) > _MIN_YEAR_GAP:
        return DateProblem("out_of_range", (value,))
    span = (r.start, r.end) if r.start != r.end else None
    return ParsedDate(value, complete=r.complete and r.cycle is None, span=span)


_WRAP_RE = re.compile(
    r"^(?:by|before|on|until|till|due|截止到?|截至|到|在|于)?\s*(.*?)\s*(?:之前|以前|前|左右|吧|为止)?$"
)


# "大概三个月前吧", "around 3 months ago": the approximation says nothing about the date.
_ROUGHLY = re.compile(
    r"^(?:大概|大约|差不多|约莫|估计|应该是|好像是|可能是|约)\s*|(?:吧|左右|的样子)$"
)


_TOKEN = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")


def _is_code(token: str) -> bool:
    """A certificate or document number ("165ip250001r0m", "cnipa-2025-ip-0888"): letters and
    digits alternating, or letter and number segments joined by hyphens. Its digits are no
    date ("2025" inside it is no year)."""
    runs = re.findall(r"[a-z]+|\d+", token)
    letters = [r for r in runs if r.isalpha()]
    digits = [r for r in runs if r.isdigit()]
    if not letters or not digits or not any(len(d) >= 3 for d in digits):
        return False
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", token):  # "15th"
        return False
    switches = sum(1 for a, b in pairwise(runs) if a.isalpha() != b.isalpha())
    return switches >= 2 or ("-" in token and any(len(r) >= 2 for r in letters))


def _without_codes(s: str) -> str:
    return _TOKEN.sub(lambda m: " " if _is_code(m.group(0)) else m.group(0), s)


# Verbs ending in 到 ("全员都签到了", "证书拿到了"): their 到 is no "until" joining two dates.
_TO_VERBS = re.compile(r"(?:签|报|收|拿|做|达|想|用|得|提|接|遇|看|听|找|学|办|交|送|寄|领)到")


def _clean(text: str) -> str:
    s = _without_codes(unicodedata.normalize("NFKC", text).strip().lower())
    s = _TO_VERBS.sub(" ", s)
    s = re.sub(r"[\s。.!?！？,，、~～]+$", "", s)
    s = _ROUGHLY.sub("", _ROUGHLY.sub("", s))
    return " ".join(s.split())


# A length of time with nothing placing it ("30 days", "2 weeks"): dateparser reads it as
# that long ago; "in 30 days", "30 days ago", "within 2 weeks" keep their meaning.
# A length of time inside a sentence ("要求30天内整改", "fix within 30 days"): jionlp reads it
# as the span from today, which is no day the sentence names.
_WITHIN_SPAN = re.compile(
    r"(?:\d+|[一二两三四五六七八九十]+)\s*个?\s*(?:天|日|周|星期|礼拜|月|工作日)\s*(?:以内|之内|内)"
    r"|\bwithin\s+(?:\d+|a|an|one|two|three|four|six)\s+(?:working\s+|business\s+)?"
    r"(?:days?|weeks?|months?)\b",
    re.I,
)
_DATE_TOO = re.compile(
    r"\d+\s*[月号日/.-]|[一二三四五六七八九十]+\s*[月号]|今天|明天|昨天|前天|上周|下周|本周|这周"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|today|yesterday|tomorrow",
    re.I,
)
_BARE_SPAN = re.compile(
    r"(?:a|an|one|two|three|four|five|six|\d+)\s+(?:working\s+|business\s+)?(?:days?|weeks?|months?|years?)"
)


def parse_date(
    text: str, today: date, direction: Direction = "any", edge: Edge | None = None
) -> ParsedDate | DateProblem:
    """The date ``text`` names, relative to ``today``, honouring ``direction`` (see module doc)."""
    s = _clean(text) if text and len(text) <= MAX_INPUT else ""
    if not s:
        return DateProblem("not_a_date")
    edge = edge or ("start" if direction == "past" else "end")
    m = _WRAP_RE.match(s)
    numeric = _numeric(m.group(1) if m else s)
    if isinstance(numeric, DateProblem):
        return numeric
    if numeric is None and re.fullmatch(r"[\d\s.,/-]+", s):
        return DateProblem("not_a_date")  # "120", "1.5": numbers, not dates
    if _BARE_SPAN.fullmatch(s):
        return DateProblem("not_a_date")  # "we have 30 days": how long, not when
    readings = numeric
    if readings is None and _ALONE_NEW_YEAR.fullmatch(s) and (back := after_new_year(s, today)):
        readings = [Reading(back, back)]
    ahead = direction != "past" and _BEFORE_NEW_YEAR.fullmatch(s) is not None  # "春节前"
    if readings is None and ahead and (eve := before_spring_festival(today)) is not None:
        readings = [Reading(eve, eve)]
    if readings is None and (period := read_period(s, today)) is not None:
        readings = [period]  # "next summer", "Q2 next year", "明年年中"
    if readings is None:
        rel = _relative(s, today)
        if rel is None and _WITHIN_SPAN.search(s) and not _DATE_TOO.search(_WITHIN_SPAN.sub("", s)):
            return DateProblem("not_a_date")  # "要求30天内整改": how long, not when
        read = rel if rel is not None else _read_language(s, today)
        if isinstance(read, DateProblem):
            return read
        readings = [read]
    return _resolve(readings, today, direction, edge)


# "过完年再弄", "年后", "after Chinese New Year": back at work after the Spring Festival.
_NEW_YEAR_ZH = (
    r"过完年|过了年|(?<![\d一二两三四五六七八九十几半多今明去前后每个])年后"
    r"|春节(?:假期)?(?:以?后|之后|过后|结束|回来)|过完春节"
)
_NEW_YEAR_EN = r"(?:the\s+)?(?:(?:chinese|lunar)\s+new\s+year|cny|spring\s+festival)\b"
SPRING_FESTIVAL_RE = re.compile(rf"{_NEW_YEAR_ZH}|\bafter\s+{_NEW_YEAR_EN}", re.I)
# The phrase is the whole text ("过完年吧", "等春节后", "after CNY"), not part of a sentence.
_ALONE_NEW_YEAR = re.compile(
    rf"(?:(?:等|到|等到|大概)?(?:{_NEW_YEAR_ZH})(?:再说|以后|之后|吧|呢|再看)*"
    rf"|after\s+{_NEW_YEAR_EN})[。.!！~～]*",
    re.I,
)


# "春节前", "过年前", "年前", "before Chinese New Year", as the whole text
_BEFORE_NEW_YEAR = re.compile(
    rf"(?:等|到|在|大概|争取)?(?:春节|过年|(?<![\d一二两三四五六七八九十几半多今明去前后每个])年)(?:之|以)?前"
    rf"(?:吧|呢|完成|搞定|弄完|拿证)?|before\s+{_NEW_YEAR_EN}[.!]*",
    re.I,
)


def after_new_year(s: str, today: date) -> date | None:
    """The first working day after the Spring Festival when ``s`` says "after it"."""
    if SPRING_FESTIVAL_RE.search(s) is None:
        return None
    return after_spring_festival(today)


def _read_language(s: str, today: date) -> Reading | DateProblem:
    if has_cjk(s):
        return read_zh(s, today)
    return read_en(s, today)


_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(d: date, lang: str) -> str:
    """'2027-06-30（周三）' in Chinese, 'Wed 30 Jun 2027' in English."""
    if lang == "zh":
        return f"{d.isoformat()}（周{_WEEKDAYS_ZH[d.weekday()]}）"
    return f"{_WEEKDAYS_EN[d.weekday()]} {d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def warm_up() -> None:
    """Import and initialise every parser (jionlp alone takes ~0.5 s) before the first message."""
    warm_zh()
    warm_en()
    parse_date("明年6月底", date(2026, 12, 2), "future")
    parse_date("end of June next year", date(2026, 12, 2), "future")
