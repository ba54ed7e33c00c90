"""What every flow function works with: the conversation, the knowledge and the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flows.callbacks import encode
from flows.state import Company, Conversation, Pending, User
from flows.types import Button, Lang, Reply
from knowledge.loader import Knowledge
from knowledge.texts import Catalogue, load_catalogue

if TYPE_CHECKING:  # the registry's handlers take a Ctx: type-only, no cycle at run time
    from flows.registry import Registry

MAX_TEXT = 4000  # longer texts are refused by the adapters and by the flows


@dataclass(frozen=True)
class FlowOptions:
    operator_contact: str | None = None
    can_forward: bool = False  # an operator chat is configured: unknown questions can go there
    default_timezone: str = ""  # given to companies at onboarding; "" = the rules' default
    default_reminder_hour: int | None = None  # None = the rules' default
    admin_ids: frozenset[str] = frozenset()  # Telegram user ids allowed to use /admin


@dataclass
class Ctx:
    conv: Conversation  # a private copy: flows mutate it freely
    kb: Knowledge
    now: datetime
    options: FlowOptions = field(default_factory=FlowOptions)
    texts: Catalogue = field(default_factory=load_catalogue)
    registry: Registry | None = None  # set by the engine: /help, /cancel and /back read it
    reminded: tuple[str, ...] | None = None  # ``Event.reminded``: the last delivery's items
    reminded_at: datetime | None = None  # ``Event.reminded_at``: when it was sent

    @property
    def user(self) -> User:
        return self.conv.user

    @property
    def company(self) -> Company:
        return self.conv.company

    @property
    def lang(self) -> Lang:
        return self.conv.user.lang

    @property
    def today(self) -> date:
        """Today in the company's timezone: dates users type are local dates."""
        return self.now.astimezone(ZoneInfo(self.company.timezone)).date()

    @property
    def pending(self) -> Pending | None:
        return self.conv.user.pending

    def t(self, key: str, **values: object) -> str:
        lang = self.conv.user.lang  # (read once: ~8 texts per update)
        if "cb" not in values and "{cb}" in self.texts.texts[lang][key]:
            # "给中知认证打电话": the body the owner named, else the generic words
            values["cb"] = self.company.cb_name or self.texts.t(lang, "cb_generic")
        return self.texts.t(lang, key, **values)

    def reply(self, key: str, buttons: list[list[Button]] | None = None, **values: object) -> Reply:
        return Reply(self.t(key, **values), buttons or [])

    def button(self, key: str, verb: str, *args: str | int, **values: object) -> Button:
        """A button labelled with the text ``key`` that runs ``verb(*args)`` when pressed."""
        return Button(self.t(key, **values), encode(verb, *args))

    def wait_for(self, flow: str, fieldname: str = "", **data: str) -> None:
        self.conv.user.pending = Pending(
            flow=flow, field=fieldname, data=dict(data), company_id=self.company.id
        )

    def clear_pending(self) -> None:
        self.conv.user.pending = None


def progress_bar(pct: int, width: int = 10) -> str:
    filled = max(0, min(width, round(pct * width / 100)))
    return "▓" * filled + "░" * (width - filled)


def fmt_date(d: date) -> str:
    return d.isoformat()
