"""Fork server for the crash tests: imports the bot once, then forks one worker per job.

A worker is a bot process that handles some updates (``deliver``) or dispatches due
reminders (``dispatch``) and may be killed with SIGKILL on the way (``storage.faults``
checkpoints, or the fake Bot API / sender). Forking from this process costs milliseconds
where a fresh interpreter costs over a second of imports per worker.

Protocol: one JSON job per stdin line; one JSON line back per job: ``{"signal": 9}`` when
the worker was killed, ``{"exit": 0}`` when it finished (2: it raised, 3: the bot reported
errors). ``{"ready": true}`` is printed once imports are done.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from flows.types import Button
from knowledge.loader import load_knowledge
from storage import faults
from storage.repo import Store
from tests.crash.harness import deliver

TITLE = re.compile(r"R#\d+")  # seeded reminder titles


class FileSender:
    """A ``Sender`` for the dispatcher: "Telegram accepted" = the title is in ``out``.

    Written with ``os.write`` (no buffer a kill could lose); with ``kill_after`` the process
    dies right after that many accepted messages, before the dispatcher records the last.
    """

    def __init__(self, out: str, kill_after: int | None) -> None:
        self.fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        self.kill_after = kill_after
        self.count = 0

    async def send(self, chat_id: str, text: str, buttons: list[list[Button]]) -> None:
        titles = TITLE.findall(text) or ["?"]  # a digest carries several
        os.write(self.fd, "".join(f"{t}\n" for t in titles).encode())
        self.count += 1
        if self.count == self.kill_after:
            os.kill(os.getpid(), 9)


async def dispatch(job: dict[str, Any]) -> int:
    store = await Store.open(job["url"])
    try:
        clock = FakeClock(datetime.fromisoformat(job["now"]))
        sender = FileSender(job["out"], job.get("kill_after"))
        dispatcher = Dispatcher(
            store, load_knowledge(), sender, clock, job["worker"], rate_limit=False
        )
        await dispatcher.run_once()
    finally:
        await store.close()
    return 0


async def handle_updates(job: dict[str, Any]) -> int:
    bot = await deliver(job["url"], job["updates"], kill_on_send=job.get("kill_on_send"))
    if job.get("out"):
        Path(job["out"]).write_text(json.dumps(bot.texts, ensure_ascii=False))
    return 3 if bot.errors else 0


def run_child(job: dict[str, Any]) -> int:
    if job.get("kill_at"):
        os.environ[faults.KILL_ENV] = job["kill_at"]
        importlib.reload(faults)  # the hook reads its step once, at import
    work = dispatch if job["job"] == "dispatch" else handle_updates
    return asyncio.run(work(job))


def main() -> None:
    load_knowledge()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 2
            try:
                code = run_child(job)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            print(json.dumps({"signal": os.WTERMSIG(status)}), flush=True)
        else:
            print(json.dumps({"exit": os.WEXITSTATUS(status)}), flush=True)


if __name__ == "__main__":
    main()
