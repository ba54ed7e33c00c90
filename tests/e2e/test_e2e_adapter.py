"""The Telegram adapter end to end: real Application, HTTP on loopback, the emulator.

These use the scripted stand-in assistant, so they test the transport (polling, webhook,
editing, uploads, errors, logs) independently of the journey content.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from e2e_harness import (
    RunningBot,
    StandInAssistant,
    bot_settings,
    free_port,
    new_token,
    run_polling,
    run_webhook,
    start_bot,
)
from emu_client import buttons_of, text_of
from pydantic import SecretStr

from bot.telegram_app import SORRY
from flows.catalog import REGISTRY

pytestmark = pytest.mark.emulator


async def test_start_then_button_edits_the_question(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(101, "Alice")

    [welcome] = await alice.say("/start")
    assert text_of(welcome) == "Welcome! Choose your language:"
    assert [label for label, _ in buttons_of(welcome)] == ["中文", "English"]

    edited, follow_up = await alice.press("中文")
    assert edited["messageId"] == welcome["messageId"] and edited["edited"] is True
    assert text_of(edited) == "Choose your language: ✅ 中文"
    assert buttons_of(edited) == []  # the answered question keeps no keyboard
    assert text_of(follow_up) == "Company name?"
    answers = await alice.client.calls("answerCallbackQuery")
    assert len(answers) == 1


async def test_pressing_an_old_or_unknown_button_gets_a_reply(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(102)
    [welcome] = await alice.say("/start")
    await alice.press("English")

    # The keyboard is gone from the chat, but an old client may still send its data.
    await alice.client.press("2|lang|en", welcome["messageId"])
    alice.sent += 1
    [again] = await alice.settle()  # same answer: the edit is "not modified" and skipped
    assert text_of(again) == "Company name?"

    await alice.client.press("2|step|removed-in-an-update", welcome["messageId"])
    alice.sent += 1
    [reshown] = await alice.settle()
    assert text_of(reshown).startswith("That button is from an earlier message")
    assert len(await alice.client.calls("answerCallbackQuery")) == 3


async def test_commands_menu_registered_in_both_languages(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(103)
    menus = await alice.client.commands()
    by_lang = {key.split("|")[1]: [c["command"] for c in cmds] for key, cmds in menus.items()}
    expected = [cmd.name for cmd in REGISTRY.menu]
    assert by_lang == {"": expected, "zh": expected}


async def test_sticker_and_edited_message_get_hints(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(104)
    sticker = {
        "file_id": "CAAD",
        "file_unique_id": "AQAD",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    [hint] = await alice.send(lambda: alice.client.send_content(sticker=sticker))
    assert "sticker" in text_of(hint)

    [hint] = await alice.send(lambda: alice.client.send_update(alice.client.edited_message(1, "x")))
    assert "edited" in text_of(hint)

    [hint] = await alice.say("长" * 4001)
    assert "too_long" in text_of(hint)


async def test_export_arrives_as_a_document(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(105)
    text, doc = await alice.say("/export")
    assert text_of(text) == "Here is your data."
    document = doc["message"]["document"]
    assert document["file_name"] == "ipms-export.json"
    assert doc["message"]["caption"] == "Data"
    assert json.loads(await alice.client.file_content(document["file_id"])) == {"company": "ACME"}


async def test_handler_error_reaches_the_user_as_a_polite_message(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(106)
    [sorry] = await alice.say("boom")
    assert text_of(sorry) == SORRY
    [reply] = await alice.say("still there?")  # the bot keeps serving
    assert text_of(reply) == "You said: still there?"


async def test_two_users_interleave_without_mixing(standin_bot: RunningBot) -> None:
    alice, bob = standin_bot.user(107, "Alice"), standin_bot.user(108, "Bob")
    for i in range(5):
        await alice.send_only(f"alice {i}")
        await bob.send_only(f"bob {i}")
    alice_got, bob_got = await alice.settle(), await bob.settle()
    assert [text_of(r) for r in alice_got] == [f"You said: alice {i}" for i in range(5)]
    assert [text_of(r) for r in bob_got] == [f"You said: bob {i}" for i in range(5)]


async def test_rate_limit_answer_is_retried(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(109)
    await alice.client.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", 1)
    [reply] = await alice.say("hello")  # AIORateLimiter(max_retries=3) waits and retries
    assert text_of(reply) == "You said: hello"
    assert len(await alice.client.calls("sendMessage")) == 2


async def test_blocked_user_is_marked_inactive(standin_bot: RunningBot) -> None:
    alice = standin_bot.user(110)
    await alice.client.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    assert await alice.say("hello") == []
    assert standin_bot.assistant.store.active == {"telegram:110": False}


async def test_token_never_reaches_the_logs_over_http(
    fresh_emulator: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)

    async def loud_httpx(_: object) -> None:
        # build_application quiets httpx; make it log every request URL to prove redaction.
        logging.getLogger("httpx").setLevel(logging.DEBUG)

    token = new_token()
    bot, stop = await start_bot(
        run_polling,
        bot_settings(fresh_emulator, token),
        StandInAssistant(),
        poll_timeout=5,
        on_startup=[loud_httpx],
    )
    try:
        alice = bot.user(111)
        await alice.say("/start")
        await alice.press("中文")
        await alice.say("boom")
    finally:
        await stop()
    assert "/bot[REDACTED]/getUpdates" in caplog.text  # httpx request lines were captured
    assert token not in caplog.text
    assert token.split(":")[1] not in caplog.text


async def test_webhook_round_trip_with_secret_token(fresh_emulator: str) -> None:
    port = free_port()
    secret = "e2e_Secret-0123456789"
    settings = bot_settings(
        fresh_emulator,
        new_token(),
        webhook_url=f"http://127.0.0.1:{port}/tg-hook",
        webhook_secret=SecretStr(secret),
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    bot, stop = await start_bot(run_webhook, settings, StandInAssistant())
    try:
        alice = bot.user(112)
        [welcome] = await alice.say("/start")
        assert text_of(welcome) == "Welcome! Choose your language:"
        edited, follow_up = await alice.press("English")
        assert text_of(edited).endswith("English") and text_of(follow_up) == "Company name?"
        [registered] = await alice.client.calls("setWebhook")
        assert registered["params"]["url"] == f"http://127.0.0.1:{port}/tg-hook"
        deliveries = await alice.client.calls("#webhook")
        assert [d["params"]["status"] for d in deliveries] == [200, 200]
        async with httpx.AsyncClient() as raw:  # a forged delivery without the secret
            forged = await raw.post(
                f"http://127.0.0.1:{port}/tg-hook",
                json={"update_id": 999999, "message": {}},
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
        assert forged.status_code == 403
    finally:
        await stop()
