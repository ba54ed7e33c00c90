"""Readiness scores per chapter and the ordered list of gaps.

Scale from the domain brief §6: Yes = 2, Partly = 1, No = 0; "not applicable" is left out.
A chapter under 50 % is a priority gap; show-stoppers come first whatever their chapter.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.state import Answer
from knowledge.schema import Question

POINTS = {"yes": 2, "partly": 1, "no": 0}
WEAK_CHAPTER_PCT = 50


@dataclass(frozen=True)
class Readiness:
    overall: int | None  # percent, None when nothing applicable was answered
    chapters: dict[str, int | None]  # chapter -> percent, in chapter order
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


def _pct(got: int, possible: int) -> int | None:
    return round(100 * got / possible) if possible else None


def readiness(answers: dict[str, Answer], questions: list[Question]) -> Readiness:
    got: dict[str, int] = {}
    possible: dict[str, int] = {}
    for q in questions:
        got.setdefault(q.chapter, 0)
        possible.setdefault(q.chapter, 0)
        a = answers.get(q.id)
        if a is None or a.value == "na":
            continue
        got[q.chapter] += POINTS[a.value]
        possible[q.chapter] += 2
    chapters = {ch: _pct(got[ch], possible[ch]) for ch in sorted(got, key=_chapter_key)}
    answered = sum(1 for q in questions if q.id in answers)
    return Readiness(
        overall=_pct(sum(got.values()), sum(possible.values())),
        chapters=chapters,
        answered=answered,
        total=len(questions),
    )


def _chapter_key(ch: str) -> tuple[int, str]:
    return (int(ch), "") if ch.isdigit() else (999, ch)


def gap_priority(q: Question, ready: Readiness) -> int:
    """1 show-stopper, 2 question in a chapter under 50 %, 3 the rest."""
    if q.showstopper:
        return 1
    pct = ready.chapters.get(q.chapter)
    return 2 if pct is not None and pct < WEAK_CHAPTER_PCT else 3


def gaps(answers: dict[str, Answer], questions: list[Question]) -> list[tuple[Question, int]]:
    """Questions answered No or Partly, most important first, with their priority."""
    ready = readiness(answers, questions)
    order = {q.id: i for i, q in enumerate(questions)}
    found = [
        (q, gap_priority(q, ready))
        for q in questions
        if (a := answers.get(q.id)) is not None and a.value in ("no", "partly")
    ]
    # Within a priority, "No" before "Partly", then the question bank's order.
    found.sort(key=lambda qp: (qp[1], answers[qp[0].id].value != "no", order[qp[0].id]))
    return found
