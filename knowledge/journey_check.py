"""``ipms kb check`` for the journey's plan themes and self-ticking checklist conditions."""

from __future__ import annotations

from collections import Counter

from knowledge.loader import RawData

# The milestones of the way to a certificate, in order (flows/timeline.py schedules them).
MILESTONES = ("operate", "internal_audit", "management_review", "apply", "stage1", "stage2")
# Facts a checklist item can tick itself from (flows/known.py evaluates them).
KNOWN_FLAGS = frozenset({"assessed", "plan", "target", "months", "cert", "ncs", "ncs_closed"})


def check_themes(raw: RawData) -> list[str]:
    """Plan themes cover every question once; checklist conditions name real things."""
    problems: list[str] = []
    journey = raw.journey
    steps = {s.id: s for p in journey.phases for s in p.steps}
    questions = {q.id for q in raw.assessment.questions}
    themes = {t.id for t in journey.themes}
    placed: dict[str, str] = {}
    for theme in journey.themes:
        if theme.step not in steps:
            problems.append(f"journey.yaml: theme {theme.id}: unknown step {theme.step!r}")
        if theme.after is not None and theme.after not in MILESTONES:
            problems.append(f"journey.yaml: theme {theme.id}: unknown milestone {theme.after!r}")
        for qid in theme.questions:
            placed.setdefault(qid, f"theme {theme.id}")
        for qid in sorted(set(theme.how_for) - set(theme.questions)):
            problems.append(f"journey.yaml: theme {theme.id}: how_for {qid} is not in the theme")
    for milestone, qids in journey.milestones.items():
        if milestone not in MILESTONES:
            problems.append(f"journey.yaml: milestones: unknown milestone {milestone!r}")
        for qid in qids:
            placed.setdefault(qid, f"milestone {milestone}")
    listed = [q for t in journey.themes for q in t.questions]
    listed += [q for qs in journey.milestones.values() for q in qs]
    for qid in sorted(q for q, n in Counter(listed).items() if n > 1):
        problems.append(f"journey.yaml: question {qid} is in more than one theme or milestone")
    if journey.themes:
        for qid in sorted(questions - set(placed)):
            problems.append(f"journey.yaml: question {qid} is in no theme or milestone")
    for qid in sorted(set(placed) - questions):
        problems.append(f"journey.yaml: {placed[qid]}: unknown question {qid}")
    for step in steps.values():
        for item in step.checklist:
            for cond in item.known:
                if not _known_ok(cond, questions, themes):
                    problems.append(
                        f"journey.yaml: step {step.id} item {item.id}: unknown condition {cond!r}"
                    )
    return problems


def _known_ok(cond: str, questions: set[str], themes: set[str]) -> bool:
    kind, _, arg = cond.partition(":")
    if not arg:
        return cond in KNOWN_FLAGS
    if kind == "answer":
        return arg in questions
    if kind == "theme":
        return arg in themes
    return kind in ("done", "date") and bool(arg)
