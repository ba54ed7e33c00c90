"""Fixtures for in-process Telegram tests: the real Application, no network."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tg_fakes import StandInAssistant, TgEnv, open_env


@pytest.fixture
async def tg() -> AsyncIterator[TgEnv]:
    async for env in open_env(StandInAssistant()):
        yield env
