"""/export: everything about the user and their companies, as their role lets them see it."""

from __future__ import annotations

import json

from tests.workspace.people import Person, invite, join


async def test_owner_and_member_exports_follow_their_roles(alice: Person, bob: Person) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await join(bob, await invite(alice))
    await alice.say("/invite consultant")  # still open
    [reply] = await alice.say("/export")
    assert reply.document is not None and reply.document.mime_type == "application/json"
    owner = json.loads(reply.document.content)
    assert owner["format"] == "ipms-bot-export/2"
    [company] = owner["companies"]
    assert company["role"] == "owner"
    assert [(m["name"], m["role"]) for m in company["members"]] == [
        ("Alice", "owner"),
        ("鲍勃", "member"),
    ]
    assert [i["role"] for i in company["invitations"]] == ["member", "consultant"]
    assert all("code_hash" not in i for i in company["invitations"])
    assert company["invitations"][0]["used_by"] is not None
    assert owner["reminders"] and {r["user_id"] for r in owner["reminders"]} == {
        owner["user"]["id"]
    }
    assert owner["user"]["external_id"] == alice.who.external_id

    [reply] = await bob.say("/export")
    assert reply.document is not None
    member = json.loads(reply.document.content)
    [company] = member["companies"]
    assert company["role"] == "member" and "invitations" not in company
    assert company["company"]["name"] == "Alice Widgets"
    assert len(company["plan_actions"]) == len(owner["companies"][0]["plan_actions"])
    dumped = json.dumps(member, ensure_ascii=False)
    assert alice.who.external_id not in dumped  # Alice's own data is hers
    assert {r["user_id"] for r in member["reminders"]} == {member["user"]["id"]}
