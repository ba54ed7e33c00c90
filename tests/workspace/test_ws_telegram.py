"""Through the real python-telegram-bot Application (fake Bot API): the invitation deep link
and a forged callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.assembly import workspace_hook
from bot.clock import FakeClock
from bot.service import Assistant
from flows.callbacks import encode, scope
from knowledge.loader import load_knowledge
from knowledge.texts import t
from storage.repo import Store
from tests.telegram.tg_fakes import TgEnv, callback_update, message_update, open_env

ALICE, BOB = 5100000001, 5100000002


@pytest.fixture
async def real(sqlite_url: str) -> AsyncIterator[TgEnv]:
    store = await Store.open(sqlite_url, migrate=True)
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assistant = Assistant(store, load_knowledge(), clock)
    try:
        async for env in open_env(assistant):
            await workspace_hook(assistant)(env.app)  # as at start-up: the bot's name is known
            yield env
    finally:
        await store.close()


def _texts(env: TgEnv, chat: int) -> list[str]:
    return [str(c.params["text"]) for c in env.fake.outgoing() if c.params["chat_id"] == chat]


async def test_deep_link_invitation_and_forged_callback(real: TgEnv) -> None:
    for n, text in enumerate(["/start", "Alice Widgets", "20"], 1):
        await real.feed(message_update(n, text=text, user_id=ALICE, lang="en"))
    for n, data in enumerate(["2|ob|industry|software", "2|ob|sites|1", "2|ob|stage|building"], 4):
        await real.feed(callback_update(n, data, message_id=n, user_id=ALICE))
    await real.feed(message_update(10, text="/invite member", user_id=ALICE, lang="en"))
    invitation = _texts(real, ALICE)[-1]
    link = next(w for w in invitation.split() if w.startswith("https://t.me/"))
    assert link.startswith("https://t.me/ipms_test_bot?start=")
    payload = link.rsplit("=", 1)[1]
    assert len(payload) == 16 and payload.isalnum()  # a valid deep-link parameter

    # Bob taps the link: Telegram sends "/start <payload>".
    await real.feed(message_update(11, text=f"/start {payload}", user_id=BOB, lang="zh-hans"))
    assert _texts(real, BOB)[0] == t("zh", "ws_joined", company="Alice Widgets", role="成员")

    # Someone else forges a button of Alice's company: refused before any flow runs.
    export = await real.assistant.store.export_user("telegram", str(ALICE))
    company = export["companies"][0]["company"]["id"]
    forged = scope(encode("ws.role", str(BOB), "consultant"), company)
    await real.feed(callback_update(12, forged, message_id=99, user_id=5100000003))
    assert _texts(real, 5100000003) == [t("zh", "ws_denied")]
    await real.feed(message_update(13, text="/members", user_id=BOB, lang="zh-hans"))
    assert "👤 Li Wei（您） · 成员" in _texts(real, BOB)[-1]
    assert real.errors == []
