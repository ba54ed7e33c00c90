"""``flows.state`` ↔ table rows: the one place that knows which field is stored where.

The fields themselves are defined twice by necessity, in ``flows.state`` (what the flows
work with) and ``storage.models`` (the tables). ``PAIRINGS`` declares how the two correspond:
fields with the same name map onto each other (derived, not listed), ``renamed`` fields map
onto a differently named column, and everything else must be declared as living on one side
only. ``tests/storage/test_storage_mapping.py`` checks the declaration covers every field, so
a field added on one side only fails the suite instead of being silently dropped.

Text never reaches the database with U+0000 in it (PostgreSQL refuses NUL in text and JSON):
``without_nul`` strips it from a conversation before it is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import (
    Action,
    Answer,
    Certificate,
    Company,
    Conversation,
    DatedEvent,
    Member,
    Nonconformity,
    User,
)
from storage.models import (
    AnswerRecord,
    AppUser,
    CertificateRecord,
    CompanyRecord,
    DatedEventRecord,
    NonconformityRecord,
    PlanAction,
    StepProgress,
    column_values,
)

NUL = "\x00"
_ZERO = timedelta(0)


@dataclass(frozen=True)
class Pairing:
    """How one pydantic state model corresponds to one table."""

    state: type[BaseModel]
    table: type[SQLModel]
    renamed: dict[str, str] = field(default_factory=dict)  # state field -> column
    state_only: frozenset[str] = frozenset()  # kept elsewhere (child tables, identity)
    table_only: frozenset[str] = frozenset()  # bookkeeping: keys, order, timestamps

    @cached_property  # read for every row loaded; the models do not change
    def shared(self) -> tuple[str, ...]:
        """Fields stored 1:1 under the same name, in the state model's order."""
        columns = set(self.table.model_fields) - self.table_only - set(self.renamed.values())
        skip = self.state_only | set(self.renamed)
        return tuple(n for n in self.state.model_fields if n not in skip and n in columns)


_CHILD = frozenset({"id", "company_id"})
_ORDERED_CHILD = _CHILD | {"position"}  # list order in the state is kept in ``position``
_COLLECTIONS = frozenset(
    {"answers", "checked", "steps_done", "actions", "certificate", "nonconformities", "events"}
    | {"assignees"}  # on the step rows too
    | {"members"}  # the membership table, changed through storage.workspace only
)

_STAMPS = frozenset({"created_at", "updated_at"})
USER = Pairing(User, AppUser, table_only=_STAMPS | {"telegram_id", "current_company_id"})
# ``children``: the collections again, as one JSON value (``children_of``), so a load is one row.
COMPANY = Pairing(
    Company, CompanyRecord, state_only=_COLLECTIONS, table_only=_STAMPS | {"children"}
)
ANSWER = Pairing(Answer, AnswerRecord, table_only=_CHILD)
ACTION = Pairing(Action, PlanAction, renamed={"id": "action_id"}, table_only=_ORDERED_CHILD)
CERTIFICATE = Pairing(Certificate, CertificateRecord, table_only=_CHILD)
NONCONFORMITY = Pairing(
    Nonconformity, NonconformityRecord, renamed={"id": "nc_id"}, table_only=_ORDERED_CHILD
)
EVENT = Pairing(DatedEvent, DatedEventRecord, table_only=_ORDERED_CHILD)
PAIRINGS = (USER, COMPANY, ANSWER, ACTION, CERTIFICATE, NONCONFORMITY, EVENT)
# ``Company.checked``, ``Company.steps_done`` and ``Company.assignees`` share one row per step.
STEP_COLUMNS = frozenset(
    {"id", "company_id", "step_id", "checked", "done", "done_order", "assignee_id"}
)

# Written on save; a user's identity (id, channel, external id) never changes.
_USER_WRITTEN = tuple(n for n in USER.shared if n not in ("id", "channel", "external_id"))
_COMPANY_WRITTEN = tuple(n for n in COMPANY.shared if n != "id")


# --- NUL ----------------------------------------------------------------------------------


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items()}
    return value


def clean_text(value: str) -> str:
    return value.replace(NUL, "") if NUL in value else value


def without_nul(conv: Conversation) -> Conversation:
    """``conv`` with U+0000 removed from every string (the same object when there is none)."""
    if "\\u0000" not in conv.model_dump_json():  # fast path: JSON escapes NUL this way
        return conv
    return Conversation.model_validate(_strip(conv.model_dump()))


# --- loading ------------------------------------------------------------------------------


@dataclass
class CompanyRows:
    """Everything stored for one company, keyed the way ``flows.state.Company`` keys it."""

    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    steps: dict[str, StepProgress] = field(default_factory=dict)
    actions: dict[str, PlanAction] = field(default_factory=dict)
    certificate: CertificateRecord | None = None
    ncs: dict[str, NonconformityRecord] = field(default_factory=dict)
    events: dict[str, DatedEventRecord] = field(default_factory=dict)

    @classmethod
    async def load(cls, session: AsyncSession, company_id: int) -> CompanyRows:
        async def rows(table: Any, *order: Any) -> list[Any]:
            stmt = select(table).where(table.company_id == company_id)
            return list(await session.exec(stmt.order_by(*order, col(table.id))))

        certificate = await rows(CertificateRecord)
        return cls(
            answers={r.question_id: r for r in await rows(AnswerRecord)},
            steps={r.step_id: r for r in await rows(StepProgress)},
            actions={r.action_id: r for r in await rows(PlanAction, col(PlanAction.position))},
            certificate=certificate[0] if certificate else None,
            ncs={
                r.nc_id: r
                for r in await rows(NonconformityRecord, col(NonconformityRecord.position))
            },
            events={r.key: r for r in await rows(DatedEventRecord, col(DatedEventRecord.position))},
        )


def _state(pairing: Pairing, row: SQLModel, **extra: Any) -> Any:
    values = column_values(row, pairing.shared)
    if pairing.renamed:
        stored = column_values(row, pairing.renamed.values())
        values |= {name: stored[column] for name, column in pairing.renamed.items()}
    return pairing.state.model_validate(values | extra)


def user_state(row: AppUser) -> User:
    # The stored pending question is validated as ``User.pending`` (a ``Pending``, or None).
    return _state(USER, row, pending=row.pending)  # type: ignore[no-any-return]


def company_state(
    row: CompanyRecord, rows: CompanyRows, members: list[Member] | None = None
) -> Company:
    done = sorted(
        (s for s in rows.steps.values() if s.done),
        key=lambda s: (s.done_order is None, s.done_order or 0, s.id or 0),
    )
    cert = rows.certificate
    return _state(  # type: ignore[no-any-return]
        COMPANY,
        row,
        answers={qid: _state(ANSWER, a) for qid, a in rows.answers.items()},
        checked={s.step_id: list(s.checked) for s in rows.steps.values() if s.checked is not None},
        steps_done=[s.step_id for s in done],
        actions=[_state(ACTION, a) for a in rows.actions.values()],
        certificate=_state(CERTIFICATE, cert) if cert else None,
        nonconformities=[_state(NONCONFORMITY, n) for n in rows.ncs.values()],
        events=[_state(EVENT, e) for e in rows.events.values()],
        assignees={s.step_id: s.assignee_id for s in rows.steps.values() if s.assignee_id},
        members=members or [],
    )


# --- the collections as one JSON value ----------------------------------------------------

# What ``company.children`` holds: the collections stored in the child tables (members are
# the membership table's, loaded apart). Written in the transaction that writes the rows, so
# it never disagrees with them; NULL (an older row, or after a change made to the rows
# directly) means "read the tables". ``CHILDREN_FORMAT`` changes when its shape does.
CHILD_FIELDS = frozenset(_COLLECTIONS - {"members"})
CHILDREN_FORMAT = 1
_FORMAT_KEY = "format"
# Which child table each collection is stored in (``wanted_rows`` keys, plus the certificate).
TABLE_OF_FIELD = {
    "answers": "answers",
    "checked": "steps",
    "steps_done": "steps",
    "assignees": "steps",
    "actions": "actions",
    "certificate": "certificate",
    "nonconformities": "ncs",
    "events": "events",
}


def children_of(company: Company) -> dict[str, Any]:
    """The company's collections as a JSON-ready dict (what ``company.children`` stores);
    times in UTC, as the tables give them back."""
    return _in_utc(company).model_dump(mode="json", include=set(CHILD_FIELDS)) | {
        _FORMAT_KEY: CHILDREN_FORMAT
    }


def _in_utc(company: Company) -> Company:
    answers = company.answers
    if all(a.answered_at.utcoffset() == _ZERO for a in answers.values()):
        return company
    fixed = {}
    for qid, a in answers.items():
        if a.answered_at.utcoffset() is None:
            raise ValueError(f"naive datetime in answer {qid}: use aware UTC")
        fixed[qid] = a.model_copy(update={"answered_at": a.answered_at.astimezone(UTC)})
    return company.model_copy(update={"answers": fixed})


def usable_children(value: Any) -> dict[str, Any] | None:
    """``company.children`` if it is in the current format, else None (read the tables)."""
    if isinstance(value, dict) and value.get(_FORMAT_KEY) == CHILDREN_FORMAT:
        return value
    return None


def company_from_children(
    row: CompanyRecord, children: dict[str, Any], members: list[Member] | None = None
) -> Company:
    collections = {k: v for k, v in children.items() if k in CHILD_FIELDS}
    return _state(COMPANY, row, **collections, members=members or [])  # type: ignore[no-any-return]


def collections_only(children: dict[str, Any], tables: Collection[str] | None = None) -> Company:
    """A company holding just these collections (to work out the rows they stand for);
    with ``tables``, only the collections stored in those child tables."""
    fields = CHILD_FIELDS if tables is None else {f for t in tables for f in FIELDS_OF_TABLE[t]}
    return Company.model_validate({k: v for k, v in children.items() if k in fields})


# The collections stored in each child table (``TABLE_OF_FIELD`` the other way round).
FIELDS_OF_TABLE = {
    table: tuple(f for f, t in TABLE_OF_FIELD.items() if t == table)
    for table in dict.fromkeys(TABLE_OF_FIELD.values())
}


def changed_collections(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """The collections that differ between two ``children_of`` values."""
    return {f for f in CHILD_FIELDS if old.get(f) != new.get(f)}


# --- saving -------------------------------------------------------------------------------


def user_values(user: User) -> dict[str, Any]:
    values = {name: getattr(user, name) for name in _USER_WRITTEN}
    values["pending"] = user.pending.model_dump(mode="json") if user.pending else None
    return values


def company_values(company: Company) -> dict[str, Any]:
    values = {name: getattr(company, name) for name in _COMPANY_WRITTEN}
    values["stage"] = company.stage.value if company.stage is not None else None
    return values


def certificate_values(cert: Certificate) -> dict[str, Any]:
    return _values(CERTIFICATE, cert)


def _values(pairing: Pairing, item: BaseModel, **extra: Any) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in pairing.shared}
    values |= {column: getattr(item, name) for name, column in pairing.renamed.items()}
    return values | extra


def _keyed(items: list[Any], key: Callable[[Any], str], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        k = key(item)
        if k in out:
            raise ValueError(f"duplicate {what} {k!r} in conversation state")
        out[k] = item
    return out


def _ordered(pairing: Pairing, items: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: _values(pairing, item, position=i) for i, (k, item) in enumerate(items.items())}


def _step_rows(company: Company) -> dict[str, dict[str, Any]]:
    done_order: dict[str, int] = {}
    for step_id in company.steps_done:
        done_order.setdefault(step_id, len(done_order))
    steps = list(dict.fromkeys([*company.checked, *done_order, *company.assignees]))
    return {
        step_id: {
            "step_id": step_id,
            "checked": list(company.checked[step_id]) if step_id in company.checked else None,
            "done": step_id in done_order,
            "done_order": done_order.get(step_id),
            "assignee_id": company.assignees.get(step_id),
        }
        for step_id in steps
    }


_ROWS_OF_TABLE: dict[str, Callable[[Company], dict[str, dict[str, Any]]]] = {
    "answers": lambda c: {qid: _values(ANSWER, a) for qid, a in c.answers.items()},
    "steps": _step_rows,
    "actions": lambda c: _ordered(ACTION, _keyed(c.actions, lambda a: a.id, "action id")),
    "ncs": lambda c: _ordered(
        NONCONFORMITY, _keyed(c.nonconformities, lambda n: n.id, "nonconformity id")
    ),
    "events": lambda c: _ordered(EVENT, _keyed(c.events, lambda e: e.key, "event key")),
}


def wanted_rows(
    company: Company, tables: Collection[str] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Child row values per collection, keyed like ``CompanyRows``; raises on bad state.
    With ``tables``, only those tables' rows (the certificate's are ``certificate_values``);
    a naive answer time is refused either way."""
    for answer in company.answers.values():
        if answer.answered_at.utcoffset() is None:
            raise ValueError(f"naive datetime in answer {answer.question_id}: use aware UTC")
    if tables is None:
        return {name: rows(company) for name, rows in _ROWS_OF_TABLE.items()}
    return {name: rows(company) for name, rows in _ROWS_OF_TABLE.items() if name in tables}
