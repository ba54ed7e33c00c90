"""Running ``ipms serve`` for tests: in-process (uvicorn in the test's loop) or as processes,
talking to the shared fake Bot API (in-process request, or served over HTTP on loopback)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from bot.config import Settings
from bot.serve import WebhookServer, run_server
from tests.support.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAServeTestToken_0123456789abcdef"
SECRET = "serve-test-secret-0123456789"
HOOK_PATH = "/telegram"
SECRET_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_settings(db_url: str, port: int, **extra: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        database_url=db_url,
        webhook_url=f"https://bot.example.com{HOOK_PATH}",
        webhook_secret=SecretStr(SECRET),
        webhook_listen="127.0.0.1",
        webhook_port=port,
        **extra,
    )


@contextlib.asynccontextmanager
async def running(server: WebhookServer, port: int) -> AsyncIterator[httpx.AsyncClient]:
    """uvicorn serving ``server`` on ``port`` in this loop; yields a client for it."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_server(server, "127.0.0.1", port, stop=stop))
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await wait_listening(client, task)
        try:
            yield client
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


async def wait_listening(client: httpx.AsyncClient, task: asyncio.Task[Any] | None = None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if task is not None and task.done():
            task.result()  # raises the server's start-up error
        with contextlib.suppress(httpx.TransportError):
            await client.get("/healthz")
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server did not start listening")


async def wait_healthy(client: httpx.AsyncClient, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            last = await client.get("/healthz")
            if last.status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never healthy: {last.text if last is not None else 'no answer'}")


async def post_update(client: httpx.AsyncClient, update: dict[str, Any]) -> httpx.Response:
    return await client.post(HOOK_PATH, json=update, headers=SECRET_HEADERS)


def metric(text: str, name: str, labels: str = "") -> float:
    """One sample from Prometheus text (0 when absent)."""
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


# --- the fake Bot API over HTTP, and `ipms serve` as a process ----------------------------


@contextlib.asynccontextmanager
async def fake_api_over_http(api: FakeBotApi, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``api`` on loopback; yields the base URL for IPMS_TELEGRAM_BASE_URL."""
    port = port or free_port()
    config = uvicorn.Config(api.asgi(), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        server.should_exit = True
        await task


@dataclass
class ServeProcess:
    proc: asyncio.subprocess.Process
    client: httpx.AsyncClient
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def terminate(self, timeout: float = 60) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)


def serve_env(db_url: str, port: int, api_base: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPMS_")}
    env |= {
        "IPMS_TELEGRAM_TOKEN": TOKEN,
        "IPMS_TELEGRAM_BASE_URL": api_base,
        "IPMS_DATABASE_URL": db_url,
        "IPMS_WEBHOOK_URL": f"https://bot.example.com{HOOK_PATH}",
        "IPMS_WEBHOOK_SECRET": SECRET,
        "IPMS_WEBHOOK_PORT": str(port),
        **extra,
    }
    return env


@contextlib.asynccontextmanager
async def serve_process(
    db_url: str, api_base: str, log: Path, *, healthy: bool = True, **extra: str
) -> AsyncIterator[ServeProcess]:
    """``python -m bot.cli serve`` on a free port; stopped (SIGTERM) at the end."""
    port = free_port()
    with log.open("w") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            env=serve_env(db_url, port, api_base, **extra),
            stdout=out,
            stderr=out,
        )
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
    running_proc = ServeProcess(proc, client, log)
    try:
        if healthy:
            await wait_healthy(client)
        yield running_proc
    finally:
        await running_proc.terminate()
        await client.aclose()


def buttons_of(params: dict[str, Any]) -> list[str]:
    """Callback data of an outgoing message's inline keyboard, in order."""
    raw = params.get("reply_markup") or {"inline_keyboard": []}
    markup = raw if isinstance(raw, dict) else json.loads(str(raw))
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
