"""Invitations, joining, members, roles, removal, hand-over and leaving, as people see them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.clock import FakeClock
from bot.service import Assistant
from flows.callbacks import decode
from knowledge.texts import t
from storage.models import CompanyRecord, Invitation, Membership
from tests.workspace.people import Person, count_rows, invitation_code, invite, join


async def test_owner_invites_colleague_who_joins_and_both_see_the_members(
    alice: Person, bob: Person
) -> None:
    await alice.onboard("Alice Widgets")
    replies = await alice.say("/invite")
    assert "No invitations waiting to be used." in alice.text()
    replies = await alice.press("Invite a member")
    code = invitation_code(replies)
    assert "valid until 2026-12-04" in replies[0].text and "one use only" in replies[0].text
    # Bob has never talked to the bot: his first message is the invitation.
    [welcome, *nxt] = await join(bob, code.lower().replace("-", " "))  # forgiving typing
    assert welcome.text == t("zh", "ws_joined", company="Alice Widgets", role="成员")
    assert nxt  # and what to do next in that company
    await bob.say("/members")
    assert "“Alice Widgets”的成员（2 人）" in bob.text()
    assert "👑 Alice · 所有者" in bob.text() and "👤 鲍勃（您） · 成员" in bob.text()
    assert bob.labels() == ["🚪 退出这家公司"]  # a member manages nobody
    await alice.say("/members")
    assert "👤 鲍勃 · member · joined 2026-11-27" in alice.text()
    assert "⚙️ 鲍勃" in alice.labels()
    # Bob's own, never set up company was dropped when he joined: one company, two people.
    assert await count_rows(alice.assistant.store, CompanyRecord) == 1


async def test_invitation_is_single_use_expires_and_can_be_revoked(
    assistant: Assistant, alice: Person, bob: Person, carol: Person, mallory: Person
) -> None:
    await alice.onboard("Alice Widgets")
    code = await invite(alice)
    await join(bob, code)
    [used] = await join(carol, code)
    assert used.text == t("en", "ws_join_used")
    # Expired after 7 days.
    late = await invite(alice, "consultant")
    assert isinstance(assistant.clock, FakeClock)
    assistant.clock.advance(timedelta(days=7, seconds=1))
    [expired] = await join(carol, late)
    assert expired.text == t("en", "ws_join_expired")
    # Revoked from the list of open invitations.
    revoked = await invite(alice, "consultant")
    await alice.say("/invite")
    assert "consultant · valid until" in alice.text()
    await alice.press("Revoke invitation 1")
    assert t("en", "ws_revoked") in alice.text() and t("en", "ws_invite_none") in alice.text()
    [gone] = await join(carol, revoked)
    assert gone.text == t("en", "ws_join_revoked")
    # Made-up and malformed codes.
    [unknown] = await join(mallory, "ABCD-EFGH-JKMN-PQRS")
    assert unknown.text == t("en", "ws_join_unknown")
    [bad] = await join(mallory, "hello")
    assert bad.text == t("en", "ws_join_bad", code="hello")
    [usage] = await mallory.say("/join")
    assert usage.text == t("en", "ws_join_usage")
    # Alice and Bob in hers; Carol and Mallory each in a company of their own.
    assert await count_rows(assistant.store, Membership) == 4
    # Codes are stored only as hashes.
    async with assistant.store.session() as session:
        hashes = [i.code_hash for i in (await session.exec(select(Invitation))).all()]
    assert all(len(h) == 64 and code.replace("-", "") not in h for h in hashes)


async def test_joining_again_or_twice_only_switches(alice: Person, bob: Person) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    again = await invite(alice)
    replies = await join(bob, again)
    assert replies[0].text == t("zh", "ws_join_already", company="Alice Widgets")
    await alice.say("/invite")  # the unused invitation is still open
    assert "1. member" in alice.text()


async def test_only_the_owner_manages_members(alice: Person, bob: Person) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    [refused] = await bob.say("/invite")
    assert refused.text == t("zh", "ws_owner_only")
    alice_id = (await alice.export())["user"]["id"]
    for data in (f"2|ws.remove|{alice_id}", f"2|ws.role|{alice_id}|consultant", "2|ws.inv|member"):
        [no] = await bob.tap(data)
        assert no.text == t("zh", "ws_owner_only"), data


async def test_owner_changes_a_role_and_removes_a_member_after_confirming(
    alice: Person, bob: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    await alice.say("/members")
    await alice.press("鲍勃")
    assert "Role: member" in alice.text()
    [done] = await alice.press("Make consultant")
    assert done.text == "鲍勃 is now a consultant."
    await alice.say("/members")
    await alice.press("鲍勃")
    [ask] = await alice.press("Remove from the company")
    assert ask.text.startswith("Remove 鲍勃 from “Alice Widgets”?")
    yes = alice.button("Yes")
    await alice.say("/status")  # anything else withdraws the question
    [stale, *_] = await alice.tap(yes)
    assert stale.text == t("en", "stale_button")
    await alice.say("/members")
    assert "鲍勃" in alice.text()  # still there
    await alice.press("鲍勃")
    await alice.press("Remove from the company")
    replies = await alice.press("Yes")
    assert [r.text for r in replies] == [
        t("en", "confirmed"),
        "鲍勃 was removed from “Alice Widgets”.",
    ]
    assert replies[0].edit
    await alice.say("/members")
    assert "鲍勃" not in alice.text()
    # Bob is back in a company of his own.
    await bob.say("/members")
    assert "Alice Widgets" not in bob.text()


async def test_ownership_is_handed_over_and_only_then_can_the_old_owner_leave(
    alice: Person, bob: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    await alice.say("/members")
    assert "🚪 Leave this company" not in alice.labels()  # the owner sees no "leave" button
    [leave] = await alice.tap("2|ws.leave")
    assert leave.text == t("en", "ws_owner_cannot_leave", company="Alice Widgets")
    await alice.say("/members")
    await alice.press("鲍勃")
    await alice.press("Hand ownership over")
    assert "You become a member" in alice.text()
    replies = await alice.press("Yes")
    assert replies[-1].text == "鲍勃 now owns “Alice Widgets”; you are a member."
    await bob.say("/members")
    assert "👑 鲍勃（您） · 所有者" in bob.text() and "👤 Alice · 成员" in bob.text()
    await alice.say("/members")
    await alice.press("Leave this company")
    replies = await alice.press("Yes")
    assert replies[-1].text == t("en", "ws_left", company="Alice Widgets")
    await bob.say("/members")
    assert "👤 Alice" not in bob.text() and "（1 人）" in bob.text()


async def test_confirmation_buttons_are_single_use_and_bound_to_their_request(
    alice: Person, bob: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await join(bob, await invite(alice))
    await alice.say("/members")
    await alice.press("鲍勃")
    await alice.press("Remove from the company")
    yes = alice.button("Yes")
    cb = decode(yes)
    assert cb is not None and cb.company is not None  # bound to Alice's company
    forged = yes.rsplit("|", 1)[0] + "|000000000000"
    [stale, *_] = await alice.tap(forged)
    assert stale.text == t("en", "stale_button")
    await alice.say("/members")
    assert "鲍勃" in alice.text()
