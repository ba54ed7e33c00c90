"""One command table: dispatch, /help, the Telegram menu and the README agree."""

from __future__ import annotations

import re
from pathlib import Path

from bot.telegram_app import menu
from flows.catalog import REGISTRY, commands_markdown
from flows.registry import Command, Flow, Registry
from flows.types import EventKind
from tests.flows.conftest import Driver

README = Path(__file__).resolve().parents[2] / "README.md"


def test_help_lists_every_menu_command_and_each_one_is_dispatched(en: Driver) -> None:
    en.cmd("help")
    listed = re.findall(r"^/(\w+)", en.said(), flags=re.MULTILINE)
    assert listed == [cmd.name for cmd in REGISTRY.menu]
    for name in listed:
        assert REGISTRY.commands[name].name == name
    assert "reminderhour" in listed  # was in /help but missing from the menu once


def test_telegram_menu_matches_the_table_in_both_languages() -> None:
    names = [cmd.name for cmd in REGISTRY.menu]
    assert [c.command for c in menu("en")] == names == [c.command for c in menu("zh")]
    assert all(c.description for c in [*menu("en"), *menu("zh")])


def test_readme_command_list_is_generated_from_the_table() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- commands -->\n", 1)[1].split("\n<!-- /commands -->", 1)[0]
    assert block == commands_markdown(), "regenerate with flows.catalog.commands_markdown()"


def test_a_command_declared_twice_is_refused() -> None:
    dup = Flow("x", commands=(Command("next", lambda ctx, _: []),))
    try:
        Registry.of([dup, dup])
    except ValueError as exc:
        assert "/next" in str(exc)
    else:
        raise AssertionError("duplicate command accepted")


def test_unknown_and_legacy_buttons_are_stale(en: Driver) -> None:
    en.onboard()
    for data in ("as:start", "2|nope", "2|as.answer|A01", "3|as.start", "x" * 80, ""):
        en.send(EventKind.BUTTON, data)
        assert "no longer applies" in en.said(), data
