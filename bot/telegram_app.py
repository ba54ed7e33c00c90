"""The Telegram adapter: a thin python-telegram-bot 22 ``Application`` around the assistant.

Every update becomes one ``Event`` for ``Assistant.handle(who, event)``; the replies are
rendered by ``bot.telegram_render``. Nothing about a user is kept in process memory: the
assistant loads and saves the conversation per update, so any instance can serve any update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

from telegram import BotCommand, CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, BaseUpdateProcessor, ContextTypes, TypeHandler

from bot.clock import Clock
from bot.config import Settings
from bot.service import Who
from bot.telegram_events import CHANNEL, event_of, who_of
from bot.telegram_logging import install_secret_redaction, quiet_http_loggers
from bot.telegram_render import render
from flows.types import Event, Reply
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

# (command, English description, Chinese description) — the menu shown by Telegram clients.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "Start or resume", "开始或继续"),
    ("next", "What to do next", "下一步做什么"),
    ("status", "Progress, readiness and dates", "进度、准备度和近期日期"),
    ("journey", "The whole journey, step by step", "认证全流程"),
    ("plan", "Your action plan", "整改计划"),
    ("reminders", "Upcoming reminders", "即将到来的提醒"),
    ("calendar", "Calendar file (.ics)", "导出日历(.ics)"),
    ("timezone", "Timezone and hour of reminders", "提醒的时区和时间"),
    ("lang", "中文 / English", "切换语言 / English"),
    ("help", "What I can do", "使用帮助"),
    ("cancel", "Cancel the current input", "取消当前输入"),
    ("back", "Go back one step", "返回上一步"),
    ("export", "Export my data", "导出我的数据"),
    ("deletedata", "Delete my data", "删除我的数据"),
)

# Shown in both languages: when these are needed the user's language may be unknown.
GROUP_NOTE = (
    "我只在私聊中工作,请直接私聊我。\nI only work in private chats: please message me directly."
)
SORRY = (
    "抱歉,出了点问题。您的进度已保存,请再试一次,或发送 /next 继续。\n"
    "Sorry, something went wrong. Your progress is saved: please try again, or send /next."
)
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts


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
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # forget idle chats so the dicts stay small
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


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
        await render(context.bot, chat.id, replies, pressed=query.message if query else None)

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
    try:
        await query.answer(text=text)
    except TelegramError as exc:  # e.g. "query is too old" after a restart: the reply follows
        logger.info("Could not answer callback query: %s", exc.message)


async def set_commands(app: Application) -> None:
    """Register the commands menu in English (default) and Chinese; failures only warn."""
    english = [BotCommand(name, en) for name, en, _ in COMMANDS]
    chinese = [BotCommand(name, zh) for name, _, zh in COMMANDS]
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
    quiet_http_loggers()
    adapter = TelegramAdapter(assistant, on_startup, on_shutdown)
    builder = Application.builder().token(token)
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
        file_url = _file_url(settings.telegram_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
    builder = builder.concurrent_updates(PerChatUpdateProcessor())
    builder = builder.post_init(adapter.post_init).post_shutdown(adapter.post_shutdown)
    builder_overrides.setdefault("rate_limiter", AIORateLimiter(max_retries=3))
    for name, value in builder_overrides.items():
        if name == "rate_limiter" and value is None:
            continue
        builder = getattr(builder, name)(value)
    app = builder.build()
    app.bot_data["adapter"] = adapter
    app.add_handler(TypeHandler(Update, adapter.on_update))
    app.add_error_handler(adapter.on_error)
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


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or a random one (PTB registers it with Telegram at start-up)."""
    if settings.webhook_secret is None:
        logger.info("IPMS_WEBHOOK_SECRET not set: using a random secret for this run")
        return secrets.token_urlsafe(32)
    secret = settings.webhook_secret.get_secret_value()
    if not _SECRET_TOKEN_RE.match(secret):
        raise ValueError("IPMS_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256 chars)")
    return secret


async def run_webhook(
    settings: Settings,
    assistant: AssistantPort,
    *,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    **builder_overrides: Any,
) -> None:
    """Serve Telegram through PTB's built-in webhook server (terminate TLS at a proxy).

    Listens on ``webhook_listen:webhook_port`` at the path of ``webhook_url`` and registers
    ``webhook_url`` with Telegram, with a secret token checked on every delivery.
    """
    if not settings.webhook_url:
        raise ValueError("IPMS_WEBHOOK_URL is not set: webhook mode needs the public URL")
    secret = webhook_secret(settings)
    install_secret_redaction(secret)
    app = build_application(
        settings, assistant, on_startup=on_startup, on_shutdown=on_shutdown, **builder_overrides
    )
    assert app.updater is not None
    updater = app.updater
    webhook_url = settings.webhook_url

    async def start() -> object:
        return await updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(webhook_url).path.strip("/"),
            webhook_url=webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )

    logger.info(
        "Starting the Telegram bot (webhook on %s:%s)",
        settings.webhook_listen,
        settings.webhook_port,
    )
    await _serve(app, start, stop, ready)
