"""The application service every adapter calls: load state, run the flows, save, replan.

Telegram and the terminal chat both go through ``Assistant.handle``; nothing about a user is
kept in process memory between two calls.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from bot.clock import Clock
from flows.context import FlowOptions
from flows.engine import handle as run_flows
from flows.messages import t
from flows.reconcile import plan_fingerprint
from flows.state import Conversation
from flows.types import Button, Document, Event, EventKind, Reply
from knowledge.loader import Knowledge
from storage import faults
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
        admin_ids: frozenset[str] = frozenset(),
        operator: OperatorChannel | None = None,
    ) -> None:
        self.store = store
        self.kb = kb
        self.clock = clock
        self.options = options or FlowOptions()
        self.admin_ids = admin_ids
        self.operator = operator

    def event(
        self, kind: EventKind, value: str, args: str = "", lang_hint: str | None = None
    ) -> Event:
        return Event(kind=kind, value=value, now=self.clock.now(), args=args, lang_hint=lang_hint)

    async def handle(self, who: Who, event: Event, update_id: int | None = None) -> list[Reply]:
        """Answer one event. ``update_id`` (Telegram's) is claimed in the transaction that
        saves the answer: a re-delivery of a committed update returns no replies."""
        # These two write outside the conversation, so their claim commits on its own.
        if event.kind is EventKind.BUTTON and event.value == "del:yes":
            if update_id is not None and not await self.store.claim_update(update_id):
                return []
            return await self._delete(who)
        if event.kind is EventKind.BUTTON and event.value.startswith("rem:"):
            if update_id is not None and not await self.store.claim_update(update_id):
                return []
            return await self._reminder_button(who, event)
        async with self.store.conversation(
            who.channel,
            who.external_id,
            display_name=who.display_name,
            lang_hint=who.lang_hint,
            update_id=update_id,
        ) as h:
            if not h.claimed:
                log.debug("update %s was already processed; ignoring the repeat", update_id)
                return []
            conv = h.conv
            plan_before = plan_fingerprint(conv, self.kb.rules)
            came_back = not conv.user.active
            conv.user.active = True  # any message from a user who had blocked us: they're back
            replies = await self._special(who, conv, event)
            if replies is None:
                conv, replies = run_flows(conv, event, self.kb, self.options)
            faults.checkpoint("flows")
            await h.save(conv)
            if plan_fingerprint(h.conv, self.kb.rules) != plan_before:  # else nothing to re-plan
                await h.replan(self.kb.rules, self.clock.now())
        replies = await self._to_operator(who, replies)
        if came_back:
            log.info("user %s:%s is active again", who.channel, who.external_id)
        return replies

    async def _to_operator(self, who: Who, replies: list[Reply]) -> list[Reply]:
        """Hand operator-bound replies to the operator channel; the rest go to the user."""
        for r in replies:
            if r.to_operator is None:
                continue
            if self.operator is None:
                log.warning("a question was to be forwarded, but no operator channel is set")
                continue
            try:
                await self.operator.forward(who, r.to_operator)
            except Exception:  # the user's answer must not fail because the operator's did
                log.exception("forwarding a question to the operator failed")
        return [r for r in replies if r.to_operator is None]

    async def replan(self, conv: Conversation) -> None:
        """Bring the company's reminder rows in line with its dates (idempotent)."""
        try:
            from storage.reminders import replan_for_company
        except ImportError:  # reminders not installed in this build
            return
        if conv.company.id is not None:
            await replan_for_company(self.store, conv.company, self.kb.rules, self.clock.now())

    async def _special(self, who: Who, conv: Conversation, event: Event) -> list[Reply] | None:
        """Commands and buttons that need storage, not just the conversation state."""
        lang = conv.user.lang
        if event.kind is EventKind.BUTTON:
            if event.value == "del:no":
                return [Reply(t(lang, "delete_cancelled"))]
            return None
        if event.kind is not EventKind.COMMAND:
            return None
        name = event.value.lower()
        if name == "export":
            return [await self._export(who, lang)]
        if name in ("deletedata", "delete"):
            buttons = [
                [Button(t(lang, "delete_yes"), "del:yes"), Button(t(lang, "delete_no"), "del:no")]
            ]
            return [Reply(t(lang, "delete_confirm"), buttons)]
        if name == "reminders":
            from bot.reminder_commands import reminders_reply

            return [await reminders_reply(self.store, conv, self.kb, event.now)]
        if name == "calendar":
            from bot.reminder_commands import calendar_reply

            return [calendar_reply(conv, self.kb, event.now)]
        if name == "admin":
            return [await self._admin(who, lang)]
        return None

    async def _reminder_button(self, who: Who, event: Event) -> list[Reply]:
        """Snoozing writes reminder rows: done outside the conversation's transaction,
        which on SQLite holds the only write lock."""
        from bot.reminder_commands import handle_reminder_button

        async with self.store.conversation(
            who.channel, who.external_id, display_name=who.display_name, lang_hint=who.lang_hint
        ) as h:
            user = h.conv.user
        replies = await handle_reminder_button(self.store, user, event.value, event.now)
        return replies or [Reply(t(user.lang, "stale_button"))]

    async def _export(self, who: Who, lang: str) -> Reply:
        data = await self.store.export_user(who.channel, who.external_id)
        body = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode()
        doc = Document(
            "ipms-export.json", body, "application/json", t(_lang(lang), "export_caption")
        )
        return Reply(t(_lang(lang), "export_caption"), document=doc)

    async def _delete(self, who: Who) -> list[Reply]:
        async with self.store.conversation(who.channel, who.external_id) as h:
            lang = h.conv.user.lang
        await self.store.delete_user(who.channel, who.external_id)
        return [Reply(t(lang, "deleted"))]

    async def _admin(self, who: Who, lang: str) -> Reply:
        if who.channel != "telegram" or who.external_id not in self.admin_ids:
            return Reply(t(_lang(lang), "admin_only"))
        stats = await self.store.stats()
        return Reply(t(_lang(lang), "admin_stats", **stats))


def _lang(lang: str) -> Any:
    return "zh" if lang == "zh" else "en"
