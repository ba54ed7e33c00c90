"""kill -9 at each step of handling one update, then Telegram's re-delivery: nothing lost.

A worker process handles one update (a certificate's expiry date, which writes the
certificate and plans reminders) and is killed at a step; a new worker then gets the same
update again (Telegram re-delivers what was not acknowledged) and the rest of the
conversation. The user's stored state must equal that of an uninterrupted run, on SQLite and
PostgreSQL. Before the commit nothing of the update may remain (the re-delivery handles it
and the user gets the answer); after it, everything (the re-delivery is dropped as a
duplicate: the state is kept, but that one reply is lost if the kill came before Telegram
accepted it; there is no outbox).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.faults import STEPS
from storage.migrate import upgrade
from tests.crash.conftest import ForkServer
from tests.crash.harness import KILLED, SCENARIO, deliver, reference_run, snapshot, updates_for

# Checkpoints in storage/bot, then two in the fake Bot API (after the commit).
KILL_STEPS = [*STEPS, "send", "sent"]
COMMITTED = {"commit", "send", "sent"}


async def test_a_kill_at_any_step_then_redelivery_equals_an_uninterrupted_run(
    db_url: str, forkserver: ForkServer, tmp_path: Path
) -> None:
    await upgrade(db_url)
    steps, replies = await reference_run(db_url, 8_000_000_001, 1_000)
    expected = await snapshot(db_url, 8_000_000_001, 1_000)
    assert expected["companies"][0]["certificate"]["number"] == "IPMS-2026-0001"
    assert len(expected["reminders"]) > 10  # the killed update planned reminders
    assert expected["processed"] == list(range(len(SCENARIO)))

    for n, step in enumerate(KILL_STEPS):
        user, first = 8_000_000_100 + n, 10_000 * (n + 2)
        updates = updates_for(steps, user, first)
        await deliver(db_url, updates[:KILLED])
        kill = {"kill_on_send": step} if step in ("send", "sent") else {"kill_at": step}
        ended = forkserver.run(job="updates", url=db_url, updates=[updates[KILLED]], **kill)
        assert ended == {"signal": 9}, step

        half = await snapshot(db_url, user, first)
        assert (KILLED in half["processed"]) == (step in COMMITTED), step
        assert (half["reminders"] == expected["reminders"]) == (step in COMMITTED), step

        out = tmp_path / f"{step}.json"
        ended = forkserver.run(job="updates", url=db_url, updates=updates[KILLED:], out=str(out))
        assert ended == {"exit": 0}, step
        assert await snapshot(db_url, user, first) == expected, step
        seen = json.loads(out.read_text())
        answered = replies[KILLED + 1 :] if step in COMMITTED else replies[KILLED:]
        assert seen == [text for texts in answered for text in texts], step


@pytest.mark.parametrize("update_id", [2**63, -5])
async def test_out_of_range_update_ids_are_ignored_quietly(sqlite_url: str, update_id: int) -> None:
    await upgrade(sqlite_url)
    await reference_run(sqlite_url, 8_000_000_001, 1_000)
    before = await snapshot(sqlite_url, 8_000_000_001, 1_000)
    [forged] = updates_for([("text", "/start")], 8_000_000_001, 0)
    forged["update_id"] = update_id
    bot = await deliver(sqlite_url, [forged])
    assert bot.errors == [] and bot.texts == []  # no apology, no answer
    assert await snapshot(sqlite_url, 8_000_000_001, 1_000) == before
