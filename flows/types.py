"""Transport-neutral events, replies and effects exchanged between adapters and flows.

Adapters (Telegram, terminal) turn what the user did into an ``Event`` and render the
``Reply`` objects the flows return; the service carries out the ``Effect``s (things that need
the database or another party). Nothing here knows about Telegram or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from knowledge.text import Lang

if TYPE_CHECKING:  # type only: flows.report_model imports this module
    from flows.report_model import ReportModel

LANGS: tuple[Lang, ...] = ("zh", "en")

__all__ = ["LANGS", "Lang"]


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
    # The event keys of the last reminder delivery, looked up by the service when the flows
    # asked for them (``DoneLast``); None: not looked up
    reminded: tuple[str, ...] | None = None
    reminded_at: datetime | None = None  # when that delivery was sent


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data from ``flows.callbacks.encode``, at most 64 bytes


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
    # reads as a record: question + chosen answer).
    edit: bool = False
    # True: the reply only records what the user just chose (an edited question); a medium
    # that shows the user's own input already (the terminal) may leave it out.
    record: bool = False
    # Callback data of the action this reply proposes: typing "好的" / "ok" / "start" runs it.
    offer: str | None = None
    # Callback data of what "做完了" / "done" means here, when it differs from ``offer``
    # (what's next suggests opening a step; "done" completes it).
    offer_done: str | None = None
    # What the read-back also asked for ("findings": "tell me what they were"): a next message
    # that is not news may be that, told without the marks it would need out of the blue.
    offer_awaits: str | None = None
    # What the same message told next ("…. stage 2 is booked for july 20-21"): read once the
    # offer is taken, so the owner need not say it again.
    offer_then: str | None = None
    # Timeline keys of the certificate risks this reply tells the user about ("surveillance
    # audit 1 is overdue"): the same alert due as a reminder now would say it twice, so the
    # service records it as told (``storage.reminders.told_in_conversation``).
    tells: tuple[str, ...] = ()


# --- effects: what the service does for the flows, after the state is saved ----------------


@dataclass(frozen=True)
class Effect:
    """Base class of everything a flow asks the service to do beyond replying."""


@dataclass(frozen=True)
class DoneLast(Effect):
    """ "做完了" with nothing on screen: the service looks up what the last reminder was about
    and hands the same text back with ``Event.reminded`` set."""


@dataclass(frozen=True)
class ExportData(Effect):
    """Send the user a file with everything stored about them and their companies."""


@dataclass(frozen=True)
class DeleteData(Effect):
    """Erase the user's data (the flow has taken a fresh, single-use confirmation)."""


@dataclass(frozen=True)
class PreviewDeletion(Effect):
    """Show what deleting would do to each of the user's companies, with the confirmation
    the flow has just set up (its token is in the saved pending input)."""


@dataclass(frozen=True)
class AdminStats(Effect):
    """Send usage counts to an administrator (the flow has checked the user is one)."""


@dataclass(frozen=True)
class Broadcast(Effect):
    """Send ``text`` to every user who opted in to announcements (an administrator asked
    and confirmed), through the rate-limited sender."""

    text: str


@dataclass(frozen=True)
class Snooze(Effect):
    """Move one stored reminder of this user ``days`` later."""

    reminder_id: int
    days: int


@dataclass(frozen=True)
class SnoozeLast(Effect):
    """ "明天再提醒我" typed after a reminder: move what the last reminder (or digest) sent to
    this user ``days`` later."""

    days: int


@dataclass(frozen=True)
class SendReport(Effect):
    """Render the readiness report as a PDF (or only its chapter chart, as a PNG) and send it."""

    model: ReportModel
    chart_only: bool = False


@dataclass(frozen=True)
class Forward(Effect):
    """Pass a question the knowledge base cannot answer to the human operator."""

    question: str


# --- markers the engine expands into replies -----------------------------------------------


@dataclass(frozen=True)
class ShowNext:
    """Append "what's next" (flows never import the next-step logic to show it)."""


@dataclass(frozen=True)
class Prompt:
    """Append the prompt of whatever input is pending (set with ``Ctx.wait_for``)."""


SHOW_NEXT = ShowNext()
PROMPT = Prompt()

Item = Reply | Effect | ShowNext | Prompt
Out = list[Item]


@dataclass
class Outcome:
    """What one event produced: replies for the user and effects for the service."""

    replies: list[Reply]
    effects: list[Effect]
