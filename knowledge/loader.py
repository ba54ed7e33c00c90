"""Load and validate the curated knowledge data (YAML under ``knowledge/data``).

``load_knowledge()`` parses every file against ``knowledge.schema`` and returns a
``Knowledge`` object with convenient look-ups. Schema errors raise ``KnowledgeError`` naming
the file, the path inside the document and the problem, so a data author can fix it without
reading a pydantic traceback. Cross-reference checks (dangling ids, symmetric mappings, ...)
live in ``knowledge.check``; the loader only refuses what would make look-ups ambiguous
(duplicate ids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.schema import (
    Assessment,
    Clause,
    ClauseCatalogue,
    Edition,
    FaqEntry,
    FaqFile,
    Glossary,
    Journey,
    Phase,
    Question,
    ReminderKind,
    Rules,
    Step,
)

if TYPE_CHECKING:
    from knowledge.matcher import FaqMatcher

PACKAGED_DATA_DIR = Path(__file__).parent / "data"
# libyaml's loader is ~10x faster than the pure-Python one; both are safe loaders.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(Exception):
    """The knowledge data is missing, unreadable or does not match the schema."""


@dataclass(frozen=True)
class RawData:
    """Parsed, schema-valid documents before ids are indexed (used by ``knowledge.check``)."""

    data_dir: Path
    catalogue: ClauseCatalogue
    assessment: Assessment
    journey: Journey
    rules: Rules
    glossary: Glossary
    faq_files: dict[str, FaqFile]  # file name (relative to data_dir) -> entries


# --- reading ------------------------------------------------------------------------------


def _rel(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, data_dir: Path) -> Any:
    name = _rel(path, data_dir)
    if not path.is_file():
        raise KnowledgeError(f"{name}: file not found in {data_dir}")
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{name}: invalid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{name}: not valid UTF-8: {exc}") from exc


def _loc_path(doc: Any, loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as ``entries[3] (id=faq.x).questions``."""
    out = ""
    node = doc
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" (id={node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(document)"


def _format_validation(name: str, doc: Any, exc: ValidationError) -> str:
    lines = [f"{name}: {exc.error_count()} schema error(s)"]
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {name}: {_loc_path(doc, tuple(err['loc']))}: {msg}")
    return "\n".join(lines)


def parse_file(model: type[M], path: Path, data_dir: Path) -> M:
    """Parse one YAML file against ``model``; raises ``KnowledgeError`` with readable details."""
    doc = _read_yaml(path, data_dir)
    name = _rel(path, data_dir)
    if doc is None:
        raise KnowledgeError(f"{name}: file is empty")
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise KnowledgeError(_format_validation(name, doc, exc)) from exc


_FILES: dict[str, type[BaseModel]] = {
    "clauses.yaml": ClauseCatalogue,
    "assessment.yaml": Assessment,
    "journey.yaml": Journey,
    "rules.yaml": Rules,
    "glossary.yaml": Glossary,
}


def collect_raw(data_dir: Path | None = None) -> tuple[RawData | None, list[str]]:
    """Parse every data file; returns the data (None on any error) and every file's errors."""
    data_dir = Path(data_dir) if data_dir is not None else PACKAGED_DATA_DIR
    errors: list[str] = []
    parsed: dict[str, Any] = {}
    for name, model in _FILES.items():
        try:
            parsed[name] = parse_file(model, data_dir / name, data_dir)
        except KnowledgeError as exc:
            errors.append(str(exc))
    faq_files: dict[str, FaqFile] = {}
    faq_dir = data_dir / "faq"
    if not faq_dir.is_dir():
        errors.append(f"faq: directory not found in {data_dir}")
    for path in sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []:
        try:
            faq_files[_rel(path, data_dir)] = parse_file(FaqFile, path, data_dir)
        except KnowledgeError as exc:
            errors.append(str(exc))
    if errors:
        return None, errors
    raw = RawData(
        data_dir=data_dir,
        catalogue=parsed["clauses.yaml"],
        assessment=parsed["assessment.yaml"],
        journey=parsed["journey.yaml"],
        rules=parsed["rules.yaml"],
        glossary=parsed["glossary.yaml"],
        faq_files=faq_files,
    )
    return raw, []


def read_raw(data_dir: Path | None = None) -> RawData:
    """Parse every data file against the schema (no cross-reference checks)."""
    raw, errors = collect_raw(data_dir)
    if raw is None:
        raise KnowledgeError("\n".join(errors))
    return raw


# --- indexing -----------------------------------------------------------------------------


def _index(items: list[Any], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise KnowledgeError(f"duplicate {what} id {item.id!r}")
        out[item.id] = item
    return out


@dataclass
class Knowledge:
    """All curated knowledge, indexed by id. Treat as read-only."""

    data_dir: Path
    editions: dict[str, Edition]
    clauses: dict[str, Clause]
    questions: list[Question]
    journey: Journey
    steps: dict[str, Step]
    step_order: list[str]
    rules: Rules
    glossary: Glossary
    faq: dict[str, FaqEntry]
    _questions_by_id: dict[str, Question] = field(repr=False, default_factory=dict)
    _phase_by_step: dict[str, Phase] = field(repr=False, default_factory=dict)
    _reminder_kinds: dict[str, ReminderKind] = field(repr=False, default_factory=dict)

    def question(self, question_id: str) -> Question:
        try:
            return self._questions_by_id[question_id]
        except KeyError:
            raise KeyError(f"unknown assessment question {question_id!r}") from None

    def phase_of(self, step_id: str) -> Phase:
        try:
            return self._phase_by_step[step_id]
        except KeyError:
            raise KeyError(f"unknown journey step {step_id!r}") from None

    @cached_property
    def dates_for_faq(self) -> dict[str, list[str]]:
        """FAQ id -> the reminder kinds whose dates are shown under its answer."""
        found: dict[str, list[str]] = {}
        for kind in self.rules.reminder_kinds:
            for entry_id in kind.faq:
                found.setdefault(entry_id, []).append(kind.id)
        return found

    def reminder_kind(self, kind_id: str) -> ReminderKind:
        try:
            return self._reminder_kinds[kind_id]
        except KeyError:
            raise KeyError(f"unknown reminder kind {kind_id!r}") from None

    @property
    def current_edition(self) -> Edition:
        return next(e for e in self.editions.values() if e.current)

    @cached_property
    def matcher(self) -> FaqMatcher:
        # Built on first use; servers build it before serving with knowledge.matcher.warm_up().
        from knowledge.matcher import build_matcher

        return build_matcher(self)


def build_knowledge(raw: RawData) -> Knowledge:
    """Index parsed data by id; raises ``KnowledgeError`` on duplicate ids."""
    steps: dict[str, Step] = {}
    phase_by_step: dict[str, Phase] = {}
    for phase in raw.journey.phases:
        for step in phase.steps:
            if step.id in steps:
                raise KnowledgeError(f"journey.yaml: duplicate step id {step.id!r}")
            steps[step.id] = step
            phase_by_step[step.id] = phase
    faq: dict[str, FaqEntry] = {}
    for name, faq_file in raw.faq_files.items():
        for entry in faq_file.entries:
            if entry.id in faq:
                raise KnowledgeError(f"{name}: duplicate FAQ id {entry.id!r}")
            faq[entry.id] = entry
    return Knowledge(
        data_dir=raw.data_dir,
        editions=_index(raw.catalogue.editions, "clauses.yaml: edition"),
        clauses=_index(raw.catalogue.clauses, "clauses.yaml: clause"),
        questions=list(raw.assessment.questions),
        journey=raw.journey,
        steps=steps,
        step_order=list(steps),
        rules=raw.rules,
        glossary=raw.glossary,
        faq=faq,
        _questions_by_id=_index(raw.assessment.questions, "assessment.yaml: question"),
        _phase_by_step=phase_by_step,
        _reminder_kinds=_index(raw.rules.reminder_kinds, "rules.yaml: reminder kind"),
    )


@lru_cache(maxsize=1)
def _packaged() -> Knowledge:
    return build_knowledge(read_raw(PACKAGED_DATA_DIR))


def load_knowledge(data_dir: Path | None = None) -> Knowledge:
    """Load the knowledge data; the packaged data is loaded once and cached."""
    if data_dir is None or Path(data_dir).resolve() == PACKAGED_DATA_DIR.resolve():
        return _packaged()
    return build_knowledge(read_raw(Path(data_dir)))
