"""The saved state of one conversation: the user and the company they work on.

Flows take a ``Conversation`` and return a new one; ``storage`` maps it to tables.
Everything is plain pydantic so it can be copied, compared and serialised.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from flows.types import Lang

AnswerValue = Literal["yes", "partly", "no", "na", "unsure"]  # unsure: to clarify, not a "no"
Role = Literal["owner", "member", "consultant"]  # a user's role in one company (flows.authz)
ROLES: tuple[Role, ...] = ("owner", "member", "consultant")


DEFAULT_TZ = "Asia/Shanghai"  # a new company's timezone until the user sets another


class Stage(StrEnum):
    """Where the company said it stands at onboarding."""

    NOT_STARTED = "not_started"
    BUILDING = "building"
    RUNNING = "running"  # system running since a date
    APPLIED = "applied"
    AUDITED = "audited"
    CERTIFIED = "certified"


class Answer(BaseModel):
    question_id: str
    value: AnswerValue
    answered_at: datetime


FINDING = "finding:"  # id prefix of the plan action of an internal audit finding told in words
OWN = "own:"  # id prefix of an action the user added


def next_action_id(actions: list[Action], prefix: str) -> str:
    """The next free id of the kind ``prefix`` ("own:3", "finding:2")."""
    taken = [int(a.id.removeprefix(prefix)) for a in actions if a.id.startswith(prefix)]
    return f"{prefix}{1 + max(taken, default=0)}"


class Action(BaseModel):
    """One line of the plan: from a gap (``question_id`` set) or added by the user."""

    id: str  # "gap:A03", "rule:internal_audit", "own:3"
    title_zh: str
    title_en: str
    owner_role_zh: str = ""
    owner_role_en: str = ""
    question_id: str | None = None
    clause_ids: list[str] = Field(default_factory=list)
    priority: int = 3  # 1 show-stopper, 2 weak chapter (<50%), 3 rest
    due: date
    done_on: date | None = None
    custom: bool = False
    assignee_id: int | None = None  # the member (user id) this action is assigned to


class Certificate(BaseModel):
    number: str
    edition: Literal["2023", "2013"] = "2023"
    decision_date: date | None = None
    issued: date
    expires: date


class Nonconformity(BaseModel):
    id: str  # "nc:1"
    description: str
    grade: Literal["major", "minor"] = "minor"
    raised_on: date
    correction_due: date
    evidence_due: date
    closed_on: date | None = None


class DatedEvent(BaseModel):
    """A date that matters to the company: reminders are planned from these.

    ``key`` is unique within a company so re-planning is idempotent, e.g.
    ``internal_audit``, ``management_review``, ``stage1``, ``surveillance:1``,
    ``recert:apply``, ``expiry``, ``action:gap:A03``, ``nc:1:evidence``.
    """

    key: str
    kind: str  # one of knowledge rules' reminder kinds (internal_audit, surveillance, ...)
    on: date
    title_zh: str = ""
    title_en: str = ""
    step_id: str | None = None  # journey step to open from a reminder
    done: bool = False


class Pending(BaseModel):
    """What the assistant is waiting for from this user (a question on screen)."""

    flow: str  # "onboarding", "assess", "plan", "step", "date", ...
    field: str = ""  # e.g. onboarding field, question id, step id
    data: dict[str, str] = Field(default_factory=dict)
    # The company the question is about: a pending input never follows the user to another.
    company_id: int | None = None


class Member(BaseModel):
    """A member of the company (loaded with it; changed through workspace effects only)."""

    user_id: int
    name: str
    role: Role
    joined: datetime


class CompanyRef(BaseModel):
    """One company the user belongs to (the views over all of them, deleting a user)."""

    id: int
    name: str
    role: Role


class Company(BaseModel):
    id: int | None = None  # assigned by storage
    name: str = ""
    headcount: int | None = None
    industry: str = ""
    sites: int | None = None
    cb_name: str = ""  # the certification body, as the owner named it (flows.news)
    stage: Stage | None = None
    phase: str = "prep"  # current journey phase id (knowledge journey phases)
    current_step: str | None = None  # current journey step id
    system_start: date | None = None  # date the system started running with records
    target_date: date | None = None  # target certification date for back-scheduling
    goal_date: date | None = None  # "希望明年6月底前拿证", said before there is a plan
    timezone: str = DEFAULT_TZ
    reminder_hour: int = 9  # local hour reminders are sent at
    answers: dict[str, Answer] = Field(default_factory=dict)
    checked: dict[str, list[str]] = Field(default_factory=dict)  # step id -> ticked checklist ids
    steps_done: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    certificate: Certificate | None = None
    nonconformities: list[Nonconformity] = Field(default_factory=list)
    events: list[DatedEvent] = Field(default_factory=list)
    onboarded: bool = False
    assignees: dict[str, int] = Field(default_factory=dict)  # journey step id -> user id
    members: list[Member] = Field(default_factory=list)  # loaded, never saved from here


class User(BaseModel):
    id: int | None = None  # assigned by storage
    channel: str = "telegram"  # "telegram" or "terminal"
    external_id: str = ""  # Telegram user id as text, or terminal user name
    display_name: str = ""
    lang: Lang = "zh"
    lang_chosen: bool = False
    pending: Pending | None = None
    reminders_opt_in: bool = True
    # Reminders paused (/pause): from this instant until ``reminders_paused_until`` (None:
    # until /resume). Kept after the pause ends, so what fell due meanwhile is not sent late
    # (``flows.pause``). Certificate risks are still sent.
    reminders_paused_from: datetime | None = None
    reminders_paused_until: datetime | None = None
    active: bool = True  # False once Telegram says the user blocked the bot
    is_admin: bool = False
    news_opt_in: bool = False  # announcements from the operator (/privacy); off until asked


class Conversation(BaseModel):
    user: User
    company: Company = Field(default_factory=Company)

    @property
    def role(self) -> Role | None:
        """The user's role in the loaded company; None if they are not among its members.

        A company without a member list (built outside storage: a new user's, tests) is the
        user's own.
        """
        if not self.company.members:
            return "owner"
        me = next((m for m in self.company.members if m.user_id == self.user.id), None)
        return me.role if me is not None else None
