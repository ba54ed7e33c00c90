"""kill -9 while sending reminders: none lost, each re-sent at most once, and the number of
duplicates per kill is bounded: the one message in flight (a person's digest of 3 here).

A worker process dispatches 120 due reminders (3 for each of 40 people, one digest each) and
is killed right after Telegram accepted its k-th message, before the dispatcher recorded
it; once the lease has run out a second worker dispatches what is left. Each message's rows
are recorded before the next message goes out, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from storage import reminders as rem
from storage.repo import Store
from tests.crash.conftest import ForkServer
from tests.reminders.conftest import START, seed_due_reminders

USERS = 40
REMINDERS = 120
PER_DIGEST = REMINDERS // USERS


def _kill_points() -> list[tuple[str, int, int]]:
    """(database, kill after the k-th accepted message, duplicates that kill must cause)."""
    return [
        ("sqlite", 25, PER_DIGEST),  # the message in flight is sent again, nothing more
        ("sqlite", 1, PER_DIGEST),
        ("pg", 37, PER_DIGEST),
        ("pg", 1, PER_DIGEST),
    ]


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.mark.parametrize(
    ("url", "kill_after", "duplicates"),
    [pytest.param(*p, marks=[pytest.mark.pg] if p[0] == "pg" else []) for p in _kill_points()],
    indirect=["url"],
)
async def test_kill_mid_dispatch_resends_at_most_the_stated_bound(
    forkserver: ForkServer, tmp_path: Path, url: str, kill_after: int, duplicates: int
) -> None:
    bound = PER_DIGEST  # one message's rows
    await seed_due_reminders(url, USERS, REMINDERS, title="R#{}")
    out = tmp_path / "delivered"
    first = forkserver.run(
        job="dispatch", url=url, now=START.isoformat(), worker="w1", out=str(out),
        kill_after=kill_after,
    )  # fmt: skip
    assert first == {"signal": 9}
    assert len(out.read_text().split()) == kill_after * PER_DIGEST
    after_lease = START + timedelta(minutes=6)  # the dead worker's 5-minute lease has run out
    second = forkserver.run(
        job="dispatch", url=url, now=after_lease.isoformat(), worker="w2", out=str(out)
    )
    assert second == {"exit": 0}

    delivered = Counter(out.read_text().split())
    assert set(delivered) == {f"R#{i}" for i in range(REMINDERS)}  # nothing lost
    assert max(delivered.values()) <= 2  # re-sent at most once each
    resent = sum(delivered.values()) - REMINDERS
    assert resent == duplicates <= bound
    store = await Store.open(url)
    try:
        assert await rem.count_by_status(store) == {rem.SENT: REMINDERS}
    finally:
        await store.close()
