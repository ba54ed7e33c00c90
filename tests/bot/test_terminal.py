"""The terminal chat: same flows, numbered buttons, scripted through a pipe, resumable."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FakeClock, ShiftedClock
from bot.service import Assistant
from bot.terminal import TerminalChat
from flows.workdays import next_working_day

SCRIPT = "\n".join(["2", "Acme Ltd", "45", "3", "1", "1", "1", "1"]) + "\n"


def _chat(tmp: Path, stdin: str, *args: str) -> str:
    env = {**os.environ, "IPMS_DATA_DIR": str(tmp), "IPMS_DATABASE_URL": ""}
    env.pop("IPMS_TELEGRAM_TOKEN", None)
    cmd = [sys.executable, "-m", "bot.cli", "chat", *args]
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_piped_session_onboards_and_progress_survives_a_restart(tmp_path: Path) -> None:
    out = _chat(tmp_path, SCRIPT)
    assert "What is your company's name?" in out  # "2" chose English
    assert "The profile of Acme Ltd is set up" in out
    assert "Question 1/" in out  # "1" started the assessment; the next "1" answered Yes
    again = _chat(tmp_path, "/status\n")
    assert "Welcome back, Acme Ltd" in again
    assert "Gap assessment: under way, 16 questions of the quick assessment to go" in again
    assert "Question 2/" in again


def test_each_simulated_user_has_their_own_progress(tmp_path: Path) -> None:
    _chat(tmp_path, SCRIPT)
    other = _chat(tmp_path, "\n", "--user", "bob", "--lang", "en")
    assert "Welcome back" not in other and "What is your company's name?" in other


def test_typing_a_label_presses_the_button(tmp_path: Path) -> None:
    out = _chat(tmp_path, "English\nAcme\n")
    assert "OK, I'll talk to you in English" in out


async def test_due_reminders_appear_in_the_conversation(
    assistant: Assistant, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "carol", "en", out=out, download_dir=tmp_path)
    for line in ["/start", "Carol Co", "12", "1", "1", "6", "GB/T 29490-2023", "IP-1",
                 "2025-12-04", "2028-12-03"]:  # fmt: skip
        await chat.send(line)
    assert "Certificate recorded" in out.getvalue()
    clock = assistant.clock
    assert isinstance(clock, FakeClock)
    # The first surveillance audit is due by 2026-12-04: a reminder falls due within days.
    clock.advance(timedelta(days=8))
    out.truncate(0)
    await chat.send("/status")
    text = out.getvalue()
    assert "Surveillance" in text or "surveillance" in text
    assert "Snooze" in text  # the reminder's buttons are numbered options
    out.truncate(0)
    await chat.send("/status")
    assert out.getvalue().count("Snooze") == 0  # shown once, not again


async def test_calendar_is_saved_as_a_file(assistant: Assistant, tmp_path: Path) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "dave", "en", out=out, download_dir=tmp_path)
    for line in ["/start", "Dave Co", "12", "1", "1", "6", "1", "IP-2", "2025-12-04", "1"]:
        await chat.send(line)
    await chat.send("/calendar")
    ics = tmp_path / "ipms-calendar.ics"
    assert ics.exists() and b"BEGIN:VCALENDAR" in ics.read_bytes()


async def test_the_current_question_is_numbered_from_one_and_other_buttons_get_letters(
    assistant: Assistant, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "dora", "zh", out=out, download_dir=tmp_path)
    for line in ["/start", "华光精密", "大概120人吧", "制造", "2", "还没开始", "好的"]:
        await chat.send(line)
    # A question mid-assessment: the answer's related questions get letters, the question
    # asked again keeps [1]..[6], so "2" still means "partly".
    start = len(out.getvalue())
    await chat.send("内审员需要证书吗？")
    shown = out.getvalue()[start:]
    assert "   [a] " in shown and "   [1] 是" in shown and "   [2] 部分" in shown
    kind, value, _ = chat.to_event_args("2")
    assert kind.value == "button"
    assert value.endswith("|p") and "as.answer" in value
    # Records of answers are not printed again: the typed answer is already on screen.
    start = len(out.getvalue())
    await chat.send("有")
    assert "您的回答" not in out.getvalue()[start:]


def test_resuming_does_not_ask_the_language_again(tmp_path: Path) -> None:
    _chat(tmp_path, "华光精密\n120\n", "--lang", "zh")
    again = _chat(tmp_path, "\n", "--lang", "zh")
    assert "English" not in again and "中文" not in again.split("🧑")[0]


def test_a_simulated_day_is_that_day_in_the_users_timezone() -> None:
    # 17:05 UTC is already 01:05 the next day in Shanghai: "today" must still be the day set.
    base = FakeClock(datetime(2026, 12, 2, 17, 5, tzinfo=UTC))
    clock = ShiftedClock(date(2027, 2, 11), base=base)
    assert clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date() == date(2027, 2, 11)
    clock.move_to(date(2027, 2, 11), "America/New_York")
    assert clock.now().astimezone(ZoneInfo("America/New_York")).date() == date(2027, 2, 11)


async def test_yesterday_after_today_is_the_day_before_the_one_set(
    assistant: Assistant, tmp_path: Path
) -> None:
    clock = assistant.clock
    assert isinstance(clock, FakeClock)
    clock.set(datetime(2026, 12, 2, 17, 5, tzinfo=UTC))  # the evening in UTC, night in China
    out = io.StringIO()
    chat = TerminalChat(assistant, "erin", "en", out=out, download_dir=tmp_path)
    for line in ["/start", "Erin Co", "12", "1", "1", "6", "GB/T 29490-2023", "IP-1",
                 "2026-03-15", "2029-03-14", "/today 2027-02-11"]:  # fmt: skip
        await chat.send(line)
    out.truncate(0)
    await chat.send("we did the internal audit yesterday")
    assert "Wed 10 Feb 2027" in out.getvalue()


async def test_a_simulated_day_shows_what_fell_due_before_anything_is_said(
    assistant: Assistant, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "fay", "en", out=out, download_dir=tmp_path)
    for line in ["/start", "Fay Co", "12", "1", "1", "6", "GB/T 29490-2023", "IP-1",
                 "2025-12-04", "2028-12-03"]:  # fmt: skip
        await chat.send(line)
    day = (assistant.clock.now() + timedelta(days=8)).date()
    out.truncate(0)
    out.seek(0)
    await chat.send(f"/today {day.isoformat()}")
    text = out.getvalue()
    assert "surveillance" in text.lower() and "Snooze" in text  # the digest, on the day set
    out.truncate(0)
    out.seek(0)
    await chat.send("/status")
    assert out.getvalue().count("Snooze") == 0  # and not again after the next message


async def test_remind_me_tomorrow_in_words_snoozes_the_reminder_just_shown(
    assistant: Assistant, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "gus", "en", out=out, download_dir=tmp_path)
    for line in ["/start", "Gus Co", "12", "1", "1", "6", "GB/T 29490-2023", "IP-1",
                 "2025-12-04", "2028-12-03"]:  # fmt: skip
        await chat.send(line)
    clock = assistant.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(days=8))
    await chat.send("/status")  # the surveillance reminder is shown (sent)
    out.truncate(0)
    out.seek(0)
    await chat.send("remind me tomorrow")
    said = out.getvalue()
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(ZoneInfo("Asia/Shanghai")).date()
    again = next_working_day(tomorrow)  # a Saturday or Sunday moves to Monday
    assert "remind you again" in said and f"{again.isoformat()} " in said, said
    clock.advance(timedelta(days=(again - tomorrow).days + 1, hours=2))
    out.truncate(0)
    out.seek(0)
    await chat.send("/status")
    assert "urveillance" in out.getvalue()  # back the next day


async def _reminded(
    assistant: Assistant, tmp_path: Path, who: str
) -> tuple[TerminalChat, io.StringIO]:
    """A certified company eight days on: the reminder of its yearly audit has been shown."""
    out = io.StringIO()
    chat = TerminalChat(assistant, who, "en", out=out, download_dir=tmp_path)
    for line in ["/start", f"{who} Co", "12", "1", "1", "6", "GB/T 29490-2023", "IP-1",
                 "2025-12-04", "2028-12-03"]:  # fmt: skip
        await chat.send(line)
    clock = assistant.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(days=8))
    await chat.send("/status")  # the reminder is shown (sent)
    out.truncate(0)
    out.seek(0)
    return chat, out


async def test_done_in_words_after_a_reminder_is_that_reminders_item(
    assistant: Assistant, tmp_path: Path
) -> None:
    """ "done" with nothing on screen but the reminder just sent: that item, read back (it was
    "which one is done? here is the current item", showing another one)."""
    chat, out = await _reminded(assistant, tmp_path, "ivy")
    await chat.send("done")
    said = out.getvalue()
    assert "from the reminder is done?" in said or "which one is done?" in said, said
    assert "Which one is done? Here is the current item" not in said
    first = said.split("\n")[0]
    out.truncate(0)
    out.seek(0)
    await chat.send("1")  # the first button: that item, marked done
    assert "✅" in out.getvalue(), (first, out.getvalue())


async def test_put_off_in_words_after_a_reminder_snoozes_it(
    assistant: Assistant, tmp_path: Path
) -> None:
    chat, out = await _reminded(assistant, tmp_path, "jon")
    await chat.send("I'll do it next week")
    said = out.getvalue()
    assert "remind you again" in said, said
    assert "outside what I know" not in said
    # next week starts on Monday: not the same weekday a week on
    clock = assistant.clock
    assert isinstance(clock, FakeClock)
    today = clock.now().date()
    monday = today + timedelta(days=7 - today.weekday())
    assert monday.isoformat() in said, (today, said)


async def test_remind_me_tomorrow_with_nothing_sent_says_so(
    assistant: Assistant, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(assistant, "hal", "zh", out=out, download_dir=tmp_path)
    for line in ["/start", "1", "Hal Co", "12", "1", "1", "1"]:
        await chat.send(line)
    out.truncate(0)
    out.seek(0)
    await chat.send("明天再提醒我")
    assert "没有发给您的提醒" in out.getvalue(), out.getvalue()


def test_a_simulated_day_starts_after_the_mornings_digest() -> None:
    """04:05 in Shanghai moved to another day is that day's noon: the 9:00 digest has come."""
    base = FakeClock(datetime(2026, 12, 2, 20, 5, tzinfo=UTC))  # 04:05 on the 3rd in Shanghai
    clock = ShiftedClock(date(2027, 2, 11), base=base)
    local = clock.now().astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.date(), local.hour) == (date(2027, 2, 11), 12)
    base.advance(timedelta(minutes=30))  # and time still runs
    assert clock.now().astimezone(ZoneInfo("Asia/Shanghai")).minute == 30


def test_numbers_typed_under_a_digest_are_the_digests(tmp_path: Path) -> None:
    """ "1和2都弄好了" right after a digest: its items 1 and 2, not the plan's (the plan's
    numbers were read, naming other actions than the ones the owner had just seen)."""
    answers = ["有", *["没有"] * 3, "部分", "没有", "没有", "部分", "部分", "有", "有"]
    answers += [*["没有"] * 5, "部分"]
    script = ["你好", "恒达精密，120人，汽车零部件", "1", "还没开始", "开始差距评估", *answers]
    script += ["做计划", "最早的那个", "/today 2026-12-14", "1和2都弄好了"]
    out = _chat(tmp_path, "\n".join(script) + "\n", "--today", "2026-12-04", "--lang", "zh")
    digest = out[out.rindex("按编号操作") - 400 : out.rindex("按编号操作")]
    listed = dict(re.findall(r"^([12])\. (\S+) ·", digest, re.M))
    assert set(listed) == {"1", "2"}, digest
    read_back = out[out.rindex("1和2都弄好了") :]
    assert all(f"• {title}" in read_back for title in listed.values()), (digest, read_back)
