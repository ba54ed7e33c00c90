"""``ConversationHandle``: one user's state inside the transaction of ``Store.conversation``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import Certificate, Conversation, Member
from knowledge.schema import Rules
from storage import faults
from storage.companies import replan_company_id
from storage.mapping import (
    CompanyRows,
    certificate_values,
    company_state,
    company_values,
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
    utcnow,
)
from storage.reminder_plan import ReplanStats
from storage.workspace import Picked

RowT = TypeVar("RowT", bound=SQLModel)


def assign(row: SQLModel, values: Mapping[str, Any]) -> bool:
    """Set only the attributes that differ (so unchanged rows emit no UPDATE)."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


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
            changed |= assign(row, values)
    return changed


class ConversationHandle:
    """One user's state inside the transaction opened by ``Store.conversation``.

    ``session`` is that transaction: do any other database work for this event through it
    (on SQLite a second writer would wait for this one to commit). ``claimed`` is False
    when the update id given to ``Store.conversation`` was already processed: the caller
    must then drop the update (``save`` refuses).
    """

    def __init__(
        self,
        session: AsyncSession,
        user: AppUser,
        company: CompanyRecord,
        rows: CompanyRows,
        claimed: bool = True,
        *,
        team: list[Member] | None = None,
        denied: bool = False,
        switched: bool = False,
    ) -> None:
        self.session = session
        self.claimed = claimed
        self.denied = denied  # a company was asked for that the user does not belong to
        self.switched = switched  # the asked-for company became the current one
        self._user = user
        self._company = company
        self._rows = rows
        self.conv = Conversation(user=user_state(user), company=company_state(company, rows, team))

    @classmethod
    async def load(
        cls, session: AsyncSession, user: AppUser, picked: Picked, claimed: bool
    ) -> ConversationHandle:
        """The user's conversation with the company ``pick_company`` chose."""
        company = picked.company
        assert company.id is not None and user.id is not None
        rows = await CompanyRows.load(session, company.id)
        team = picked.team
        return cls(
            session, user, company, rows, claimed,
            team=team, denied=picked.denied, switched=picked.switched,
        )  # fmt: skip

    @property
    def company_id(self) -> int:
        assert self._company.id is not None
        return self._company.id

    @property
    def user_row(self) -> AppUser:
        """The (locked) user row, for workspace changes in this transaction."""
        return self._user

    async def save(self, conv: Conversation) -> None:
        """Write ``conv`` back: changed fields and rows only; removed rows are deleted.

        Committed when the ``conversation()`` block ends without an exception. Text is
        stored without U+0000; ``self.conv`` is then what was stored.
        """
        if not self.claimed:
            raise RuntimeError("save(): this update was already processed")
        # Validate everything before touching the session: a refused save changes nothing.
        self._check_identity(conv)
        conv = without_nul(conv)
        wanted = wanted_rows(conv.company)
        now = utcnow()
        if assign(self._user, user_values(conv.user)):
            self._user.updated_at = now
        changed = assign(self._company, company_values(conv.company))
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
        faults.checkpoint("save")

    async def replan(self, rules: Rules, now: datetime) -> ReplanStats:
        """Re-plan the company's reminders from the saved state, in this transaction."""
        return await replan_company_id(self.session, self.company_id, rules, now)

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
        values = certificate_values(cert)
        if row is None:
            row = CertificateRecord(company_id=self.company_id, **values)
            self.session.add(row)
            self._rows.certificate = row
            return True
        return assign(row, values)
