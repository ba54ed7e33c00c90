"""The Telegram adapter in-process: real PTB Application, recorded Bot API calls."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from telegram.error import BadRequest
from tg_fakes import (
    SECRET_DETAIL,
    TOKEN,
    USER_ID,
    TgEnv,
    callback_update,
    member_update,
    message_update,
)

from bot.telegram_app import GROUP_NOTE, SORRY
from flows.catalog import REGISTRY
from flows.types import EventKind


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    raw = params.get("reply_markup")
    if raw is None:
        return None
    markup: dict[str, Any] = raw if isinstance(raw, dict) else json.loads(str(raw))
    return markup


def _labels(params: dict[str, Any]) -> list[str]:
    markup = _markup(params) or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def test_start_is_answered_with_keyboard(tg: TgEnv) -> None:
    await tg.feed(message_update(1, text="/start"))

    [sent] = tg.fake.outgoing()
    assert sent.method == "sendMessage"
    assert sent.params["chat_id"] == USER_ID
    assert sent.params["text"] == "Welcome! Choose your language:"
    assert _labels(sent.params) == ["中文", "English"]
    assert "parse_mode" not in sent.params  # plain text: flow texts are not escaped markup
    [(who, event)] = tg.assistant.seen
    assert (who.channel, who.external_id, who.display_name) == ("telegram", str(USER_ID), "Li Wei")
    assert who.lang_hint == "zh-hans"
    assert (event.kind, event.value, event.lang_hint) == (EventKind.COMMAND, "start", "zh-hans")
    assert event.now == tg.assistant.clock.now()
    assert tg.errors == []


async def test_command_arguments_and_bot_suffix_are_parsed(tg: TgEnv) -> None:
    await tg.feed(message_update(1, text="/Start@ipms_test_bot  invite-42 "))

    [(_, event)] = tg.assistant.seen
    # /start with a payload is a deep link: an invitation to join a company.
    assert (event.kind, event.value, event.args) == (EventKind.COMMAND, "join", "invite-42")


async def test_plain_text_becomes_a_text_event(tg: TgEnv) -> None:
    await tg.feed(message_update(1, text="下一步"))

    [(_, event)] = tg.assistant.seen
    assert (event.kind, event.value) == (EventKind.TEXT, "下一步")
    assert tg.fake.outgoing()[0].params["text"] == "You said: 下一步"


async def test_button_press_answers_callback_then_edits_the_question(tg: TgEnv) -> None:
    await tg.feed(callback_update(2, "2|lang|zh", message_id=77, text="Choose your language:"))

    methods = [c.method for c in tg.fake.calls if c.method != "getMe"]
    assert methods == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    answer, edit, follow_up = (c for c in tg.fake.calls if c.method != "getMe")
    assert answer.params["callback_query_id"] == "cq2"
    assert edit.params["message_id"] == 77 and edit.params["chat_id"] == USER_ID
    assert edit.params["text"] == "Choose your language: ✅ 中文"
    assert "reply_markup" not in edit.params  # the answered question loses its keyboard
    assert follow_up.params["text"] == "Company name?"
    assert tg.assistant.seen[0][1].kind is EventKind.BUTTON


async def test_stale_button_gets_a_reply_not_a_crash(tg: TgEnv) -> None:
    await tg.feed(callback_update(3, "2|step|gone:from-an-old-version", message_id=5))

    assert len(tg.fake.named("answerCallbackQuery")) == 1
    [reply] = tg.fake.named("sendMessage")
    assert reply.params["text"].startswith("That button is from an earlier message")
    assert _labels(reply.params) == ["中文", "English"]
    assert tg.errors == []


async def test_edit_that_telegram_refuses_is_sent_instead(tg: TgEnv) -> None:
    tg.fake.fail_next["editMessageText"] = (400, "Bad Request: message to edit not found")

    await tg.feed(callback_update(4, "2|lang|en", message_id=9))

    texts = [c.params["text"] for c in tg.fake.named("sendMessage")]
    assert texts == ["Choose your language: ✅ English", "Company name?"]
    assert tg.errors == []


async def test_edit_with_identical_content_is_not_an_error(tg: TgEnv) -> None:
    tg.fake.fail_next["editMessageText"] = (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
    )

    await tg.feed(callback_update(4, "2|lang|en", message_id=9))

    assert [c.params["text"] for c in tg.fake.named("sendMessage")] == ["Company name?"]
    assert tg.errors == []


async def test_callback_answer_failure_does_not_stop_the_reply(tg: TgEnv) -> None:
    tg.fake.fail_next["answerCallbackQuery"] = (400, "Bad Request: query is too old")

    await tg.feed(callback_update(5, "2|lang|zh", message_id=9))

    assert len(tg.fake.named("editMessageText")) == 1
    assert tg.errors == []


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                      "is_animated": False, "is_video": False, "type": "regular"}}, "sticker"),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "photo"),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "voice"),
        ({"document": {"file_id": "d", "file_unique_id": "d"}, "caption": "cv"}, "document"),
        ({"location": {"latitude": 31.2, "longitude": 121.5}}, "location"),
    ],
)  # fmt: skip
async def test_non_text_messages_get_a_hint(tg: TgEnv, content: dict[str, Any], kind: str) -> None:
    await tg.feed(message_update(6, **content))

    [(_, event)] = tg.assistant.seen
    assert (event.kind, event.value) == (EventKind.UNSUPPORTED, kind)
    [hint] = tg.fake.named("sendMessage")
    assert kind in hint.params["text"]


async def test_edited_message_gets_a_hint(tg: TgEnv) -> None:
    await tg.feed(message_update(7, text="ACME Ltd", key="edited_message"))

    [(_, event)] = tg.assistant.seen
    assert (event.kind, event.value) == (EventKind.UNSUPPORTED, "edited")
    assert len(tg.fake.named("sendMessage")) == 1


async def test_very_long_text_gets_a_hint(tg: TgEnv) -> None:
    await tg.feed(message_update(8, text="字" * 4001))

    [(_, event)] = tg.assistant.seen
    assert (event.kind, event.value) == (EventKind.UNSUPPORTED, "too_long")


async def test_text_of_exactly_the_limit_is_accepted(tg: TgEnv) -> None:
    await tg.feed(message_update(8, text="字" * 4000))

    assert tg.assistant.seen[0][1].kind is EventKind.TEXT


async def test_handler_error_gets_polite_message_and_no_traceback(
    tg: TgEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.telegram_app")

    await tg.feed(message_update(9, text="boom"))

    [sorry] = tg.fake.named("sendMessage")
    assert sorry.params["text"] == SORRY
    assert "抱歉" in SORRY and "Sorry" in SORRY and "/next" in SORRY
    for leaked in ("Traceback", "RuntimeError", SECRET_DETAIL):
        assert leaked not in sorry.params["text"]
    [record] = [r for r in caplog.records if r.name == "bot.telegram_app"]
    assert "RuntimeError" in record.getMessage() and "9" in record.getMessage()
    assert [type(e) for e in tg.errors] == [RuntimeError]  # reached the error handlers


async def test_token_never_appears_in_logs_even_at_debug(
    tg: TgEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)

    await tg.feed(message_update(10, text="/start"))
    await tg.feed(callback_update(11, "2|lang|zh", message_id=3))
    await tg.feed(message_update(12, text="/boom"))
    # What httpx prints for a real request, and an exception that carries the URL.
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        logging.getLogger("telegram.ext.Updater").exception("network trouble")

    assert "Calling Bot API endpoint" in caplog.text  # DEBUG output really was captured
    assert "HTTP Request: POST https://api.telegram.org/bot[REDACTED]/sendMessage" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


async def test_httpx_request_logging_is_quiet_by_default(tg: TgEnv) -> None:
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


async def test_repeated_update_is_handled_once(tg: TgEnv) -> None:
    await tg.feed(message_update(13, text="/start"))
    await tg.feed(message_update(13, text="/start"))

    assert len(tg.assistant.seen) == 1
    assert len(tg.fake.named("sendMessage")) == 1


async def test_commands_menu_is_set_in_both_languages(tg: TgEnv) -> None:
    assert tg.app.post_init is not None
    await tg.app.post_init(tg.app)

    calls = tg.fake.named("setMyCommands")
    by_lang = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_lang) == {None, "zh"}
    expected = [cmd.name for cmd in REGISTRY.menu]
    assert {"start", "next", "status", "plan", "reminderhour", "timezone", "help"} <= set(expected)
    for lang, commands in by_lang.items():
        assert [c["command"] for c in commands] == expected  # type: ignore[index]
        descriptions = " ".join(c["description"] for c in commands)  # type: ignore[index]
        assert ("下一步" in descriptions) == (lang == "zh")


async def test_startup_hooks_run_after_the_menu(tg: TgEnv) -> None:
    from bot.telegram_app import adapter_of

    seen: list[str] = []

    async def hook(app: object) -> None:
        seen.append("hook")

    adapter_of(tg.app).on_startup.append(hook)
    assert tg.app.post_init is not None
    await tg.app.post_init(tg.app)
    assert seen == ["hook"] and tg.fake.named("setMyCommands")


async def test_commands_menu_failure_does_not_stop_start_up(tg: TgEnv) -> None:
    tg.fake.fail_next["setMyCommands"] = (400, "Bad Request: something")
    assert tg.app.post_init is not None
    await tg.app.post_init(tg.app)  # no exception


async def test_group_command_gets_the_private_chat_note(tg: TgEnv) -> None:
    await tg.feed(message_update(14, text="/start", chat_type="group"))
    await tg.feed(message_update(15, text="just chatting", chat_type="group"))

    [note] = tg.fake.named("sendMessage")
    assert note.params["text"] == GROUP_NOTE
    assert tg.assistant.seen == []


async def test_long_reply_is_split_with_keyboard_on_the_last_part(tg: TgEnv) -> None:
    await tg.feed(message_update(16, text="/long"))

    parts = tg.fake.named("sendMessage")
    assert len(parts) > 1
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    assert [bool(_markup(p.params)) for p in parts] == [False] * (len(parts) - 1) + [True]
    total = sum(p.params["text"].count("这是一段很长的说明。") for p in parts)
    assert total == 40 * 30  # nothing lost at the cuts


async def test_document_reply_is_uploaded(tg: TgEnv) -> None:
    await tg.feed(message_update(17, text="/export"))

    text, doc = tg.fake.outgoing()
    assert (text.method, text.params["text"]) == ("sendMessage", "Here is your data.")
    assert doc.method == "sendDocument" and doc.params["caption"] == "Data"
    [(filename, content, mime)] = doc.files.values()
    assert (filename, content, mime) == (
        "ipms-export.json",
        b'{"company": "ACME"}',
        "application/json",
    )


async def test_document_without_caption_carries_the_reply_text(tg: TgEnv) -> None:
    await tg.feed(message_update(17, text="/calendar"))

    [doc] = tg.fake.outgoing()  # one message, not the text and then the file
    assert doc.method == "sendDocument" and doc.params["caption"] == "Your calendar: 3 dates"
    [(filename, _, mime)] = doc.files.values()
    assert (filename, mime) == ("ipms-calendar.ics", "text/calendar")


async def test_blocking_the_bot_marks_the_user_inactive(tg: TgEnv) -> None:
    await tg.feed(member_update(18, "kicked"))
    assert tg.assistant.store.active == {f"telegram:{USER_ID}": False}
    await tg.feed(member_update(19, "member"))
    assert tg.assistant.store.active == {f"telegram:{USER_ID}": True}
    assert tg.fake.named("sendMessage") == []


async def test_forbidden_while_replying_marks_inactive_without_apology(tg: TgEnv) -> None:
    tg.fake.fail_next["sendMessage"] = (403, "Forbidden: bot was blocked by the user")

    await tg.feed(message_update(20, text="/start"))

    assert tg.assistant.store.active == {f"telegram:{USER_ID}": False}
    assert len(tg.fake.named("sendMessage")) == 1  # no second attempt to apologise
    assert tg.errors and type(tg.errors[0]).__name__ == "Forbidden"


async def test_refused_reply_yields_the_apology(tg: TgEnv) -> None:
    tg.fake.fail_next["sendMessage"] = (400, "Bad Request: chat not found")

    await tg.feed(message_update(21, text="/start"))

    assert [type(e) for e in tg.errors] == [BadRequest]
    assert [c.params["text"] for c in tg.fake.named("sendMessage")][-1] == SORRY
