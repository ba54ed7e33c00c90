"""Start-up: warm before the first update; configuration mistakes are one line, not a traceback."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from serve_harness import free_port, post_update, running, serve_settings, wait_healthy

import bot.assembly as assembly
import bot.cli as cli
import bot.serve_commands as serve_commands
from bot.service import Assistant
from knowledge.loader import PACKAGED_DATA_DIR, Knowledge, build_knowledge, read_raw
from storage.db import create_engine
from storage.migrate import upgrade
from storage.repo import Store
from tests.support.fake_bot_api import FakeBotApi
from tests.support.updates import message_update

USER = 5_200_000_001


async def test_first_question_is_answered_from_an_index_built_before_it_arrived(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await upgrade(sqlite_url)
    gate = threading.Event()  # holds the warm-up so the "starting" window can be observed
    seen: list[bool] = []  # at each update: was the FAQ index already built?
    fresh = build_knowledge(read_raw(PACKAGED_DATA_DIR))  # not the cached, maybe-warm one
    assert "matcher" not in fresh.__dict__
    monkeypatch.setattr(assembly, "load_knowledge", lambda: fresh)
    monkeypatch.setattr(serve_commands, "warm_knowledge", _gated(gate))
    monkeypatch.setattr(serve_commands, "make_assistant", _spying(seen))
    api, store, port = FakeBotApi(), Store(create_engine(sqlite_url)), free_port()
    server = serve_commands.build_server(
        serve_settings(sqlite_url, port), store, request=api, rate_limiter=None
    )
    question = message_update(1, text="年审要准备什么？", user_id=USER)
    try:
        async with running(server, port) as client:
            assert (await client.get("/healthz")).json()["status"] == "starting"
            assert (await post_update(client, question)).status_code == 503
            gate.set()
            await wait_healthy(client)
            assert (await post_update(client, question)).status_code == 200
    finally:
        await store.close()
    assert seen == [True]  # the one update handled found the index built
    [answer, *_] = api.sent_to(USER)
    assert "GB/T 29490" in answer["text"] or "审核" in answer["text"]


def _gated(gate: threading.Event) -> Callable[[], Knowledge]:
    real = serve_commands.warm_knowledge

    def warm() -> Knowledge:
        gate.wait(30)
        return real()

    return warm


def _spying(seen: list[bool]) -> Callable[..., Assistant]:
    real = serve_commands.make_assistant

    def make(*args: Any, **kwargs: Any) -> Assistant:
        assistant = real(*args, **kwargs)
        handle = assistant.handle

        async def spy(who: Any, event: Any) -> Any:
            seen.append("matcher" in assistant.kb.__dict__)
            return await handle(who, event)

        assistant.handle = spy  # type: ignore[method-assign]
        return assistant

    return make


# --- configuration errors: one line on stderr, no traceback ---------------------------------


BAD_SETTINGS = [
    ({"IPMS_TIMEZONE": "Asia"}, "IPMS_TIMEZONE"),
    ({"IPMS_TIMEZONE": "Europe/" + "x" * 300}, "IPMS_TIMEZONE"),
    ({"IPMS_WEBHOOK_SECRET": "has spaces in it!"}, "IPMS_WEBHOOK_SECRET"),
    ({"IPMS_WEBHOOK_SECRET": "short"}, "IPMS_WEBHOOK_SECRET is too short"),
    ({"IPMS_WEBHOOK_SECRET": ""}, "IPMS_WEBHOOK_SECRET is not set"),
    ({"IPMS_WEBHOOK_URL": ""}, "IPMS_WEBHOOK_URL is not set"),
    ({"IPMS_WEBHOOK_URL": "bot.example.com/x"}, "IPMS_WEBHOOK_URL"),
    ({"IPMS_TELEGRAM_TOKEN": "Bearer abc"}, "IPMS_TELEGRAM_TOKEN"),
    ({"IPMS_TELEGRAM_TOKEN": ""}, "IPMS_TELEGRAM_TOKEN is not set"),
    ({"IPMS_LOG_FORMAT": "xml"}, "IPMS_LOG_FORMAT"),
    (
        {"IPMS_DATABASE_URL": "postgresql://nobody:pw-9x@127.0.0.1:9/none"},
        "Cannot reach the database postgresql+asyncpg://nobody:***@127.0.0.1:9/none",
    ),
]


@pytest.mark.parametrize(("env", "expected"), BAD_SETTINGS)
def test_configuration_errors_are_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    expected: str,
) -> None:
    for name, value in _env(tmp_path, **env).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no stray .env
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert cli.main(["serve"]) == 2
    finally:  # main() configures process-wide logging: leave none of it to later tests
        root.handlers[:] = handlers
        root.setLevel(level)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], err
    assert "pw-9x" not in err and "Bearer" not in err  # never echo secrets


@pytest.mark.parametrize(("env", "expected"), [BAD_SETTINGS[0], BAD_SETTINGS[-1]])
def test_the_real_process_prints_no_traceback(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("IPMS_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        capture_output=True,
        text=True,
        env=full | _env(tmp_path, **env),
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert expected in done.stderr and "Traceback" not in done.stderr + done.stdout


def _env(tmp: Path, **env: str) -> dict[str, str]:
    return {
        "IPMS_DATA_DIR": str(tmp),
        "IPMS_TELEGRAM_TOKEN": "123456:ABCdefGHI_jkl-mno",
        "IPMS_WEBHOOK_URL": "https://bot.example.com/telegram",
        "IPMS_WEBHOOK_SECRET": "a-good-secret-0123456789",
        "IPMS_WEBHOOK_PORT": str(free_port()),
        "IPMS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'x.db'}",
    } | env


def test_set_webhook_needs_url_and_secret(tmp_path: Path) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("IPMS_")}
    full |= {"IPMS_DATA_DIR": str(tmp_path), "IPMS_TELEGRAM_TOKEN": "123456:ABCdef"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "set-webhook"],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
    )
    assert done.returncode == 2 and "IPMS_WEBHOOK_URL is not set" in done.stderr


async def test_set_webhook_registers_url_secret_and_update_kinds(tmp_path: Path) -> None:
    from serve_harness import fake_api_over_http

    api = FakeBotApi()
    async with fake_api_over_http(api) as base:
        full = {k: v for k, v in os.environ.items() if not k.startswith("IPMS_")}
        full |= {
            "IPMS_DATA_DIR": str(tmp_path),
            "IPMS_TELEGRAM_TOKEN": "123456:ABCdef",
            "IPMS_TELEGRAM_BASE_URL": base,
            "IPMS_WEBHOOK_URL": "https://bot.example.com/telegram",
            "IPMS_WEBHOOK_SECRET": "a-good-secret-0123456789",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "set-webhook",
            env=full,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    [call] = api.named("setWebhook")
    assert call.params["url"] == "https://bot.example.com/telegram"
    assert call.params["secret_token"] == "a-good-secret-0123456789"
    assert "callback_query" in call.params["allowed_updates"]
    assert "a-good-secret" not in out.decode() + err.decode()
