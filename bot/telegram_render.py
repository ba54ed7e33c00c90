"""Render the flows' ``Reply`` objects as Telegram calls.

Plain text only (no parse_mode): flow texts contain characters such as ``_``, ``*`` and
``<`` that Markdown or HTML would misread. A reply answering a button press may replace the
message that carried the button, so the chat reads as a record (question + chosen answer).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram import MaybeInaccessibleMessage as PressedMessage
from telegram.error import BadRequest

from flows.types import Button, Reply

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # Telegram's limit, counted in UTF-16 code units
CAPTION_LIMIT = 1024
EMPTY_TEXT_WITH_BUTTONS = "👇"  # Telegram refuses empty text; a keyboard needs a message


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    cleaned = [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    cleaned = [row for row in cleaned if row]
    return InlineKeyboardMarkup(cleaned) if cleaned else None


def inline_markup(rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    """``keyboard(rows).to_dict()``, built directly: the JSON Telegram gets, without
    creating and serialising a PTB object per button for every message."""
    cleaned = [[{"text": b.label, "callback_data": b.data} for b in row] for row in rows]
    cleaned = [row for row in cleaned if row]
    return {"inline_keyboard": cleaned} if cleaned else None


Markup = dict[str, Any] | None  # ``inline_markup``'s


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """Number of code points of ``text`` that fit into ``limit`` UTF-16 units."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split ``text`` into chunks Telegram accepts, at paragraph, line or word breaks."""
    chunks: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        window = _fitting_prefix(rest, limit)
        cut = window
        for sep in ("\n\n", "\n", " "):
            at = rest.rfind(sep, 0, window)
            if at > window // 2:  # a break too early would leave tiny chunks
                cut = at
                break
        head = rest[:cut].rstrip()
        if head:
            chunks.append(head)
        rest = rest[cut:].lstrip()
    if rest.strip():
        chunks.append(rest)
    return chunks


async def _call(bot: Bot, method: str, params: dict[str, Any]) -> None:
    """One Bot API call whose result is not used: the request ``Bot.send_message`` and
    ``Bot.edit_message_text`` make (no ``Defaults`` are set; ``None`` values are dropped as
    they drop them; the rate limiter and errors are the same), without building a
    ``Message`` from Telegram's answer, about half of the call's CPU."""
    await bot._post(method, params)


async def _edit(bot: Bot, pressed: PressedMessage, text: str, markup: Markup) -> bool:
    """Replace the pressed message; False when Telegram refuses (then the caller sends)."""
    try:
        # Leaving out reply_markup removes the old keyboard: the answered question keeps none.
        params = {"chat_id": pressed.chat.id, "message_id": pressed.message_id, "text": text}
        await _call(bot, "editMessageText", params | {"reply_markup": markup})
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True  # pressed twice: the message already shows this
        logger.info(
            "Editing message %s failed (%s); sending instead", pressed.message_id, exc.message
        )
        return False
    return True


async def _send_text(bot: Bot, chat_id: int, text: str, markup: Markup) -> None:
    chunks = split_text(text) or ([EMPTY_TEXT_WITH_BUTTONS] if markup else [])
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        params = {"chat_id": chat_id, "text": chunk, "reply_markup": markup if last else None}
        await _call(bot, "sendMessage", params)


async def _send_document(
    bot: Bot, chat_id: int, reply: Reply, markup: InlineKeyboardMarkup | None
) -> None:
    """The document with its caption (or the reply text as caption); long text goes apart."""
    doc = reply.document
    assert doc is not None
    caption = (doc.caption or reply.text).strip()
    if reply.text.strip() and reply.text.strip() != caption:
        await _send_text(bot, chat_id, reply.text, None)
    fits = utf16_len(caption) <= CAPTION_LIMIT
    upload = InputFile(doc.content, filename=doc.filename)
    upload.mimetype = doc.mime_type  # InputFile only guesses it from the file name
    await bot.send_document(
        chat_id=chat_id,
        document=upload,
        caption=caption if caption and fits else None,
        reply_markup=markup,
    )
    if caption and not fits:
        await _send_text(bot, chat_id, caption, None)


async def render(
    bot: Bot, chat_id: int, replies: Sequence[Reply], pressed: PressedMessage | None = None
) -> None:
    """Send ``replies`` in order; the first ``edit`` reply replaces the pressed message."""
    can_edit = pressed is not None
    for reply in replies:
        if reply.document is not None:
            await _send_document(bot, chat_id, reply, keyboard(reply.buttons))
            continue
        markup = inline_markup(reply.buttons)
        wants_edit = reply.edit and can_edit and bool(reply.text.strip())
        if wants_edit and utf16_len(reply.text) <= TEXT_LIMIT:
            can_edit = False  # a second edit would overwrite the first answer
            assert pressed is not None
            if await _edit(bot, pressed, reply.text, markup):
                continue
        await _send_text(bot, chat_id, reply.text, markup)
