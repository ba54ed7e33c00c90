"""Plan actions and journey steps assigned to a member: the plan, /mine, their reminders."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.dispatcher import pop_due_for_user
from flows.callbacks import decode
from flows.context import Ctx
from flows.report import build_report
from knowledge.texts import t
from tests.workspace.people import Person, invite, join, planned


async def _team(alice: Person, bob: Person) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await join(bob, await invite(alice))


def _first_action(person: Person) -> str:
    """The id of the plan's first open action, from its "1" button (``pl.how|action:<id>``)."""
    key = person.first_item().rsplit("|", 1)[1]
    assert key.startswith("action:"), key
    return key.removeprefix("action:")


async def test_assigned_action_shows_in_the_plan_in_mine_and_goes_to_the_assignee_only(
    alice: Person, bob: Person
) -> None:
    await _team(alice, bob)
    store = alice.assistant.store
    await alice.say("/plan")
    action = _first_action(alice)
    key = f"action:{action}"
    alice_id, bob_id = alice.who.external_id, bob.who.external_id
    before = await planned(store)
    assert (alice_id, key) in before and (bob_id, key) in before  # unassigned: both
    await alice.assign_first()
    assert "Who should take care of" in alice.text()
    assert alice.labels() == ["Alice (owner)", "鲍勃 (member)", "Nobody"]
    replies = await alice.press("鲍勃 (member)")
    assert replies[0].text.endswith("is assigned to 鲍勃.")
    [line] = [x for x in replies[1].text.splitlines() if x.startswith("⬜ 1.")]
    assert " · 鲍勃" in line  # the plan names him
    after = await planned(store)
    assert (bob_id, key) in after and (alice_id, key) not in after
    assert {k for u, k in after if u == alice_id} == {k for u, k in before if u == alice_id} - {key}
    [mine] = await bob.say("/mine")
    assert mine.text.startswith("分配给您的事项：") and "🏢 Alice Widgets" in mine.text
    assert len(mine.text.splitlines()) == 4  # head, blank, company, the one action
    [nothing] = await alice.say("/mine")
    assert nothing.text == t("en", "ws_mine_empty")
    # Unassigned again: back to everyone.
    await alice.say("/plan")
    await alice.assign_first()
    await alice.press("Nobody")
    assert (alice_id, key) in await planned(store)


async def test_bob_marks_his_action_done_from_mine(alice: Person, bob: Person) -> None:
    await _team(alice, bob)
    await alice.say("/plan")
    await alice.assign_first()
    await alice.press("鲍勃 (member)")
    await bob.say("/mine")
    replies = await bob.press("✅ 1")
    assert replies[0].text.startswith("✅ 已标记完成：")
    [empty] = await bob.say("/mine")
    assert empty.text == t("zh", "ws_mine_empty")
    await alice.say("/plan")
    assert "1 done" in alice.text()


async def test_step_assignee_gets_the_steps_dated_reminders(alice: Person, bob: Person) -> None:
    await _team(alice, bob)
    store = alice.assistant.store
    await alice.tap("2|step|impl.internal_audit")
    await alice.press("👤 Assign")
    replies = await alice.press("鲍勃 (member)")
    assert "👤 Responsible: 鲍勃" in replies[1].text
    await alice.tap("2|evt.date|internal_audit")
    await alice.say("2027-03-15")
    rows = await planned(store)
    assert (bob.who.external_id, "internal_audit") in rows
    assert (alice.who.external_id, "internal_audit") not in rows
    [mine] = await bob.say("/mine")
    assert "🧭 1. 内部审核" in mine.text


async def test_consultant_gets_only_what_is_assigned_to_them(alice: Person, carol: Person) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await join(carol, await invite(alice, "consultant"))
    store = alice.assistant.store
    assert not [k for u, k in await planned(store) if u == carol.who.external_id]
    await alice.say("/plan")
    action = _first_action(alice)
    await alice.assign_first()
    await alice.press("Carol (consultant)")
    mine = {k for u, k in await planned(store) if u == carol.who.external_id}
    assert mine == {f"action:{action}"}


async def test_removed_members_assignments_and_reminders_go_back_to_the_team(
    alice: Person, bob: Person
) -> None:
    await _team(alice, bob)
    store = alice.assistant.store
    await alice.say("/plan")
    key = f"action:{_first_action(alice)}"
    await alice.assign_first()
    await alice.press("鲍勃 (member)")
    await alice.say("/members")
    await alice.press("鲍勃")
    await alice.press("Remove from the company")
    await alice.press("Yes")
    rows = await planned(store)
    assert not [k for u, k in rows if u == bob.who.external_id]
    assert (alice.who.external_id, key) in rows
    await alice.say("/plan")
    assert "鲍勃" not in alice.text()


async def test_the_report_names_the_assignee(alice: Person, bob: Person) -> None:
    await _team(alice, bob)
    await alice.say("/plan")
    action = _first_action(alice)
    await alice.assign_first()
    await alice.press("鲍勃 (member)")
    async with alice.assistant.store.conversation("telegram", alice.who.external_id) as h:
        ctx = Ctx(h.conv, alice.assistant.kb, alice.assistant.clock.now())
    lines = {line.title: line for line in build_report(ctx).plan}
    [mine] = [x for x in ctx.company.actions if x.id == action]
    assert lines[mine.title_en].who == f"鲍勃 ({mine.owner_role_en})"


async def test_a_consultants_reminders_come_per_company_and_act_on_it(
    alice: Person, mallory: Person, carol: Person
) -> None:
    companies = {}
    for owner, name in ((alice, "Alice Widgets"), (mallory, "Mallory Metals")):
        await owner.onboard(name)
        await owner.make_plan()
        await join(carol, await invite(owner, "consultant"))
        await owner.say("/plan")
        await owner.assign_first()
        await owner.press("Carol (consultant)")
        companies[name] = (await owner.export())["companies"][0]["company"]["id"]
    a = alice.assistant
    assert isinstance(a.clock, FakeClock)
    a.clock.advance(timedelta(days=6))
    digests = await pop_due_for_user(a.store, carol.who, a.clock.now(), a.kb)
    heads = [d.text.splitlines()[0] for d in digests]
    assert sorted(heads) == ["🏢 Alice Widgets", "🏢 Mallory Metals"]
    for digest in digests:
        company = companies[digest.text.splitlines()[0].removeprefix("🏢 ")]
        bound = {decode(b.data).company for row in digest.buttons for b in row}  # type: ignore[union-attr]
        assert bound == {company}


async def test_a_sole_owner_is_told_the_whole_plan_is_theirs(alice: Person) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    [mine] = await alice.say("/mine")
    assert mine.text == t("en", "ws_mine_solo")
