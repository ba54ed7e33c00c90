"""``ipms kb check``: validate the knowledge data beyond the schema.

``check_knowledge`` returns a list of human-readable problems (empty when the data is clean).
It checks the schema, both languages, unique ids, every cross reference (clauses, steps,
reminder kinds, related FAQ entries), FAQ phrasing collisions, glossary form collisions and
that the 2013 edition is never presented as the current certification basis.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from knowledge.contract import Contract, check_contract
from knowledge.faq_check import faq_problems
from knowledge.journey_check import check_themes
from knowledge.loader import RawData, collect_raw
from knowledge.schema import FaqEntry, Text, TextList
from knowledge.semantic_cli import add_embed_arguments, run_embed
from knowledge.text import cjk_count, normalize
from knowledge.texts_check import check_texts

CLAUSE_IDS_DOC = Path(__file__).resolve().parents[1] / "docs" / "clause-ids.md"
MIN_PHRASINGS = 3

# A sentence naming the 2013 edition together with "current" words and no negation words is
# taken as presenting GB/T 29490-2013 as the current basis.
_MENTIONS_2013 = re.compile(r"29490\s*-\s*2013|2013\s*版|2013\s*edition|2013\s*standard", re.I)
_CURRENT = re.compile(
    r"现行|当前有效|仍然有效|仍有效|最新版|current|in force|still valid|latest", re.I
)
_NEGATION = re.compile(
    r"不再|已废止|废止|作废|失效|已结束|到期|终止|替代|取代|不是|不能|不可|已不|停止|非|旧版|过渡|转换|换版"
    r"|no longer|not |cannot|can't|withdrawn|replaced|superseded|expired|ended|old|former"
    r"|previous|transition|instead|until|was",
    re.I,
)
# Checked clause by clause: "现行版本是2023版，2013版已不能作为认证依据" is fine.
_SENTENCE_SPLIT = re.compile(r"[，,;；。!?！？\n]|\.\s")


def check_knowledge(data_dir: Path | None = None, contract: Contract | None = None) -> list[str]:
    """All problems found in the data (schema first; cross checks only on schema-valid data).

    ``contract``: the ids the code relies on (``flows.contract.CONTRACT``), checked too.
    """
    raw, errors = collect_raw(data_dir)
    if raw is None:
        return errors
    problems: list[str] = check_contract(raw, contract) if contract else []
    texts_dir = raw.data_dir / "texts"
    if texts_dir.is_dir():  # test fixtures may leave the text catalogue out
        problems.extend(check_texts(texts_dir))
    for check in (
        _check_languages,
        _check_ids,
        _check_clauses,
        _check_references,
        _check_faq,
        _check_glossary,
        _check_rules,
        _check_editions,
        faq_problems,
        check_themes,
    ):
        problems.extend(check(raw))
    return problems


# --- helpers ------------------------------------------------------------------------------


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, value) for every nested model, list item and field."""
    yield path, obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            item_id = getattr(item, "id", None)
            label = f"[{item_id}]" if isinstance(item_id, str) else f"[{i}]"
            yield from _walk(item, f"{path}{label}")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, f"{path}.{key}")


def _documents(raw: RawData) -> Iterator[tuple[str, BaseModel]]:
    yield "clauses.yaml", raw.catalogue
    yield "assessment.yaml", raw.assessment
    yield "journey.yaml", raw.journey
    yield "rules.yaml", raw.rules
    yield "glossary.yaml", raw.glossary
    yield from raw.faq_files.items()


def _all_faq(raw: RawData) -> Iterator[tuple[str, FaqEntry]]:
    for name, faq_file in raw.faq_files.items():
        for entry in faq_file.entries:
            yield name, entry


def _dupes(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for i in ids:
        if i in seen and i not in out:
            out.append(i)
        seen.add(i)
    return out


def _looks_english(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return cjk_count(text) * 2 <= letters - cjk_count(text)


# --- checks -------------------------------------------------------------------------------


# Chinese prose quotes with “”: "硬伤" reads as a stray code fragment.
_ASCII_QUOTED_ZH = re.compile('"[^"\n]{0,40}[\u4e00-\u9fff][^"\n]{0,40}"')


def _check_languages(raw: RawData) -> list[str]:
    """zh must contain Chinese and en must be English, for every bilingual field."""
    problems: list[str] = []
    for name, doc in _documents(raw):
        for path, value in _walk(doc, ""):
            where = f"{name}: {path.lstrip('.')}"
            if isinstance(value, Text):
                # Identical zh/en (e.g. "GB/T 29490-2023") is a code or name, not prose.
                if value.zh != value.en and not cjk_count(value.zh):
                    problems.append(f"{where}.zh: has no Chinese text: {value.zh!r}")
                if m := _ASCII_QUOTED_ZH.search(value.zh):
                    problems.append(f"{where}.zh: ASCII quotes {m.group()!r}; use “”")
                if not _looks_english(value.en):
                    problems.append(f"{where}.en: is not English: {value.en!r}")
            elif isinstance(value, TextList):
                for lang in ("zh", "en"):
                    items = value.get(lang)
                    if not items:
                        problems.append(f"{where}.{lang}: empty list")
                    for i, item in enumerate(items):
                        if not item.strip():
                            problems.append(f"{where}.{lang}[{i}]: blank text")
                        elif lang == "zh" and not cjk_count(item):
                            problems.append(f"{where}.zh[{i}]: has no Chinese text: {item!r}")
                        elif lang == "en" and not _looks_english(item):
                            problems.append(f"{where}.en[{i}]: is not English: {item!r}")
    return problems


def _check_ids(raw: RawData) -> list[str]:
    problems: list[str] = []
    groups: list[tuple[str, list[str]]] = [
        ("clauses.yaml: edition", [e.id for e in raw.catalogue.editions]),
        ("clauses.yaml: clause", [c.id for c in raw.catalogue.clauses]),
        ("assessment.yaml: question", [q.id for q in raw.assessment.questions]),
        ("journey.yaml: phase", [p.id for p in raw.journey.phases]),
        ("journey.yaml: step", [s.id for p in raw.journey.phases for s in p.steps]),
        ("FAQ", [e.id for _, e in _all_faq(raw)]),
        ("glossary.yaml: term", [t.id for t in raw.glossary.terms]),
        ("rules.yaml: reminder kind", [k.id for k in raw.rules.reminder_kinds]),
    ]
    for phase in raw.journey.phases:
        for step in phase.steps:
            groups.append(
                (f"journey.yaml: step {step.id} checklist item", [c.id for c in step.checklist])
            )
    for what, ids in groups:
        problems.extend(f"{what}: duplicate id {i!r}" for i in _dupes(ids))
    return problems


def _valid_clause_ids() -> set[str] | None:
    """Clause ids listed in docs/clause-ids.md (None when the doc is not shipped)."""
    if not CLAUSE_IDS_DOC.is_file():
        return None
    return set(re.findall(r"\b(?:2023|2013):[0-9A-Z][0-9.]*\b", CLAUSE_IDS_DOC.read_text("utf-8")))


def _check_clauses(raw: RawData) -> list[str]:
    problems: list[str] = []
    clauses = {c.id: c for c in raw.catalogue.clauses}
    allowed = _valid_clause_ids()
    for c in raw.catalogue.clauses:
        where = f"clauses.yaml: clause {c.id}"
        if c.id != f"{c.edition}:{c.number}":
            problems.append(f"{where}: id does not match edition {c.edition!r}/number {c.number!r}")
        if c.chapter != c.number.split(".")[0]:
            problems.append(f"{where}: chapter {c.chapter!r} does not match number {c.number!r}")
        if allowed is not None and c.id not in allowed:
            problems.append(f"{where}: not a valid clause id (see docs/clause-ids.md)")
        for target in c.maps_to:
            other = clauses.get(target)
            if other is None:
                problems.append(f"{where}: maps_to unknown clause {target!r}")
            elif other.edition == c.edition:
                problems.append(f"{where}: maps_to {target!r} in the same edition")
            elif c.id not in other.maps_to:
                problems.append(f"{where}: maps_to {target!r} but {target} does not map back")
    return problems


def _clause_refs(raw: RawData) -> Iterator[tuple[str, str, str | None]]:
    """(where, clause id, required edition or None) for every clause reference."""
    for q in raw.assessment.questions:
        for cid in q.clauses:
            yield f"assessment.yaml: question {q.id}: clauses", cid, "2023"
        for cid in q.clauses_2013:
            yield f"assessment.yaml: question {q.id}: clauses_2013", cid, "2013"
    for phase in raw.journey.phases:
        for step in phase.steps:
            for cid in step.clauses:
                yield f"journey.yaml: step {step.id}: clauses", cid, None
    for name, entry in _all_faq(raw):
        for cid in entry.clauses:
            yield f"{name}: {entry.id}: clauses", cid, None


def _check_references(raw: RawData) -> list[str]:
    problems: list[str] = []
    clauses = {c.id: c for c in raw.catalogue.clauses}
    for where, cid, edition in _clause_refs(raw):
        clause = clauses.get(cid)
        if clause is None:
            problems.append(f"{where}: unknown clause {cid!r}")
        elif edition is not None and clause.edition != edition:
            problems.append(f"{where}: {cid!r} is not a {edition} clause")
    for q in raw.assessment.questions:
        if not q.clauses:
            problems.append(f"assessment.yaml: question {q.id}: no clauses")
    steps = {s.id: s for p in raw.journey.phases for s in p.steps}
    kinds = {k.id for k in raw.rules.reminder_kinds}
    for kind in raw.rules.reminder_kinds:
        if kind.step_id is not None and kind.step_id not in steps:
            problems.append(
                f"rules.yaml: reminder kind {kind.id}: unknown step_id {kind.step_id!r}"
            )
    for step in steps.values():
        if step.event_kind is not None and step.event_kind not in kinds:
            problems.append(
                f"journey.yaml: step {step.id}: event_kind {step.event_kind!r} "
                "is not a rules.yaml reminder kind"
            )
    return problems


def _check_faq(raw: RawData) -> list[str]:
    problems: list[str] = []
    ids = {e.id for _, e in _all_faq(raw)}
    owner: dict[str, str] = {}
    for name, entry in _all_faq(raw):
        where = f"{name}: {entry.id}"
        for lang in ("zh", "en"):
            phrasings = entry.questions.get(lang)
            if len([p for p in phrasings if p.strip()]) < MIN_PHRASINGS:
                problems.append(f"{where}: fewer than {MIN_PHRASINGS} {lang} phrasings")
        mine: set[str] = set()
        for p in (*entry.questions.zh, *entry.questions.en):
            key = normalize(p)
            first = owner.setdefault(key, entry.id)
            if first != entry.id:
                problems.append(f"{where}: phrasing {p!r} is also a phrasing of {first}")
            elif key in mine:
                problems.append(f"{where}: phrasing {p!r} is repeated")
            mine.add(key)
        for rel in entry.related:
            if rel == entry.id:
                problems.append(f"{where}: related lists the entry itself")
            elif rel not in ids:
                problems.append(f"{where}: related id {rel!r} does not exist")
    return problems


def _check_glossary(raw: RawData) -> list[str]:
    problems: list[str] = []
    owner: dict[str, str] = {}
    for term in raw.glossary.terms:
        forms = {normalize(f) for f in (term.zh, term.en, *term.variants)}
        # A code such as "GB/T 29490" is the same in both languages.
        if term.zh != term.en and not cjk_count(term.zh):
            problems.append(f"glossary.yaml: term {term.id}: zh has no Chinese text")
        if not term.en.strip():
            problems.append(f"glossary.yaml: term {term.id}: en is blank")
        for form in sorted(forms):
            if not form:
                problems.append(f"glossary.yaml: term {term.id}: blank form or variant")
                continue
            first = owner.setdefault(form, term.id)
            if first != term.id:
                problems.append(
                    f"glossary.yaml: term {term.id}: form/variant {form!r} also belongs to {first}"
                )
    return problems


def _check_rules(raw: RawData) -> list[str]:
    problems: list[str] = []
    for name, value in raw.rules.transition.items():
        try:
            date.fromisoformat(value)
        except ValueError:
            problems.append(f"rules.yaml: transition.{name}: not an ISO date: {value!r}")
    faq_ids = {e.id for _, e in _all_faq(raw)}
    for kind in raw.rules.reminder_kinds:
        if any(d < 0 for d in kind.lead_days):
            problems.append(f"rules.yaml: reminder kind {kind.id}: negative lead_days")
        for entry_id in kind.faq:
            if entry_id not in faq_ids:
                problems.append(f"rules.yaml: reminder kind {kind.id}: unknown FAQ {entry_id!r}")
    return problems


def _check_editions(raw: RawData) -> list[str]:
    problems: list[str] = []
    editions = {e.id: e for e in raw.catalogue.editions}
    if "2023" not in editions or not editions["2023"].current:
        problems.append("clauses.yaml: edition 2023 must exist and be current: true")
    if "2013" in editions and editions["2013"].current:
        problems.append("clauses.yaml: edition 2013 must have current: false (withdrawn)")
    for name, doc in _documents(raw):
        for path, value in _walk(doc, ""):
            if isinstance(value, str):
                for sentence in _SENTENCE_SPLIT.split(value):
                    if (
                        _MENTIONS_2013.search(sentence)
                        and _CURRENT.search(sentence)
                        and not _NEGATION.search(sentence)
                    ):
                        problems.append(
                            f"{name}: {path.lstrip('.')}: presents the 2013 edition as current: "
                            f"{sentence.strip()!r}"
                        )
    return problems


# --- CLI ----------------------------------------------------------------------------------


def add_kb_arguments(subparsers: Any) -> None:
    """Register ``kb check [--data-dir DIR]`` on an argparse subparsers object."""
    kb = subparsers.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate the knowledge data files")
    check.add_argument("--data-dir", type=Path, default=None, help="data directory to check")
    add_embed_arguments(kb_sub)
    kb.set_defaults(func=run_kb)


def run_kb(args: argparse.Namespace, contract: Contract | None = None) -> int:
    if getattr(args, "kb_command", "check") == "embed":
        return run_embed(args)
    if getattr(args, "kb_command", "check") != "check":
        print(f"unknown kb command: {args.kb_command}")
        return 2
    data_dir = getattr(args, "data_dir", None)
    problems = check_knowledge(data_dir, contract)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) found")
        return 1
    raw, _ = collect_raw(data_dir)
    assert raw is not None
    n_steps = sum(len(p.steps) for p in raw.journey.phases)
    n_faq = sum(len(f.entries) for f in raw.faq_files.values())
    print(
        f"OK: {len(raw.catalogue.clauses)} clauses, {len(raw.assessment.questions)} questions, "
        f"{n_steps} steps, {n_faq} FAQ entries, {len(raw.glossary.terms)} glossary terms"
    )
    return 0
