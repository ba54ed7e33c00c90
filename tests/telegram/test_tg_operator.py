"""Unknown questions can be handed to a human: the operator chat receives them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from tg_fakes import USER_ID, TgEnv, callback_update, message_update, open_env

from bot.clock import FakeClock
from bot.service import Assistant
from bot.telegram_operator import TelegramOperator
from flows.context import FlowOptions
from knowledge.loader import load_knowledge
from storage.repo import Store

OPERATOR_CHAT = 9_999_001


@pytest.fixture
async def env(sqlite_url: str) -> AsyncIterator[TgEnv]:
    store = await Store.open(sqlite_url, migrate=True)
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assistant = Assistant(store, load_knowledge(), clock, FlowOptions(can_forward=True))
    try:
        async for e in open_env(assistant):
            assistant.operator = TelegramOperator(e.app.bot, OPERATOR_CHAT)
            yield e
    finally:
        await store.close()


def _forward_button(params: dict[str, object]) -> str | None:
    raw = params.get("reply_markup")
    if not raw:
        return None
    markup = raw if isinstance(raw, dict) else json.loads(str(raw))
    datas = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
    return next((d for d in datas if d.endswith("|fwd")), None)


async def _onboard(env: TgEnv) -> None:
    await env.feed(message_update(1, text="/start", lang="en"))
    for i, text in enumerate(["Acme", "20", "Other", "1", "Not started yet"], start=2):
        await env.feed(message_update(i, text=text))


async def test_out_of_scope_question_can_be_forwarded_to_the_operator(env: TgEnv) -> None:
    await _onboard(env)
    question = "Can you review our franchise agreement with a Korean distributor?"
    await env.feed(message_update(10, text=question))
    answer = env.fake.named("sendMessage")[-1]
    assert "outside what I know" in str(answer.params["text"])
    data = _forward_button(answer.params)
    assert data is not None  # offered as a button
    await env.feed(callback_update(11, data, message_id=2000, text=str(answer.params["text"])))
    to_operator = [c for c in env.fake.named("sendMessage") if c.params["chat_id"] == OPERATOR_CHAT]
    assert len(to_operator) == 1 and question in str(to_operator[0].params["text"])
    assert str(USER_ID) in str(to_operator[0].params["text"])
    to_user = env.fake.named("sendMessage")[-1]
    assert to_user.params["chat_id"] == USER_ID and "adviser" in str(to_user.params["text"])
    # Pressing it again forwards nothing more.
    await env.feed(callback_update(12, data, message_id=2000, text=str(answer.params["text"])))
    again = [c for c in env.fake.named("sendMessage") if c.params["chat_id"] == OPERATOR_CHAT]
    assert len(again) == 1
    assert env.errors == []
