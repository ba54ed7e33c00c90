"""The Telegram adapter: a thin python-telegram-bot 22 ``Application`` around the assistant.

Long polling lives here (``run_polling``); webhooks are served by ``bot.serve``.

Every update becomes one ``Event`` for ``Assistant.handle(who, event)``; the replies are
rendered by ``bot.telegram_render``. Nothing about a user is kept in process memory: the
assistant loads and saves the conversation per update, so any instance can serve any update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol

from telegram import BotCommand, CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, BaseUpdateProcessor, ContextTypes, TypeHandler

from bot import metrics
from bot.clock import Clock
from bot.config import Settings
from bot.service import Who
from bot.telegram_events import CHANNEL, event_of, who_of
from bot.telegram_logging import install_secret_redaction, quiet_http_loggers
from bot.telegram_render import render
from flows.catalog import REGISTRY
from flows.types import Event, Lang, Reply
from knowledge.texts import load_catalogue
from storage.repo import valid_update_id

logger = logging.getLogger(__name__)

Hook = Callable[[Application], Awaitable[None]]
Context = ContextTypes.DEFAULT_TYPE

# Update kinds the adapter reads; my_chat_member tells us when a user blocks or unblocks the bot.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]

# Shown in both languages: when these are needed the user's language may be unknown.
GROUP_NOTE = load_catalogue().both("group_note")
SORRY = load_catalogue().both("error_generic")


class UpdateStore(Protocol):
    async def claim_update(self, update_id: int) -> bool: ...

    async def set_user_active(
        self, channel: str, external_id: str, active: bool, *, update_id: int | None = None
    ) -> object: ...


class AssistantPort(Protocol):
    """What the adapter needs from ``bot.service.Assistant``."""

    @property
    def store(self) -> UpdateStore: ...

    @property
    def clock(self) -> Clock: ...

    async def handle(self, who: Who, event: Event, update_id: int | None = None) -> list[Reply]: ...


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats are served concurrently; one chat's updates run one at a time, in order.

    PTB's default processes every update strictly in sequence, so one slow database call
    holds up every user; plain concurrency could reorder one user's quick successive taps.
    """

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await metrics.observe_update(update, coroutine)
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await metrics.observe_update(update, coroutine)
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # forget idle chats so the dicts stay small
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class UnpersistedApplication(Application):  # type: ignore[type-arg]
    """PTB's ``Application`` without its persistence bookkeeping when it has no persistence.

    PTB notes the chat and user id of every update for its persistence to save later, and
    only saving clears the notes; this bot keeps nothing in PTB (no persistence), so the two
    sets only grew, by every user who ever wrote (14.8 MB for 100,000 users, tracemalloc).
    With a persistence configured PTB's own bookkeeping runs as before.
    """

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Any | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


class TelegramAdapter:
    """Handlers bridging PTB and the assistant; one instance per ``Application``."""

    def __init__(
        self,
        assistant: AssistantPort,
        on_startup: Sequence[Hook] = (),
        on_shutdown: Sequence[Hook] = (),
    ) -> None:
        self.assistant = assistant
        self.on_startup = list(on_startup)  # the lead's reminder dispatcher appends its tick here
        self.on_shutdown = list(on_shutdown)

    async def on_update(self, update: Update, context: Context) -> None:
        query = update.callback_query
        private = (
            update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
        )
        if not valid_update_id(update.update_id):  # forged: Telegram's ids are far smaller
            logger.warning("Ignoring an update with an out-of-range update_id")
            return
        if query is not None:  # answer at once: the client shows a spinner until we do
            await _answer_query(query, None if private else GROUP_NOTE)
        if update.my_chat_member is not None:
            await self._membership_changed(update)
            return
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or user.is_bot:
            return
        if not private:
            if await self.assistant.store.claim_update(update.update_id):
                await self._group_note(update)
            return
        event = event_of(update, self.assistant.clock.now())
        if event is None:
            return
        # The update id is claimed in the transaction that saves the answer (exactly once).
        replies = await self.assistant.handle(who_of(user), event, update_id=update.update_id)
        # Replies go to the chat of the user whose state was loaded (a private chat's id is the
        # user's id); a pressed message is edited only when it is in that chat: a forged press
        # naming another chat's message must not make the bot write there.
        pressed = query.message if query else None
        if pressed is not None and pressed.chat.id != user.id:
            pressed = None
        await render(context.bot, user.id, replies, pressed=pressed)

    async def _group_note(self, update: Update) -> None:
        """Groups: answer commands only (other chatter is not addressed to the bot)."""
        message = update.message
        if message is not None and message.text and message.text.startswith("/"):
            await message.reply_text(GROUP_NOTE)

    async def _membership_changed(self, update: Update) -> None:
        """A user blocking the bot stops reminders; unblocking resumes them."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER):
            active = status == ChatMemberStatus.MEMBER
            await self.assistant.store.set_user_active(
                CHANNEL, str(change.from_user.id), active, update_id=update.update_id
            )

    async def on_error(self, update: object, context: Context) -> None:
        """Log without secrets (see ``bot.telegram_logging``) and apologise; never re-raise."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(error, Forbidden):
            logger.warning(
                "Telegram refused a call for update %s (%s)", update_id, type(error).__name__
            )
            await self._deactivate(update)
            return
        if update is None and isinstance(error, NetworkError):
            logger.warning("Network error outside an update: %s", type(error).__name__)
            return
        logger.error(
            "Error %s while handling update %s", type(error).__name__, update_id, exc_info=error
        )
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        try:
            await context.bot.send_message(chat_id=chat.id, text=SORRY)
        except TelegramError as exc:
            logger.warning(
                "Could not send the apology for update %s: %s", update_id, type(exc).__name__
            )

    async def _deactivate(self, update: object) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            return
        try:
            await self.assistant.store.set_user_active(CHANNEL, str(user.id), False)
        except Exception as exc:  # the error handler itself must never fail
            logger.warning("Could not mark user inactive: %s", type(exc).__name__)

    async def post_init(self, app: Application) -> None:
        await set_commands(app)
        for hook in self.on_startup:
            await hook(app)

    async def post_shutdown(self, app: Application) -> None:
        for hook in self.on_shutdown:
            await hook(app)


async def _answer_query(query: CallbackQuery, text: str | None) -> None:
    """``query.answer(text=text)``: the same request (``answerCallbackQuery``, None values
    dropped, the bot's rate limiter and errors), without PTB's three layers of keyword
    arguments per call (``bot.telegram_render``'s way for the replies)."""
    try:
        params = {"callback_query_id": query.id, "text": text}
        await query.get_bot()._post("answerCallbackQuery", params)
    except TelegramError as exc:  # e.g. "query is too old" after a restart: the reply follows
        logger.info("Could not answer callback query: %s", exc.message)


def menu(lang: Lang) -> list[BotCommand]:
    """The command menu, made from the flows' command table (``flows.catalog``)."""
    texts = load_catalogue()
    return [BotCommand(cmd.name, texts.t(lang, f"cmd_{cmd.name}")) for cmd in REGISTRY.menu]


async def set_commands(app: Application) -> None:
    """Register the commands menu in English (default) and Chinese; failures only warn."""
    english, chinese = menu("en"), menu("zh")
    try:
        await app.bot.set_my_commands(english)
        await app.bot.set_my_commands(chinese, language_code="zh")
    except TelegramError as exc:
        logger.warning("Could not set the commands menu: %s", type(exc).__name__)


def _file_url(base_url: str) -> str | None:
    """``http://host/bot`` → ``http://host/file/bot`` (Bot API servers and the emulator)."""
    return base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else None


def build_application(
    settings: Settings,
    assistant: AssistantPort,
    *,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    **builder_overrides: Any,
) -> Application:
    """The configured ``Application``; ``builder_overrides`` call builder methods by name.

    Tests pass e.g. ``request=fake, get_updates_request=fake, updater=None``;
    ``rate_limiter=None`` leaves out the rate limiter.
    """
    if settings.telegram_token is None:
        raise ValueError("IPMS_TELEGRAM_TOKEN is not set: the Telegram bot needs a bot token")
    token = settings.telegram_token.get_secret_value()
    install_secret_redaction(token)
    metrics.set_user_hash_key(token)
    quiet_http_loggers()
    adapter = TelegramAdapter(assistant, on_startup, on_shutdown)
    builder = Application.builder().application_class(UnpersistedApplication).token(token)
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
        file_url = _file_url(settings.telegram_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
    builder = builder.concurrent_updates(PerChatUpdateProcessor())
    builder = builder.post_init(adapter.post_init).post_shutdown(adapter.post_shutdown)
    limiter = AIORateLimiter(max_retries=3) if settings.telegram_rate_limit else None
    builder_overrides.setdefault("rate_limiter", limiter)
    for name, value in builder_overrides.items():
        if name == "rate_limiter" and value is None:
            continue
        builder = getattr(builder, name)(value)
    app = builder.build()
    app.bot_data["adapter"] = adapter
    app.add_handler(TypeHandler(Update, adapter.on_update))
    app.add_error_handler(adapter.on_error)
    app.add_error_handler(metrics.count_error)
    return app


def adapter_of(app: Application) -> TelegramAdapter:
    adapter: TelegramAdapter = app.bot_data["adapter"]
    return adapter


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _serve(
    app: Application,
    start_updater: Callable[[], Awaitable[object]],
    stop: asyncio.Event | None,
    ready: asyncio.Event | None,
) -> None:
    """PTB's run_polling/run_webhook life cycle, as a coroutine in the caller's event loop.

    The assistant's database engine lives in the caller's loop, so the bot must run in it too
    (``Application.run_polling`` would drive its own loop).
    """
    stop = stop or asyncio.Event()
    with _stop_on_signals(stop):
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            await start_updater()
            await app.start()
            if ready is not None:
                ready.set()
            await stop.wait()
        finally:
            if app.updater and app.updater.running:
                await app.updater.stop()
            if (dispatcher := app.bot_data.get("dispatcher")) is not None:
                dispatcher.stop()  # unsent claims of a running tick are handed back
            if app.running:
                await app.stop()
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)


async def run_polling(
    settings: Settings,
    assistant: AssistantPort,
    *,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    poll_timeout: int = 10,
    **builder_overrides: Any,
) -> None:
    """Serve Telegram by long polling until SIGINT/SIGTERM (or until ``stop`` is set)."""
    app = build_application(
        settings, assistant, on_startup=on_startup, on_shutdown=on_shutdown, **builder_overrides
    )
    assert app.updater is not None
    updater = app.updater

    async def start() -> object:
        return await updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
        )

    logger.info("Starting the Telegram bot (polling)")
    await _serve(app, start, stop, ready)
