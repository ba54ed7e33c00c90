"""Result types of ``flows.natural.dates`` (kept apart so the language readers can share them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Direction = Literal["future", "past", "any"]
Edge = Literal["start", "end"]
Cycle = Literal["year", "month", "week"]
ProblemKind = Literal["not_a_date", "impossible", "wrong_direction", "ambiguous", "out_of_range"]


@dataclass(frozen=True)
class ParsedDate:
    """A date understood from text.

    ``complete`` is False when the user gave less than a full date (no year, no day, a period
    like "明年3月", or a relative phrase like "下周二"): the flow should echo the date it recorded.
    ``span`` is the period the text named when it named more than one day ("2027年3月" ->
    (2027-03-01, 2027-03-31)); ``value`` is its start or end by the edge rule.
    """

    value: date
    complete: bool
    span: tuple[date, date] | None = None


@dataclass(frozen=True)
class DateProblem:
    """Why a text gave no date, so the flow can re-ask helpfully.

    - not_a_date: no date found ("有", "hello").
    - impossible: a calendar date that does not exist ("2月30日", "2027-13-01").
    - wrong_direction: a date was understood (``candidates[0]``) but lies in the past for a
      future question or the other way round.
    - ambiguous: day and month can be swapped and both readings fit ("3/4/2027");
      ``candidates`` holds both, day-first reading first.
    - out_of_range: a year more than 100 years from today.
    """

    kind: ProblemKind
    candidates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Reading:
    """What a language reader understood, before the direction rule is applied.

    ``cycle`` says the text left its year ("3月底", "March 15"), month ("the 15th", "20号") or
    week ("Friday") open, so the date may move by whole years, months or weeks to honour the
    direction. ``edge`` is set when the text itself chose a side of its span ("end of June").
    ``force`` is a direction the words imposed ("last March", "next June").
    """

    start: date
    end: date
    complete: bool = False
    cycle: Cycle | None = None
    edge: Edge | None = None
    force: Direction | None = None

    def __post_init__(self) -> None:
        # A reader may hand back a span that ends before it starts ("-上周-" read by jionlp
        # as last Monday to the Sunday before it): the start alone is what was said.
        if self.end < self.start:
            object.__setattr__(self, "end", self.start)
