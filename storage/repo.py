"""``Store``: the only way the bot reads and writes its database.

A conversation is loaded and saved in one transaction per incoming event. Serialisation per
user: an in-process ``asyncio.Lock`` per (channel, external_id) on every database, plus
``SELECT … FOR UPDATE`` on the user row on PostgreSQL (several bot instances) and
``BEGIN IMMEDIATE`` on SQLite (one instance; the database serialises writers).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import (
    Action,
    Answer,
    Certificate,
    Company,
    Conversation,
    DatedEvent,
    Nonconformity,
    Pending,
    User,
)
from storage.db import IMMEDIATE, create_engine, default_database_url, normalize_database_url
from storage.db import safe_url as _safe_url
from storage.migrate import ensure_migrated, upgrade
from storage.models import (
    AnswerRecord,
    AppUser,
    CertificateRecord,
    CompanyRecord,
    DatedEventRecord,
    Membership,
    NonconformityRecord,
    PlanAction,
    ProcessedUpdate,
    StepProgress,
    utcnow,
)

log = logging.getLogger(__name__)

RowT = TypeVar("RowT", bound=SQLModel)
UserKey = tuple[str, str]
EXPORT_FORMAT = "ipms-bot-export/1"


def lang_from_hint(hint: str | None) -> str:
    """First-contact language: Chinese unless the client says otherwise."""
    if hint is None:
        return "zh"
    return "zh" if hint.strip().lower().startswith("zh") else "en"


def _telegram_id(channel: str, external_id: str) -> int | None:
    if channel != "telegram":
        return None
    try:
        return int(external_id)
    except ValueError:
        return None


def _assign(row: SQLModel, values: Mapping[str, Any]) -> bool:
    """Set only the attributes that differ (so unchanged rows emit no UPDATE)."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _keyed(items: list[Any], key: Callable[[Any], str], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        k = key(item)
        if k in out:
            raise ValueError(f"duplicate {what} {k!r} in conversation state")
        out[k] = item
    return out


# --- table rows <-> flows.state ------------------------------------------------------


@dataclass
class _CompanyRows:
    """Everything stored for one company, keyed the way ``flows.state.Company`` keys it."""

    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    steps: dict[str, StepProgress] = field(default_factory=dict)
    actions: dict[str, PlanAction] = field(default_factory=dict)
    certificate: CertificateRecord | None = None
    ncs: dict[str, NonconformityRecord] = field(default_factory=dict)
    events: dict[str, DatedEventRecord] = field(default_factory=dict)

    @classmethod
    async def load(cls, session: AsyncSession, company_id: int) -> _CompanyRows:
        answers = await session.exec(
            select(AnswerRecord)
            .where(AnswerRecord.company_id == company_id)
            .order_by(col(AnswerRecord.id))
        )
        steps = await session.exec(
            select(StepProgress)
            .where(StepProgress.company_id == company_id)
            .order_by(col(StepProgress.id))
        )
        actions = await session.exec(
            select(PlanAction)
            .where(PlanAction.company_id == company_id)
            .order_by(col(PlanAction.position), col(PlanAction.id))
        )
        certificate = await session.exec(
            select(CertificateRecord).where(CertificateRecord.company_id == company_id)
        )
        ncs = await session.exec(
            select(NonconformityRecord)
            .where(NonconformityRecord.company_id == company_id)
            .order_by(col(NonconformityRecord.position), col(NonconformityRecord.id))
        )
        events = await session.exec(
            select(DatedEventRecord)
            .where(DatedEventRecord.company_id == company_id)
            .order_by(col(DatedEventRecord.position), col(DatedEventRecord.id))
        )
        return cls(
            answers={r.question_id: r for r in answers},
            steps={r.step_id: r for r in steps},
            actions={r.action_id: r for r in actions},
            certificate=certificate.first(),
            ncs={r.nc_id: r for r in ncs},
            events={r.key: r for r in events},
        )


# Row columns that map 1:1 onto fields of the pydantic state (ids are mapped explicitly).
_ANSWER_FIELDS = set(Answer.model_fields)
_ACTION_FIELDS = set(Action.model_fields) - {"id"}
_CERT_FIELDS = set(Certificate.model_fields)
_NC_FIELDS = set(Nonconformity.model_fields) - {"id"}
_EVENT_FIELDS = set(DatedEvent.model_fields)
_USER_FIELDS = ("display_name", "lang", "lang_chosen", "reminders_opt_in", "active", "is_admin")
_COMPANY_FIELDS = (
    "name",
    "headcount",
    "industry",
    "sites",
    "phase",
    "current_step",
    "system_start",
    "target_date",
    "timezone",
    "reminder_hour",
    "onboarded",
)


def _user_state(row: AppUser) -> User:
    return User.model_validate(
        {
            "id": row.id,
            "channel": row.channel,
            "external_id": row.external_id,
            "pending": Pending.model_validate(row.pending) if row.pending is not None else None,
            **{name: getattr(row, name) for name in _USER_FIELDS},
        }
    )


def _user_values(user: User) -> dict[str, Any]:
    values = {name: getattr(user, name) for name in _USER_FIELDS}
    values["pending"] = user.pending.model_dump(mode="json") if user.pending else None
    return values


def _company_state(row: CompanyRecord, rows: _CompanyRows) -> Company:
    done = sorted(
        (s for s in rows.steps.values() if s.done),
        key=lambda s: (s.done_order is None, s.done_order or 0, s.id or 0),
    )
    cert = rows.certificate
    return Company.model_validate(
        {
            "id": row.id,
            "stage": row.stage,
            **{name: getattr(row, name) for name in _COMPANY_FIELDS},
            "answers": {
                qid: Answer.model_validate(a.model_dump(include=_ANSWER_FIELDS))
                for qid, a in rows.answers.items()
            },
            "checked": {
                s.step_id: list(s.checked) for s in rows.steps.values() if s.checked is not None
            },
            "steps_done": [s.step_id for s in done],
            "actions": [
                Action.model_validate({"id": a.action_id, **a.model_dump(include=_ACTION_FIELDS)})
                for a in rows.actions.values()
            ],
            "certificate": (
                Certificate.model_validate(cert.model_dump(include=_CERT_FIELDS)) if cert else None
            ),
            "nonconformities": [
                Nonconformity.model_validate({"id": n.nc_id, **n.model_dump(include=_NC_FIELDS)})
                for n in rows.ncs.values()
            ],
            "events": [
                DatedEvent.model_validate(e.model_dump(include=_EVENT_FIELDS))
                for e in rows.events.values()
            ],
        }
    )


def _company_values(company: Company) -> dict[str, Any]:
    values = {name: getattr(company, name) for name in _COMPANY_FIELDS}
    values["stage"] = company.stage.value if company.stage is not None else None
    return values


def _wanted_rows(company: Company) -> dict[str, dict[str, dict[str, Any]]]:
    """Row values per collection, keyed like ``_CompanyRows``."""
    done_order: dict[str, int] = {}
    for step_id in company.steps_done:
        done_order.setdefault(step_id, len(done_order))
    steps = {
        step_id: {
            "step_id": step_id,
            "checked": list(company.checked[step_id]) if step_id in company.checked else None,
            "done": step_id in done_order,
            "done_order": done_order.get(step_id),
        }
        for step_id in [*company.checked, *(s for s in done_order if s not in company.checked)]
    }
    actions = _keyed(company.actions, lambda a: a.id, "action id")
    ncs = _keyed(company.nonconformities, lambda n: n.id, "nonconformity id")
    events = _keyed(company.events, lambda e: e.key, "event key")
    for answer in company.answers.values():
        if answer.answered_at.utcoffset() is None:
            raise ValueError(f"naive datetime in answer {answer.question_id}: use aware UTC")
    return {
        "answers": {
            qid: {"question_id": qid, "value": a.value, "answered_at": a.answered_at}
            for qid, a in company.answers.items()
        },
        "steps": steps,
        "actions": {
            k: {"action_id": k, **a.model_dump(exclude={"id"}), "position": i}
            for i, (k, a) in enumerate(actions.items())
        },
        "ncs": {
            k: {"nc_id": k, **n.model_dump(exclude={"id"}), "position": i}
            for i, (k, n) in enumerate(ncs.items())
        },
        "events": {k: {**e.model_dump(), "position": i} for i, (k, e) in enumerate(events.items())},
    }


async def _sync(
    session: AsyncSession,
    existing: dict[str, RowT],
    wanted: dict[str, dict[str, Any]],
    make: Callable[..., RowT],
    company_id: int,
) -> bool:
    """Insert new keys, update changed rows, delete rows whose key disappeared."""
    changed = False
    for key in [k for k in existing if k not in wanted]:
        await session.delete(existing.pop(key))
        changed = True
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            existing[key] = row = make(company_id=company_id, **values)
            session.add(row)
            changed = True
        else:
            changed |= _assign(row, values)
    return changed


# --- the conversation handle ---------------------------------------------------------


class ConversationHandle:
    """One user's state inside the transaction opened by ``Store.conversation``.

    ``session`` is that transaction: do any other database work for this event through it
    (on SQLite a second session would wait for this one's write lock and time out).
    """

    def __init__(
        self,
        session: AsyncSession,
        user: AppUser,
        company: CompanyRecord,
        rows: _CompanyRows,
        insert: Callable[[type[SQLModel]], Any],
    ) -> None:
        self.session = session
        self._user = user
        self._company = company
        self._rows = rows
        self._insert = insert
        self.conv = Conversation(user=_user_state(user), company=_company_state(company, rows))

    @property
    def company_id(self) -> int:
        assert self._company.id is not None
        return self._company.id

    async def save(self, conv: Conversation) -> None:
        """Write ``conv`` back: changed fields and rows only; removed rows are deleted.

        Committed when the ``conversation()`` block ends without an exception.
        """
        # Validate everything before touching the session: a refused save changes nothing.
        self._check_identity(conv)
        wanted = _wanted_rows(conv.company)
        now = utcnow()
        if _assign(self._user, _user_values(conv.user)):
            self._user.updated_at = now
        changed = _assign(self._company, _company_values(conv.company))
        rows, cid, session = self._rows, self.company_id, self.session
        changed |= await _sync(session, rows.answers, wanted["answers"], AnswerRecord, cid)
        changed |= await _sync(session, rows.steps, wanted["steps"], StepProgress, cid)
        changed |= await _sync(session, rows.actions, wanted["actions"], PlanAction, cid)
        changed |= await _sync(session, rows.ncs, wanted["ncs"], NonconformityRecord, cid)
        changed |= await _sync(session, rows.events, wanted["events"], DatedEventRecord, cid)
        changed |= await self._save_certificate(conv.company.certificate)
        if changed:  # any of the company's data: tells "last activity" for reminders/admin
            self._company.updated_at = now
        await self.session.flush()
        self.conv = conv

    async def claim_update(self, update_id: int) -> bool:
        """``Store.claim_update`` inside this transaction: the claim commits with the state."""
        return await _claim(self.session, self._insert, update_id)

    def _check_identity(self, conv: Conversation) -> None:
        user, company = conv.user, conv.company
        if user.id not in (None, self._user.id) or (user.channel, user.external_id) != (
            self._user.channel,
            self._user.external_id,
        ):
            raise ValueError("save(): the conversation belongs to another user")
        if company.id not in (None, self._company.id):
            raise ValueError("save(): the conversation belongs to another company")

    async def _save_certificate(self, cert: Certificate | None) -> bool:
        row = self._rows.certificate
        if cert is None:
            if row is None:
                return False
            await self.session.delete(row)
            self._rows.certificate = None
            return True
        values = cert.model_dump()
        if row is None:
            row = CertificateRecord(company_id=self.company_id, **values)
            self.session.add(row)
            self._rows.certificate = row
            return True
        return _assign(row, values)


async def _claim(
    session: AsyncSession, insert: Callable[[type[SQLModel]], Any], update_id: int
) -> bool:
    stmt = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(col(ProcessedUpdate.update_id))
    )
    return (await session.exec(stmt)).scalar_one_or_none() is not None


# --- the store -----------------------------------------------------------------------


class Store:
    """Database access for the bot. Create with ``await Store.open(url)``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._dialect = engine.dialect.name
        self._locks: weakref.WeakValueDictionary[UserKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @classmethod
    async def open(cls, url: str | None = None, *, migrate: bool = False) -> Store:
        """Connect; refuse (``DatabaseNotMigrated``) a database not at the current schema."""
        url = normalize_database_url(url or default_database_url())
        if migrate:
            await upgrade(url)
        else:
            await ensure_migrated(url)
        log.info("database ready: %s", _safe_url(url))
        return cls(create_engine(url))

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self._dialect == "sqlite"

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """A plain session; commit yourself. Don't open one inside ``conversation()``.

        ``write=True`` takes SQLite's write lock at BEGIN: use it when the transaction reads
        and then writes, or SQLite fails it with "database is locked" if another connection
        commits in between. No effect on PostgreSQL.
        """
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            if write:
                await session.connection(execution_options={IMMEDIATE: True})
            yield session

    def _insert(self, model: type[SQLModel]) -> Any:
        dialect = postgresql if self._dialect == "postgresql" else sqlite
        return dialect.insert(model)

    @asynccontextmanager
    async def _write(self, key: UserKey) -> AsyncIterator[AsyncSession]:
        """Per-user lock + a session whose transaction holds SQLite's write lock."""
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock, self.session(write=True) as session:
            yield session

    @asynccontextmanager
    async def conversation(
        self,
        channel: str,
        external_id: str,
        display_name: str = "",
        lang_hint: str | None = None,
    ) -> AsyncIterator[ConversationHandle]:
        """Load the user's conversation, creating user + company on first contact.

        The block runs in one transaction, serialised per user; it commits when the block
        ends normally and rolls back on an exception.
        """
        async with self._write((channel, external_id)) as session:
            user = await self._lock_user(session, channel, external_id)
            if user is None:
                await self._create_user(session, channel, external_id, display_name, lang_hint)
                user = await self._lock_user(session, channel, external_id)
                assert user is not None
            elif display_name and _assign(user, {"display_name": display_name}):
                user.updated_at = utcnow()
            company = await self._company_of(session, user)
            rows = await _CompanyRows.load(session, company.id or 0)
            yield ConversationHandle(session, user, company, rows, self._insert)
            await session.commit()

    async def _lock_user(
        self, session: AsyncSession, channel: str, external_id: str
    ) -> AppUser | None:
        stmt = (
            select(AppUser)
            .where(AppUser.channel == channel, AppUser.external_id == external_id)
            .with_for_update()  # PostgreSQL only; SQLite's BEGIN IMMEDIATE already serialises
        )
        return (await session.exec(stmt)).first()

    async def _create_user(
        self,
        session: AsyncSession,
        channel: str,
        external_id: str,
        display_name: str,
        lang_hint: str | None,
    ) -> None:
        """Insert user, company and owner membership; a concurrent creator wins harmlessly."""
        user = AppUser(
            channel=channel,
            external_id=external_id,
            telegram_id=_telegram_id(channel, external_id),
            display_name=display_name,
            lang=lang_from_hint(lang_hint),
        )
        stmt = (
            self._insert(AppUser)
            .values(**user.model_dump(exclude={"id"}))
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(col(AppUser.id))
        )
        user_id = (await session.exec(stmt)).scalar_one_or_none()
        if user_id is not None:
            await self._add_company(session, user_id)

    async def _add_company(self, session: AsyncSession, user_id: int) -> CompanyRecord:
        company = CompanyRecord()
        session.add(company)
        await session.flush()
        assert company.id is not None
        session.add(Membership(user_id=user_id, company_id=company.id, role="owner"))
        await session.flush()
        return company

    async def _company_of(self, session: AsyncSession, user: AppUser) -> CompanyRecord:
        """The company the user works on: their first membership's (made if they have none)."""
        assert user.id is not None
        stmt = (
            select(CompanyRecord)
            .join(Membership, col(Membership.company_id) == col(CompanyRecord.id))
            .where(Membership.user_id == user.id)
            .order_by(col(Membership.id))
            .limit(1)
        )
        company = (await session.exec(stmt)).first()
        return company if company is not None else await self._add_company(session, user.id)

    async def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is seen, False for a re-delivery."""
        async with self.session() as session:
            claimed = await _claim(session, self._insert, update_id)
            await session.commit()
        return claimed

    async def prune_processed_updates(self, before: datetime) -> int:
        """Forget update ids processed before ``before`` (Telegram retries for ~24 h)."""
        async with self.session() as session:
            result = await session.exec(
                delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < before)
            )
            await session.commit()
        return int(result.rowcount)

    async def set_user_active(self, channel: str, external_id: str, active: bool) -> bool:
        """Flag a user (in)active, e.g. after Telegram's 403; False if there is no such user."""
        async with self.session() as session:
            result = await session.exec(
                update(AppUser)
                .where(col(AppUser.channel) == channel, col(AppUser.external_id) == external_id)
                .values(active=active, updated_at=utcnow())
            )
            await session.commit()
        return bool(result.rowcount)

    async def stats(self) -> dict[str, int]:
        """Counts for the admin command: nothing that identifies anyone."""
        from storage.reminder_models import Reminder

        async with self.session() as session:

            async def count(stmt: Any) -> int:
                return int((await session.exec(stmt)).one())

            return {
                "users": await count(select(func.count()).select_from(AppUser)),
                "companies": await count(select(func.count()).select_from(CompanyRecord)),
                "certified": await count(select(func.count()).select_from(CertificateRecord)),
                "reminders": await count(
                    select(func.count())
                    .select_from(Reminder)
                    .where(col(Reminder.status) == "planned")
                ),
            }

    async def company_members(self, company_id: int) -> list[User]:
        async with self.session() as session:
            rows = await session.exec(
                select(AppUser)
                .join(Membership, col(Membership.user_id) == col(AppUser.id))
                .where(Membership.company_id == company_id)
                .order_by(col(Membership.id))
            )
            return [_user_state(row) for row in rows]

    async def export_user(self, channel: str, external_id: str) -> dict[str, Any]:
        """Everything stored about the user and their companies, JSON-ready ({} if unknown).

        Other members of a shared company are not included, only the company's own data.
        """
        async with self.session() as session:
            stmt = select(AppUser).where(
                AppUser.channel == channel, AppUser.external_id == external_id
            )
            user = (await session.exec(stmt)).first()
            if user is None:
                return {}
            memberships = await session.exec(
                select(Membership).where(Membership.user_id == user.id).order_by(col(Membership.id))
            )
            companies = [await _export_company(session, m) for m in memberships.all()]
        return {
            "format": EXPORT_FORMAT,
            "exported_at": utcnow().isoformat(),
            "user": user.model_dump(mode="json"),
            "companies": companies,
        }

    async def delete_user(self, channel: str, external_id: str) -> bool:
        """Delete the user; their companies too unless another member remains."""
        async with self._write((channel, external_id)) as session:
            user = await self._lock_user(session, channel, external_id)
            if user is None:
                return False
            memberships = await session.exec(
                select(Membership).where(Membership.user_id == user.id)
            )
            company_ids = [m.company_id for m in memberships.all()]
            await session.exec(delete(Membership).where(col(Membership.user_id) == user.id))
            for company_id in company_ids:
                await _delete_company_if_orphan(session, company_id)
            await session.exec(delete(AppUser).where(col(AppUser.id) == user.id))
            await session.commit()
        return True


async def _export_company(session: AsyncSession, membership: Membership) -> dict[str, Any]:
    company = await session.get(CompanyRecord, membership.company_id)
    assert company is not None
    rows = await _CompanyRows.load(session, membership.company_id)

    def dump(items: Any) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in items]

    return {
        "role": membership.role,
        "company": company.model_dump(mode="json"),
        "answers": dump(rows.answers.values()),
        "step_progress": dump(rows.steps.values()),
        "plan_actions": dump(rows.actions.values()),
        "certificate": rows.certificate.model_dump(mode="json") if rows.certificate else None,
        "nonconformities": dump(rows.ncs.values()),
        "events": dump(rows.events.values()),
    }


async def _delete_company_if_orphan(session: AsyncSession, company_id: int) -> None:
    # Lock the company first so two members leaving at once can't both see the other.
    await session.exec(
        select(CompanyRecord.id).where(CompanyRecord.id == company_id).with_for_update()
    )
    remaining = await session.exec(
        select(func.count()).select_from(Membership).where(Membership.company_id == company_id)
    )
    if remaining.one() == 0:
        # Child rows (and the reminders module's) go with it: ON DELETE CASCADE.
        await session.exec(delete(CompanyRecord).where(col(CompanyRecord.id) == company_id))
