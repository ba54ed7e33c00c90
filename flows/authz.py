"""Who may do what in a company: the one table of rights, applied by the engine.

Every command and button verb declares the right it needs (``Command.right``,
``Verb.right``; "work" unless said otherwise). The engine asks ``refusal`` before it calls
any handler, so no handler runs for a user without the right. Membership itself is
enforced below, by storage: a conversation is only ever loaded with a company the user
belongs to (``storage.workspace.pick_company``), and a button bound to another company is
refused before the flows run. Effects that change members re-check the owner in their
own transaction (``storage.workspace``), because another member may have changed roles
in between.
"""

from __future__ import annotations

from typing import Literal

from flows.context import Ctx
from flows.state import Role
from flows.types import Out

Right = Literal["user", "work", "manage", "admin"]
# user: the user's own settings and data (language, help, privacy, export, delete)
# work: read and change the company's work (answers, plan, dates, assignments): any member
# manage: invitations, roles, removing members, handing over: the owner only
# admin: the operator's commands: Telegram ids in IPMS_ADMIN_IDS only

RIGHTS: dict[Role, frozenset[Right]] = {
    "owner": frozenset({"user", "work", "manage"}),
    "member": frozenset({"user", "work"}),
    "consultant": frozenset({"user", "work"}),
}


def is_admin(ctx: Ctx) -> bool:
    user = ctx.user
    return user.channel == "telegram" and user.external_id in ctx.options.admin_ids


def allowed(ctx: Ctx, right: Right) -> bool:
    if right == "admin":
        return is_admin(ctx)
    if right == "user":
        return True
    role = ctx.conv.role
    return role is not None and right in RIGHTS[role]


def refusal(ctx: Ctx, right: Right) -> Out | None:
    """None when the user has ``right`` in the loaded company, else the answer saying why."""
    if allowed(ctx, right):
        return None
    if right == "admin":
        return [ctx.reply("admin_only")]
    if right == "manage" and ctx.conv.role is not None:
        return [ctx.reply("ws_owner_only")]
    return [ctx.reply("ws_not_member")]
