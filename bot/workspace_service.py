"""Carrying out the workspace effects for ``bot.service.Assistant``.

Changes to members and invitations run in the event's own transaction (the handle's
session), after its state is saved: they commit with it, exactly once per update, and
storage re-checks the owner there. The company is re-planned when its members changed
(who gets which reminders). Joining or creating a company ends with a *follow-up*: a
button bound to that company that the assistant handles next, so the user sees it as
they would after switching to it. Views over all the user's companies are read after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flows import workspace_views as views
from flows.callbacks import bind, encode, scope
from flows.context import Ctx, FlowOptions, fmt_date
from flows.schedule import zone
from flows.state import Company, CompanyRef, Conversation
from flows.types import Button, Reply
from flows.workspace import company_name, role_buttons, role_label
from flows.workspace_code import format_code
from flows.workspace_effects import (
    CreateInvitation,
    HandOver,
    InTransaction,
    InvitationInfo,
    Join,
    Leave,
    NewCompany,
    RemoveMember,
    RevokeInvitation,
    SetRole,
    ShowInvitations,
    ShowMine,
    Status,
    WorkspaceEffect,
)
from knowledge.loader import Knowledge
from storage import workspace as ws
from storage.companies import member_companies, replan_company_id
from storage.conversation import ConversationHandle
from storage.repo import Store


def _local_date(ctx: Ctx, moment: datetime) -> str:
    return fmt_date(moment.astimezone(zone(ctx.company.timezone)).date())


@dataclass
class Done:
    """What the in-transaction effects produced."""

    replies: list[Reply] = field(default_factory=list)
    follow_up: str | None = None  # button data to handle after the commit
    announce: bool = True  # say "now working on ..." before the follow-up's replies


class WorkspaceService:
    def __init__(self, store: Store, kb: Knowledge, options: FlowOptions) -> None:
        self.store = store
        self.kb = kb
        self.options = options
        # "https://t.me/<bot>?start=": set once the Telegram bot's name is known.
        self.link_base: str | None = None

    def _ctx(self, conv: Conversation, now: datetime) -> Ctx:
        return Ctx(conv, self.kb, now, self.options)

    # --- in the event's transaction -------------------------------------------------------

    async def in_transaction(
        self, h: ConversationHandle, conv: Conversation, effects: list[InTransaction], now: datetime
    ) -> Done:
        done = Done()
        ctx = self._ctx(conv, now)
        for effect in effects:
            if isinstance(effect, Join | NewCompany):
                await self._enter(h, ctx, effect, now, done)
            elif isinstance(effect, CreateInvitation | RevokeInvitation):
                done.replies += await self._invitation(h, ctx, effect, now)
            else:
                done.replies.append(await self._member_change(h, ctx, effect, now))
        return done

    async def _enter(
        self, h: ConversationHandle, ctx: Ctx, effect: Join | NewCompany, now: datetime, done: Done
    ) -> None:
        if isinstance(effect, NewCompany):
            cid = await ws.new_company(h.session, h.user_row)
            done.follow_up = scope(encode("ws.switch"), cid)
            return
        result = await ws.redeem(h.session, h.user_row, effect.code, now)
        if result.company_id is None:
            done.replies.append(ctx.reply(f"ws_join_{result.status}"))
            return
        if result.status == "already":
            done.replies.append(ctx.reply("ws_join_already", company=result.company_name))
            done.follow_up = scope(encode("ws.switch"), result.company_id)
            return
        if effect.drop_company not in (None, result.company_id):
            await ws.drop_placeholder(h.session, h.user_row.id or 0, effect.drop_company or 0)
        await replan_company_id(h.session, result.company_id, self.kb.rules, now)
        done.follow_up = scope(encode("ws.joined"), result.company_id)
        done.announce = False  # the welcome names the company

    async def _invitation(
        self,
        h: ConversationHandle,
        ctx: Ctx,
        effect: CreateInvitation | RevokeInvitation,
        now: datetime,
    ) -> list[Reply]:
        user_id = h.user_row.id or 0
        if isinstance(effect, RevokeInvitation):
            status = await ws.revoke_invitation(
                h.session, h.company_id, user_id, effect.invitation_id, now
            )
            said = ctx.reply("ws_revoked" if status == "ok" else f"ws_fail_{status}")
            return [
                said,
                self.invitations(ctx, await ws.open_invitations(h.session, h.company_id, now)),
            ]
        code = await ws.create_invitation(
            h.session, h.company_id, user_id, effect.role, effect.expires_at
        )
        if code is None:
            return [ctx.reply("ws_owner_only")]
        values = {
            "role": role_label(ctx, effect.role),
            "company": company_name(ctx),
            "expires": _local_date(ctx, effect.expires_at),
            "code": format_code(code),
        }
        if ctx.user.channel == "telegram" and self.link_base:
            return [Reply(ctx.t("ws_invite_made_link", link=self.link_base + code, **values))]
        return [Reply(ctx.t("ws_invite_made_code", **values))]

    async def _member_change(
        self, h: ConversationHandle, ctx: Ctx, effect: InTransaction, now: datetime
    ) -> Reply:
        uid, cid, session = h.user_row.id or 0, h.company_id, h.session
        status: Status
        target = getattr(effect, "user_id", None)
        member = next((m for m in ctx.company.members if m.user_id == target), None)
        name = member.name if member is not None else ""
        if isinstance(effect, SetRole):
            status, key = (
                await ws.set_role(session, cid, uid, effect.user_id, effect.role),
                "ws_role_set",
            )
        elif isinstance(effect, RemoveMember):
            status, key = await ws.remove_member(session, cid, uid, effect.user_id), "ws_removed"
        elif isinstance(effect, HandOver):
            status, key = await ws.hand_over(session, cid, uid, effect.user_id), "ws_handed_over"
        elif isinstance(effect, Leave):
            status, key = await ws.leave(session, cid, uid), "ws_left"
        else:
            raise TypeError(f"unknown workspace effect {effect!r}")
        if status != "ok":
            return ctx.reply(f"ws_fail_{status}", name=name, company=company_name(ctx))
        await replan_company_id(session, cid, self.kb.rules, now)  # who gets what changed
        role = role_label(ctx, effect.role) if isinstance(effect, SetRole) else ""
        return ctx.reply(key, name=name, company=company_name(ctx), role=role)

    # --- views, after the commit ----------------------------------------------------------

    def invitations(self, ctx: Ctx, open_ones: list[InvitationInfo]) -> Reply:
        """The company's open invitations (to revoke) and the buttons to invite more."""
        lines = [ctx.t("ws_invite_head", company=company_name(ctx))]
        buttons: list[list[Button]] = role_buttons(ctx)
        if open_ones:
            lines += ["", ctx.t("ws_invite_open")]
        else:
            lines += ["", ctx.t("ws_invite_none")]
        for n, inv in enumerate(open_ones, 1):
            expires = _local_date(ctx, inv.expires_at)
            by = inv.created_by or "—"
            lines.append(
                ctx.t("ws_invite_line", n=n, role=role_label(ctx, inv.role), expires=expires, by=by)
            )
            buttons.append([ctx.button("ws_revoke_btn", "ws.revoke", inv.id, n=n)])
        return Reply("\n".join(lines), bind(buttons, ctx.company.id or 0))

    async def view(self, conv: Conversation, effect: WorkspaceEffect, now: datetime) -> Reply:
        ctx = self._ctx(conv, now)
        if isinstance(effect, ShowInvitations):
            async with self.store.session() as session:
                open_ones = await ws.open_invitations(session, conv.company.id or 0, now)
            return self.invitations(ctx, open_ones)
        loaded = [views.Loaded(ref, company) for ref, company in await self._companies(conv)]
        if isinstance(effect, ShowMine):
            return views.mine(conv.user, loaded, self.kb, now, ctx.texts)
        return views.overview(conv.user, conv.company.id, loaded, self.kb, now, ctx.texts)

    async def _companies(self, conv: Conversation) -> list[tuple[CompanyRef, Company]]:
        """The user's companies, each reached through their membership."""
        async with self.store.session() as session:
            return await member_companies(session, conv.user.id or 0)
