"""``ConversationHandle``: one user's state inside the transaction of ``Store.conversation``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import Company, Conversation, Member
from knowledge.schema import Rules
from storage import faults
from storage.companies import replan_company_id
from storage.mapping import (
    TABLE_OF_FIELD,
    CompanyRows,
    certificate_values,
    changed_collections,
    children_of,
    collections_only,
    company_from_children,
    company_state,
    company_values,
    usable_children,
    user_state,
    user_values,
    wanted_rows,
    without_nul,
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
    row_object,
    utcnow,
)
from storage.prepared import Prepared
from storage.reminder_plan import ReplanStats
from storage.workspace import Picked


def assign(row: SQLModel, values: Mapping[str, Any]) -> bool:
    """Set only the attributes that differ (so unchanged rows emit no UPDATE)."""
    current = column_values(row, values)
    if current == values:  # the common case, compared in C (no float columns: no NaN)
        return False
    changed = False
    for name, value in current.items():
        if value != values[name]:
            setattr(row, name, values[name])
            changed = True
    return changed


_USER_TABLE: Table = AppUser.__table__  # type: ignore[attr-defined]
_COMPANY_TABLE: Table = CompanyRecord.__table__  # type: ignore[attr-defined]
USER_COLUMNS = tuple(c.name for c in _USER_TABLE.c if c.name != "id")
# ``children`` is left out: the handle knows when it set it (no deep comparison of the JSON).
COMPANY_COLUMNS = tuple(c.name for c in _COMPANY_TABLE.c if c.name not in ("id", "children"))


# Built once (the comparison was a third of an UPDATE's cost). No ``.values()``: the SET
# clause comes from the keys of the parameters (SQLAlchemy compiles and caches one form per
# set of changed columns), so nothing is built per write.
_UPDATE_USER = Prepared(
    update(_USER_TABLE).where(_USER_TABLE.c.id == bindparam("row_id")), by_keys=True
)
_UPDATE_COMPANY = Prepared(
    update(_COMPANY_TABLE).where(_COMPANY_TABLE.c.id == bindparam("row_id")), by_keys=True
)


def user_columns(user: AppUser) -> dict[str, Any]:
    """The user row's column values (what a Core UPDATE compares against)."""
    return column_values(user, USER_COLUMNS)


def _changes(row: SQLModel, names: tuple[str, ...], before: dict[str, Any]) -> dict[str, Any]:
    now = column_values(row, names)
    if now == before:  # the common case, compared in C
        return {}
    return {name: value for name, value in now.items() if value != before[name]}


@dataclass(frozen=True)
class ChildTable:
    """One child table as ``wanted_rows`` keys it: the column its key is stored in, and its
    INSERT and UPDATE built once (the columns follow the parameters' keys)."""

    table: Table
    key: str

    @cached_property
    def inserts(self) -> Prepared:
        return Prepared(insert(self.table), by_keys=True)

    @cached_property
    def updates(self) -> Prepared:
        t = self.table
        where = [t.c.company_id == bindparam("b_company_id")]
        if self.key != "company_id":  # one row per company: the company is its key
            where.append(t.c[self.key] == bindparam("b_key"))
        return Prepared(update(t).where(*where), by_keys=True)


CHILD_TABLES = {
    "answers": ChildTable(AnswerRecord.__table__, "question_id"),  # type: ignore[attr-defined]
    "steps": ChildTable(StepProgress.__table__, "step_id"),  # type: ignore[attr-defined]
    "actions": ChildTable(PlanAction.__table__, "action_id"),  # type: ignore[attr-defined]
    "ncs": ChildTable(NonconformityRecord.__table__, "nc_id"),  # type: ignore[attr-defined]
    "events": ChildTable(DatedEventRecord.__table__, "key"),  # type: ignore[attr-defined]
    "certificate": ChildTable(CertificateRecord.__table__, "company_id"),  # type: ignore[attr-defined]
}


def _rows_of(
    company: Company, table: str, rows: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """The rows ``company`` stands for in one child table, keyed like ``wanted_rows``
    (``rows``: ``wanted_rows(company)``, made once for all the tables)."""
    if table == "certificate":
        cert = company.certificate
        return {} if cert is None else {"cert": certificate_values(cert)}
    return rows[table]


def _rows_in_tables(rows: CompanyRows) -> dict[str, dict[str, dict[str, Any]]]:
    """What the child tables hold, in ``_rows_of``'s form (ids and company left out)."""

    def values(row: SQLModel) -> dict[str, Any]:
        return {k: v for k, v in row.model_dump().items() if k not in ("id", "company_id")}

    cert = rows.certificate
    return {
        "answers": {k: values(r) for k, r in rows.answers.items()},
        "steps": {k: values(r) for k, r in rows.steps.items()},
        "actions": {k: values(r) for k, r in rows.actions.items()},
        "ncs": {k: values(r) for k, r in rows.ncs.items()},
        "events": {k: values(r) for k, r in rows.events.items()},
        "certificate": {} if cert is None else {"cert": values(cert)},
    }


async def _sync_table(
    conn: AsyncConnection,
    child: ChildTable,
    company_id: int,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
) -> None:
    """Make the table's rows of the company go from ``old`` to ``new``: deletes, inserts,
    and updates of the changed columns only (Core statements: no ORM objects to track)."""
    t = child.table

    def match(keys: list[str]) -> list[Any]:
        if child.key == "company_id":  # one row per company: the company is its key
            return [t.c.company_id == company_id]
        return [t.c.company_id == company_id, t.c[child.key].in_(keys)]

    gone = [k for k in old if k not in new]
    if gone:
        await conn.execute(delete(t).where(*match(gone)))
    added = [{**values, "company_id": company_id} for k, values in new.items() if k not in old]
    if added:
        await child.inserts.run_many(conn, added)
    for k, values in new.items():
        before = old.get(k)
        changes = {c: v for c, v in values.items() if before is not None and before.get(c) != v}
        if changes:
            where = {"b_company_id": company_id, "b_key": k}
            await child.updates.run(conn, {**changes, **where})


@dataclass(frozen=True)
class Saved:
    """What the last ``save`` changed: state field names (columns and collections; the
    company's ``members`` when the conversation's differ from those loaded), and what was
    stored before it, for ``ConversationHandle.before_save``."""

    user: frozenset[str]
    company: frozenset[str]
    user_before: dict[str, Any]
    company_before: dict[str, Any]
    children_before: dict[str, Any]
    members_before: list[Member]


class ConversationHandle:
    """One user's state inside the transaction opened by ``Store.conversation``.

    ``session`` is that transaction's ORM session (made when first asked for): do any other
    database work for this event through it
    (on SQLite a second writer would wait for this one to commit). ``claimed`` is False
    when the update id given to ``Store.conversation`` was already processed: the caller
    must then drop the update (``save`` refuses).
    """

    def __init__(
        self,
        session: AsyncSession | Callable[[], AsyncSession],
        user: AppUser,
        company: CompanyRecord,
        state: Company,
        children: dict[str, Any] | None,
        claimed: bool = True,
        user_before: dict[str, Any] | None = None,
        conn: AsyncConnection | None = None,
        *,
        in_tables: dict[str, dict[str, dict[str, Any]]] | None = None,
        denied: bool = False,
        switched: bool = False,
    ) -> None:
        self._session = session  # or the function that makes it
        self._conn = conn  # the session's connection in this transaction (None: ask for it)
        self.claimed = claimed
        self.denied = denied  # a company was asked for that the user does not belong to
        self.switched = switched  # the asked-for company became the current one
        # Plain objects outside the session's unit of work: ``write_rows`` writes the
        # columns that differ from these snapshots (Core UPDATEs, no flush machinery).
        self._user = user
        self._company = company
        self._user_before = user_before if user_before is not None else user_columns(user)
        self._company_before = column_values(company, COMPANY_COLUMNS)
        self._children_changed = False
        # What the child tables hold now, as ``children_of`` gives it; None: not stored in
        # ``company.children`` yet (an older row, or invalidated): the next save writes it.
        self._stored = children
        self._children = children if children is not None else children_of(state)
        # Read from the tables instead: their rows exactly (rows the state does not show,
        # e.g. a step whose assignee left, are deleted by the next save, every table synced).
        self._in_tables = in_tables
        self._members = list(state.members)  # never saved from here: compared by ``save``
        self.saved: Saved | None = None
        self.conv = Conversation(user=user_state(user), company=state)

    @property
    def session(self) -> AsyncSession:
        if not isinstance(self._session, AsyncSession):
            self._session = self._session()
        return self._session

    @classmethod
    async def load(
        cls,
        session: AsyncSession | Callable[[], AsyncSession],
        user: AppUser,
        picked: Picked,
        claimed: bool,
        user_before: dict[str, Any] | None = None,
        conn: AsyncConnection | None = None,
    ) -> ConversationHandle:
        """The user's conversation with the company ``pick_company`` chose: its collections
        from ``company.children`` (one row), or from the child tables when that is NULL."""
        company = picked.company
        assert company.id is not None and user.id is not None
        children = usable_children(company.children)
        in_tables = None
        if children is not None:
            state = company_from_children(company, children, picked.team)
        else:
            made = session if isinstance(session, AsyncSession) else session()
            rows = await CompanyRows.load(made, company.id)
            state, in_tables = company_state(company, rows, picked.team), _rows_in_tables(rows)
        return cls(
            session, user, company, state, children, claimed, user_before, conn,
            in_tables=in_tables, denied=picked.denied, switched=picked.switched,
        )  # fmt: skip

    @property
    def company_id(self) -> int:
        assert self._company.id is not None
        return self._company.id

    @property
    def user_row(self) -> AppUser:
        """The (locked) user row, for workspace changes in this transaction: not in the
        session; what is set on it is written by ``write_rows`` (at the latest when the
        ``conversation()`` block ends)."""
        return self._user

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            self._conn = await self.session.connection()
        return self._conn

    async def write_rows(self) -> None:
        """Write the user's and the company's changed columns (Core UPDATEs)."""
        await self._write(
            _changes(self._user, USER_COLUMNS, self._user_before),
            _changes(self._company, COMPANY_COLUMNS, self._company_before),
        )

    async def _write(self, user: dict[str, Any], company: dict[str, Any]) -> None:
        """``write_rows`` with the changed columns already worked out (``company`` gets
        ``children`` added when that changed)."""
        if self._children_changed:
            company["children"] = self._company.children
        if not (user or company):
            return
        conn = await self._connection()
        if user:
            await _UPDATE_USER.run(conn, {**user, "row_id": self._user.id})
            self._user_before.update(user)
        if company:
            await _UPDATE_COMPANY.run(conn, {**company, "row_id": self.company_id})
            company.pop("children", None)
            self._company_before.update(company)
            self._children_changed = False

    async def save(self, conv: Conversation) -> bool:
        """Write ``conv`` back: changed fields and rows only; removed rows are deleted.
        Whether anything stored differs from what was loaded or last saved (False: the
        stored conversation is as it was, so is everything derived from it).

        Committed when the ``conversation()`` block ends without an exception. Text is
        stored without U+0000; ``self.conv`` is then what was stored.
        """
        if not self.claimed:
            raise RuntimeError("save(): this update was already processed")
        # Validate everything before touching the session: a refused save changes nothing.
        self._check_identity(conv)
        conv = without_nul(conv)
        children = children_of(conv.company)
        collections = changed_collections(self._children, children)
        tables = {TABLE_OF_FIELD[f] for f in collections}
        if self._in_tables is not None:
            tables = set(CHILD_TABLES)
        # Raises on a bad state before anything is written; the rows the tables are synced to.
        rows = wanted_rows(conv.company, tables) if tables else None
        now = utcnow()
        user_changed = assign(self._user, user_values(conv.user))
        if user_changed:
            self._user.updated_at = now
        changed = assign(self._company, company_values(conv.company))
        if tables:
            assert rows is not None
            changed |= await self._write_rows(tables, conv.company, rows)
        if tables or self._stored is None:
            self._company.children = children
            self._children_changed = True
        if changed:  # any of the company's data: tells "last activity" for reminders/admin
            self._company.updated_at = now
        # The changed columns, worked out once for ``saved`` and for the UPDATEs.
        user_columns_changed = _changes(self._user, USER_COLUMNS, self._user_before)
        company_columns_changed = _changes(self._company, COMPANY_COLUMNS, self._company_before)
        self.saved = self._saved(
            collections, conv.company.members, user_columns_changed, company_columns_changed
        )
        await self._write(user_columns_changed, company_columns_changed)
        self.conv, self._children, self._stored = conv, children, children
        self._members = list(conv.company.members)
        self._in_tables = None
        faults.checkpoint("save")
        return user_changed or changed or bool(tables)

    def _saved(
        self,
        collections: set[str],
        members: list[Member],
        user: dict[str, Any],
        company_columns: dict[str, Any],
    ) -> Saved:
        company = company_columns | {f: None for f in collections}
        if members != self._members:
            company["members"] = None
        return Saved(
            frozenset(user), frozenset(company), dict(self._user_before),
            dict(self._company_before), self._children, self._members,
        )  # fmt: skip

    def before_save(self) -> Conversation:
        """The conversation as stored before the last ``save`` (as loaded, for the first)."""
        saved = self.saved
        if saved is None:
            return self.conv
        user = row_object(AppUser, {**saved.user_before, "id": self._user.id})
        company = row_object(CompanyRecord, {**saved.company_before, "id": self.company_id})
        state = company_from_children(company, saved.children_before, saved.members_before)
        return Conversation(user=user_state(user), company=state)

    async def _write_rows(
        self, tables: set[str], company: Company, rows: dict[str, dict[str, dict[str, Any]]]
    ) -> bool:
        """Sync the child tables named to ``company`` (``rows``: ``wanted_rows(company)``);
        whether any row changed."""
        old = collections_only(self._children, tables)
        old_rows: dict[str, dict[str, dict[str, Any]]] = {}
        if not self._in_tables and tables != {"certificate"}:
            old_rows = wanted_rows(old, tables)  # once, not once per table
        conn = await self._connection()
        changed = False
        for name in sorted(tables):
            after = _rows_of(company, name, rows)
            before = self._in_tables[name] if self._in_tables else _rows_of(old, name, old_rows)
            if before != after:
                await _sync_table(conn, CHILD_TABLES[name], self.company_id, before, after)
                changed = True
        return changed

    async def replan(self, rules: Rules, now: datetime) -> ReplanStats:
        """Re-plan the company's reminders from the saved state, in this transaction: after
        the user's own update, so what they have just told us is not reminded at once."""
        return await replan_company_id(self.session, self.company_id, rules, now, told=True)

    def _check_identity(self, conv: Conversation) -> None:
        user, company = conv.user, conv.company
        if user.id not in (None, self._user.id) or (user.channel, user.external_id) != (
            self._user.channel,
            self._user.external_id,
        ):
            raise ValueError("save(): the conversation belongs to another user")
        if company.id not in (None, self._company.id):
            raise ValueError("save(): the conversation belongs to another company")
