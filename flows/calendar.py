"""The company's dated events as an iCalendar file (``/calendar``), built with ``icalendar``.

One all-day VEVENT per event with a stable UID (``<company id>-<event key>@ipms-bot``) so
importing the file again updates events instead of duplicating them, and one VALARM per
lead time at the company's reminder hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flows.schedule import all_events, clamp_hour, reminder_kind
from flows.state import Company, DatedEvent
from flows.types import Lang
from knowledge.schema import Rules
from knowledge.texts import Catalogue, load_catalogue

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//ipms-bot//IPMS reminders//EN"


def event_uid(company: Company, key: str) -> str:
    owner = company.id if company.id is not None else "local"
    return f"{owner}-{key}@ipms-bot"


def _title(event: DatedEvent, rules: Rules, lang: Lang) -> str:
    own = event.title_zh if lang == "zh" else event.title_en
    return own or reminder_kind(rules, event.kind).title.get(lang)


def _vevent(
    company: Company, event: DatedEvent, rules: Rules, lang: Lang, now: datetime, texts: Catalogue
) -> Event:
    from icalendar import Alarm, Event  # loaded with the first /calendar (~3 MB resident)

    kind = reminder_kind(rules, event.kind)
    title = _title(event, rules, lang)
    vevent = Event()
    vevent.add("uid", event_uid(company, event.key))
    vevent.add("dtstamp", now)
    vevent.add("dtstart", event.on)
    vevent.add("dtend", event.on + timedelta(days=1))
    vevent.add("summary", ("✅ " if event.done else "") + title)
    vevent.add("description", texts.t(lang, "rem_prepare", text=kind.prepare.get(lang)))
    vevent.add("transp", "TRANSPARENT")  # a reminder date, not a busy block
    if event.done:
        return vevent
    hour = clamp_hour(company.reminder_hour)
    for lead in sorted({d for d in kind.lead_days if d >= 0}, reverse=True):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        # Relative to the all-day start (local midnight): lead days before, at the hour.
        alarm.add("trigger", timedelta(days=-lead, hours=hour))
        vevent.add_component(alarm)
    return vevent


def build_calendar(
    company: Company, rules: Rules, lang: Lang, now: datetime, texts: Catalogue | None = None
) -> bytes:
    """The .ics bytes of every dated event of the company (done ones without alarms)."""
    from icalendar import Calendar

    texts = texts or load_catalogue()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", texts.t(lang, "cal_name", company=company.name).strip())
    cal.add("x-wr-timezone", company.timezone)
    for event in all_events(company, rules):
        cal.add_component(_vevent(company, event, rules, lang, now, texts))
    return bytes(cal.to_ical())
