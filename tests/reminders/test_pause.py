"""Pausing reminders: said in words or with /pause, stored, nothing but certificate risks
sent while paused, nothing sent late on /resume, a timed pause ending by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, pop_due_for_user
from bot.service import Assistant, Who
from flows.account import setting_said
from flows.schedule import local_today, zone
from flows.state import Action, Company, Nonconformity
from flows.types import EventKind
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.repo import Store

from .conftest import RecordingSender, make_user

SHANGHAI = zone("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("别每天提醒我了", ("pause", "")),
        ("不要再发提醒了", ("pause", "")),
        ("先别提醒了。", ("pause", "")),
        ("暂停提醒两周", ("pause", "两周")),
        ("stop reminding me", ("pause", "")),
        ("Pause reminders for two weeks", ("pause", "two weeks")),
        ("no more reminders please", ("pause", "")),
        ("恢复提醒", ("resume", "")),
        ("继续提醒吧", ("resume", "")),
        ("resume reminders", ("resume", "")),
        ("turn reminders back on", ("resume", "")),
        ("不要提醒我内审", None),  # not a pause
        ("提醒改成下午3点", ("reminderhour", "下午3点")),
    ],
)
def test_pause_and_resume_are_recognised_in_words(said: str, expected: Any) -> None:
    assert setting_said(said) == expected


def _company() -> Company:
    # Plan actions due every day for a month, and a nonconformity whose deadline passes on
    # Friday 12-11 (a certificate risk).
    actions = [
        Action(id=f"gap:P{i:02d}", title_zh=f"行动{i}", title_en=f"Action {i}",
               due=date(2026, 12, 1) + timedelta(days=i))
        for i in range(30)
    ]  # fmt: skip
    nc = Nonconformity(
        id="nc:1", description="Patent register not kept", raised_on=date(2026, 11, 10),
        correction_due=date(2026, 12, 11), evidence_due=date(2026, 12, 11),
    )  # fmt: skip
    return Company(name="ACME", onboarded=True, actions=actions, nonconformities=[nc])


async def _say(a: Assistant, who: Who, text: str, at: datetime) -> str:
    a.clock = FakeClock(at)
    kind = EventKind.COMMAND if text.startswith("/") else EventKind.TEXT
    name, _, args = text[1:].partition(" ") if text.startswith("/") else (text, "", "")
    replies = await a.handle(who, a.event(kind, name, args, lang_hint=who.lang_hint))
    return "\n".join(r.text for r in replies)


async def _run_days(store: Store, kb: Knowledge, start: datetime, days: int) -> list[Any]:
    clock = FakeClock(start)
    sender = RecordingSender(clock)
    d = Dispatcher(store, kb, sender, clock, rate_limit=False)
    for _ in range(days * 24):
        await d.run_once()
        clock.advance(timedelta(hours=1))
    return sender.sent


@pytest.mark.parametrize(("lang", "pause", "resume"), [
    ("zh", "别每天提醒我了", "恢复提醒"),
    ("en", "stop reminding me", "resume reminders"),
])  # fmt: skip
async def test_paused_only_risks_come_and_resume_brings_the_digest_back(
    store: Store, kb: Knowledge, lang: str, pause: str, resume: str
) -> None:
    conv = await make_user(store, "970", _company(), lang=lang)
    who = Who("telegram", "970", "Ann", lang)
    assistant = Assistant(store, kb, FakeClock(MONDAY))
    await assistant.replan(conv)
    said = await _say(assistant, who, pause, MONDAY)
    assert ("证书风险" in said) if lang == "zh" else ("still come" in said)
    assert "/resume" in said

    # Two weeks paused: only the nonconformity's overdue alert (Saturday 12-12).
    sent = await _run_days(store, kb, MONDAY, 14)
    assert len(sent) == 1, [s.text for s in sent]
    assert "Patent register" in sent[0].text and sent[0].text.startswith("⚠️")
    listing = await _say(assistant, who, "/reminders", MONDAY + timedelta(days=14))
    assert "/resume" in listing and "🔕" in listing

    # Resumed on Monday 12-14 at 10:00: nothing from the pause sent late; the next working
    # day's digest at 09:00 comes as usual.
    back = MONDAY + timedelta(days=14)
    said = await _say(assistant, who, resume, back)
    assert "🔔" in said
    sent = await _run_days(store, kb, back, 3)
    days = [local_today(s.at, SHANGHAI) for s in sent]
    assert days == [date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17)], days
    assert all(s.text.startswith("☀️") or "Action" in s.text or "行动" in s.text for s in sent)


async def test_a_pause_for_two_weeks_ends_by_itself(store: Store, kb: Knowledge) -> None:
    conv = await make_user(store, "971", _company(), lang="en")
    who = Who("telegram", "971", "Ann", "en")
    assistant = Assistant(store, kb, FakeClock(MONDAY))
    await assistant.replan(conv)
    said = await _say(assistant, who, "pause reminders for two weeks", MONDAY)
    assert "on 2026-12-14" in said  # back on Monday 12-14
    sent = await _run_days(store, kb, MONDAY, 16)
    digests = [local_today(s.at, SHANGHAI) for s in sent if not s.text.startswith("⚠️")]
    assert digests and min(digests) == date(2026, 12, 14)


async def test_the_pause_is_stored_and_the_terminal_holds_too(store: Store, kb: Knowledge) -> None:
    conv = await make_user(store, "dan", _company(), channel="terminal", lang="zh")
    who = Who("terminal", "dan", "dan", "zh")
    assistant = Assistant(store, kb, FakeClock(MONDAY))
    await assistant.replan(conv)
    await _say(assistant, who, "/pause", MONDAY)
    person = await rem.recipient_by_identity(store, "terminal", "dan")
    assert person is not None and person.reminders_paused_from is not None
    assert person.reminders_paused_until is None  # until resumed
    tuesday = MONDAY + timedelta(days=1)
    assert await pop_due_for_user(store, conv.user, tuesday, kb) == []
    said = await _say(assistant, who, "/resume", tuesday)
    assert "恢复" in said
    said = await _say(assistant, who, "/resume", tuesday)
    assert "没有暂停" in said


async def test_help_lists_pause_and_resume(store: Store, kb: Knowledge) -> None:
    await make_user(store, "972", _company(), lang="en")
    assistant = Assistant(store, kb, FakeClock(MONDAY))
    text = await _say(assistant, Who("telegram", "972", "Ann", "en"), "/help", MONDAY)
    assert "/pause" in text and "/resume" in text
