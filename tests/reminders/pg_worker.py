"""One dispatcher process for the multi-process test (run by test_pg_concurrency.py).

Usage: python pg_worker.py DB_URL WORKER_ID OUT_FILE READY_FILE GO_FILE NOW_ISO
Waits for GO_FILE, sends everything due through a recording sender, writes one line per
message to OUT_FILE: the chat it went to (each person gets one digest for all their rows).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from flows.types import Button
from knowledge.loader import load_knowledge
from storage.repo import Store


class ChatRecorder:
    def __init__(self) -> None:
        self.chats: list[str] = []

    async def send(self, chat_id: str, text: str, buttons: list[list[Button]]) -> None:
        self.chats.append(chat_id)


async def main(url: str, worker: str, out: Path, ready: Path, go: Path, now: str) -> None:
    store = await Store.open(url)
    kb = load_knowledge()
    sender = ChatRecorder()
    dispatcher = Dispatcher(
        store, kb, sender, FakeClock(datetime.fromisoformat(now)), worker, rate_limit=False
    )
    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    try:
        await dispatcher.run_once()
    finally:
        out.write_text("".join(f"{c}\n" for c in sender.chats))
        await store.close()


if __name__ == "__main__":
    url, worker, out, ready, go, now = sys.argv[1:7]
    asyncio.run(main(url, worker, Path(out), Path(ready), Path(go), now))
