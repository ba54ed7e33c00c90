"""Smaller parts of the Telegram adapter: text splitting, ordering, configuration."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr, ValidationError
from telegram import Update
from telegram.ext import Application, DictPersistence
from tg_fakes import TOKEN, StandInAssistant, make_settings, message_update

from bot.config import Settings
from bot.serve_commands import webhook_secret
from bot.telegram_app import PerChatUpdateProcessor, UnpersistedApplication, build_application
from bot.telegram_render import TEXT_LIMIT, split_text, utf16_len
from tests.support.fake_bot_api import FakeBotApi


def test_short_text_is_one_chunk() -> None:
    assert split_text("你好") == ["你好"]


def test_split_prefers_paragraph_breaks_and_loses_nothing() -> None:
    paragraphs = [f"第{i}段:" + "内容" * 900 for i in range(6)]
    chunks = split_text("\n\n".join(paragraphs))
    assert all(utf16_len(c) <= TEXT_LIMIT for c in chunks)
    assert all(c.startswith("第") for c in chunks)  # every cut fell on a paragraph break
    assert "".join(chunks).replace("\n", "") == "".join(paragraphs)


def test_split_counts_emoji_as_two_utf16_units() -> None:
    text = "🙂" * 3000  # 3,000 characters but 6,000 UTF-16 units
    chunks = split_text(text)
    assert len(chunks) == 2
    assert all(utf16_len(c) <= TEXT_LIMIT for c in chunks)
    assert "".join(chunks) == text


def test_split_without_any_break_cuts_hard() -> None:
    text = "x" * (TEXT_LIMIT * 2 + 5)
    assert [len(c) for c in split_text(text)] == [TEXT_LIMIT, TEXT_LIMIT, 5]


def _update(update_id: int, user_id: int) -> Update:
    return Update.de_json(message_update(update_id, text="hi", user_id=user_id), None)


async def test_one_chat_is_served_in_order_while_others_proceed() -> None:
    processor = PerChatUpdateProcessor(8)
    first_may_finish = asyncio.Event()
    log: list[str] = []

    async def work(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"{name} start")
        if wait is not None:
            await wait.wait()
        log.append(f"{name} end")

    a1 = asyncio.create_task(processor.process_update(_update(1, 1), work("a1", first_may_finish)))
    a2 = asyncio.create_task(processor.process_update(_update(2, 1), work("a2")))
    b1 = asyncio.create_task(processor.process_update(_update(3, 2), work("b1")))
    await b1  # another chat is not held up by chat 1's slow update
    assert log == ["a1 start", "b1 start", "b1 end"]
    first_may_finish.set()
    await asyncio.gather(a1, a2)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]  # chat 1 stayed in order


def test_base_url_points_bot_and_files_at_the_emulator() -> None:
    settings = make_settings(telegram_base_url="http://127.0.0.1:9001/bot")
    app = build_application(settings, StandInAssistant(), rate_limiter=None)
    assert app.bot.base_url.startswith("http://127.0.0.1:9001/bot")
    assert app.bot.base_file_url.startswith("http://127.0.0.1:9001/file/bot")
    assert app.job_queue is not None  # the reminder dispatcher schedules its tick there


def test_missing_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPMS_TELEGRAM_TOKEN", raising=False)
    with pytest.raises(ValueError, match="IPMS_TELEGRAM_TOKEN"):
        build_application(Settings(_env_file=None), StandInAssistant())  # type: ignore[call-arg]


def test_webhook_secret_is_validated_or_generated() -> None:
    assert webhook_secret(make_settings(webhook_secret=SecretStr("s3cr3t_-OK"))) == "s3cr3t_-OK"
    generated = webhook_secret(make_settings())
    assert len(generated) >= 32 and generated != webhook_secret(make_settings())
    with pytest.raises(ValidationError, match="webhook_secret"):
        make_settings(webhook_secret=SecretStr("has space"))


async def test_no_persistence_notes_pile_up_per_user() -> None:
    """PTB notes every chat and user for its persistence and only saving clears the notes;
    without a persistence nothing saves, so the bot's application notes nothing."""
    fake = FakeBotApi()
    app = build_application(make_settings(), StandInAssistant(), request=fake, updater=None)
    assert isinstance(app, UnpersistedApplication) and app.persistence is None
    async with app:
        for n in range(30):
            await app.process_update(
                Update.de_json(message_update(n + 1, user_id=500 + n), app.bot)
            )
    assert not app._chat_ids_to_be_updated_in_persistence
    assert not app._user_ids_to_be_updated_in_persistence
    # What is left out is PTB's own bookkeeping, under these names (an upgrade renaming them
    # would make the override a no-op: this notices).
    plain = Application.builder().token(TOKEN).updater(None).build()
    plain._mark_for_persistence_update(update=Update.de_json(message_update(1, user_id=7), None))
    assert plain._chat_ids_to_be_updated_in_persistence == {7}
    assert plain._user_ids_to_be_updated_in_persistence == {7}


async def test_a_configured_persistence_still_gets_its_notes() -> None:
    app = (
        Application.builder().application_class(UnpersistedApplication).token(TOKEN)
        .updater(None).persistence(DictPersistence()).build()
    )  # fmt: skip
    app._mark_for_persistence_update(update=Update.de_json(message_update(1, user_id=9), None))
    assert app._chat_ids_to_be_updated_in_persistence == {9}
    assert app._user_ids_to_be_updated_in_persistence == {9}
