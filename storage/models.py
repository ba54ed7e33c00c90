"""Tables behind ``flows.state.Conversation`` (SQLModel, in the fastapi template's style).

``*Base`` classes hold the data fields; the ``table=True`` classes add keys and bookkeeping.
All timestamps are timezone-aware UTC (``UTCDateTime``). List orders that the pydantic state
cares about (plan actions, nonconformities, events, finished steps) are kept in ``position``
/ ``done_order`` columns so a load returns exactly what was saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, DateTime, Dialect, TypeDecorator, UniqueConstraint
from sqlalchemy.orm.base import DEFAULT_STATE_ATTR as _STATE_ATTR
from sqlmodel import Field, SQLModel

from flows.state import DEFAULT_TZ

# Stable constraint names on both databases; Alembic's SQLite batch mode needs named
# constraints. Set before any table is declared (the reminders tables share this metadata).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


M = TypeVar("M", bound=SQLModel)


def row_object(model: type[M], values: Mapping[Any, Any]) -> M:
    """An instance of ``model`` holding ``values`` (a Core result row), outside any session:
    the generated ``__init__`` costs ~10x more (defaults, validation hooks, one attribute
    event per column) for values that come straight from the table. The instance state is
    the one ``ClassManager._new_state_if_none`` would install, put in ``__dict__`` where
    ``SQLModel.__setattr__`` puts it, without that method's ``hasattr`` (pydantic's
    ``__getattr__`` raising AttributeError for every row)."""
    obj = model.__new__(model)
    attrs = obj.__dict__
    attrs.update(values)
    manager = model._sa_class_manager  # type: ignore[attr-defined]
    attrs[_STATE_ATTR] = manager._state_constructor(obj, manager)
    return obj


def column_values(row: SQLModel, names: Iterable[str]) -> dict[str, Any]:
    """``{name: getattr(row, name)}``, read from the row's ``__dict__`` where the
    instrumented attributes keep loaded values (~5x cheaper than SQLAlchemy's descriptor,
    for every column several times per update); anything missing there (expired) is read
    the usual way."""
    values = row.__dict__
    try:
        return {name: values[name] for name in names}
    except KeyError:
        return {name: getattr(row, name) for name in names}


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only accepts aware values and always returns UTC.

    SQLite stores no offset and hands back naive datetimes, so values are converted to UTC
    before writing and UTC is re-attached after reading. Naive input is a bug upstream
    (flows get aware ``now`` values), so it is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class NullableJSON(JSON):
    """JSON where Python ``None`` is SQL NULL (plain JSON would store the text ``null``)."""

    def __init__(self) -> None:
        super().__init__(none_as_null=True)


def _company_fk() -> Any:
    return Field(foreign_key="company.id", ondelete="CASCADE", index=True)


def _user_fk() -> Any:
    """A reference to a user that outlives them as NULL (their data is erased, not the row)."""
    return Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)


# --- users and companies -------------------------------------------------------------


class AppUserBase(SQLModel):
    channel: str = Field(default="telegram")  # "telegram" or "terminal"
    external_id: str  # Telegram user id as text, or terminal user name
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    display_name: str = ""
    lang: str = "zh"
    lang_chosen: bool = False
    pending: dict[str, Any] | None = Field(default=None, sa_type=NullableJSON)
    reminders_opt_in: bool = True
    reminders_paused_from: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminders_paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = True
    is_admin: bool = False
    news_opt_in: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class AppUser(AppUserBase, table=True):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The company the user works on now (one of their memberships; checked on every load).
    current_company_id: int | None = Field(
        default=None, foreign_key="company.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CompanyBase(SQLModel):
    name: str = ""
    headcount: int | None = None
    industry: str = ""
    sites: int | None = None
    # The certification body as the owner named it ("" until then)
    cb_name: str = Field(default="", sa_column_kwargs={"server_default": ""})
    stage: str | None = None  # flows.state.Stage value
    phase: str = "prep"
    current_step: str | None = None
    system_start: date | None = None
    target_date: date | None = None
    goal_date: date | None = None  # when the owner wants the certificate, said before a plan
    timezone: str = DEFAULT_TZ
    reminder_hour: int = 9
    onboarded: bool = False


class CompanyRecord(CompanyBase, table=True):
    __tablename__ = "company"

    id: int | None = Field(default=None, primary_key=True)
    # The child tables' rows again as one JSON value (``storage.mapping.children_of``), so a
    # conversation loads in one row; NULL: read the tables (and write it on the next save).
    children: dict[str, Any] | None = Field(default=None, sa_type=NullableJSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "company_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    company_id: int = _company_fk()
    role: str = "owner"  # flows.state.Role: "owner" (one per company), "member", "consultant"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A single-use, expiring, revocable invitation to join a company with a role.

    Only a hash of the code is stored: the code is shown once, to the owner who made it.
    """

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()
    role: str = "member"
    code_hash: str = Field(unique=True)
    created_by: int | None = _user_fk()
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_by: int | None = _user_fk()
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- the company's collections -------------------------------------------------------


class AnswerBase(SQLModel):
    question_id: str
    value: str  # "yes" | "partly" | "no" | "na"
    answered_at: datetime = Field(sa_type=UTCDateTime)


class AnswerRecord(AnswerBase, table=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("company_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()


class StepProgressBase(SQLModel):
    step_id: str
    # Ticked checklist ids; NULL when the step has no entry in ``Company.checked``.
    checked: list[str] | None = Field(default=None, sa_type=NullableJSON)
    done: bool = False
    done_order: int | None = None  # index in ``Company.steps_done`` when done


class StepProgress(StepProgressBase, table=True):
    __tablename__ = "step_progress"
    __table_args__ = (UniqueConstraint("company_id", "step_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()
    assignee_id: int | None = _user_fk()  # ``Company.assignees`` (journey step -> member)


class PlanActionBase(SQLModel):
    action_id: str
    title_zh: str
    title_en: str
    owner_role_zh: str = ""
    owner_role_en: str = ""
    question_id: str | None = None
    clause_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    priority: int = 3
    due: date
    done_on: date | None = None
    custom: bool = False
    position: int = 0  # order in ``Company.actions``


class PlanAction(PlanActionBase, table=True):
    __tablename__ = "plan_action"
    __table_args__ = (UniqueConstraint("company_id", "action_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()
    assignee_id: int | None = _user_fk()


class CertificateBase(SQLModel):
    number: str
    edition: str = "2023"
    decision_date: date | None = None
    issued: date
    expires: date


class CertificateRecord(CertificateBase, table=True):
    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", ondelete="CASCADE", unique=True)


class NonconformityBase(SQLModel):
    nc_id: str
    description: str
    grade: str = "minor"  # "major" | "minor"
    raised_on: date
    correction_due: date
    evidence_due: date
    closed_on: date | None = None
    position: int = 0  # order in ``Company.nonconformities``


class NonconformityRecord(NonconformityBase, table=True):
    __tablename__ = "nonconformity"
    __table_args__ = (UniqueConstraint("company_id", "nc_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()


class DatedEventBase(SQLModel):
    key: str
    kind: str
    on: date
    title_zh: str = ""
    title_en: str = ""
    step_id: str | None = None
    done: bool = False
    position: int = 0  # order in ``Company.events``


class DatedEventRecord(DatedEventBase, table=True):
    __tablename__ = "dated_event"
    __table_args__ = (UniqueConstraint("company_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = _company_fk()


# --- delivery bookkeeping ------------------------------------------------------------


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled: Telegram re-delivers after timeouts."""

    __tablename__ = "processed_update"

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


COMPANY_CHILDREN: tuple[type[SQLModel], ...] = (
    AnswerRecord,
    StepProgress,
    PlanAction,
    CertificateRecord,
    NonconformityRecord,
    DatedEventRecord,
)
