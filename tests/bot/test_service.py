"""The service: state saved per event, companies isolated, data export and deletion, admin."""

from __future__ import annotations

import json

from bot.service import Assistant, Who
from flows.types import EventKind, Reply

ALICE = Who("telegram", "7000000001", "Alice", "en")
BOB = Who("telegram", "7000000002", "Bob", "zh-hans")
ADMIN = Who("telegram", "900", "Root", "en")


async def say(a: Assistant, who: Who, kind: EventKind, value: str, args: str = "") -> list[Reply]:
    return await a.handle(who, a.event(kind, value, args, lang_hint=who.lang_hint))


async def onboard(a: Assistant, who: Who, name: str) -> None:
    await say(a, who, EventKind.COMMAND, "start")
    for text in (name, "20"):
        await say(a, who, EventKind.TEXT, text)
    for data in ("2|ob|industry|software", "2|ob|sites|1", "2|ob|stage|not_started"):
        await say(a, who, EventKind.BUTTON, data)


async def test_language_comes_from_telegram_and_users_are_isolated(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "Alice Widgets")
    await onboard(assistant, BOB, "鲍勃科技")
    alice = await say(assistant, ALICE, EventKind.COMMAND, "status")
    bob = await say(assistant, BOB, EventKind.COMMAND, "status")
    assert "Alice Widgets" in alice[0].text and "鲍勃科技" not in alice[0].text
    assert "鲍勃科技" in bob[0].text and "进度" in bob[0].text


async def test_interleaved_users_keep_their_own_assessment(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "A")
    await onboard(assistant, BOB, "B")
    await say(assistant, ALICE, EventKind.BUTTON, "2|as.start")
    await say(assistant, BOB, EventKind.BUTTON, "2|as.start")
    await say(assistant, ALICE, EventKind.BUTTON, "2|as.answer|A01|y")
    await say(assistant, BOB, EventKind.BUTTON, "2|as.answer|A01|n")
    await say(assistant, ALICE, EventKind.BUTTON, "2|as.answer|F06|p")  # 2nd quick question
    a = await assistant.store.export_user("telegram", ALICE.external_id)
    b = await assistant.store.export_user("telegram", BOB.external_id)
    a_answers = {x["question_id"]: x["value"] for x in a["companies"][0]["answers"]}
    b_answers = {x["question_id"]: x["value"] for x in b["companies"][0]["answers"]}
    assert a_answers == {"A01": "yes", "F06": "partly"} and b_answers == {"A01": "no"}


async def test_export_contains_everything_and_only_mine(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "Alice Widgets")
    await onboard(assistant, BOB, "Bob Gadgets")
    [reply] = await say(assistant, ALICE, EventKind.COMMAND, "export")
    assert reply.document is not None and reply.document.filename.endswith(".json")
    data = json.loads(reply.document.content)
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Alice Widgets" in dumped and "Bob Gadgets" not in dumped


def _choices(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in reply.buttons for b in row}


async def test_delete_asks_first_and_then_removes_everything(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "Alice Widgets")
    [confirm] = await say(assistant, ALICE, EventKind.COMMAND, "deletedata")
    first = _choices(confirm)
    assert set(first) == {"Yes, delete", "Cancel"}
    [no] = await say(assistant, ALICE, EventKind.BUTTON, first["Cancel"])
    assert no.edit and not no.buttons and "nothing was deleted" in no.text  # buttons removed
    # The old "Yes" of an answered confirmation deletes nothing, however much later.
    stale = await say(assistant, ALICE, EventKind.BUTTON, first["Yes, delete"])
    assert "no longer applies" in stale[0].text
    assert await assistant.store.export_user("telegram", ALICE.external_id)
    # A confirmation is withdrawn by anything else the user does in between.
    [confirm] = await say(assistant, ALICE, EventKind.COMMAND, "deletedata")
    await say(assistant, ALICE, EventKind.COMMAND, "status")
    await say(assistant, ALICE, EventKind.BUTTON, _choices(confirm)["Yes, delete"])
    assert await assistant.store.export_user("telegram", ALICE.external_id)
    # A fresh confirmation, answered at once, deletes.
    [confirm] = await say(assistant, ALICE, EventKind.COMMAND, "deletedata")
    replies = await say(assistant, ALICE, EventKind.BUTTON, _choices(confirm)["Yes, delete"])
    assert replies[0].edit and not replies[0].buttons
    assert "deleted" in replies[-1].text
    assert await assistant.store.export_user("telegram", ALICE.external_id) == {}
    again = await say(assistant, ALICE, EventKind.COMMAND, "start")
    assert "Welcome back" not in again[0].text


async def test_admin_command_is_for_admins_only(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "Alice Widgets")
    [denied] = await say(assistant, ALICE, EventKind.COMMAND, "admin")
    assert "administrators only" in denied.text
    [stats] = await say(assistant, ADMIN, EventKind.COMMAND, "admin")
    assert "users" in stats.text and "Alice" not in stats.text


async def test_foreign_or_stale_reminder_button_is_answered_kindly(assistant: Assistant) -> None:
    await onboard(assistant, ALICE, "Alice Widgets")
    replies = await say(assistant, ALICE, EventKind.BUTTON, "2|rem.snooze|999999|1")
    assert replies and "Traceback" not in replies[0].text


async def test_progress_survives_a_new_assistant_on_the_same_database(assistant: Assistant) -> None:
    from storage.repo import Store

    await onboard(assistant, ALICE, "Alice Widgets")
    await say(assistant, ALICE, EventKind.BUTTON, "2|as.start")
    await say(assistant, ALICE, EventKind.BUTTON, "2|as.answer|A01|y")
    url = assistant.store.engine.url.render_as_string(hide_password=False)
    fresh = Assistant(await Store.open(url), assistant.kb, assistant.clock)
    try:
        replies = await say(fresh, ALICE, EventKind.COMMAND, "next")
        second = [q for q in assistant.kb.questions if q.quick and not q.requires_running][1]
        assert second.text.en in replies[-1].text
    finally:
        await fresh.store.close()
