"""Clause references as users read them: "GB/T 29490-2023 8.2 (2013: 7.1)"."""

from __future__ import annotations

from collections.abc import Iterable

from flows.types import Lang
from knowledge.loader import Knowledge

EDITION_NAMES = {"2023": "GB/T 29490-2023", "2013": "GB/T 29490-2013"}


def cite(kb: Knowledge, clause_ids: Iterable[str], lang: Lang) -> str:
    ids = [c for c in clause_ids if c in kb.clauses]
    if not ids:
        return "—"
    parts: list[str] = []
    for edition in ("2023", "2013"):
        nums = [kb.clauses[c].number for c in ids if kb.clauses[c].edition == edition]
        if not nums:
            continue
        label = EDITION_NAMES[edition]
        if edition == "2013":
            label += "(已废止)" if lang == "zh" else " (superseded)"
        parts.append(f"{label} {', '.join(_annex(n, lang) for n in nums)}")
    return "; ".join(parts)


def _annex(number: str, lang: Lang) -> str:
    if number.upper() == "B":
        return "附录B" if lang == "zh" else "Annex B"
    return number
