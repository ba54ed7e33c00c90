"""When to remind whom (pure: no clock, no database).

``all_events`` is the company's timeline (``flows.timeline``) as ``DatedEvent``s: the same
dates /next, /plan and /calendar show, each once. ``plan_reminders`` turns them into reminders
due at the company's local reminder hour; storage syncs the result into rows
(``storage.reminders``) and the dispatcher sends each user's due rows together as one daily
digest (``flows.digest``), risks to the certificate apart (``is_risk``).

Keys are stable so re-planning is idempotent: ``surveillance:1``, ``recert:apply``,
``expiry``, ``yearly_internal_audit:s1``, ``action:gap:A03``, ``nc:1:evidence``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.dates import add_months
from flows.pause import held
from flows.state import DEFAULT_TZ, Company, DatedEvent, User
from flows.team import addressees
from flows.timeline import Item, Timeline, as_event, build, reminder_kind
from flows.workdays import is_working_day, next_working_day, previous_working_day
from knowledge.loader import load_knowledge
from knowledge.schema import Journey, ReminderKind, Rules
from knowledge.texts import load_catalogue

__all__ = ["add_months", "reminder_kind"]

OVERDUE_LEAD = -1  # lead_days of the alert sent the day after a missed date
SNOOZE_LEAD = -2  # lead_days of a reminder the user snoozed (not part of the plan)
STILL_LEAD = -3  # lead_days of the weekly "still overdue" reminder (``still_overdue_day``)
WEEKLY_CATCH_UP = 14  # days back a re-plan looks for the latest weekly reminder
EARLIEST_HOUR = 8  # never remind at night: the configured hour is clamped to 8..20
LATEST_HOUR = 20


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    dedup_key: str  # "<event key>|<lead days>|<event date>", unique per company and user
    user_id: int
    event_key: str
    kind: str
    lead_days: int  # days before the date; OVERDUE_LEAD for the alert after it
    event_date: date
    due_at: datetime  # aware UTC
    title_zh: str
    title_en: str
    step_id: str | None


# --- dates --------------------------------------------------------------------------------


def clamp_hour(hour: int) -> int:
    return min(max(hour, EARLIEST_HOUR), LATEST_HOUR)


def local_instant(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """``day`` at ``hour``:00 local time in ``tz``, as aware UTC.

    zoneinfo with ``fold=0`` resolves both DST edge cases to one instant: a wall time that
    occurs twice (autumn) means its first occurrence; one skipped by the spring jump is read
    with the offset before the jump, i.e. it lands just after the gap (02:30 -> 03:30).
    """
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def zone(name: str) -> ZoneInfo:
    """The company's zone; an unknown name falls back to China time rather than failing."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def is_risk(rules: Rules, kind: str, lead_days: int) -> bool:
    """A reminder sent on its own, not in the digest: a risk to the certificate."""
    rk = reminder_kind(rules, kind)
    return rk.risk == "always" or (rk.risk == "overdue" and lead_days == OVERDUE_LEAD)


# --- events -------------------------------------------------------------------------------


def _moved_note(item: Item) -> tuple[str, str]:
    """Titles that say a certificate deadline moved earlier off a day off."""
    if item.moved_from is None or item.moved_from < item.on:
        return item.title_zh, item.title_en
    texts, day = load_catalogue(), item.moved_from
    zh = texts.t(
        "zh",
        "moved_earlier",
        date=day.isoformat(),
        day=texts.t("zh", "weekdays").split()[day.weekday()],
    )
    en = texts.t(
        "en",
        "moved_earlier",
        date=day.isoformat(),
        day=texts.t("en", "weekdays").split()[day.weekday()],
    )
    return item.title_zh + zh, item.title_en + en


def timeline_events(tl: Timeline) -> list[DatedEvent]:
    out = []
    for item in tl.items:
        zh, en = _moved_note(item)
        out.append(as_event(item).model_copy(update={"title_zh": zh, "title_en": en}))
    return out


def all_events(company: Company, rules: Rules, journey: Journey | None = None) -> list[DatedEvent]:
    """Every dated item of the company, sorted by date, each key once."""
    return timeline_events(build(company, rules, journey or load_knowledge().journey))


def find_event(company: Company, rules: Rules, key: str) -> DatedEvent | None:
    return next((e for e in all_events(company, rules) if e.key == key), None)


# --- reminders ----------------------------------------------------------------------------


def dedup_key(event_key: str, lead_days: int, event_date: date) -> str:
    return f"{event_key}|{lead_days}|{event_date.isoformat()}"


def still_key(event_key: str, event_date: date, day: date) -> str:
    """The weekly "still overdue" reminder's key: one per event and week (its Monday), so
    each week's goes out once, whoever plans it and however often."""
    monday = day - timedelta(days=day.weekday())
    return f"{event_key}|still|{event_date.isoformat()}|{monday.isoformat()}"


def repeats(kind: ReminderKind) -> bool:
    """An overdue item of this kind comes back weekly: an owner's own task, not an audit
    the certification body runs, nor a risk to the certificate (those keep their rules)."""
    return kind.overdue and not kind.external and kind.risk == "never" and not kind.point


def still_overdue_day(after: date) -> date:
    """The weekly digest day after ``after``'s week: the first working day of the next week
    that has one (Monday, or the day after a Monday holiday; a week wholly off is skipped)."""
    monday = after - timedelta(days=after.weekday()) + timedelta(days=7)
    while True:
        day = next_working_day(monday)
        if day < monday + timedelta(days=7):
            return day
        monday += timedelta(days=7)


def _weekly(event_on: date, now: datetime, tz: ZoneInfo, hour: int) -> list[datetime]:
    """The weekly "still overdue" reminders that matter at ``now``: the latest due (if any,
    within the last two weeks) and the next one. Each one sent plans the next
    (``next_still_overdue``), so a re-plan only has to pick up where the chain is."""
    alert = reminder_day(event_on, OVERDUE_LEAD)
    since = max(alert, local_today(now, tz) - timedelta(days=WEEKLY_CATCH_UP))
    out: list[datetime] = []
    day = still_overdue_day(since)
    while True:
        due = local_instant(day, hour, tz)
        out.append(due)
        if due > now:
            return out[-2:]
        day = still_overdue_day(day)


def next_still_overdue(
    rules: Rules,
    kind: str,
    lead_days: int,
    event_key: str,
    event_date: date,
    due_at: datetime,
    timezone: str,
    now: datetime,
) -> tuple[str, datetime] | None:
    """The next weekly reminder (dedup key, due) after an overdue one was sent at ``now``:
    the week after, at the same hour; None if the kind does not repeat. Never this week,
    so a catch-up after downtime does not make a second digest the same day."""
    if lead_days not in (OVERDUE_LEAD, STILL_LEAD) or not repeats(reminder_kind(rules, kind)):
        return None
    tz = zone(timezone)
    day = still_overdue_day(max(local_today(due_at, tz), local_today(now, tz)))
    hour = clamp_hour(due_at.astimezone(tz).hour)
    return still_key(event_key, event_date, day), local_instant(day, hour, tz)


def reminder_day(event_on: date, lead: int, risk: bool = False) -> date:
    """The local day a reminder goes out: a working day, never after its event.

    A lead-time reminder that would fall on a weekend or a public holiday moves to the
    working day before (earlier, so never after the event; the due date itself is already a
    working day). The alert after the date moves to the next working day, except a risk to
    the certificate (``risk``): a surveillance audit or a nonconformity deadline missed is
    reported the next day even if that is a day off, because a suspended or lapsing
    certificate costs far more than a weekend message (one short card, never the digest).
    """
    if lead >= 0:
        return previous_working_day(event_on - timedelta(days=lead))
    after = event_on + timedelta(days=1)
    return after if risk else next_working_day(after)


def _candidates(
    event: DatedEvent, kind: ReminderKind, tz: ZoneInfo, hour: int, now: datetime
) -> list[tuple[int, datetime]]:
    """Each reminder of the event as (lead days, due), one per day (``reminder_day``): two
    lead times that land on the same working day (a long holiday) make one, the nearer;
    after the overdue alert, weekly ones (``repeats``)."""
    by_day: dict[date, int] = {}
    for lead in sorted(set(kind.lead_days), reverse=True):
        if lead >= 0:
            by_day[reminder_day(event.on, lead)] = lead  # a nearer lead replaces a farther
    leads = [(lead, local_instant(day, hour, tz)) for day, lead in by_day.items()]
    if kind.overdue or kind.external:  # after an external audit: "how did it go?"
        risk = kind.risk in ("always", "overdue")
        day = reminder_day(event.on, OVERDUE_LEAD, risk)
        leads.append((OVERDUE_LEAD, local_instant(day, hour, tz)))
    if repeats(kind):
        leads += [(STILL_LEAD, due) for due in _weekly(event.on, now, tz, hour)]
    return leads


def off_day_until(now: datetime, tz: ZoneInfo, hour: int) -> datetime | None:
    """On a weekend or public holiday (local): the next working day at ``hour``; else None.

    The dispatcher holds the digest (never a certificate risk) until then: rows planned
    before reminders moved off days off, and a catch-up after downtime, land on working days.
    """
    today = local_today(now, tz)
    if is_working_day(today):
        return None
    return local_instant(next_working_day(today), clamp_hour(hour), tz)


def applicable(
    candidates: list[tuple[int, datetime]], event_on: date, now: datetime, tz: ZoneInfo
) -> list[tuple[int, datetime]]:
    """The catch-up rule: of the reminders already due, keep only the latest one.

    Lead-time reminders stop applying once the date has passed (the overdue alert covers
    that), so a restart after days of downtime sends one reminder per event, not a burst.
    """
    date_passed = local_today(now, tz) > event_on
    kept = [
        (lead, due) for lead, due in candidates if not (lead >= 0 and date_passed and due <= now)
    ]
    past = [c for c in kept if c[1] <= now]
    if len(past) <= 1:
        return kept
    latest = max(past, key=lambda c: c[1])
    return [c for c in kept if c[1] > now or c == latest]


def plan_reminders(
    company: Company,
    events: Iterable[DatedEvent],
    rules: Rules,
    now: datetime,
    recipients: Iterable[int],
) -> list[PlannedReminder]:
    """Reminders for each not-done event, for each recipient (user id), catch-up applied."""
    tz = zone(company.timezone)
    hour = clamp_hour(company.reminder_hour)
    users = list(dict.fromkeys(recipients))
    out: list[PlannedReminder] = []
    for event in events:
        if event.done:
            continue
        kind = reminder_kind(rules, event.kind)
        step = event.step_id or kind.step_id
        candidates = _candidates(event, kind, tz, hour, now)
        for lead, due in applicable(candidates, event.on, now, tz):
            key = (
                still_key(event.key, event.on, local_today(due, tz))
                if lead == STILL_LEAD
                else dedup_key(event.key, lead, event.on)
            )
            for user_id in users:
                out.append(
                    PlannedReminder(
                        key,
                        user_id,
                        event.key,
                        event.kind,
                        lead,
                        event.on,
                        due,
                        event.title_zh,
                        event.title_en,
                        step,
                    )
                )
    return out


def first_digest(
    company: Company, tl: Timeline, rules: Rules, now: datetime, user: User | None = None
) -> date | None:
    """The local day the first daily digest goes out to ``user``: the first of their digest
    reminders the re-plan after the plan being made keeps (``flows.reconcile.replan`` with
    ``told``: none due now), moved to a working day as the dispatcher does (``off_day_until``).

    Their reminders only: an event assigned to someone else, or falling in their pause, is
    not theirs; a risk to the certificate is not the digest."""
    tz = zone(company.timezone)
    me = user.id if user is not None and user.id is not None else 0
    events = timeline_events(tl)
    members = {m.user_id for m in company.members} | {me}
    mine = {e.key for e in events if me in addressees(company, e, members)}
    since = user.reminders_paused_from if user is not None else None
    until = user.reminders_paused_until if user is not None else None
    digest = [
        p.due_at
        for p in plan_reminders(company, events, rules, now, [me])
        if p.due_at > now
        and p.event_key in mine
        and not is_risk(rules, p.kind, p.lead_days)
        and not held(since, until, p.due_at)
    ]
    if not digest:
        return None
    first = min(digest)
    return local_today(off_day_until(first, tz, first.astimezone(tz).hour) or first, tz)
