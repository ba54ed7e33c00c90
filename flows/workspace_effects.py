"""What the workspace flows ask the service to do, and what storage answers.

Effects that change memberships (``InTransaction``) are carried out in the transaction of
the event that asked for them, after its state is saved: they commit with it, once. Views
over several companies (``/mine``, ``/companies``, the invitation list) are read after it.
Storage re-checks the owner's right in its own statements, whatever the flow saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from flows.state import Role
from flows.types import Effect


@dataclass(frozen=True)
class WorkspaceEffect(Effect):
    """Base of the workspace effects (one branch in the service carries them all out)."""


@dataclass(frozen=True)
class InTransaction(WorkspaceEffect):
    """A change of members or invitations: done in the event's own transaction."""


@dataclass(frozen=True)
class CreateInvitation(InTransaction):
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class RevokeInvitation(InTransaction):
    invitation_id: int


@dataclass(frozen=True)
class Join(InTransaction):
    code: str  # normalised (``flows.workspace.normalize_code``)
    # The user's own company, never set up and theirs alone: dropped once they join another.
    drop_company: int | None = None


@dataclass(frozen=True)
class SetRole(InTransaction):
    user_id: int
    role: Role


@dataclass(frozen=True)
class RemoveMember(InTransaction):
    user_id: int


@dataclass(frozen=True)
class HandOver(InTransaction):
    user_id: int


@dataclass(frozen=True)
class Leave(InTransaction):
    """The user leaves the loaded company (an owner hands over first)."""


@dataclass(frozen=True)
class NewCompany(InTransaction):
    """A new company with the user as its owner, then worked on."""


@dataclass(frozen=True)
class ShowInvitations(WorkspaceEffect):
    """The loaded company's open invitations, to revoke or add to (owner)."""


@dataclass(frozen=True)
class ShowMine(WorkspaceEffect):
    """What is assigned to the user across their companies."""


@dataclass(frozen=True)
class ShowOverview(WorkspaceEffect):
    """All the user's companies on one screen, to compare and switch."""


# --- what storage answers ------------------------------------------------------------------

Status = Literal["ok", "not_owner", "not_member", "is_owner", "is_self", "unknown"]
JoinStatus = Literal["joined", "already", "unknown", "used", "expired", "revoked"]


@dataclass(frozen=True)
class JoinResult:
    status: JoinStatus
    company_id: int | None = None
    company_name: str = ""
    role: Role = "member"


@dataclass(frozen=True)
class InvitationInfo:
    id: int
    role: Role
    created_at: datetime
    expires_at: datetime
    created_by: str  # the inviter's name, "" if they have left
