"""Which dates matter to a company and when to remind whom (pure: no clock, no database).

``all_events`` merges what the user entered (``company.events``) with what follows from the
plan, the nonconformities, the system start date and the certificate (surveillance windows,
recertification milestones, expiry, the yearly internal audit and management review).
``plan_reminders`` turns those dates into reminders due at the company's local reminder hour.
Storage syncs the result into rows (``storage.reminders``); the dispatcher sends the rows.

Keys are stable so re-planning is idempotent: ``surveillance:1``, ``recert:apply``,
``expiry``, ``yearly_internal_audit:s1``, ``action:gap:A03``, ``nc:1:evidence``. An explicit
event with the same key as a derived one replaces it (a user-entered audit date, or a derived
event marked done).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.dates import add_months
from flows.state import Company, DatedEvent
from knowledge.schema import ReminderKind, Rules, Text

OVERDUE_LEAD = -1  # lead_days of the alert sent the day after a missed date
SNOOZE_LEAD = -2  # lead_days of a reminder the user snoozed (not part of the plan)
EARLIEST_HOUR = 8  # never remind at night: the configured hour is clamped to 8..20
LATEST_HOUR = 20

_NUMBERED_SURVEILLANCE = re.compile(r"^surveillance:(\d+)$")

_FALLBACK_KIND = ReminderKind(
    id="other",
    title=Text(zh="日程", en="Scheduled date"),
    lead_days=[7, 1],
    overdue=True,
    prepare=Text(
        zh="看看这个日期前还需要准备什么；日期变了请及时修改。",
        en="Check what still needs doing before this date; change the date if it moved.",
    ),
)


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
        return ZoneInfo("Asia/Shanghai")


def reminder_kind(rules: Rules, kind_id: str) -> ReminderKind:
    """The rules for ``kind_id``; unknown kinds (e.g. a user's own date) get a generic one."""
    for kind in rules.reminder_kinds:
        if kind.id == kind_id:
            return kind
    return _FALLBACK_KIND


# --- events -------------------------------------------------------------------------------


def _event(rules: Rules, key: str, kind: str, on: date, zh: str = "", en: str = "") -> DatedEvent:
    rk = reminder_kind(rules, kind)
    return DatedEvent(
        key=key,
        kind=kind,
        on=on,
        title_zh=zh or rk.title.zh,
        title_en=en or rk.title.en,
        step_id=rk.step_id,
    )


def _action_events(company: Company, rules: Rules) -> list[DatedEvent]:
    return [
        _event(rules, f"action:{a.id}", "action", a.due, a.title_zh, a.title_en)
        for a in company.actions
        if a.done_on is None
    ]


def _nc_events(company: Company, rules: Rules) -> list[DatedEvent]:
    out: list[DatedEvent] = []
    for nc in company.nonconformities:
        if nc.closed_on is not None:
            continue
        label = nc.description.strip()[:60]
        out.append(
            _event(
                rules,
                f"{nc.id}:correction",
                "nc_correction",
                nc.correction_due,
                f"不符合项纠正：{label}",
                f"Correct nonconformity: {label}",
            )
        )
        out.append(
            _event(
                rules,
                f"{nc.id}:evidence",
                "nc_evidence",
                nc.evidence_due,
                f"不符合项证据提交：{label}",
                f"Send nonconformity evidence: {label}",
            )
        )
    return out


def _system_start_event(company: Company, rules: Rules) -> list[DatedEvent]:
    # The 3-month mark only matters before the first certificate.
    if company.system_start is None or company.certificate is not None:
        return []
    on = add_months(company.system_start, rules.min_operation_months)
    return [_event(rules, "system_start", "system_start", on)]


def _is_alias(event: DatedEvent) -> bool:
    """An un-numbered surveillance date (key ``surveillance``): "the next surveillance"."""
    return event.kind == "surveillance" and not _NUMBERED_SURVEILLANCE.match(event.key)


def _surveillance_slots(
    company: Company, rules: Rules, explicit: dict[str, DatedEvent], decision: date, end: date
) -> list[DatedEvent]:
    """Surveillance audits: the first within N months of the decision, then at most N apart.

    A numbered explicit event (``surveillance:2``) fixes that slot; un-numbered ones fill
    the other slots in date order (each must come after the previous audit). Without
    either, the slot sits on the latest allowed date and the next one counts from it.
    """
    aliases = sorted((e for e in company.events if _is_alias(e)), key=lambda e: e.on)
    slots: list[DatedEvent] = []
    previous = decision
    months = rules.first_surveillance_within_months
    for n in range(1, max(rules.certificate_validity_years, 1)):
        latest = add_months(previous, months)
        key = f"surveillance:{n}"
        chosen = explicit.get(key)
        if chosen is None:
            aliases = [a for a in aliases if a.on > previous]
            chosen = aliases.pop(0) if aliases else None
        if chosen is None and latest >= end:
            break  # the recertification audit takes this year's place
        on = chosen.on if chosen else latest
        slot = _event(rules, key, "surveillance", on, f"第{n}次监督审核", f"Surveillance audit {n}")
        if chosen is not None:
            slot = slot.model_copy(
                update={"done": chosen.done, "step_id": chosen.step_id or slot.step_id}
            )
        slots.append(slot)
        previous = on
        months = rules.surveillance_interval_max_months
    return slots


def _yearly_events(rules: Rules, anchors: list[tuple[str, date, str, str]]) -> list[DatedEvent]:
    practice = rules.practice.reminders
    out: list[DatedEvent] = []
    for suffix, audit_on, zh, en in anchors:
        out.append(
            _event(
                rules,
                f"yearly_internal_audit:{suffix}",
                "yearly_internal_audit",
                add_months(audit_on, -practice.yearly_internal_audit_months_before),
                f"年度内部审核（迎接{zh}）",
                f"Yearly internal audit (before {en})",
            )
        )
        out.append(
            _event(
                rules,
                f"yearly_management_review:{suffix}",
                "yearly_management_review",
                add_months(audit_on, -practice.yearly_review_months_before),
                f"年度管理评审（迎接{zh}）",
                f"Yearly management review (before {en})",
            )
        )
    return out


def _certificate_events(
    company: Company, rules: Rules, explicit: dict[str, DatedEvent]
) -> list[DatedEvent]:
    cert = company.certificate
    # 2013-edition certificates ended on 2025-12-31: no cycle to keep alive.
    if cert is None or cert.edition != "2023":
        return []
    recert_audit = add_months(
        cert.expires, -rules.practice.reminders.recert_audit_months_before_expiry
    )
    decision = cert.decision_date or cert.issued
    slots = _surveillance_slots(company, rules, explicit, decision, recert_audit)
    out = list(slots)
    for name, months in rules.recert_milestones_months.items():
        kind = name if name.startswith("recert_") else f"recert_{name}"
        out.append(
            _event(
                rules,
                f"recert:{kind.removeprefix('recert_')}",
                kind,
                add_months(cert.expires, -months),
            )
        )
    out.append(_event(rules, "expiry", "expiry", cert.expires))
    anchors = [(f"s{i}", s.on, s.title_zh, s.title_en.lower()) for i, s in enumerate(slots, 1)]
    anchors.append(("recert", recert_audit, "再认证审核", "the recertification audit"))
    out.extend(_yearly_events(rules, anchors))
    return out


def all_events(company: Company, rules: Rules) -> list[DatedEvent]:
    """Every dated event of the company, sorted by date; explicit events win over derived."""
    explicit = {e.key: e for e in company.events}
    derived = (
        _action_events(company, rules)
        + _nc_events(company, rules)
        + _system_start_event(company, rules)
        + _certificate_events(company, rules, explicit)
    )
    merged = {event.key: event for event in derived}
    placed = company.certificate is not None and company.certificate.edition == "2023"
    for event in company.events:
        if placed and _is_alias(event):
            continue  # already placed into a numbered surveillance slot
        merged[event.key] = _with_defaults(event, merged.get(event.key), rules)
    return sorted(merged.values(), key=lambda e: (e.on, e.key))


def _with_defaults(event: DatedEvent, base: DatedEvent | None, rules: Rules) -> DatedEvent:
    """An explicit event inherits the derived one's titles and step when it has none."""
    update: dict[str, str | None] = {}
    if not (event.title_zh or event.title_en):
        fallback = base or _event(rules, event.key, event.kind, event.on)
        update |= {"title_zh": fallback.title_zh, "title_en": fallback.title_en}
    if event.step_id is None:
        update["step_id"] = (base.step_id if base else None) or reminder_kind(
            rules, event.kind
        ).step_id
    return event.model_copy(update=update) if update else event


def find_event(company: Company, rules: Rules, key: str) -> DatedEvent | None:
    return next((e for e in all_events(company, rules) if e.key == key), None)


def _upsert(company: Company, event: DatedEvent) -> Company:
    events = [e for e in company.events if e.key != event.key]
    return company.model_copy(update={"events": [*events, event]})


def mark_done(company: Company, rules: Rules, key: str, today: date) -> Company:
    """Record that the event ``key`` happened: actions get ``done_on``, others ``done``."""
    if key.startswith("action:"):
        action_id = key.removeprefix("action:")
        actions = [
            a.model_copy(update={"done_on": today}) if a.id == action_id else a
            for a in company.actions
        ]
        return company.model_copy(update={"actions": actions})
    event = find_event(company, rules, key)
    if event is None:
        return company
    return _upsert(company, event.model_copy(update={"done": True}))


def set_date(company: Company, rules: Rules, key: str, on: date) -> Company:
    """Move the event ``key`` to ``on`` (derived events become explicit ones)."""
    if key.startswith("action:"):
        action_id = key.removeprefix("action:")
        actions = [
            a.model_copy(update={"due": on}) if a.id == action_id else a for a in company.actions
        ]
        return company.model_copy(update={"actions": actions})
    event = find_event(company, rules, key)
    if event is None:
        return company
    return _upsert(company, event.model_copy(update={"on": on, "done": False}))


# --- reminders ----------------------------------------------------------------------------


def dedup_key(event_key: str, lead_days: int, event_date: date) -> str:
    return f"{event_key}|{lead_days}|{event_date.isoformat()}"


def _candidates(
    event: DatedEvent, kind: ReminderKind, tz: ZoneInfo, hour: int
) -> list[tuple[int, datetime]]:
    leads = [
        (lead, local_instant(event.on - timedelta(days=lead), hour, tz))
        for lead in sorted(set(kind.lead_days), reverse=True)
        if lead >= 0
    ]
    if kind.overdue:
        leads.append((OVERDUE_LEAD, local_instant(event.on + timedelta(days=1), hour, tz)))
    return leads


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
        for lead, due in applicable(_candidates(event, kind, tz, hour), event.on, now, tz):
            key = dedup_key(event.key, lead, event.on)
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
