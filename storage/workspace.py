"""Companies and their members: which company a user may load, invitations, roles.

The one gate to company data: ``pick_company`` loads a company only through a membership
of the user, so a conversation never holds a company the user does not belong to. The
changes (invitations, roles, removal, hand-over) re-check the actor's role under a lock on
the company row, in the caller's session (the event's transaction): two owners' changes
to one company are applied one after the other, on the state the first one left.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, delete, exists, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.state import ROLES, CompanyRef, Member, Role
from flows.workspace_code import ALPHABET, CODE_LENGTH
from flows.workspace_effects import InvitationInfo, JoinResult, Status
from storage.models import (
    AppUser,
    CompanyRecord,
    Invitation,
    Membership,
    PlanAction,
    StepProgress,
    row_object,
)
from storage.prepared import Prepared


def _role(value: str) -> Role:
    return next((r for r in ROLES if r == value), "member")


@dataclass(frozen=True)
class Picked:
    company: CompanyRecord
    team: list[Member]  # its members, the user among them
    denied: bool  # a company was asked for that the user does not belong to
    switched: bool  # the asked-for company is not the one the user was working on


# --- loading ----------------------------------------------------------------------------


def _member(m: Membership, user: AppUser) -> Member:
    name = user.display_name or f"#{user.id}"
    return Member(user_id=user.id or 0, name=name, role=_role(m.role), joined=m.created_at)


_MINE = aliased(Membership)
_COMPANY = CompanyRecord.__table__  # type: ignore[attr-defined]
_MEMBERSHIP = Membership.__table__  # type: ignore[attr-defined]
_USER = AppUser.__table__  # type: ignore[attr-defined]
# Built once: building it (an alias, comparisons) cost more than running it, every update.
# Core, not ORM: the rows become plain objects (no identity map, no unit of work); the
# handle writes the company's changed columns itself (``ConversationHandle``).
_WITH_TEAM = (
    sa_select(
        *_COMPANY.c,
        _MEMBERSHIP.c.role.label("m_role"),
        _MEMBERSHIP.c.created_at.label("m_created_at"),
        _USER.c.id.label("u_id"),
        _USER.c.display_name.label("u_display_name"),
    )
    .join(_MEMBERSHIP, _MEMBERSHIP.c.company_id == _COMPANY.c.id)
    .join(_USER, _USER.c.id == _MEMBERSHIP.c.user_id)
    .where(
        _COMPANY.c.id == bindparam("company_id"),
        exists().where(
            col(_MINE.company_id) == bindparam("company_id"),
            col(_MINE.user_id) == bindparam("user_id"),
        ),
    )
    .order_by(_MEMBERSHIP.c.id)
)
_COMPANY_COLUMNS = tuple(c.name for c in _COMPANY.c)


_N = len(_COMPANY_COLUMNS)  # then the membership's role and date, the user's id and name
_PREPARED_WITH_TEAM = Prepared(_WITH_TEAM)


def _team_member(row: Sequence[Any]) -> Member:
    role, joined, uid, display_name = row[_N : _N + 4]
    name = display_name or f"#{uid}"
    return Member(user_id=uid or 0, name=name, role=_role(role), joined=joined)


async def _with_team(
    conn: AsyncConnection, user_id: int, company_id: int
) -> tuple[CompanyRecord, list[Member]] | None:
    """The company and its members, in one query; None unless ``user_id`` is one of them.
    The company is a detached object (not in the session)."""
    params = {"company_id": company_id, "user_id": user_id}
    rows = await _PREPARED_WITH_TEAM.run(conn, params)
    if not rows:
        return None
    company = row_object(CompanyRecord, dict(zip(_COMPANY_COLUMNS, rows[0][:_N], strict=True)))
    return company, [_team_member(r) for r in rows]


async def _first_company(session: AsyncSession, user_id: int) -> int | None:
    stmt = (
        select(Membership.company_id)
        .where(Membership.user_id == user_id)
        .order_by(col(Membership.id))
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def add_company(session: AsyncSession, user_id: int) -> CompanyRecord:
    """A new company with ``user_id`` as its owner."""
    company = CompanyRecord()
    session.add(company)
    await session.flush()
    assert company.id is not None
    session.add(Membership(user_id=user_id, company_id=company.id, role="owner"))
    await session.flush()
    return company


async def pick_company(
    session_of: Callable[[], AsyncSession],
    user: AppUser,
    wanted: int | None,
    conn: AsyncConnection | None = None,
) -> Picked:
    """The company to load: ``wanted`` if the user belongs to it, else the current one,
    else their first, else a new one of their own. It becomes the current company.

    The one gate to company data: a company is only ever loaded together with a
    membership of the user (``_with_team``). ``session_of`` gives the transaction's
    session (asked for only when the current company is not the one loaded).
    """
    assert user.id is not None
    if conn is None:
        conn = await session_of().connection()
    found = await _with_team(conn, user.id, wanted) if wanted is not None else None
    denied = wanted is not None and found is None
    for fallback in (user.current_company_id, "first"):
        if found is not None or fallback is None:
            continue
        cid = await _first_company(session_of(), user.id) if fallback == "first" else fallback
        found = await _with_team(conn, user.id, int(cid)) if cid is not None else None
    if found is None:
        await add_company(session_of(), user.id)
        first = await _first_company(session_of(), user.id)
        found = await _with_team(conn, user.id, first or 0)
        assert found is not None
    return _picked(user, wanted, *found, denied=denied)


def _picked(
    user: AppUser, wanted: int | None, company: CompanyRecord, team: list[Member], denied: bool
) -> Picked:
    switched = not denied and wanted is not None and user.current_company_id != company.id
    if user.current_company_id != company.id:
        user.current_company_id = company.id
    return Picked(company, team, denied, switched)


# The conversation's user, locked, with the company ``pick_company`` would find first (the
# asked-for one, else the current one, when the user belongs to it) and its team: one
# statement for what is otherwise two. A user without such a company gets NULL company
# columns, and ``pick_company`` goes on from there.
_ME = _USER.alias("me")
_USER_WITH_TEAM = (
    sa_select(
        *_ME.c,
        *_COMPANY.c,
        _MEMBERSHIP.c.role.label("m_role"),
        _MEMBERSHIP.c.created_at.label("m_created_at"),
        _USER.c.id.label("u_id"),
        _USER.c.display_name.label("u_display_name"),
    )
    .select_from(_ME)
    .outerjoin(
        _COMPANY,
        and_(
            _COMPANY.c.id
            == func.coalesce(bindparam("company_id", type_=Integer), _ME.c.current_company_id),
            exists().where(col(_MINE.company_id) == _COMPANY.c.id, col(_MINE.user_id) == _ME.c.id),
        ),
    )
    .outerjoin(_MEMBERSHIP, _MEMBERSHIP.c.company_id == _COMPANY.c.id)
    .outerjoin(_USER, _USER.c.id == _MEMBERSHIP.c.user_id)
    .where(_ME.c.channel == bindparam("channel"), _ME.c.external_id == bindparam("external_id"))
    .order_by(_MEMBERSHIP.c.id)
    .with_for_update(of=_ME)  # PostgreSQL only; SQLite's BEGIN IMMEDIATE already serialises
)
_PREPARED_USER_WITH_TEAM = Prepared(_USER_WITH_TEAM)
_USER_KEYS = tuple(c.name for c in _USER.c)
_U = len(_USER_KEYS)


async def user_with_company(
    conn: AsyncConnection, channel: str, external_id: str, wanted: int | None
) -> tuple[AppUser, Picked | None] | None:
    """The user row (a plain object outside the session) and, when the user belongs to the
    asked-for company (or, with none asked for, the current one), that company picked as
    ``pick_company`` would; None when there is no such user."""
    params = {"channel": channel, "external_id": external_id, "company_id": wanted}
    rows = await _PREPARED_USER_WITH_TEAM.run(conn, params)
    if not rows:
        return None
    user = row_object(AppUser, dict(zip(_USER_KEYS, rows[0][:_U], strict=True)))
    if rows[0][_U] is None:  # the company's id: no company of the user's matched
        return user, None
    tail = [r[_U:] for r in rows]
    company = row_object(CompanyRecord, dict(zip(_COMPANY_COLUMNS, tail[0][:_N], strict=True)))
    return user, Picked(company, [_team_member(r) for r in tail], False, False)


def picked_now(user: AppUser, wanted: int | None, found: Picked) -> Picked:
    """``found`` (from ``user_with_company``) as ``pick_company`` would return it; call after
    the user's snapshot is taken: the current company is set on the row."""
    return _picked(user, wanted, found.company, found.team, denied=False)


async def members(session: AsyncSession, company_id: int) -> list[Member]:
    rows = await session.exec(
        select(Membership, AppUser)
        .join(AppUser, col(Membership.user_id) == col(AppUser.id))
        .where(Membership.company_id == company_id)
        .order_by(col(Membership.id))
    )
    return [_member(m, user) for m, user in rows]


async def companies_of(session: AsyncSession, user_id: int) -> list[CompanyRef]:
    rows = await session.exec(
        select(CompanyRecord.id, CompanyRecord.name, Membership.role)
        .join(Membership, col(Membership.company_id) == col(CompanyRecord.id))
        .where(Membership.user_id == user_id)
        .order_by(col(Membership.id))
    )
    return [CompanyRef(id=cid or 0, name=name, role=_role(role)) for cid, name, role in rows]


# --- invitations ------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def lock_company(session: AsyncSession, company_id: int) -> bool:
    stmt = select(CompanyRecord.id).where(CompanyRecord.id == company_id).with_for_update()
    return (await session.exec(stmt)).first() is not None


async def _membership(session: AsyncSession, company_id: int, user_id: int) -> Membership | None:
    stmt = select(Membership).where(
        Membership.company_id == company_id, Membership.user_id == user_id
    )
    return (await session.exec(stmt)).first()


async def _owner_check(session: AsyncSession, company_id: int, actor_id: int) -> Status:
    """Lock the company and check the actor owns it."""
    if not await lock_company(session, company_id):
        return "unknown"
    actor = await _membership(session, company_id, actor_id)
    return "ok" if actor is not None and actor.role == "owner" else "not_owner"


async def create_invitation(
    session: AsyncSession, company_id: int, actor_id: int, role: Role, expires_at: datetime
) -> str | None:
    """A new invitation's code (shown once, stored hashed); None unless the actor owns it."""
    if role == "owner" or await _owner_check(session, company_id, actor_id) != "ok":
        return None
    code = new_code()
    session.add(
        Invitation(
            company_id=company_id,
            role=role,
            code_hash=code_hash(code),
            created_by=actor_id,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return code


async def revoke_invitation(
    session: AsyncSession, company_id: int, actor_id: int, invitation_id: int, now: datetime
) -> Status:
    if (status := await _owner_check(session, company_id, actor_id)) != "ok":
        return status
    result = await session.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.company_id) == company_id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return "ok" if result.rowcount else "unknown"


async def open_invitations(
    session: AsyncSession, company_id: int, now: datetime
) -> list[InvitationInfo]:
    rows = await session.exec(
        select(Invitation, AppUser)
        .join(AppUser, col(Invitation.created_by) == col(AppUser.id), isouter=True)
        .where(
            Invitation.company_id == company_id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
            col(Invitation.expires_at) > now,
        )
        .order_by(col(Invitation.id))
    )
    return [
        InvitationInfo(
            inv.id or 0,
            _role(inv.role),
            inv.created_at,
            inv.expires_at,
            user.display_name if user is not None else "",
        )
        for inv, user in rows
    ]


async def redeem(session: AsyncSession, user: AppUser, code: str, now: datetime) -> JoinResult:
    """Join the company of invitation ``code`` (single use); it becomes the current one."""
    stmt = select(Invitation).where(Invitation.code_hash == code_hash(code)).with_for_update()
    inv = (await session.exec(stmt)).first()
    if inv is None:
        return JoinResult("unknown")
    if inv.revoked_at is not None:
        return JoinResult("revoked")
    if inv.used_at is not None:
        return JoinResult("used")
    if inv.expires_at <= now:
        return JoinResult("expired")
    company = await session.get(CompanyRecord, inv.company_id)
    assert company is not None and user.id is not None  # the invitation goes with its company
    role = _role(inv.role)
    if await _membership(session, inv.company_id, user.id) is not None:
        return JoinResult("already", company.id, company.name, role)
    session.add(Membership(user_id=user.id, company_id=inv.company_id, role=role, created_at=now))
    inv.used_at, inv.used_by = now, user.id
    user.current_company_id = inv.company_id
    await session.flush()
    return JoinResult("joined", company.id, company.name, role)


async def drop_placeholder(session: AsyncSession, user_id: int, company_id: int) -> bool:
    """Delete a company never set up whose only member is ``user_id``."""
    company = await session.get(CompanyRecord, company_id)
    if company is None or company.onboarded or company.name:
        return False
    others = await session.exec(
        select(Membership.id).where(
            Membership.company_id == company_id, Membership.user_id != user_id
        )
    )
    if others.first() is not None or await _membership(session, company_id, user_id) is None:
        return False
    await session.exec(delete(CompanyRecord).where(col(CompanyRecord.id) == company_id))
    return True


# --- members ----------------------------------------------------------------------------


async def _target(
    session: AsyncSession, company_id: int, actor_id: int, target_id: int
) -> tuple[Status, Membership | None]:
    """The owner check, then the target's membership (another member's)."""
    if (status := await _owner_check(session, company_id, actor_id)) != "ok":
        return status, None
    if target_id == actor_id:
        return "is_self", None
    target = await _membership(session, company_id, target_id)
    return ("ok", target) if target is not None else ("not_member", None)


async def set_role(
    session: AsyncSession, company_id: int, actor_id: int, target_id: int, role: Role
) -> Status:
    status, target = await _target(session, company_id, actor_id, target_id)
    if target is None:
        return status
    if role == "owner" or target.role == "owner":
        return "is_owner"  # ownership moves by hand_over only
    target.role = role
    await session.flush()
    return "ok"


async def hand_over(
    session: AsyncSession, company_id: int, actor_id: int, target_id: int
) -> Status:
    status, target = await _target(session, company_id, actor_id, target_id)
    if target is None:
        return status
    actor = await _membership(session, company_id, actor_id)
    assert actor is not None
    target.role, actor.role = "owner", "member"
    await session.flush()
    return "ok"


async def _drop_member(session: AsyncSession, membership: Membership) -> None:
    """Remove a membership and what points from the company to that member."""
    cid, uid = membership.company_id, membership.user_id
    await session.delete(membership)
    for table in (PlanAction, StepProgress):
        await session.exec(
            update(table)
            .where(col(table.company_id) == cid, col(table.assignee_id) == uid)
            .values(assignee_id=None)
        )
    # The rows changed behind ``company.children``: the next load reads the tables again.
    await session.exec(
        update(CompanyRecord).where(col(CompanyRecord.id) == cid).values(children=None)
    )
    await session.exec(
        update(AppUser)
        .where(col(AppUser.id) == uid, col(AppUser.current_company_id) == cid)
        .values(current_company_id=None)
    )
    await session.flush()


async def remove_member(
    session: AsyncSession, company_id: int, actor_id: int, target_id: int
) -> Status:
    status, target = await _target(session, company_id, actor_id, target_id)
    if target is None:
        return status
    await _drop_member(session, target)
    return "ok"


async def leave(session: AsyncSession, company_id: int, user_id: int) -> Status:
    if not await lock_company(session, company_id):
        return "unknown"
    me = await _membership(session, company_id, user_id)
    if me is None:
        return "not_member"
    if me.role == "owner":
        return "is_owner"  # hand over first: a company always has an owner
    await _drop_member(session, me)
    return "ok"


async def release(
    session: AsyncSession, company_id: int, user_id: int, successor_id: int | None
) -> None:
    """The user leaves (their data is being deleted): ``successor_id`` owns it first."""
    if successor_id is not None:
        heir = await _membership(session, company_id, successor_id)
        if heir is not None:
            heir.role = "owner"
    me = await _membership(session, company_id, user_id)
    if me is not None:
        await _drop_member(session, me)


async def new_company(session: AsyncSession, user: AppUser) -> int:
    assert user.id is not None
    company = await add_company(session, user.id)
    assert company.id is not None
    user.current_company_id = company.id
    await session.flush()
    return company.id


def invitation_row(inv: Invitation) -> dict[str, Any]:
    """An invitation for an export: never its code hash."""
    return inv.model_dump(mode="json", exclude={"code_hash"})
