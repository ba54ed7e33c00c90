"""/deletedata: asks first (saying what happens to each company), then leaves no row about
the user; a sole owner's company goes with them, a shared one is handed over."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, String
from sqlmodel import SQLModel

from bot.service import Assistant, Who
from knowledge.texts import t
from tests.workspace.people import Person, invite, join, planned

DELETED = Who("telegram", "7000000099", "Quentin Deletable", "en")


async def rows_mentioning(
    assistant: Assistant, user_id: int, needles: tuple[str, ...]
) -> list[str]:
    """Every row, in every table, that refers to the user: by a foreign key to app_user, by
    its own id, or by their Telegram id or name in any text or JSON column."""
    found: list[str] = []
    async with assistant.store.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await session.exec(table.select())).mappings().all()  # type: ignore[call-overload]
            user_refs = [
                c.name
                for c in table.c
                if any(fk.column.table.name == "app_user" for fk in c.foreign_keys)
            ]
            if table.name == "app_user":
                user_refs.append("id")
            texts = [c.name for c in table.c if isinstance(c.type, String | JSON)]
            for row in rows:
                if any(row[c] == user_id for c in user_refs):
                    found.append(f"{table.name}: {dict(row)}")
                blob = json.dumps([row[c] for c in texts], ensure_ascii=False, default=str)
                found += [f"{table.name}: {n!r} in {blob}" for n in needles if n in blob]
    return found


async def _user_id(person: Person) -> int:
    export = await person.export()
    return int(export["user"]["id"])


async def test_owner_of_a_shared_and_a_solo_company_is_asked_then_erased(
    assistant: Assistant, bob: Person
) -> None:
    quentin = Person(assistant, DELETED)
    await quentin.onboard("Shared Works")
    await quentin.make_plan()
    await join(bob, await invite(quentin))
    await quentin.say("/plan")
    await quentin.assign_first()
    await quentin.press("Quentin Deletable (owner)")  # his own task: reminders to him alone
    await quentin.say("/invite consultant")  # an invitation he made, still open
    await quentin.say("/companies")
    await quentin.press("Set up another company")
    await quentin.say("Solo Side Project")
    quentin_id = await _user_id(quentin)
    assert await rows_mentioning(assistant, quentin_id, (DELETED.external_id, DELETED.display_name))

    [ask] = await quentin.say("/deletedata")
    assert ask.text.splitlines() == [
        t("en", "delete_confirm"),
        "",
        "• “Shared Works”: you leave; ownership first goes to 鲍勃, and the company's data stays.",
        "• “Solo Side Project”: you are its only member, so all its data and reminders are "
        "deleted too.",
        "",
        t("en", "delete_hand_over_hint"),
    ]
    replies = await quentin.press("Yes, delete")
    assert [r.text for r in replies] == [
        t("en", "deleting"),
        t("en", "deleted") + "\n• “Shared Works”: you leave; ownership first goes to 鲍勃, "
        "and the company's data stays.",
    ]
    assert (
        await rows_mentioning(assistant, quentin_id, (DELETED.external_id, DELETED.display_name))
        == []
    )
    # Bob owns Shared Works now, and gets the reminders Quentin had kept for himself.
    await bob.say("/members")
    assert "👑 鲍勃（您） · 所有者" in bob.text() and "（1 人）" in bob.text()
    await bob.say("/plan")
    assert "Quentin" not in bob.text()
    keys = {k for u, k in await planned(assistant.store) if u == bob.who.external_id}
    await bob.say("/plan")
    first = bob.first_item().rsplit("|", 1)[1]
    assert first in keys
    # Coming back later starts from scratch.
    await quentin.say("/start")
    assert quentin.seen[-1].text == t("en", "ask_name")


async def test_a_member_leaves_the_company_intact(
    assistant: Assistant, alice: Person, bob: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await join(bob, await invite(alice))
    await alice.say("/plan")
    await alice.assign_first()
    await alice.press("鲍勃 (member)")
    bob_id = await _user_id(bob)
    before = (await alice.export())["companies"][0]["plan_actions"]
    [ask] = await bob.say("/deletedata")
    assert "“Alice Widgets”：您退出，公司的数据保留给其他成员。" in ask.text
    await bob.press("确定删除")
    assert await rows_mentioning(assistant, bob_id, (bob.who.external_id, "鲍勃")) == []
    after = (await alice.export())["companies"][0]["plan_actions"]
    assert [a["action_id"] for a in after] == [a["action_id"] for a in before]
    assert all(a["assignee_id"] is None for a in after)
    assert not [k for u, k in await planned(assistant.store) if u == bob.who.external_id]


async def test_delete_is_refused_after_cancel_and_withdrawn_by_anything_else(
    alice: Person,
) -> None:
    await alice.onboard("Alice Widgets")
    await alice.say("/deletedata")
    yes = alice.button("Yes, delete")
    await alice.press("Cancel")
    [stale, *_] = await alice.tap(yes)
    assert stale.text == t("en", "stale_button")
    await alice.say("/deletedata")
    yes = alice.button("Yes, delete")
    await alice.say("/members")
    await alice.tap(yes)
    export: dict[str, Any] = await alice.export()
    assert export["companies"][0]["company"]["name"] == "Alice Widgets"
