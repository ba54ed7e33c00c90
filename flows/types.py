"""Transport-neutral events and replies exchanged between adapters and flows.

Adapters (Telegram, terminal) turn what the user did into an ``Event`` and render the
``Reply`` objects the flows return. Nothing here knows about Telegram or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class EventKind(StrEnum):
    COMMAND = "command"  # value: command name without slash, args in ``args``
    BUTTON = "button"  # value: callback data of the pressed button
    TEXT = "text"  # value: free text typed by the user
    UNSUPPORTED = "unsupported"  # value: what it was (sticker, photo, voice, edited, too_long...)


@dataclass(frozen=True)
class Event:
    kind: EventKind
    value: str
    now: datetime  # timezone-aware; flows never read the clock themselves
    args: str = ""
    lang_hint: str | None = None  # e.g. Telegram's language_code, used on first contact


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # opaque callback data, at most 64 bytes (Telegram's limit)


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    caption: str = ""


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    document: Document | None = None
    # True: this reply replaces the message that carried the pressed button (the chat then
    # reads as a record: question + chosen answer). Adapters without editing just print it.
    edit: bool = False
    # Set on a reply meant for the human operator (a question the user asked to forward),
    # not for the user: the service hands it to the configured operator channel.
    to_operator: str | None = None
