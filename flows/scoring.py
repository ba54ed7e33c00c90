"""Readiness scores per chapter and the ordered list of gaps.

Points per answer and the weak-chapter threshold are data (``rules.practice.scoring``; domain
brief §6: Yes = 2, Partly = 1, No = 0, "not applicable" left out). Show-stoppers come first
whatever their chapter, then questions of weak chapters, then the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.state import Answer
from knowledge.schema import Question, Rules


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


def readiness(answers: dict[str, Answer], questions: list[Question], rules: Rules) -> Readiness:
    points = rules.practice.scoring.points
    best = max(points.values())
    got: dict[str, int] = {}
    possible: dict[str, int] = {}
    for q in questions:
        got.setdefault(q.chapter, 0)
        possible.setdefault(q.chapter, 0)
        a = answers.get(q.id)
        if a is None or a.value not in points:
            continue
        got[q.chapter] += points[a.value]
        possible[q.chapter] += best
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


def gap_priority(q: Question, ready: Readiness, rules: Rules) -> int:
    """1 show-stopper, 2 question in a weak chapter, 3 the rest."""
    if q.showstopper:
        return 1
    pct = ready.chapters.get(q.chapter)
    return 2 if pct is not None and pct < rules.practice.scoring.weak_chapter_pct else 3


def gaps(
    answers: dict[str, Answer], questions: list[Question], rules: Rules
) -> list[tuple[Question, int]]:
    """Questions answered No or Partly, most important first, with their priority."""
    ready = readiness(answers, questions, rules)
    order = {q.id: i for i, q in enumerate(questions)}
    found = [
        (q, gap_priority(q, ready, rules))
        for q in questions
        if (a := answers.get(q.id)) is not None and a.value in ("no", "partly")
    ]
    # Within a priority, "No" before "Partly", then the question bank's order.
    found.sort(key=lambda qp: (qp[1], answers[qp[0].id].value != "no", order[qp[0].id]))
    return found
