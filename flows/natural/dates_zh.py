"""Chinese dates through jionlp's time parser, with the rewrites it needs.

jionlp (``jio.parse_time``) reads 明年6月底, 下个月15号, 下周二, 2027年3月 well. What it gets wrong
is fixed here, before or after the call:
- a year-less month ("3月底", "12月20日") is read in the base year whatever the direction: the
  text is parsed in a fixed leap year (so 2月29日 exists) and marked ``cycle="year"``; the
  caller moves it to the right year;
- bare "下个月", "上个月", "本月" raise, and "三月" is read as "three months": month words are
  rewritten to explicit "YYYY年M月" / "3月" first;
- a weekday alone ("周一") is this week's, possibly past: marked ``cycle="week"``;
- jionlp logs a traceback for some unparsable texts: silenced here. Only its time parser's
  modules are imported (``_time_parser``): its package ``__init__`` imports every gadget, its
  dictionary loaders and requests (~6 MB resident) and prints a banner.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from flows.dates import add_months
from flows.natural.date_types import Cycle, DateProblem, Edge, Reading
from flows.natural.numbers import cn_digits


def _time_parser() -> Any:
    """``jionlp.gadget.time_parser`` with ``jionlp``, ``jionlp.util`` and ``jionlp.gadget``
    stood in for by empty packages while it is imported (their ``__init__`` would import all
    of jionlp), then taken out again, so a later ``import jionlp`` gets the real package."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or spec.origin is None:
        raise ImportError("jionlp is not installed")
    root = Path(spec.origin).parent
    stand_ins = {}
    for name in ("jionlp", "jionlp.util", "jionlp.gadget"):
        if name in sys.modules:
            continue
        package = ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        stand_ins[name] = sys.modules[name] = package
    if "jionlp" in stand_ins:
        stand_ins["jionlp"].logging = logging.getLogger("jionlp")  # type: ignore[attr-defined]
    try:
        return importlib.import_module("jionlp.gadget.time_parser")
    finally:
        for name, package in stand_ins.items():
            if sys.modules.get(name) is package:
                del sys.modules[name]


time_parser = _time_parser()

LEAP_YEAR = 2024  # year-less texts are parsed in a leap year, then moved
_MONTH_CN = {"十二": 12, "十一": 11, "十": 10, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_MONTH_WORD_RE = re.compile(
    r"(?<![个几第\d一二三四五六七八九十])(十二|十一|十|[一二三四五六七八九])(?=月)"
)
_REL_MONTH_RE = re.compile(r"(下个?月|上个?月|本月|这个月|当月|这月)")
_REL_MONTH = {"下": 1, "上": -1}
_LONE_MONTH_EDGE_RE = re.compile(r"^(月底|月末|月初|月中)")
_MONTH_NUM_RE = re.compile(r"(\d{1,2})\s*月")
_MONTH_DAY_RE = re.compile(r"(?:(\d{2,4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_COMPLETE_RE = re.compile(r"\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
_WEEKDAY_ONLY_RE = re.compile(r"^(?:周|星期|礼拜)[一二三四五六日天1-7]$")
_FILLERS_RE = re.compile(
    r"^(?:大概|大约|约|差不多|估计|应该|可能|预计|计划|打算|争取|就|在|于|是|从)+|(?:吧|呢|啊|了|左右|前后)+$"
)
# "6月30号之前" is a deadline (jionlp reads "from today to 6-30"); "2025年3月起" is a start.
_BEFORE_RE = re.compile(r"(?:之前|以前|前|为止|截止)$")
_SINCE_RE = re.compile(r"(?:开始|以来|起)$")


@lru_cache(maxsize=1)
def _jio() -> Any:
    """jionlp with its error log kept out of ours (it logs tracebacks on the root logger)."""
    quiet = logging.getLogger("jionlp")
    quiet.setLevel(logging.CRITICAL)
    time_parser.logging = quiet
    return time_parser.TimeParser()


def _rewrite(s: str, today: date) -> str:
    s = _MONTH_WORD_RE.sub(lambda m: str(_MONTH_CN[m.group(1)]), s)

    def rel(m: re.Match[str]) -> str:
        d = add_months(today, _REL_MONTH.get(m.group(1)[0], 0))
        return f"{d.year}年{d.month}月"

    s = _REL_MONTH_RE.sub(rel, s)
    return _LONE_MONTH_EDGE_RE.sub(lambda m: f"{today.year}年{today.month}{m.group(1)}", s)


def _impossible(s: str) -> bool:
    for m in _MONTH_DAY_RE.finditer(s):
        year = int(m.group(1)) if m.group(1) and len(m.group(1)) == 4 else LEAP_YEAR
        try:
            date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return True
    return any(not 1 <= int(m) <= 12 for m in _MONTH_NUM_RE.findall(s))


def _to_date(value: str, fallback: date) -> date:
    if "inf" in value:  # open span: "6月30号之前" -> (-inf, 06-30)
        return fallback
    return datetime.strptime(value[:10], "%Y-%m-%d").date()


def _call(s: str, today: date) -> tuple[date, date] | None:
    base = datetime(today.year, today.month, today.day, 12)
    try:
        jio = _jio()
    except (ImportError, OSError):  # e.g. jionlp cannot unpack its dictionaries; warm_up() raises
        return None
    try:
        result = jio(s, time_base=base)
    except Exception:  # jionlp raises ValueError, and sometimes others, on what it cannot read
        return None
    if result.get("type") not in ("time_point", "time_span"):
        return None
    first, second = result["time"]
    if "inf" in first and "inf" in second:
        return None
    try:
        end = _to_date(second, today) if "inf" not in second else None
        start = _to_date(first, end or today)
    except ValueError:  # "001年": jionlp writes year 1 without padding ("1-12-31")
        return None
    return start, end or start


def read_zh(text: str, today: date) -> Reading | DateProblem:
    """Read a Chinese date expression relative to ``today``."""
    s = _FILLERS_RE.sub("", text.replace(" ", ""))
    typed_in_full = bool(_COMPLETE_RE.search(cn_digits(s)))
    edge: Edge | None = None
    if (m := _BEFORE_RE.search(s) or _SINCE_RE.search(s)) and m.start() > 0:
        edge, s = ("end" if m.re is _BEFORE_RE else "start"), s[: m.start()]
    s = _rewrite(s, today)
    if edge is None and re.search(r"[底末]", s):
        edge = "end"
    elif edge is None and "初" in s:
        edge = "start"
    year_less = bool(_MONTH_NUM_RE.search(s)) and "年" not in s and not re.search(r"\d{4}", s)
    if year_less:
        s = _MONTH_NUM_RE.sub(lambda m: f"{LEAP_YEAR}年{m.group(0)}", s, count=1)
    if _impossible(s):
        return DateProblem("impossible")
    if _CLOCK_RE.search(s) and not _DAY_WORD_RE.search(_CLOCK_RE.sub("", s)):
        return DateProblem("not_a_date")
    span = _call(s, date(LEAP_YEAR, 6, 15) if year_less else today)
    if span is None:
        return DateProblem("not_a_date")
    cycle = "year" if year_less else _open_cycle(s)
    complete = typed_in_full and span[0] == span[1] and not year_less
    if _MID_MONTH_RE.search(s) and span[0].month == span[1].month:
        # "4月中旬", "下个月中": the 15th, as "mid-April" (the 11th began a Sunday audit)
        mid = span[0].replace(day=15)
        return Reading(mid, mid, cycle=cycle)
    return Reading(span[0], span[1], complete=complete, cycle=cycle, edge=edge)


_MID_MONTH_RE = re.compile(r"(?:中旬|月中|\d月中)$")
_DAY_ONLY_RE = re.compile(r"^\d{1,2}[日号]$|^[一二三四五六七八九十]{1,3}[日号]$")
# A time of day is no day: "下午三点" names none, and "快一点", "早一点" are "a bit" (read as
# one o'clock today, "能不能快一点" became today's date for the certificate).
_CLOCK_RE = re.compile(
    r"[\d一二两三四五六七八九十]{1,3}\s*(?:点|:\d{2})|太[晚早迟]|[晚早迟]了"
    r"|晚上|上午|下午|中午|早上|傍晚"  # "是不是太晚了" asks whether it is too late, no day
)
_DAY_WORD_RE = re.compile(r"[年月日号周天今明昨前后底初季旬节]|星期|礼拜|\d{1,2}[./-]\d{1,2}")


def _open_cycle(s: str) -> Cycle | None:
    if _WEEKDAY_ONLY_RE.match(s):
        return "week"
    return "month" if _DAY_ONLY_RE.match(s) else None


def warm_up() -> None:
    _jio()("明年6月底", time_base=datetime(2026, 12, 2, 12))
