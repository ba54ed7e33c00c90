"""Terminal chat: the very same flows as on Telegram, offline.

Buttons become options: the current question's buttons are numbered from 1, always; buttons
of anything else in the same batch (related questions, reminders) get letters, so they never
shift the numbers under the user's fingers. Type the number, the letter or the label.
Commands work as on Telegram; with stdin a pipe, each line is one user message.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.clock import ShiftedClock
from bot.dispatcher import pop_due_for_user
from bot.service import Assistant, Who
from flows.context import MAX_TEXT
from flows.state import DEFAULT_TZ
from flows.types import Button, EventKind, Lang, Reply
from knowledge.texts import load_catalogue
from storage import reminders as rem
from storage.companies import user_timezone

QUIT = {"/quit", "/exit", "quit", "exit"}
LETTERS = string.ascii_lowercase


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
        self.options: list[Button] = []  # the current question's buttons: [1], [2], ...
        self.extras: list[Button] = []  # other buttons of the latest batch: [a], [b], ...
        self.lang: Lang = "zh" if (lang or "").startswith("zh") else "en"

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def render(self, replies: list[Reply], *, prompt: bool = True) -> None:
        """Print what is new; ``prompt=False`` for replies that are not an answer (reminders)."""
        shown = [r for r in replies if not r.record]  # the typed answer is on screen already
        with_buttons = [r for r in shown if r.buttons]
        current = with_buttons[-1] if prompt and with_buttons else None
        extras: list[Button] = []
        for r in shown:
            self._print(f"\n🤖 {r.text}")
            if r.document is not None:
                path = self.download_dir / r.document.filename
                path.write_bytes(r.document.content)
                self._print(f"   📎 {path}")
            buttons = [b for row in r.buttons for b in row]
            if r is current:
                for i, b in enumerate(buttons, 1):
                    self._print(f"   [{i}] {b.label}")
                continue
            for b in buttons:
                if len(extras) < len(LETTERS):
                    self._print(f"   [{LETTERS[len(extras)]}] {b.label}")
                    extras.append(b)
        if current is not None:
            self.options = [b for row in current.buttons for b in row]
        self.extras = extras

    def to_event_args(self, line: str) -> tuple[EventKind, str, str]:
        """Map one typed line to (kind, value, args)."""
        s = line.strip()
        if s.startswith("/") and len(s) > 1:
            name, _, args = s[1:].partition(" ")
            return EventKind.COMMAND, name.split("@")[0], args
        if s.isdigit() and 1 <= int(s) <= len(self.options):
            return EventKind.BUTTON, self.options[int(s) - 1].data, ""
        if len(s) == 1 and s in LETTERS[: len(self.extras)]:
            return EventKind.BUTTON, self.extras[LETTERS.index(s)].data, ""
        for b in [*self.options, *self.extras]:
            if s and _bare(s) == _bare(b.label):  # typed without the emoji: "这些都已完成"
                return EventKind.BUTTON, b.data, ""
        if len(s) > MAX_TEXT:
            return EventKind.UNSUPPORTED, "too_long", ""
        return EventKind.TEXT, s, ""

    async def send(self, line: str) -> list[Reply]:
        if line.strip().startswith("/today"):
            await self._learn_language()
            return await self.set_today(line.strip().removeprefix("/today").strip())
        kind, value, args = self.to_event_args(line)
        event = self.assistant.event(kind, value, args, lang_hint=self.who.lang_hint)
        replies = await self.assistant.handle(self.who, event)
        self.render(replies)
        await self.show_due_reminders()
        return replies

    async def set_today(self, text: str) -> list[Reply]:
        """Terminal only: pretend it is another day (in the user's timezone), to try later
        phases and reminders."""
        texts = load_catalogue()
        lang = self.lang
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self._print(f"\n🤖 {texts.t(lang, 'today_usage')}")
            return []
        async with self.assistant.store.session() as session:
            tz = await user_timezone(session, self.who.channel, self.who.external_id)
        clock = self.assistant.clock
        if isinstance(clock, ShiftedClock):
            clock.move_to(day, tz or DEFAULT_TZ)
        else:
            self.assistant.clock = ShiftedClock(day, base=clock, tz=tz or DEFAULT_TZ)
        self._print(f"\n🤖 {texts.t(lang, 'today_set', date=day.isoformat())}")
        # What would have reached the phone by then, before anything is said on that day.
        await self.show_due_reminders()
        return []

    async def _learn_language(self) -> None:
        """The chat's language as saved (the user may have switched since the start)."""
        person = await rem.recipient_by_identity(
            self.assistant.store, self.who.channel, self.who.external_id
        )
        if person is not None:
            self.lang = "zh" if person.lang == "zh" else "en"

    async def show_due_reminders(self) -> None:
        replies = await pop_due_for_user(self.assistant.store, self.who, self.assistant.clock.now())
        if replies:
            self.render(replies, prompt=False)

    async def run(self, read_line: Callable[[], str | None]) -> None:
        interactive = sys.stdin.isatty()
        if interactive:
            self._print(load_catalogue().t(self.lang, "terminal_intro"))
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


def _bare(label: str) -> str:
    """A label as people type it: no leading emoji or symbols, any case."""
    return label.lstrip(" ✅📅❓⏰👉📋📝➕🔎📨📜🗺️⬜✔").strip().lower()


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
