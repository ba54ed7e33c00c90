"""The certificate's cycle: surveillance audits, the yearly audit and review before each one,
recertification milestones and expiry (domain brief §3.6 and §7).

The first surveillance audit is due within N months of the certification decision, the next
at most N months after the previous one; a date the user booked fixes that audit and the next
one counts from it. Derived deadlines that fall on a weekend or public holiday move to the
working day before (``moved_from`` keeps the original, so reminders can say so). The yearly
internal audit and management review come before each surveillance audit, and before the
recertification *application*. Dates recorded for an earlier certificate (before this one's
decision) belong to the previous cycle and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flows.dates import add_months
from flows.state import Certificate, Company, DatedEvent
from flows.workdays import shift_to_working_day
from knowledge.schema import Rules

_NUMBERED_SURVEILLANCE = re.compile(r"^surveillance:(\d+)$")
_CYCLE_KINDS = {
    "surveillance",
    "surveillance_audit",
    "yearly_internal_audit",
    "yearly_management_review",
    "expiry",
    "recert",
}


@dataclass(frozen=True)
class CertItem:
    key: str
    kind: str
    on: date
    title_zh: str = ""
    title_en: str = ""
    done: bool = False
    fixed: bool = False
    after: tuple[str, ...] = ()
    moved_from: date | None = None
    deadline: date | None = None


def cycle_kinds(rules: Rules) -> set[str]:
    """Kinds (and key prefixes) that belong to a certificate's cycle."""
    return _CYCLE_KINDS | {f"recert_{name}" for name in rules.recert_milestones_months}


def _earlier(d: date) -> tuple[date, date | None]:
    shift = shift_to_working_day(d, "earlier")
    return shift.day, (d if shift.moved else None)


def is_alias(event: DatedEvent) -> bool:
    """An un-numbered surveillance date (key ``surveillance``): "the next surveillance"."""
    return event.kind == "surveillance" and not _NUMBERED_SURVEILLANCE.match(event.key)


def decision_of(cert: Certificate) -> date:
    return cert.decision_date or cert.issued


def certificate_items(company: Company, rules: Rules) -> list[CertItem]:
    cert = company.certificate
    # 2013-edition certificates ended on 2025-12-31: no cycle to keep alive.
    if cert is None or cert.edition != "2023":
        return []
    decision = decision_of(cert)
    current = [e for e in company.events if e.on >= decision]
    explicit = {e.key: e for e in current}
    recert_audit = add_months(
        cert.expires, -rules.practice.reminders.recert_audit_months_before_expiry
    )
    slots = _surveillance(current, rules, explicit, decision, recert_audit)
    recert = _recertification(cert, rules, explicit)
    yearly, slots, recert = _yearly(rules, slots, recert)
    derived = [*slots, *yearly, *recert]
    return [_overridden(item, explicit.get(item.key)) for item in derived]


def _overridden(item: CertItem, event: DatedEvent | None) -> CertItem:
    """A date the user recorded (or marked done) for a derived item wins."""
    if event is None or item.fixed:
        return item
    return replace(item, on=event.on, done=event.done, fixed=True, moved_from=None)


def _surveillance(
    events: list[DatedEvent],
    rules: Rules,
    explicit: dict[str, DatedEvent],
    decision: date,
    end: date,
) -> list[CertItem]:
    aliases = sorted((e for e in events if is_alias(e)), key=lambda e: e.on)
    slots: list[CertItem] = []
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
        deadline, moved = _earlier(latest)
        after = (slots[-1].key,) if slots else ()
        if chosen is not None:  # booked: an audit the certification body runs on that day
            slot = CertItem(
                key,
                "surveillance_audit",
                chosen.on,
                f"第{n}次监督审核",
                f"Surveillance audit {n}",
                done=chosen.done,
                fixed=True,
                after=after,
                deadline=deadline,
            )
        else:
            slot = CertItem(
                key,
                "surveillance",
                deadline,
                f"第{n}次监督审核最迟日期",
                f"Surveillance audit {n} deadline",
                after=after,
                moved_from=moved,
                deadline=deadline,
            )
        slots.append(slot)
        previous = chosen.on if chosen else latest
        months = rules.surveillance_interval_max_months
    return slots


def _recertification(
    cert: Certificate, rules: Rules, explicit: dict[str, DatedEvent]
) -> list[CertItem]:
    applied = (ev := explicit.get("recert:apply")) is not None and ev.done
    out: list[CertItem] = []
    for name, months in rules.recert_milestones_months.items():
        kind = name if name.startswith("recert_") else f"recert_{name}"
        on, moved = _earlier(add_months(cert.expires, -months))
        implied = applied and name in ("plan", "latest")  # applying settles both
        after = ("recert:apply",) if name in ("audit", "check") else ()
        out.append(
            CertItem(f"recert:{name}", kind, on, done=implied, after=after, moved_from=moved)
        )
    # The expiry printed on the certificate is a fact, not a deadline we derive: it stays.
    out.append(CertItem("expiry", "expiry", cert.expires, done=applied, fixed=True))
    return out


Anchor = tuple[str, str, str, str, date, date]  # suffix, key, zh, en, audit date, review date


def _anchors(rules: Rules, slots: list[CertItem], recert: list[CertItem]) -> list[Anchor]:
    """What each yearly audit and review prepares for, and their (raw) dates."""
    practice = rules.practice.reminders
    anchors: list[Anchor] = [
        (
            f"s{i}", s.key, f"第{i}次监督审核", f"surveillance audit {i}",
            add_months(s.on, -practice.yearly_internal_audit_months_before),
            add_months(s.on, -practice.yearly_review_months_before),
        )
        for i, s in enumerate(slots, 1)
    ]  # fmt: skip
    apply = next((r for r in recert if r.key == "recert:apply"), None)
    if apply is not None:
        anchors.append(
            (
                "recert", apply.key, "再认证申请", "the recertification application",
                apply.on - timedelta(days=practice.recert_internal_audit_days_before_apply),
                apply.on - timedelta(days=practice.recert_review_days_before_apply),
            )
        )  # fmt: skip
    return anchors


def _yearly(
    rules: Rules, slots: list[CertItem], recert: list[CertItem]
) -> tuple[list[CertItem], list[CertItem], list[CertItem]]:
    """The yearly internal audit and review before each surveillance audit and before the
    recertification application; the anchors get them as dependencies. Their dates are
    recommended timing, not deadlines: moved to a working day without a word."""
    yearly: list[CertItem] = []
    anchored: dict[str, tuple[str, str]] = {}
    for suffix, key, zh, en, audit_raw, review_raw in _anchors(rules, slots, recert):
        audit_key = f"yearly_internal_audit:{suffix}"
        review_key = f"yearly_management_review:{suffix}"
        yearly.append(
            CertItem(
                audit_key, "yearly_internal_audit", _earlier(audit_raw)[0],
                f"年度内部审核（迎接{zh}）", f"Yearly internal audit (before {en})",
            )
        )  # fmt: skip
        yearly.append(
            CertItem(
                review_key, "yearly_management_review", _earlier(review_raw)[0],
                f"年度管理评审（迎接{zh}）", f"Yearly management review (before {en})",
                after=(audit_key,),
            )
        )  # fmt: skip
        anchored[key] = (audit_key, review_key)
    slots = [replace(s, after=(*s.after, *anchored.get(s.key, ()))) for s in slots]
    recert = [replace(r, after=(*r.after, *anchored.get(r.key, ()))) for r in recert]
    return yearly, slots, recert
