"""/reminders, /calendar, the snooze buttons and ``ipms remind``.

/reminders and /calendar are flows (pure views of the company's dates); a snooze is an effect
the service carries out on the stored reminder.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from icalendar import Calendar

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from bot.reminder_commands import add_remind_arguments, run_remind
from bot.service import Assistant, Who
from flows.engine import handle
from flows.state import Company, Conversation, DatedEvent
from flows.types import Event, EventKind, Reply
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.repo import Store

from .conftest import START, RecordingSender, certified, make_user


def command(kb: Knowledge, conv: Conversation, name: str, now: datetime = START) -> Reply:
    """One command through the flows; the single reply it gives."""
    conv = conv.model_copy(update={"company": conv.company.model_copy(update={"onboarded": True})})
    _, outcome = handle(conv, Event(EventKind.COMMAND, name, now), kb)
    [reply] = outcome.replies
    return reply


async def press(store: Store, kb: Knowledge, who: str, data: str, now: datetime = START) -> Reply:
    """A button pressed by Telegram user ``who``, through the service (effects included)."""
    assistant = Assistant(store, kb, FakeClock(now))
    replies = await assistant.handle(Who("telegram", who), Event(EventKind.BUTTON, data, now))
    return Reply("\n".join(r.text for r in replies))


def audit(on: date, key: str = "stage1", kind: str = "stage1", done: bool = False) -> DatedEvent:
    return DatedEvent(key=key, kind=kind, on=on, done=done)


# --- /calendar ------------------------------------------------------------------------------


def test_calendar_file_parses_back_with_every_event(kb: Knowledge) -> None:
    company = certified(id=42, events=[audit(date(2026, 12, 20), "stage2", "stage2", done=True)])
    conv = Conversation.model_validate(
        {"user": {"external_id": "1", "lang": "en"}, "company": company}
    )
    reply = command(kb, conv, "calendar")
    assert reply.document is not None
    assert reply.document.filename == "ipms-calendar.ics"
    assert reply.document.mime_type == "text/calendar"
    cal = Calendar.from_ical(reply.document.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert "42-surveillance:1@ipms-bot" in events
    assert "42-expiry@ipms-bot" in events
    s1 = events["42-surveillance:1@ipms-bot"]
    # All-day; the deadline (Sunday 2027-01-10) moved to the working day before, and says so.
    assert s1.decoded("dtstart") == date(2027, 1, 8)
    assert str(s1["summary"]).startswith("Surveillance audit 1 deadline (moved earlier")
    # One alarm per lead time (rules: 120, 30, 7 days), at 09:00.
    triggers = sorted(a.decoded("trigger") for a in s1.walk("VALARM"))
    assert triggers == [
        timedelta(days=-120, hours=9),
        timedelta(days=-30, hours=9),
        timedelta(days=-7, hours=9),
    ]
    done = events["42-stage2@ipms-bot"]
    assert str(done["summary"]).startswith("✅") and not done.walk("VALARM")
    assert str(reply.document.content.count(b"BEGIN:VEVENT")) in reply.text


def test_calendar_uids_are_stable_and_text_is_chinese_for_chinese_users(kb: Knowledge) -> None:
    conv = Conversation.model_validate(
        {"user": {"external_id": "1", "lang": "zh"}, "company": certified(id=7)}
    )
    a = command(kb, conv, "calendar")
    b = command(kb, conv, "calendar", START + timedelta(days=3))
    assert a.document and b.document
    uids = [str(e["uid"]) for e in Calendar.from_ical(a.document.content).walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in Calendar.from_ical(b.document.content).walk("VEVENT")]
    assert "监督审核" in a.document.content.decode()
    assert "日历" in a.text


def test_calendar_without_dates_explains_how_to_add_them(kb: Knowledge) -> None:
    conv = Conversation.model_validate({"user": {"external_id": "1", "lang": "en"}})
    reply = command(kb, conv, "calendar")
    assert reply.document is None and "certificate" in reply.text


# --- /reminders -----------------------------------------------------------------------------


async def test_reminders_lists_what_is_coming_grouped_by_date(
    sqlite_store: Store, kb: Knowledge
) -> None:
    company = Company(
        events=[
            audit(date(2026, 12, 3), "stage1", "stage1"),
            audit(date(2026, 12, 3), "management_review", "management_review"),
            audit(date(2026, 11, 20), "internal_audit", "internal_audit"),
        ]
    )
    conv = await make_user(sqlite_store, "800", company)
    await rem.replan_for_company(sqlite_store, conv.company, kb.rules, START)
    reply = command(kb, conv, "reminders")
    text = reply.text
    assert text.index("Overdue") < text.index("Internal audit") < text.index("2026-12-03")
    assert text.count("2026-12-03") == 1  # one heading for both events of that day
    assert "Stage 1 audit" in text and "Management review" in text
    assert "in 6 days" in text
    assert "next reminder 12-02 09:00" in text  # the 1-day reminder, local time


async def test_reminders_empty_state_in_both_languages(sqlite_store: Store, kb: Knowledge) -> None:
    for lang, phrase in (("en", "No dates yet"), ("zh", "还没有任何日期")):
        conv = await make_user(sqlite_store, f"empty-{lang}", lang=lang)
        assert phrase in command(kb, conv, "reminders").text


# --- snooze buttons -----------------------------------------------------------------------


async def test_snooze_button_replies_with_the_new_time(sqlite_store: Store, kb: Knowledge) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(store, "801", Company(events=[audit(date(2026, 12, 20))]))
    await rem.replan_for_company(store, conv.company, kb.rules, START)
    sender = RecordingSender(clock)
    await Dispatcher(store, kb, sender, clock, rate_limit=False).run_once()
    [msg] = sender.sent
    snooze_week = msg.buttons[1][1].data
    reply = await press(store, kb, "801", snooze_week)
    assert "2026-12-04" in reply.text and "09:00" in reply.text and "Stage 1" in reply.text
    # The snoozed reminder arrives a week later, once.
    clock.set(datetime(2026, 12, 4, 1, 0, 30, tzinfo=UTC))
    await Dispatcher(store, kb, sender, clock, rate_limit=False).run_once()
    assert len(sender.sent) == 2 and "Stage 1 audit" in sender.sent[1].text


async def test_foreign_or_stale_snooze_gets_a_friendly_answer(
    sqlite_store: Store, kb: Knowledge
) -> None:
    store = sqlite_store
    owner = await make_user(store, "802", Company(events=[audit(date(2027, 3, 1))]))
    await make_user(store, "803", lang="zh")  # a stranger pressing the owner's button
    await rem.replan_for_company(store, owner.company, kb.rules, START)
    upcoming = await rem.upcoming(store, owner.company.id or 0, START, 1)
    data = f"2|rem.snooze|{upcoming[0].id}|1"
    assert "不再有效" in (await press(store, kb, "803", data)).text
    assert "no longer active" in (await press(store, kb, "802", "2|rem.snooze|99999|1")).text
    assert "no longer applies" in (await press(store, kb, "802", "2|rem.snooze|x|3")).text
    [row] = await rem.upcoming(store, owner.company.id or 0, START, 1)
    assert row.id == upcoming[0].id and row.due_at == upcoming[0].due_at  # nothing moved


# --- ipms remind ----------------------------------------------------------------------------


def remind_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_remind_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(["remind", *argv])


async def test_ipms_remind_list_and_no_token(
    sqlite_url: str, sqlite_store: Store, kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    due = Company(name="Lotus Ltd", events=[audit(date(2025, 1, 1))])  # long overdue
    conv = await make_user(sqlite_store, "805", due)
    await rem.replan_for_company(sqlite_store, conv.company, kb.rules, START)
    term = await make_user(sqlite_store, "bob", due, channel="terminal")
    await rem.replan_for_company(sqlite_store, term.company, kb.rules, START)
    settings: Any = SimpleNamespace(
        resolved_database_url=lambda: sqlite_url,
        auto_migrate=False,
        telegram_token=None,
        telegram_base_url=None,
    )
    assert await run_remind(remind_args("--list"), settings) == 0
    listing = capsys.readouterr().out
    assert "Lotus Ltd" in listing and "805" in listing and "stage1" in listing
    assert await run_remind(remind_args(), settings) == 0
    out = capsys.readouterr().out
    assert "IPMS_TELEGRAM_TOKEN" in out and "1 due Telegram" in out and "1 terminal" in out
