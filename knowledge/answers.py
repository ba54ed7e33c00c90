"""How knowledge is shown to users, shared by the chat flows and ``ipms ask``:
clause citations and the uncertainty note an answer carries."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.loader import Knowledge
from knowledge.schema import Clause, FaqEntry, Text
from knowledge.text import Lang

EDITION_NAMES = {"2023": "GB/T 29490-2023", "2013": "GB/T 29490-2013"}

# {authority} is the entry's own authority (FaqEntry.authority) or the default below.
CONFIDENCE_NOTES: dict[str, Text] = {
    "M": Text(
        zh="（这是一般做法，具体要求请向{authority}确认。）",
        en="(This is common practice; confirm the details with {authority}.)",
    ),
    "L": Text(
        zh="（此信息不确定，请务必向{authority}核实。）",
        en="(This is uncertain: please check with {authority}.)",
    ),
}
DEFAULT_AUTHORITY: dict[str, Text] = {
    "M": Text(zh="您的认证机构", en="your certification body"),
    "L": Text(zh="您的认证机构或当地知识产权局", en="your certification body or local IP office"),
}


def confidence_note(entry: FaqEntry, lang: Lang) -> str | None:
    """What an answer of medium or low confidence must say about itself, naming who decides."""
    note = CONFIDENCE_NOTES.get(entry.confidence)
    if note is None:
        return None
    authority = entry.authority or DEFAULT_AUTHORITY[entry.confidence]
    return note.get(lang).format(authority=authority.get(lang))


def cited_number(clause: Clause, lang: Lang) -> str:
    """A clause number as cited: an uncertain (L) sub-clause number is cited as its chapter,
    since the catalogue could not confirm the numbering below it."""
    if clause.confidence == "L" and clause.number != clause.chapter:
        return _annex(clause.chapter, lang)
    return _annex(clause.number, lang)


def cite(kb: Knowledge, clause_ids: Iterable[str], lang: Lang) -> str:
    """Compact citation: "GB/T 29490-2023 7.2, 9.2; GB/T 29490-2013 (superseded) 6.1.2"."""
    ids = [c for c in clause_ids if c in kb.clauses]
    if not ids:
        return "—"
    parts: list[str] = []
    for edition in ("2023", "2013"):
        nums = [cited_number(kb.clauses[c], lang) for c in ids if kb.clauses[c].edition == edition]
        nums = list(dict.fromkeys(nums))  # "8.2, 8.3" (both uncertain) -> "8"
        if not nums:
            continue
        label = EDITION_NAMES[edition]
        if not kb.editions[edition].current:
            label += "（已废止）" if lang == "zh" else " (superseded)"
        parts.append(f"{label} {', '.join(nums)}")
    return ("；" if lang == "zh" else "; ").join(parts)


def _annex(number: str, lang: Lang) -> str:
    if number.upper() == "B":
        return "附录B" if lang == "zh" else "Annex B"
    return number
