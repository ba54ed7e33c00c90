"""`ipms run` as deployed: a separate process polling the emulator and sending reminders."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e_harness import EmuClient, new_token

from bot.clock import SystemClock
from bot.service import Assistant
from flows.state import DatedEvent, Stage
from knowledge.loader import load_knowledge
from storage.repo import Store

pytestmark = pytest.mark.emulator
USER_ID = 7_100_000_001


def daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now mid-day, so the reminder is not held for the night."""
    for offset in range(-12, 13):
        name = f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"  # POSIX signs are inverted
        if 11 <= now.astimezone(ZoneInfo(name)).hour <= 17:
            return name
    raise AssertionError("unreachable: some offset is always mid-day")


async def seed(url: str) -> date:
    """A company whose internal audit is tomorrow (local): the 1-day reminder is due now."""
    store = await Store.open(url, migrate=True)
    try:
        zone = daytime_zone(datetime.now(UTC))
        tomorrow = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
        async with store.conversation("telegram", str(USER_ID), lang_hint="en") as h:
            conv = h.conv
            conv.company.name, conv.company.onboarded = "Reminder Co", True
            conv.company.stage, conv.company.timezone = Stage.BUILDING, zone
            conv.company.events.append(
                DatedEvent(key="internal_audit", kind="internal_audit", on=tomorrow)
            )
            await h.save(conv)
        await Assistant(store, load_knowledge(), SystemClock()).replan(conv)
        return tomorrow
    finally:
        await store.close()


async def test_ipms_run_answers_users_and_sends_due_reminders(
    fresh_emulator: str, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    audit_day = await seed(url)
    token = new_token()
    env = {
        **os.environ,
        "IPMS_TELEGRAM_TOKEN": token,
        "IPMS_TELEGRAM_BASE_URL": f"{fresh_emulator}/bot",
        "IPMS_DATABASE_URL": url,
        "IPMS_REMINDER_INTERVAL_SECONDS": "0.5",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = EmuClient(fresh_emulator, token, USER_ID)
    try:
        sent: list[dict[str, object]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not sent:
            await asyncio.sleep(0.3)
            sent = [
                c
                for c in await client.calls("sendMessage")
                if str(c["params"].get("chat_id")) == str(USER_ID)
            ]
        assert sent, "the reminder tick of `ipms run` sent nothing"
        text = str(sent[0]["params"]["text"])
        assert audit_day.isoformat() in text and "Internal audit" in text
        assert "|rem.snooze|" in str(sent[0]["params"].get("reply_markup"))
        await client.send_command("/status")
        deadline = time.monotonic() + 20
        replies: list[str] = []
        while time.monotonic() < deadline and not any("Reminder Co" in r for r in replies):
            await asyncio.sleep(0.3)
            replies = [str(c["params"].get("text")) for c in await client.calls("sendMessage")]
        assert any("Reminder Co" in r for r in replies)
        await asyncio.sleep(1.5)  # several more ticks: the reminder must not go out again
        again = [
            c
            for c in await client.calls("sendMessage")
            if "|rem.snooze|" in str(c["params"].get("reply_markup"))
        ]
        assert len(again) == 1
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
        await client.aclose()
    assert token not in out and "Traceback" not in out
