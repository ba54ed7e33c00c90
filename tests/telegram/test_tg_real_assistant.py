"""The adapter in-process around the real Assistant (flows + SQLite), no network."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from tg_fakes import USER_ID, TgEnv, callback_update, message_update, open_env

from bot.clock import FakeClock
from bot.service import Assistant
from knowledge.loader import load_knowledge
from knowledge.texts import t
from storage.repo import Store


@pytest.fixture
async def real(sqlite_url: str) -> AsyncIterator[TgEnv]:
    store = await Store.open(sqlite_url, migrate=True)
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    try:
        async for env in open_env(Assistant(store, load_knowledge(), clock)):
            yield env
    finally:
        await store.close()


def _texts(env: TgEnv) -> list[str]:
    return [str(c.params.get("text", "")) for c in env.fake.outgoing()]


def _buttons(params: dict[str, object]) -> dict[str, str]:
    raw = params.get("reply_markup") or {"inline_keyboard": []}
    markup = raw if isinstance(raw, dict) else json.loads(str(raw))
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


async def test_start_in_chinese_from_the_telegram_language(real: TgEnv) -> None:
    await real.feed(message_update(1, text="/start", lang="zh-hans"))

    welcome, question = real.fake.named("sendMessage")
    assert "GB/T 29490-2023" in str(welcome.params["text"])
    assert list(_buttons(welcome.params)) == ["中文", "English"]
    assert question.params["text"] == t("zh", "ask_name")
    assert real.errors == []


async def test_language_button_switches_language_and_is_saved(real: TgEnv) -> None:
    await real.feed(message_update(1, text="/start", lang="zh-hans"))
    welcome = real.fake.named("sendMessage")[0]
    data = _buttons(welcome.params)["English"]  # read from the message, as a user would

    await real.feed(callback_update(2, data, message_id=1000, text=str(welcome.params["text"])))
    assert t("en", "lang_set") in _texts(real)
    await real.feed(message_update(3, text="/help"))
    assert _texts(real)[-1].startswith(t("en", "help_head"))
    assert real.errors == []


async def test_stale_button_reshows_where_the_user_is(real: TgEnv) -> None:
    await real.feed(message_update(1, text="/start", lang="en"))

    await real.feed(callback_update(2, "2|as.answer|Z99|y", message_id=5))

    assert len(real.fake.named("answerCallbackQuery")) == 1
    texts = _texts(real)
    assert t("en", "stale_button") in texts
    assert texts[-1] == t("en", "ask_name")  # the open question, asked again
    assert real.errors == []


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "unsupported"),
        ({"text": "x" * 4001}, "too_long"),
    ],
)
async def test_unsupported_input_gets_the_flows_hint(
    real: TgEnv, content: dict[str, Any], key: str
) -> None:
    await real.feed(message_update(1, text="/start", lang="en"))
    await real.feed(message_update(2, **content))

    expected = t("en", key, limit="4000") if key == "too_long" else t("en", key)
    assert _texts(real)[-1].split("(")[0] == expected.split("(")[0]
    assert real.errors == []


async def test_export_sends_the_users_data_as_a_json_document(real: TgEnv) -> None:
    await real.feed(message_update(1, text="/start", lang="en"))
    await real.feed(message_update(2, text="Acme Ltd"))
    await real.feed(message_update(3, text="/export"))

    doc = real.fake.outgoing()[-1]  # the export is one message: the file with its caption
    assert doc.method == "sendDocument" and doc.params["caption"] == t("en", "export_caption")
    assert _texts(real)[-2] != t("en", "export_caption")
    [(filename, content, mime)] = doc.files.values()
    assert (filename, mime) == ("ipms-export.json", "application/json")
    assert "Acme Ltd" in content.decode()
    assert doc.params["chat_id"] == USER_ID


async def test_a_forged_press_naming_another_chat_never_writes_there(real: TgEnv) -> None:
    """Replies go to the presser's own chat; another chat's message is never edited."""
    await real.feed(message_update(1, text="/start", lang="en"))
    welcome = real.fake.named("sendMessage")[0]
    data = _buttons(welcome.params)["English"]
    forged = callback_update(2, data, message_id=777, text="hello")
    victim = 424242
    forged["callback_query"]["message"]["chat"]["id"] = victim
    seen = len(real.fake.calls)
    await real.feed(forged)
    later = real.fake.calls[seen:]
    chats = {int(c.params["chat_id"]) for c in later if "chat_id" in c.params}
    assert chats == {USER_ID}, chats
    assert not [c for c in later if c.method.startswith("edit")]
    assert real.errors == []
