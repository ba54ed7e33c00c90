"""Putting the bot together from settings: the assistant, the FAQ warm-up, start-up hooks.

Shared by ``ipms chat``/``run`` (``bot.cli``) and ``ipms serve`` (``bot.serve_commands``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import metrics
from bot.broadcast import Broadcaster
from bot.clock import SystemClock
from bot.config import Settings
from bot.dispatcher import Dispatcher, TelegramSender
from bot.health import probe_database
from bot.service import Assistant
from bot.telegram_operator import TelegramOperator
from flows import natural
from flows.context import FlowOptions
from flows.types import Lang
from knowledge.loader import Knowledge, load_knowledge
from knowledge.matcher import warm_up
from storage.repo import Store

log = logging.getLogger(__name__)

Hook = Callable[[Any], Awaitable[None]]
# Questions in both languages: the first use of each path (jieba's dictionary, the index)
# is paid here, during warm-up, not by a user.
WARM_UP_QUESTIONS: tuple[tuple[str, Lang], ...] = (
    ("年审要准备什么", "zh"),
    ("What is an internal audit?", "en"),
)


def make_assistant(
    settings: Settings, store: Store, kb: Knowledge, *, telegram: bool = False
) -> Assistant:
    return Assistant(
        store,
        kb,
        SystemClock(),
        FlowOptions(
            operator_contact=settings.operator_contact,
            default_timezone=settings.timezone,
            default_reminder_hour=settings.reminder_hour,
            # Forwarding needs a Telegram operator chat; offline there is nobody to ask.
            can_forward=telegram and settings.operator_chat_id is not None,
            admin_ids=frozenset(str(i) for i in settings.admin_ids),
        ),
    )


async def open_assistant(settings: Settings, *, migrate: bool, telegram: bool = False) -> Assistant:
    url = settings.resolved_database_url()
    await probe_database(url)  # unreachable: one clear line (ConfigError), not a traceback
    store = await Store.open(url, migrate=migrate)
    # The FAQ models and the date parsers load now, not on the first question.
    kb = warm_knowledge()
    freeze_heap()
    return make_assistant(settings, store, kb, telegram=telegram)


def warm_knowledge() -> Knowledge:
    """Load the knowledge, build the FAQ index and run a question through it in each
    language; the matcher then counts its outcomes (``ipms_faq_questions``).

    Blocking (CPU-bound): ``ipms serve`` runs it in a worker thread while /healthz answers.
    """
    kb = warm_up(load_knowledge())  # model, vectors, word list; one question per language
    for question, lang in WARM_UP_QUESTIONS:
        kb.matcher.match(question, lang)
    natural.warm_up()  # jionlp, dateparser, cn2an: the first typed date must not stall
    metrics.instrument_faq(kb)
    return kb


def freeze_heap() -> None:
    """After warm-up: move everything loaded so far (modules, models, the FAQ index: ~200k
    objects) out of the cyclic garbage collector's reach. A full collection otherwise walks
    all of it, ~180 ms on this machine, stalling whichever update triggered it; what was
    loaded for good is never garbage, and what the updates allocate is collected as before.

    Then the C heap's free pages (what loading and warming up allocated and dropped: parsed
    YAML, model files read and sliced, ~6 MB) go back to the system (glibc's
    ``malloc_trim``; nothing elsewhere)."""
    gc.collect()
    gc.freeze()
    _release_free_heap()


def _release_free_heap() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)


def reminder_tick(settings: Settings, assistant: Assistant) -> Hook:
    """Start-up hook: every process runs one repeating dispatch tick (claims are exclusive).

    The dispatcher is kept in ``bot_data`` so shutdown can tell it to hand its claims back.
    """

    async def hook(app: Any) -> None:
        dispatcher = Dispatcher(
            assistant.store, assistant.kb, TelegramSender(app.bot), assistant.clock
        )
        interval = settings.reminder_interval_seconds
        dispatcher.schedule(app.job_queue, interval=interval, first=min(interval, 5))
        app.bot_data["dispatcher"] = dispatcher

    return hook


def operator_channel(settings: Settings, assistant: Assistant) -> Hook:
    """Start-up hook: forwarded questions go to IPMS_OPERATOR_CHAT_ID through this bot."""

    async def hook(app: Any) -> None:
        if settings.operator_chat_id is not None:
            assistant.operator = TelegramOperator(app.bot, settings.operator_chat_id)

    return hook


def workspace_hook(assistant: Assistant) -> Hook:
    """Start-up hook: invitation deep links name this bot; announcements go through it,
    rate-limited like reminders."""

    async def hook(app: Any) -> None:
        username = getattr(app.bot, "username", None)
        if username:
            assistant.workspace.link_base = f"https://t.me/{username}?start="
        assistant.broadcaster = Broadcaster(
            assistant.store, TelegramSender(app.bot), assistant.texts
        )

    return hook
