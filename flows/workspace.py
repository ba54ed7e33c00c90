"""A company's members: listing, roles, invitations, joining, leaving, handing over.

Who may do what is declared with each command and verb (``right=``, ``flows.authz``);
changes to members are effects (``flows.workspace_effects``) carried out in the event's
transaction, where storage checks the owner again. Removing a member, handing over
ownership and leaving are confirmed first (``flows.confirm``: single-use, bound to the
request that asked, withdrawn by anything else the user does).
"""

from __future__ import annotations

from datetime import timedelta

from flows import confirm
from flows.context import Ctx, fmt_date
from flows.registry import Command, Flow, Verb
from flows.state import Member, Role
from flows.team import member_of
from flows.types import SHOW_NEXT, Button, Out, Reply
from flows.workspace_code import normalize_code
from flows.workspace_effects import (
    CreateInvitation,
    HandOver,
    Join,
    Leave,
    NewCompany,
    RemoveMember,
    RevokeInvitation,
    SetRole,
    ShowInvitations,
)

INVITE_DAYS = 7  # an invitation expires after this
ICONS: dict[Role, str] = {"owner": "👑", "member": "👤", "consultant": "🧭"}
ASSIGNABLE: tuple[Role, ...] = ("member", "consultant")  # ownership moves by hand-over only


def role_label(ctx: Ctx, role: Role) -> str:
    return ctx.t(f"ws_role_{role}")


def company_name(ctx: Ctx) -> str:
    return ctx.company.name or ctx.t("ws_unnamed")


def _member_line(ctx: Ctx, m: Member) -> str:
    you = ctx.t("ws_you") if m.user_id == ctx.user.id else ""
    return ctx.t(
        "ws_member_line",
        icon=ICONS[m.role],
        name=m.name,
        role=role_label(ctx, m.role),
        joined=fmt_date(m.joined.date()),
        you=you,
    )


def members_command(ctx: Ctx, _: str = "") -> Out:
    team = ctx.company.members
    lines = [ctx.t("ws_members_head", company=company_name(ctx), n=len(team))]
    lines += [_member_line(ctx, m) for m in team]
    if ctx.conv.role == "owner":
        buttons = [
            [ctx.button("ws_member_btn", "ws.member", m.user_id, name=m.name)]
            for m in team
            if m.user_id != ctx.user.id
        ]
        if buttons:
            lines.append(ctx.t("ws_members_owner_hint"))
        buttons.append([ctx.button("ws_invite_btn", "ws.invite")])
    else:
        buttons = [[ctx.button("ws_leave_btn", "ws.leave")]]
    return [Reply("\n".join(lines), buttons)]


def _other_member(ctx: Ctx, user_id: str) -> Member | None:
    if not user_id.isdigit() or int(user_id) == ctx.user.id:
        return None
    return member_of(ctx.company, int(user_id))


def member_card(ctx: Ctx, user_id: str) -> Out | None:
    m = _other_member(ctx, user_id)
    if m is None:
        return None
    text = ctx.t(
        "ws_member_card",
        name=m.name,
        role=role_label(ctx, m.role),
        joined=fmt_date(m.joined.date()),
    )
    row = [
        ctx.button(f"ws_make_{r}_btn", "ws.role", m.user_id, r) for r in ASSIGNABLE if r != m.role
    ]
    buttons = [
        row,
        [ctx.button("ws_handover_btn", "ws.handover", m.user_id)],
        [ctx.button("ws_remove_btn", "ws.remove", m.user_id)],
    ]
    return [Reply(text, buttons)]


def set_role(ctx: Ctx, user_id: str, role: str) -> Out | None:
    m = _other_member(ctx, user_id)
    chosen = next((r for r in ASSIGNABLE if r == role), None)
    if m is None or chosen is None or m.role == "owner":
        return None
    return [SetRole(m.user_id, chosen)]


# --- confirmations (``flows.confirm``: single-use, withdrawn by anything else) -----------------


def ask_remove(ctx: Ctx, user_id: str) -> Out | None:
    m = _other_member(ctx, user_id)
    if m is None:
        return None
    values = {"name": m.name, "company": company_name(ctx)}
    return confirm.ask(ctx, "ws_confirm_remove", "ws.remove!", str(m.user_id), **values)


def ask_handover(ctx: Ctx, user_id: str) -> Out | None:
    m = _other_member(ctx, user_id)
    if m is None:
        return None
    values = {"name": m.name, "company": company_name(ctx)}
    return confirm.ask(ctx, "ws_confirm_handover", "ws.handover!", str(m.user_id), **values)


def ask_leave(ctx: Ctx) -> Out:
    if ctx.conv.role == "owner":
        return [ctx.reply("ws_owner_cannot_leave", company=company_name(ctx))]
    return confirm.ask(ctx, "ws_confirm_leave", "ws.leave!", company=company_name(ctx))


def _confirmed_member(ctx: Ctx, user_id: str) -> int | None:
    """The member a confirmed action is about, if still one (storage checks again)."""
    m = _other_member(ctx, user_id)
    return m.user_id if m is not None else None


def remove(ctx: Ctx, user_id: str) -> Out | None:
    target = _confirmed_member(ctx, user_id)
    return [RemoveMember(target)] if target is not None else None


def hand_over(ctx: Ctx, user_id: str) -> Out | None:
    target = _confirmed_member(ctx, user_id)
    return [HandOver(target)] if target is not None else None


# --- invitations and joining --------------------------------------------------------------


def invite_command(ctx: Ctx, args: str) -> Out:
    role = next((r for r in ASSIGNABLE if r == args.strip().lower()), None)
    return invite(ctx, role) or [] if role else [ShowInvitations()]


def invite(ctx: Ctx, role: str) -> Out | None:
    chosen = next((r for r in ASSIGNABLE if r == role), None)
    if chosen is None:
        return None
    return [CreateInvitation(chosen, ctx.now + timedelta(days=INVITE_DAYS))]


def revoke(ctx: Ctx, invitation_id: str) -> Out | None:
    return [RevokeInvitation(int(invitation_id))] if invitation_id.isdigit() else None


def _placeholder(ctx: Ctx) -> int | None:
    """The user's own company if it was never set up and nobody else is in it."""
    company = ctx.company
    if company.onboarded or company.name or len(company.members) > 1:
        return None
    return company.id


def join_command(ctx: Ctx, args: str) -> Out:
    if not args.strip():
        return [ctx.reply("ws_join_usage")]
    code = normalize_code(args)
    if code is None:
        return [ctx.reply("ws_join_bad", code=args.strip()[:40])]
    return [Join(code, drop_company=_placeholder(ctx))]


def joined(ctx: Ctx) -> Out:
    """Shown in the company just joined (the service's follow-up after ``Join``)."""
    role = ctx.conv.role or "member"
    text = ctx.t("ws_joined", company=company_name(ctx), role=role_label(ctx, role))
    return [Reply(text), SHOW_NEXT]


def role_buttons(ctx: Ctx) -> list[list[Button]]:
    return [[ctx.button(f"ws_invite_as_{r}_btn", "ws.inv", r) for r in ASSIGNABLE]]


FLOW = Flow(
    "workspace",
    commands=(
        Command("members", members_command),
        Command("invite", invite_command, right="manage"),
        Command("join", join_command, menu=False, right="user", usage="CODE"),
    ),
    verbs=(
        Verb("ws.member", member_card, arity=1, needs_company=False, right="manage"),
        Verb("ws.role", set_role, arity=2, needs_company=False, right="manage"),
        Verb("ws.remove", ask_remove, arity=1, needs_company=False, right="manage"),
        Verb("ws.handover", ask_handover, arity=1, needs_company=False, right="manage"),
        Verb("ws.leave", ask_leave, needs_company=False),
        Verb("ws.invite", lambda ctx: [ShowInvitations()], needs_company=False, right="manage"),
        Verb("ws.inv", invite, arity=1, needs_company=False, right="manage"),
        Verb("ws.revoke", revoke, arity=1, needs_company=False, right="manage"),
        Verb("ws.joined", joined, needs_company=False),
        Verb("ws.switch", lambda ctx: [SHOW_NEXT], needs_company=False),
        Verb("ws.new", lambda ctx: [NewCompany()], needs_company=False, right="user"),
    ),
    # Run only through a confirmation (``flows.confirm``); storage checks the owner again.
    actions=(
        Verb("ws.remove!", remove, arity=1, right="manage"),
        Verb("ws.handover!", hand_over, arity=1, right="manage"),
        Verb("ws.leave!", lambda ctx: [Leave()]),
    ),
)

__all__ = ["FLOW", "company_name", "role_buttons", "role_label"]
