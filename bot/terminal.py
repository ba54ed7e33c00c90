"""Terminal chat: the very same flows as on Telegram, offline.

Buttons become numbered options (type the number or the label); commands work as on
Telegram; with stdin a pipe, each line is one user message, so sessions can be scripted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.service import Assistant, Who
from flows.context import MAX_TEXT
from flows.types import Button, EventKind, Reply

QUIT = {"/quit", "/exit", "quit", "exit"}


class TerminalChat:
    def __init__(
        self,
        assistant: Assistant,
        user: str,
        lang: str | None,
        out: TextIO = sys.stdout,
        download_dir: Path | None = None,
    ) -> None:
        self.assistant = assistant
        self.who = Who("terminal", user, display_name=user, lang_hint=lang)
        self.out = out
        self.download_dir = download_dir or Path.cwd()
        self.options: list[Button] = []  # buttons of the latest reply that had any

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def render(self, replies: list[Reply]) -> None:
        shown: list[Button] = []
        for r in replies:
            prefix = "  (updated) " if r.edit else ""
            self._print(f"\n🤖 {prefix}{r.text}")
            if r.document is not None:
                path = self.download_dir / r.document.filename
                path.write_bytes(r.document.content)
                self._print(f"   📎 {path}")
            for row in r.buttons:
                for b in row:
                    shown.append(b)
                    self._print(f"   [{len(shown)}] {b.label}")
        if shown:
            self.options = shown

    def to_event_args(self, line: str) -> tuple[EventKind, str, str]:
        """Map one typed line to (kind, value, args)."""
        s = line.strip()
        if s.startswith("/") and len(s) > 1:
            name, _, args = s[1:].partition(" ")
            return EventKind.COMMAND, name.split("@")[0], args
        if s.isdigit() and self.options and 1 <= int(s) <= len(self.options):
            return EventKind.BUTTON, self.options[int(s) - 1].data, ""
        for b in self.options:
            if s and s.lower() == b.label.lower():
                return EventKind.BUTTON, b.data, ""
        if len(s) > MAX_TEXT:
            return EventKind.UNSUPPORTED, "too_long", ""
        return EventKind.TEXT, s, ""

    async def send(self, line: str) -> list[Reply]:
        kind, value, args = self.to_event_args(line)
        event = self.assistant.event(kind, value, args, lang_hint=self.who.lang_hint)
        replies = await self.assistant.handle(self.who, event)
        self.render(replies)
        await self.show_due_reminders()
        return replies

    async def show_due_reminders(self) -> None:
        try:
            from bot.dispatcher import pop_due_for_user
        except ImportError:
            return
        replies = await pop_due_for_user(self.assistant.store, self.who, self.assistant.clock.now())
        self.render(replies)

    async def run(self, read_line: Callable[[], str | None]) -> None:
        interactive = sys.stdin.isatty()
        if interactive:
            self._print("ipms-bot terminal chat. /help for commands, /quit to leave.")
        await self.send("/start")
        while True:
            line = read_line()
            if line is None or line.strip() in QUIT:
                break
            if not line.strip():
                continue
            if not interactive:
                self._print(f"\n🧑 {line.rstrip()}")
            await self.send(line.rstrip("\n"))


def stdin_reader() -> Callable[[], str | None]:
    interactive = sys.stdin.isatty()

    def read() -> str | None:
        try:
            if interactive:
                return input("\n🧑 > ")
            line = sys.stdin.readline()
            return line if line else None
        except (EOFError, KeyboardInterrupt):
            return None

    return read
