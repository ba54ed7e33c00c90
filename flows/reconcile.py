"""Planned vs stored reminders: what to insert, update, revive and cancel (pure).

Storage loads a company's unsent reminder rows as ``StoredReminder`` values, calls
``reconcile`` with the plan of ``flows.schedule.plan_reminders``, and writes the result; it
holds no rule of its own. The rules:

* a planned reminder with no unsent row is inserted (storage inserts-or-ignores, so a plan
  that matches an already *sent* row changes nothing: each reminder goes out once);
* a planned reminder whose row changed (due time after a timezone change, titles, ...) is
  updated; a cancelled row, or one that failed because the user had blocked the bot, is
  revived when it is planned again;
* a pending row no longer planned (date moved, event done, member opted out or paused the
  digest, ``flows.pause``) is cancelled,
  except a reminder the user snoozed, which lives as long as its event does.

``plan_fingerprint`` tells the service whether a conversation step changed anything the plan
depends on, so an update that did not is not re-planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flows.pause import held
from flows.schedule import SNOOZE_LEAD, PlannedReminder, all_events, is_risk, plan_reminders
from flows.state import Company, Conversation, User
from flows.team import addressees, assignment_fingerprint
from knowledge.schema import Rules


class ReminderStatus(StrEnum):
    PLANNED = "planned"  # waiting for its due time (or claimed and being sent)
    SENT = "sent"
    FAILED = "failed"  # gave up: blocked by the user, bad request, too many attempts
    CANCELLED = "cancelled"  # no longer applies: date changed, done, opted out, superseded


# ``last_error`` prefix of a row that failed because the user blocked the bot: such rows
# come back to life when the user returns and the company is re-planned.
FORBIDDEN_PREFIX = "forbidden: "

# Row fields a re-plan may change on a pending row (the rest identify it).
MUTABLE = ("due_at", "title_zh", "title_en", "step_id", "timezone", "channel", "kind")

Key = tuple[int, str]  # (user id, dedup key): unique per company


@dataclass(frozen=True, slots=True)
class WantedReminder:
    """One reminder row as the plan wants it."""

    company_id: int
    user_id: int
    channel: str
    event_key: str
    kind: str
    lead_days: int
    event_date: date
    due_at: datetime
    dedup_key: str
    title_zh: str
    title_en: str
    step_id: str | None
    timezone: str

    @property
    def key(self) -> Key:
        return (self.user_id, self.dedup_key)


@dataclass(frozen=True, slots=True)
class StoredReminder:
    """An unsent reminder row as storage holds it (sent rows are never touched)."""

    id: int
    user_id: int
    dedup_key: str
    status: str
    last_error: str | None
    event_key: str
    event_date: date
    lead_days: int
    due_at: datetime
    title_zh: str
    title_en: str
    step_id: str | None
    timezone: str
    channel: str
    kind: str


@dataclass(frozen=True, slots=True)
class RowChange:
    id: int
    changes: dict[str, Any]  # MUTABLE fields with their new values
    revive: bool = False  # back to planned (and unclaimed)


@dataclass
class Reconciliation:
    insert: list[WantedReminder] = field(default_factory=list)
    update: list[RowChange] = field(default_factory=list)
    cancel: list[int] = field(default_factory=list)

    @property
    def revived(self) -> int:
        return sum(1 for u in self.update if u.revive)

    @property
    def updated(self) -> int:
        return len(self.update) - self.revived


def recipients_of(members: Sequence[User]) -> list[User]:
    """Company members who get reminders: opted in and still reachable."""
    return [m for m in members if m.id is not None and m.reminders_opt_in and m.active]


def wanted_reminders(
    company: Company, members: Sequence[User], rules: Rules, now: datetime
) -> tuple[dict[Key, WantedReminder], set[tuple[int, str, date]]]:
    """The plan as rows, and the live (user, event key, date) triples snoozes may follow."""
    if company.id is None:
        raise ValueError("reminders are planned for a stored company")
    reached = {m.id: m for m in recipients_of(members) if m.id is not None}
    channels = {uid: m.channel for uid, m in reached.items()}
    events = all_events(company, rules)
    # Assigned events go to their assignee only (``flows.team.addressees``).
    audience = {e.key: addressees(company, e, channels) for e in events}
    planned = [
        p
        for p in plan_reminders(company, events, rules, now, list(channels))
        if p.user_id in audience[p.event_key] and not _paused(reached[p.user_id], p, rules)
    ]
    wanted = {
        (p.user_id, p.dedup_key): _wanted(p, company.id, channels[p.user_id], company.timezone)
        for p in planned
    }
    live = {(u, e.key, e.on) for e in events if not e.done for u in audience[e.key]}
    return wanted, live


def _paused(member: User, p: PlannedReminder, rules: Rules) -> bool:
    """The member paused the digest over this reminder's time (``flows.pause``); a risk to
    the certificate still goes out."""
    return held(member.reminders_paused_from, member.reminders_paused_until, p.due_at) and (
        not is_risk(rules, p.kind, p.lead_days)
    )


def _wanted(p: PlannedReminder, company_id: int, channel: str, tz: str) -> WantedReminder:
    return WantedReminder(
        company_id, p.user_id, channel, p.event_key, p.kind, p.lead_days, p.event_date,
        p.due_at, p.dedup_key, p.title_zh, p.title_en, p.step_id, tz,
    )  # fmt: skip


def _revives(row: StoredReminder) -> bool:
    if row.status == ReminderStatus.CANCELLED:
        return True
    blocked = (row.last_error or "").startswith(FORBIDDEN_PREFIX)
    return row.status == ReminderStatus.FAILED and blocked


def reconcile(
    wanted: Mapping[Key, WantedReminder],
    stored: Sequence[StoredReminder],
    live: set[tuple[int, str, date]],
) -> Reconciliation:
    """What to write so the unsent rows ``stored`` match the plan ``wanted``."""
    out = Reconciliation()
    seen: set[Key] = set()
    for row in stored:
        want = wanted.get((row.user_id, row.dedup_key))
        if want is None:
            snoozed = row.lead_days == SNOOZE_LEAD
            if row.status == ReminderStatus.PLANNED and not (
                snoozed and (row.user_id, row.event_key, row.event_date) in live
            ):
                out.cancel.append(row.id)
            continue
        seen.add(want.key)
        changes = {c: getattr(want, c) for c in MUTABLE if getattr(row, c) != getattr(want, c)}
        if _revives(row):
            out.update.append(RowChange(row.id, changes, revive=True))
        elif row.status == ReminderStatus.PLANNED and changes:
            out.update.append(RowChange(row.id, changes))
    out.insert = [w for k, w in wanted.items() if k not in seen]
    return out


def replan(
    company: Company,
    members: Sequence[User],
    stored: Sequence[StoredReminder],
    rules: Rules,
    now: datetime,
    told: bool = False,
) -> Reconciliation:
    """Plan the company's reminders at ``now`` and reconcile them with the stored rows.

    ``told``: the re-plan follows what the user just did in the conversation (told a date,
    made the plan, recorded the certificate). A new reminder that would be due this very
    moment is then not planned: the user has just said or seen that date, and what's next
    (shown with the answer) leads with any risk; a "coming up in 19 days" or the same risk
    alert a minute later reads as noise. The event's later reminders stay."""
    wanted, live = wanted_reminders(company, members, rules, now)
    out = reconcile(wanted, stored, live)
    if told:
        out.insert = [w for w in out.insert if w.due_at > now]
    return out


# The state fields ``plan_fingerprint`` reads (tests/reminders/test_reconcile.py records the
# reads to check it): a save that changed none of them left the plan's inputs as they were,
# so the service fingerprints neither side.
PLAN_COMPANY_FIELDS = frozenset(
    {"id", "timezone", "reminder_hour", "system_start", "steps_done", "actions"}
    | {"certificate", "nonconformities", "events", "assignees", "members"}
)
PLAN_USER_FIELDS = frozenset(
    {"id", "channel", "reminders_opt_in", "active", "reminders_paused_from"}
    | {"reminders_paused_until"}
)


def plan_fingerprint(conv: Conversation, rules: Rules) -> tuple[Any, ...]:
    """Everything ``plan_reminders`` reads from this conversation, comparable with ``==``.

    Its events (explicit and derived), the timezone and hour, and whether this user is a
    recipient, and who events are assigned to. Changes to the members themselves are
    re-planned by the effects that make them (``bot.workspace_service``). Time is not part of
    it: what time alone changes (catch-up, stale reminders) the dispatcher applies to the
    stored rows itself.
    """
    company, user = conv.company, conv.user
    events = tuple(
        (e.key, e.kind, e.on, e.title_zh, e.title_en, e.step_id, e.done)
        for e in all_events(company, rules)
    )
    paused = (user.reminders_paused_from, user.reminders_paused_until)
    member = (user.id, user.channel, user.reminders_opt_in, user.active, paused)
    team = assignment_fingerprint(company)
    return (company.id, company.timezone, company.reminder_hour, member, events, team)
