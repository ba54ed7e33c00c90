"""End-to-end harness: start the Bot API emulator (Node) and run the real bot against it.

Test modules import from here (conftest modules cannot be imported reliably).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
EMU_DIR = HERE / "emulator"
sys.path.insert(0, str(HERE.parent / "telegram"))  # share tg_fakes' stand-in assistant


def _load_skip_or_fail() -> Callable[[str], None]:
    """``skip_or_fail`` from tests/conftest.py (conftest modules cannot import each other)."""
    spec = importlib.util.spec_from_file_location(
        "_ipms_tests_root_conftest", HERE.parent / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    func: Callable[[str], None] = module.skip_or_fail
    return func


skip_or_fail = _load_skip_or_fail()

from emu_client import ChatUser, EmuClient, UpdateTracker  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, TypeHandler  # noqa: E402
from tg_fakes import StandInAssistant  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.serve_commands import run_webhook  # noqa: E402
from bot.telegram_app import run_polling  # noqa: E402

__all__ = [
    "ChatUser",
    "EmuClient",
    "RunningBot",
    "StandInAssistant",
    "bot_settings",
    "free_port",
    "new_token",
    "run_emulator",
    "run_polling",
    "run_webhook",
    "start_bot",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _node_major(node: str) -> int:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    return int(out.strip().lstrip("v").split(".")[0] or 0)


def _ensure_installed(npm: str) -> None:
    if (EMU_DIR / "node_modules" / "telegram-test-api").is_dir():
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=EMU_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        skip_or_fail(f"npm ci failed in {EMU_DIR} (offline?): {done.stderr.strip()[-500:]}")


def _wait_listening(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)  # start-up poll, not a test timing assumption
    proc.kill()
    pytest.fail(f"Bot API emulator did not start on port {port}:\n{log.read_text()[-2000:]}")


def run_emulator(log: Path) -> Iterator[str]:
    """Start the emulator; yields its base URL, e.g. ``http://127.0.0.1:41234``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        skip_or_fail("Node.js 20+ and npm are needed for the Bot API emulator tests")
    assert node is not None and npm is not None
    if _node_major(node) < 20:
        skip_or_fail("Node.js 20+ is needed for the Bot API emulator tests")
    _ensure_installed(npm)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "LONGPOLL_CAP": "10"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [node, "emu_ptb.js"], cwd=EMU_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    _wait_listening(proc, port, log, timeout=30)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@dataclass
class RunningBot:
    """The real Application serving ``assistant`` against the emulator."""

    emulator: str
    token: str
    assistant: Any
    tracker: UpdateTracker
    clients: list[EmuClient] = field(default_factory=list)

    def user(self, user_id: int, name: str = "Tester", lang: str | None = "zh-hans") -> ChatUser:
        client = EmuClient(self.emulator, self.token, user_id, name, lang)
        self.clients.append(client)
        return ChatUser(client, self.tracker)


Runner = Callable[..., Coroutine[Any, Any, None]]


def new_token() -> str:
    return f"{uuid.uuid4().int % 10**9}:E2E{uuid.uuid4().hex}"


def bot_settings(emulator: str, token: str, **extra: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_token=SecretStr(token),
        telegram_base_url=f"{emulator}/bot",
        **extra,
    )


async def start_bot(
    runner: Runner, settings: Settings, assistant: Any, **kwargs: Any
) -> tuple[RunningBot, Callable[[], Awaitable[None]]]:
    """Start ``run_polling``/``run_webhook`` in the background; returns the bot and a stopper."""
    assert settings.telegram_base_url is not None
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    emulator = settings.telegram_base_url.removesuffix("/bot")
    bot = RunningBot(emulator, token, assistant, UpdateTracker())

    async def track(app: Application) -> None:  # type: ignore[type-arg]
        async def finished(update: Update, _: object) -> None:
            chat = update.effective_chat
            if chat is not None:
                await bot.tracker.finished(chat.id)

        app.add_handler(TypeHandler(Update, finished), group=1)  # after the adapter's handler

    stop, ready = asyncio.Event(), asyncio.Event()
    hooks = [track, *kwargs.pop("on_startup", [])]
    task = asyncio.create_task(
        runner(settings, assistant, on_startup=hooks, stop=stop, ready=ready, **kwargs)
    )
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({task, waiter}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not ready.is_set():
        waiter.cancel()
        if task.done():
            await task  # raises the start-up error
        task.cancel()
        pytest.fail("the bot did not start within 30 s")

    async def stopper() -> None:
        stop.set()
        await asyncio.wait_for(task, 30)
        for client in bot.clients:
            await client.aclose()

    return bot, stopper
