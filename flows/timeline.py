"""One picture of where the company stands: every dated thing as one list of items.

Journey milestones, plan actions, the dates the user recorded, the certificate's cycle and
nonconformity deadlines become one set of ``Item``s with stable keys, dependencies and a
state (planned, due, done, missed, or awaiting the outcome of an audit the certification
body ran). "What's next", /status, /plan, /calendar and the reminders are all views of it,
so they cannot disagree, and nothing is listed twice.

Keys: ``operate`` (the system starts running with records), ``eligible`` (3 months later),
``internal_audit``, ``management_review``, ``apply``, ``stage1``, ``stage2``; plan actions
``action:gap:A03`` / ``action:own:2``; ``nc:1:correction`` / ``nc:1:evidence``; the
certificate's ``surveillance:1``, ``yearly_internal_audit:s1``, ``recert:apply``, ``expiry``
(``flows.timeline_cert``); any other date the user recorded under its own key.

Dates the assistant derives fall on working days (``flows.workdays``): plan dates move later,
certificate deadlines earlier (``moved_from`` keeps the original). Dates the user recorded
are kept as they are. Pure: time only enters through ``state(item, today)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from flows.dates import add_months
from flows.natural.text import clip
from flows.state import Action, Company, DatedEvent
from flows.timeline_cert import CertItem, certificate_items, cycle_kinds
from flows.workdays import shift_to_working_day
from knowledge.journey_check import MILESTONES
from knowledge.schema import Journey, ReminderKind, Rules, Text, Theme

RULE_PREFIX = "rule:"  # plan milestones are stored as actions "rule:<milestone>"
DUE_WINDOW_DAYS = 7  # "due" rather than "planned": within a week

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


class State(StrEnum):
    PLANNED = "planned"
    DUE = "due"  # within the coming week
    DONE = "done"
    MISSED = "missed"  # the date has passed and it is not done
    AWAITING = "awaiting"  # an audit the certification body ran: its outcome is not known


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # a rules.yaml reminder kind
    title_zh: str
    title_en: str
    on: date
    done: bool = False
    done_on: date | None = None
    fixed: bool = False  # a date the user recorded (a fact or their own choice), not derived
    after: tuple[str, ...] = ()  # keys that come first
    step_id: str | None = None
    action_id: str | None = None
    question_id: str | None = None
    theme: str | None = None
    owner_zh: str = ""
    owner_en: str = ""
    priority: int = 3
    moved_from: date | None = None  # the derived date before it moved to a working day
    deadline: date | None = None  # certificate items: the latest allowed date
    external: bool = False
    risk: str = "never"
    passes: bool = False  # a point in time, nothing to do: reached is done ("eligible")

    def title(self, lang: str) -> str:
        return (self.title_zh if lang == "zh" else self.title_en) or self.title_zh

    def owner(self, lang: str) -> str:
        return self.owner_zh if lang == "zh" else self.owner_en


@dataclass(frozen=True)
class Timeline:
    items: tuple[Item, ...]  # by date, then key
    _by_key: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)

    def get(self, key: str) -> Item | None:
        return self._by_key.get(key)

    def open_items(self) -> list[Item]:
        return [i for i in self.items if not i.done]


def reminder_kind(rules: Rules, kind_id: str) -> ReminderKind:
    """The rules for ``kind_id``; unknown kinds (e.g. a user's own date) get a generic one."""
    return next((k for k in rules.reminder_kinds if k.id == kind_id), _FALLBACK_KIND)


def state(item: Item, today: date) -> State:
    if item.passes and item.on <= today:
        return State.DONE
    if item.done:
        return State.DONE if (item.done_on or item.on) <= today else State.PLANNED
    if item.on < today:
        return State.AWAITING if item.external else State.MISSED
    if item.on <= today + timedelta(days=DUE_WINDOW_DAYS):
        return State.DUE
    return State.PLANNED


# --- building -------------------------------------------------------------------------------


def build(company: Company, rules: Rules, journey: Journey | None = None) -> Timeline:
    """Every dated item of the company; ``journey`` adds the plan's dependencies and themes."""
    themes = _theme_of(journey)
    closed_by = _closed_by_milestone(journey)
    milestones = _milestones(company, rules)
    actions = [
        _action_item(a, themes)
        for a in company.actions
        if not a.id.startswith(RULE_PREFIX) and a.question_id not in closed_by
    ]
    items = [*milestones, *actions, *_nc_items(company, rules)]
    items += [_from_cert(c, rules) for c in certificate_items(company, rules)]
    items += _other_events(company, rules, {i.key for i in items})
    if journey is not None:
        items = _with_dependencies(items, journey)
    ordered = tuple(sorted(items, key=lambda i: (i.on, i.key)))
    return Timeline(ordered, {i.key: i for i in ordered})


def _theme_of(journey: Journey | None) -> dict[str, Theme]:
    if journey is None:
        return {}
    return {q: theme for theme in journey.themes for q in theme.questions}


def _closed_by_milestone(journey: Journey | None) -> set[str]:
    return {q for qs in journey.milestones.values() for q in qs} if journey else set()


def _kind_item(rules: Rules, key: str, kind: str, on: date, **fields: object) -> Item:
    rk = reminder_kind(rules, kind)
    values: dict[str, object] = {
        "title_zh": rk.title.zh,
        "title_en": rk.title.en,
        "step_id": rk.step_id,
        "external": rk.external,
        "risk": rk.risk,
    }
    values.update(fields)
    return Item(key=key, kind=kind, on=on, **values)  # type: ignore[arg-type]


def _later(d: date) -> tuple[date, date | None]:
    """A derived plan date on a working day (later), and the original when it moved."""
    shift = shift_to_working_day(d, "later")
    return shift.day, (d if shift.moved else None)


def _milestones(company: Company, rules: Rules) -> list[Item]:
    """The way to the first certificate: recorded dates win over the plan's."""
    explicit = {e.key: e for e in company.events}
    planned = {
        a.id.removeprefix(RULE_PREFIX): a for a in company.actions if a.id.startswith(RULE_PREFIX)
    }
    cert = company.certificate
    out: list[Item] = []
    for key in MILESTONES:
        step = reminder_kind(rules, key).step_id
        found = _milestone_date(company, key, explicit.get(key), planned.get(key))
        if found is None:
            continue
        on, fixed, done, done_on = found
        moved = None
        if not fixed:
            on, moved = _later(on)
        # Certified: the way there is behind (a date the user set after it stays theirs).
        behind = cert is not None and (not fixed or on <= cert.issued)
        done = done or behind or (step is not None and step in company.steps_done)
        out.append(
            _kind_item(
                rules,
                key,
                key,
                on,
                done=done,
                done_on=(done_on or on) if done else None,
                fixed=fixed,
                moved_from=moved,
                **_owner(planned.get(key)),
            )
        )
        if key == "operate" and cert is None:
            eligible = add_months(on, rules.min_operation_months)
            day, moved_from = _later(eligible)
            out.append(
                _kind_item(rules, "eligible", "eligible", day, moved_from=moved_from, passes=True)
            )
    return out


def _milestone_date(
    company: Company, key: str, event: DatedEvent | None, planned: Action | None
) -> tuple[date, bool, bool, date | None] | None:
    """(date, recorded by the user, done, done on) of one milestone, or None without a date."""
    if key == "operate" and company.system_start is not None:
        return company.system_start, True, True, company.system_start
    if event is not None:
        return event.on, True, event.done, event.on if event.done else None
    if planned is not None:
        return planned.due, False, planned.done_on is not None, planned.done_on
    return None


def _owner(action: Action | None) -> dict[str, object]:
    if action is None:
        return {}
    return {"owner_zh": action.owner_role_zh, "owner_en": action.owner_role_en, "priority": 1}


def _action_item(a: Action, themes: dict[str, Theme]) -> Item:
    theme = themes.get(a.question_id or "")
    on, moved = (a.due, None) if a.done_on else _later(a.due)
    return Item(
        key=f"action:{a.id}",
        kind="action",
        title_zh=a.title_zh,
        title_en=a.title_en,
        on=on,
        done=a.done_on is not None,
        done_on=a.done_on,
        step_id=theme.step if theme else None,
        action_id=a.id,
        question_id=a.question_id,
        theme=theme.id if theme else None,
        owner_zh=a.owner_role_zh,
        owner_en=a.owner_role_en,
        priority=a.priority,
        moved_from=moved,
    )


_NC_TITLES = {  # what to do, then the finding in the user's own words
    "correction": ("不符合项纠正：", "Correct nonconformity: "),
    "evidence": ("不符合项证据提交：", "Send nonconformity evidence: "),
}


def _nc_items(company: Company, rules: Rules) -> list[Item]:
    out: list[Item] = []
    for nc in company.nonconformities:
        label = clip(nc.description.strip(), 60)  # at a word, not mid-word
        for part, kind, on in (
            ("correction", "nc_correction", nc.correction_due),
            ("evidence", "nc_evidence", nc.evidence_due),
        ):
            zh, en = _NC_TITLES[part]
            out.append(
                _kind_item(
                    rules,
                    f"{nc.id}:{part}",
                    kind,
                    on,
                    done=nc.closed_on is not None,
                    done_on=nc.closed_on,
                    fixed=True,
                    title_zh=zh + label,
                    title_en=en + label,
                )
            )
    return out


def _from_cert(c: CertItem, rules: Rules) -> Item:
    return _kind_item(
        rules,
        c.key,
        c.kind,
        c.on,
        title_zh=c.title_zh or reminder_kind(rules, c.kind).title.zh,
        title_en=c.title_en or reminder_kind(rules, c.kind).title.en,
        done=c.done,
        done_on=c.on if c.done else None,
        fixed=c.fixed,
        after=c.after,
        moved_from=c.moved_from,
        deadline=c.deadline,
    )


def _other_events(company: Company, rules: Rules, taken: set[str]) -> list[Item]:
    """Dates the user recorded that nothing above accounts for (their own kinds)."""
    skip = taken | set(MILESTONES) | {"system_start"}
    cycle = cycle_kinds(rules)
    return [
        _kind_item(
            rules,
            e.key,
            e.kind,
            e.on,
            done=e.done,
            done_on=e.on if e.done else None,
            fixed=True,
            **(
                {"title_zh": e.title_zh, "title_en": e.title_en} if e.title_zh or e.title_en else {}
            ),
        )
        for e in company.events
        if e.key not in skip and e.kind not in cycle and e.key.split(":")[0] not in cycle
    ]


# --- dependencies ---------------------------------------------------------------------------


def _with_dependencies(items: list[Item], journey: Journey) -> list[Item]:
    """Each group of the way to the certificate comes after the nearest earlier group.

    Groups in order: the themes before the system runs, then each milestone followed by the
    themes that come after it (records after ``operate``, findings after the audit).
    """
    by_key = {i.key: i for i in items}
    by_theme: dict[str, list[str]] = {}
    for i in items:
        if i.theme:
            by_theme.setdefault(i.theme, []).append(i.key)
    groups = [by_theme.get(t.id, []) for t in journey.themes if t.after is None]
    for key in MILESTONES:
        groups.append([key] if key in by_key else [])
        groups += [by_theme.get(t.id, []) for t in journey.themes if t.after == key]
    after: dict[str, tuple[str, ...]] = {}
    previous: list[str] = []
    for group in groups:
        for key in group:
            after[key] = tuple(previous)
        previous = group or previous
    if "eligible" in by_key:
        after["eligible"] = ("operate",)
        if "apply" in after:
            after["apply"] = (*after["apply"], "eligible")
    return [i if i.key not in after else replace(i, after=(*after[i.key], *i.after)) for i in items]


def topological(items: Iterable[Item]) -> list[Item]:
    """Items with every dependency before them (dependencies outside the list are ignored)."""
    pending = {i.key: i for i in items}
    placed: list[Item] = []
    seen: set[str] = set()
    while pending:
        ready = [i for i in pending.values() if all(a in seen or a not in pending for a in i.after)]
        if not ready:  # a cycle cannot come from the data; keep date order rather than loop
            ready = list(pending.values())
        for item in sorted(ready, key=lambda i: (i.on, i.key)):
            placed.append(item)
            seen.add(item.key)
            del pending[item.key]
    return placed


def as_event(item: Item) -> DatedEvent:
    """The item as the reminder planner and the calendar see it."""
    return DatedEvent(
        key=item.key,
        kind=item.kind,
        on=item.on,
        title_zh=item.title_zh,
        title_en=item.title_en,
        step_id=item.step_id,
        done=item.done,
    )
