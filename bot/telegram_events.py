"""Telegram ``Update`` → transport-neutral ``Event`` and ``Who`` for the assistant.

Pure functions (no I/O): what the user did becomes one ``Event``; anything the flows cannot
read (media, edits, very long text) becomes an ``UNSUPPORTED`` event naming what it was, so
the flows can answer with a friendly hint.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Message, MessageEntity, Update, User

from bot.service import Who
from flows.types import Event, EventKind

CHANNEL = "telegram"
MAX_TEXT_CHARS = 4000  # longer text is refused with a hint, not fed to the flows

# Checked in order: an animation also carries ``document``, a venue also ``location``.
_ATTACHMENTS: tuple[str, ...] = (
    "sticker",
    "animation",
    "photo",
    "voice",
    "video_note",
    "video",
    "audio",
    "document",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
    "story",
    "game",
)


def who_of(user: User) -> Who:
    return Who(
        channel=CHANNEL,
        external_id=str(user.id),
        display_name=user.full_name,
        lang_hint=user.language_code,
    )


def attachment_kind(message: Message) -> str | None:
    """What a non-text message carries ("sticker", "photo", ...), or None for plain text."""
    for name in _ATTACHMENTS:
        if getattr(message, name, None):
            return name
    if message.effective_attachment is not None or message.caption is not None:
        return "other"
    return None


def parse_command(message: Message) -> tuple[str, str] | None:
    """``/name@Bot args`` → ("name", "args"), only when the text starts with a command."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name = text[1 : entity.length].split("@", 1)[0].lower()
            return name, text[entity.length :].strip()
    return None


def _message_event(message: Message, now: datetime, lang_hint: str | None) -> Event | None:
    kind = attachment_kind(message)
    if kind is not None:
        return Event(EventKind.UNSUPPORTED, kind, now=now, lang_hint=lang_hint)
    if message.text is None:
        return None  # a service message (pinned, ...): nothing the user said
    if len(message.text) > MAX_TEXT_CHARS:
        return Event(EventKind.UNSUPPORTED, "too_long", now=now, lang_hint=lang_hint)
    command = parse_command(message)
    if command is not None:
        name, args = command
        if name == "start" and args:  # a deep link t.me/<bot>?start=<code>: an invitation
            name = "join"
        return Event(EventKind.COMMAND, name, now=now, args=args, lang_hint=lang_hint)
    return Event(EventKind.TEXT, message.text, now=now, lang_hint=lang_hint)


def event_of(update: Update, now: datetime) -> Event | None:
    """The user's action in ``update`` as an ``Event``; None when there is nothing to answer."""
    user = update.effective_user
    lang_hint = user.language_code if user else None
    if update.callback_query is not None:
        data = update.callback_query.data or ""  # game buttons carry no data: a stale button
        return Event(EventKind.BUTTON, data, now=now, lang_hint=lang_hint)
    if update.edited_message is not None:
        return Event(EventKind.UNSUPPORTED, "edited", now=now, lang_hint=lang_hint)
    if update.message is not None:
        return _message_event(update.message, now, lang_hint)
    return None
