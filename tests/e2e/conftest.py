"""End-to-end fixtures: the Bot API emulator (Node) and the real bot polling it over HTTP.

The emulator (``emulator/emu_ptb.js``) runs once per session on a free loopback port;
``npm ci`` installs it from the committed lock file when ``node_modules`` is missing. Without
Node/npm the tests skip with a reason (and fail under CI, via ``skip_or_fail``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from e2e_harness import (
    EmuClient,
    RunningBot,
    StandInAssistant,
    bot_settings,
    new_token,
    run_emulator,
    run_polling,
    start_bot,
)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the session's emulator."""
    yield from run_emulator(tmp_path_factory.mktemp("emulator") / "emulator.log")


@pytest.fixture
async def fresh_emulator(emulator: str) -> str:
    client = EmuClient(emulator, "0:reset", 1)
    await client.reset()
    await client.aclose()
    return emulator


@pytest.fixture
async def standin_bot(fresh_emulator: str) -> AsyncIterator[RunningBot]:
    """The bot polling the emulator, with the scripted stand-in assistant."""
    settings = bot_settings(fresh_emulator, new_token())
    bot, stop = await start_bot(run_polling, settings, StandInAssistant(), poll_timeout=5)
    yield bot
    await stop()
