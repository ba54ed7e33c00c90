"""What the code relies on in the data, declared by the code and checked by ``ipms kb check``.

The flows name some journey steps, assessment questions, reminder kinds and chapters by id
(e.g. the internal-audit step the application pre-check looks at). ``flows.contract`` lists
them; ``check_contract`` tells when the data no longer has one, before a user finds out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.loader import RawData


@dataclass(frozen=True)
class Contract:
    steps: frozenset[str] = field(default_factory=frozenset)
    questions: frozenset[str] = field(default_factory=frozenset)
    reminder_kinds: frozenset[str] = field(default_factory=frozenset)
    clauses: frozenset[str] = field(default_factory=frozenset)
    step_kinds: frozenset[str] = field(default_factory=frozenset)


def check_contract(raw: RawData, contract: Contract) -> list[str]:
    steps = {s.id: s for p in raw.journey.phases for s in p.steps}
    questions = {q.id for q in raw.assessment.questions}
    kinds = {k.id for k in raw.rules.reminder_kinds}
    clauses = {c.id for c in raw.catalogue.clauses}
    used_step_kinds = {s.kind for s in steps.values()}
    problems = [f"code needs journey step {s!r}" for s in sorted(contract.steps - set(steps))]
    problems += [f"code needs question {q!r}" for q in sorted(contract.questions - questions)]
    problems += [f"code needs reminder kind {k!r}" for k in sorted(contract.reminder_kinds - kinds)]
    problems += [f"code needs clause {c!r}" for c in sorted(contract.clauses - clauses)]
    problems += [
        f"journey step kind {k!r} is not handled by the code"
        for k in sorted(used_step_kinds - contract.step_kinds)
    ]
    return problems
