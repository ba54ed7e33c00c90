"""What every flow function works with: the conversation, the knowledge and the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows.messages import t
from flows.state import Company, Conversation, Pending, User
from flows.types import Button, Lang, Reply
from knowledge.loader import Knowledge

MAX_TEXT = 4000  # longer texts are refused by the adapters and by the flows


@dataclass(frozen=True)
class FlowOptions:
    operator_contact: str | None = None
    can_forward: bool = False  # an operator chat is configured: unknown questions can go there
    default_timezone: str = "Asia/Shanghai"  # given to companies at onboarding
    default_reminder_hour: int = 9


@dataclass
class Ctx:
    conv: Conversation  # a private copy: flows mutate it freely
    kb: Knowledge
    now: datetime
    options: FlowOptions = field(default_factory=FlowOptions)

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

    def t(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    def reply(self, key: str, buttons: list[list[Button]] | None = None, **values: object) -> Reply:
        return Reply(self.t(key, **values), buttons or [])

    def wait_for(self, flow: str, fieldname: str = "", **data: str) -> None:
        self.conv.user.pending = Pending(flow=flow, field=fieldname, data=dict(data))

    def clear_pending(self) -> None:
        self.conv.user.pending = None


def progress_bar(pct: int, width: int = 10) -> str:
    filled = max(0, min(width, round(pct * width / 100)))
    return "▓" * filled + "░" * (width - filled)


def fmt_date(d: date) -> str:
    return d.isoformat()
