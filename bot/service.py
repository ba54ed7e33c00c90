"""The application service every adapter calls: load state, run the flows, save, carry out effects.

Telegram and the terminal chat both go through ``Assistant.handle``; nothing about a user is
kept in process memory between two calls. The flows decide; effects that need the database or
another party (export, delete, snooze, admin counts, forwarding) are carried out here, after
the conversation is saved.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from bot import metrics
from bot.broadcast import Broadcaster
from bot.clock import Clock
from bot.workspace_service import WorkspaceService
from flows import privacy
from flows.callbacks import decode
from flows.context import Ctx, FlowOptions
from flows.engine import handle as run_flows
from flows.reconcile import PLAN_COMPANY_FIELDS, PLAN_USER_FIELDS, plan_fingerprint
from flows.reminders import snoozed_text
from flows.schedule import is_risk
from flows.state import Conversation
from flows.types import (
    AdminStats,
    Broadcast,
    DeleteData,
    Document,
    DoneLast,
    Effect,
    Event,
    EventKind,
    ExportData,
    Forward,
    Lang,
    Outcome,
    PreviewDeletion,
    Reply,
    SendReport,
    Snooze,
    SnoozeLast,
)
from flows.workspace_effects import InTransaction, WorkspaceEffect
from knowledge.loader import Knowledge
from knowledge.texts import load_catalogue
from storage import faults
from storage import reminders as rem
from storage.conversation import ConversationHandle
from storage.repo import Store

log = logging.getLogger(__name__)


class OperatorChannel(Protocol):
    """Where questions the assistant cannot answer go when the user asks for a human."""

    async def forward(self, who: Who, question: str) -> None: ...


@dataclass(frozen=True)
class Who:
    channel: str  # "telegram" or "terminal"
    external_id: str
    display_name: str = ""
    lang_hint: str | None = None


def _company_of(event: Event) -> int | None:
    """The company a pressed button belongs to (None: the user's current company)."""
    if event.kind is not EventKind.BUTTON:
        return None
    cb = decode(event.value)
    return cb.company if cb is not None else None


def _render_report(effect: SendReport) -> Reply:
    """The PDF report. reportlab and Pillow (~10 MB resident) load with the first report,
    in the worker thread that renders it, not in every process that never sends one."""
    from bot.report_pdf import report_reply

    return report_reply(effect)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class Assistant:
    def __init__(
        self,
        store: Store,
        kb: Knowledge,
        clock: Clock,
        options: FlowOptions | None = None,
        operator: OperatorChannel | None = None,
    ) -> None:
        self.store = store
        self.kb = kb
        self.clock = clock
        self.options = options or FlowOptions()
        self.operator = operator
        self.texts = load_catalogue()
        self.workspace = WorkspaceService(store, kb, self.options)
        self.broadcaster: Broadcaster | None = None  # set when running on Telegram

    def event(
        self, kind: EventKind, value: str, args: str = "", lang_hint: str | None = None
    ) -> Event:
        return Event(kind=kind, value=value, now=self.clock.now(), args=args, lang_hint=lang_hint)

    async def handle(self, who: Who, event: Event, update_id: int | None = None) -> list[Reply]:
        """Answer one event. ``update_id`` (Telegram's) is claimed in the transaction that
        saves the answer: a re-delivery of a committed update returns no replies. Effects
        that change members run in that transaction; the others (export, delete, snooze...)
        once the state is saved. A button works on the company it belongs to, if the user
        is one of its members (``storage.workspace.pick_company``), and on nothing else."""
        return await self._handle(who, event, update_id)

    async def _handle(
        self, who: Who, event: Event, update_id: int | None = None, announce: bool | None = None
    ) -> list[Reply]:
        """``announce``: say which company this is (None: if a button switched to it)."""
        async with self.store.conversation(
            who.channel,
            who.external_id,
            display_name=who.display_name,
            lang_hint=who.lang_hint,
            update_id=update_id,
            company_id=_company_of(event),
        ) as h:
            if not h.claimed:
                metrics.duplicate_update()
                log.debug("update %s was already processed; ignoring the repeat", update_id)
                return []
            if h.denied:  # a button of a company the user does not belong to: nothing runs
                return [Reply(self.texts.t(h.conv.user.lang, "ws_denied"))]
            conv, outcome = await self._run(h, event)
            moves = [e for e in outcome.effects if isinstance(e, InTransaction)]
            done = await self.workspace.in_transaction(h, conv, moves, event.now)
        replies = self._switched(h, announce) + outcome.replies + done.replies
        await self._told(conv, replies, event.now)
        for effect in outcome.effects:
            if not isinstance(effect, InTransaction):
                replies += await self._carry_out(who, conv, effect, event)
        if done.follow_up is not None:  # now in the company joined or created
            event = self.event(EventKind.BUTTON, done.follow_up, lang_hint=who.lang_hint)
            replies += await self._handle(who, event, announce=done.announce)
        return replies

    async def _run(self, h: ConversationHandle, event: Event) -> tuple[Conversation, Outcome]:
        """Run the flows on the loaded state, save it and re-plan if the plan changed."""
        conv = h.conv
        came_back = not conv.user.active
        conv.user.active = True  # any message from a user who had blocked us: they're back
        # Handed over: the handle keeps what was stored apart (``save`` diffs against that),
        # so the flows may change the loaded state in place instead of copying all of it.
        conv, outcome = run_flows(conv, event, self.kb, self.options, owned=True)
        faults.checkpoint("flows")
        changed = await h.save(conv)  # False: stored as loaded, so the plan's inputs are too
        if changed and self._plan_changed(h):
            await h.replan(self.kb.rules, self.clock.now())
        if came_back:
            log.info("user %s:%s is active again", conv.user.channel, conv.user.external_id)
        return conv, outcome

    def _plan_changed(self, h: ConversationHandle) -> bool:
        """Whether the save changed what the reminder plan is made from. Most saves change
        none of the fields it reads (an answer, a pending question): nothing is compared;
        otherwise the plan's inputs as stored before the save are rebuilt and compared."""
        saved = h.saved
        if saved is None or not (
            saved.user & PLAN_USER_FIELDS or saved.company & PLAN_COMPANY_FIELDS
        ):
            return False
        rules = self.kb.rules
        return plan_fingerprint(h.before_save(), rules) != plan_fingerprint(h.conv, rules)

    async def _told(self, conv: Conversation, replies: list[Reply], now: datetime) -> None:
        """A reply that tells a certificate risk stands for that risk's alert: one event,
        one alert (the alert due now is not sent a moment after the answer)."""
        keys = [k for r in replies for k in r.tells]
        if not keys or conv.user.id is None or conv.company.id is None:
            return
        rules = self.kb.rules
        await rem.told_in_conversation(
            self.store, conv.user.id, conv.company.id, keys, now,
            lambda kind, lead: is_risk(rules, kind, lead),
        )  # fmt: skip

    def _switched(self, h: ConversationHandle, announce: bool | None) -> list[Reply]:
        """Say so when a button of another company made it the current one."""
        if not (h.switched if announce is None else announce):
            return []
        conv = h.conv
        name = conv.company.name or self.texts.t(conv.user.lang, "ws_unnamed")
        return [Reply(self.texts.t(conv.user.lang, "ws_switched", company=name))]

    async def replan(self, conv: Conversation) -> None:
        """Bring the company's reminder rows in line with its dates (idempotent); for state
        changed outside ``handle`` (tests, imports)."""
        if conv.company.id is not None:
            await rem.replan_for_company(self.store, conv.company, self.kb.rules, self.clock.now())

    async def _carry_out(
        self, who: Who, conv: Conversation, effect: Effect, event: Event
    ) -> list[Reply]:
        lang = conv.user.lang
        if isinstance(effect, WorkspaceEffect):
            return [await self.workspace.view(conv, effect, event.now)]
        if isinstance(effect, ExportData):
            return [await self._export(who, lang)]
        if isinstance(effect, PreviewDeletion | DeleteData | AdminStats | Broadcast):
            return await self._privacy(who, conv, effect, event)
        if isinstance(effect, Snooze):
            return await self._snooze(conv, effect, event)
        if isinstance(effect, SnoozeLast):
            return await self._snooze_last(conv, effect, event)
        if isinstance(effect, DoneLast):  # the same words again, with what was reminded
            keys: list[str] = []
            sent: datetime | None = None
            if conv.user.id is not None:
                keys, sent = await rem.last_sent_keys(
                    self.store, conv.user.id, conv.company.id, event.now
                )
            again = replace(event, reminded=tuple(keys), reminded_at=sent)
            return await self._handle(who, again)
        if isinstance(effect, SendReport):  # CPU-bound rendering: off the event loop
            return [await asyncio.to_thread(_render_report, effect)]
        if isinstance(effect, Forward):
            await self._forward(who, effect.question)
            return []
        raise TypeError(f"unknown effect {effect!r}")

    async def _privacy(
        self, who: Who, conv: Conversation, effect: Effect, event: Event
    ) -> list[Reply]:
        ctx = Ctx(conv, self.kb, event.now, self.options)
        if isinstance(effect, PreviewDeletion):
            fates = await self.store.deletion_plan(who.channel, who.external_id)
            return [privacy.deletion_preview(ctx, fates)]
        if isinstance(effect, DeleteData):
            done = await self.store.delete_user(
                who.channel, who.external_id, self.kb.rules, event.now
            )
            return [privacy.deletion_done(ctx, done or [])]
        if isinstance(effect, AdminStats):
            return [Reply(ctx.t("admin_stats", **await self.store.stats(event.now)))]
        assert isinstance(effect, Broadcast)
        if self.broadcaster is None or who.channel != "telegram":
            return [ctx.reply("broadcast_unavailable")]
        recipients = await self.store.news_recipients()
        self.broadcaster.start(effect.text, recipients, (who.external_id, conv.user.lang))
        return [ctx.reply("broadcast_started", n=len(recipients))]

    async def _snooze(self, conv: Conversation, effect: Snooze, event: Event) -> list[Reply]:
        lang = conv.user.lang
        if conv.user.id is None:
            return [Reply(self.texts.t(lang, "rem_stale"))]
        done = await rem.snooze(
            self.store,
            effect.reminder_id,
            conv.user.id,
            effect.days,
            event.now,
            company_id=conv.company.id,  # a reminder of the loaded company only
        )
        if done is None:
            return [Reply(self.texts.t(lang, "rem_stale"))]
        title = done.title_zh if lang == "zh" else done.title_en
        return [Reply(snoozed_text(title, done.due_at, done.timezone, lang))]

    async def _snooze_last(
        self, conv: Conversation, effect: SnoozeLast, event: Event
    ) -> list[Reply]:
        """ "明天再提醒我": what the last reminder or digest sent, moved like its ⏰ buttons."""
        lang = conv.user.lang
        done = []
        if conv.user.id is not None:
            done = await rem.snooze_last(
                self.store, conv.user.id, conv.company.id, effect.days, event.now
            )
        if not done:
            return [Reply(self.texts.t(lang, "rem_nothing_recent"))]
        return [
            Reply(
                "\n".join(
                    snoozed_text(d.title_zh if lang == "zh" else d.title_en, d.due_at,
                                 d.timezone, lang)
                    for d in done
                )
            )
        ]  # fmt: skip

    async def _forward(self, who: Who, question: str) -> None:
        if self.operator is None:
            log.warning("a question was to be forwarded, but no operator channel is set")
            return
        try:
            await self.operator.forward(who, question)
        except Exception:  # the user's answer must not fail because the operator's did
            log.exception("forwarding a question to the operator failed")

    async def _export(self, who: Who, lang: Lang) -> Reply:
        data = await self.store.export_user(who.channel, who.external_id)
        body = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode()
        caption = self.texts.t(lang, "export_caption")
        return Reply(
            caption, document=Document("ipms-export.json", body, "application/json", caption)
        )
