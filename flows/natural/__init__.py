"""Understanding answers as people type them (pure: no I/O, no clock; ``today`` is passed in).

Public API::

    parse_answer(text) -> AnswerKind | None
    parse_count(text) -> Count | None
    parse_date(text, today, direction="any", edge=None) -> ParsedDate | DateProblem
    format_date(d, lang) -> str
    match_choice(text, options) -> str | Ambiguous | OutOfRange | None
    resolve_timezone(text) -> str | TimezoneProblem
    warm_up() -> None   # import and initialise every parser before the first message

Each parser is total: any text gives a result or a problem, never an exception.
"""

from __future__ import annotations

from flows.natural.answers import AnswerKind, bare_answer, parse_answer, told_kind
from flows.natural.choices import Ambiguous, Option, OutOfRange, match_choice, options_from
from flows.natural.date_types import DateProblem, Direction, Edge, ParsedDate
from flows.natural.dates import format_date, parse_date
from flows.natural.dates import warm_up as _warm_dates
from flows.natural.numbers import Count, parse_count
from flows.natural.timezones import TimezoneProblem, resolve_timezone
from flows.natural.timezones import warm_up as _warm_timezones

__all__ = [
    "Ambiguous",
    "AnswerKind",
    "Count",
    "DateProblem",
    "Direction",
    "Edge",
    "Option",
    "OutOfRange",
    "ParsedDate",
    "TimezoneProblem",
    "bare_answer",
    "format_date",
    "match_choice",
    "options_from",
    "parse_answer",
    "parse_count",
    "parse_date",
    "resolve_timezone",
    "told_kind",
    "warm_up",
]


def warm_up() -> None:
    """Load the lexicon, import jionlp/dateparser/cn2an/text2num and run each parser once.

    The first Chinese date otherwise costs ~0.5 s (jionlp import and dictionaries); the
    production server calls this before accepting updates.
    """
    parse_answer("有")
    parse_count("大概一百二十人")
    parse_count("about sixty")
    _warm_dates()
    _warm_timezones()
