"""A user of company B cannot read or change company A: not through any command, any
button (forged callback data included, bound to A or not), a deep link or a reminder action.

Company A is compared row by row, in every table, before and after the attempts; every reply
the outsider gets is searched for A's names and texts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

from bot.clock import FakeClock
from bot.dispatcher import pop_due_for_user
from bot.service import Assistant
from flows.callbacks import decode, encode, scope
from flows.catalog import REGISTRY
from knowledge.texts import t
from storage.models import CompanyRecord, Invitation
from storage.reminder_models import Reminder
from tests.workspace.people import Person, dumped, invitation_code, invite, join

SECRETS = ("Zebrafish", "Zebra patent", "Alice", "鲍勃")


async def _company_a(alice: Person, bob: Person) -> None:
    await alice.onboard("Zebrafish Holdings")
    await alice.make_plan()
    await alice.say("/plan")
    await alice.press("Add an action")
    await alice.say("Zebra patent strategy")
    await alice.say("2027-02-01")
    await join(bob, await invite(alice))
    await alice.say("/plan")
    await alice.assign_first()
    await alice.press("鲍勃 (member)")
    await alice.tap("2|evt.date|internal_audit")
    await alice.say("2027-03-15")
    await alice.say("/invite consultant")  # an open invitation


async def snapshot(assistant: Assistant, company_id: int) -> str:
    """Every stored row of the company: its own rows in every table with a company id."""
    out: dict[str, Any] = {}
    async with assistant.store.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "company":
                stmt = table.select().where(table.c.id == company_id)
            elif "company_id" in table.c:
                stmt = table.select().where(table.c.company_id == company_id)
            else:
                continue
            rows = (await session.exec(stmt)).mappings().all()  # type: ignore[call-overload]
            out[table.name] = sorted(dumped(dict(r)) for r in rows)
    return dumped(out)


async def _column(assistant: Assistant, column: Any, where: Any) -> list[str]:
    async with assistant.store.session() as session:
        return sorted(
            {str(v) for v in (await session.exec(sa_select(column).where(where))).scalars()}
        )  # type: ignore[call-overload]


async def _ids(assistant: Assistant, company_id: int) -> list[str]:
    """Values an attacker would try as arguments: A's row ids, keys and users."""
    users = await _column(assistant, Reminder.user_id, Reminder.company_id == company_id)
    reminders = await _column(assistant, Reminder.id, Reminder.company_id == company_id)
    invitations = await _column(assistant, Invitation.id, Invitation.company_id == company_id)
    keys = ["gap:A01", "own:1", "action:gap:A01", "internal_audit", "impl.internal_audit"]
    words = ["member", "consultant", "owner", "y", "n", "-", "a", "s", "1", "7", "on"]
    return users + reminders[:3] + invitations + [str(company_id)] + keys + words


def _arg_sets(pool: list[str], arity: int) -> list[tuple[str, ...]]:
    if arity == 0:
        return [()]
    return [tuple(pool[(k + 7 * i) % len(pool)] for i in range(arity)) for k in range(len(pool))]


def _leaks(replies: list[Any]) -> list[str]:
    texts = [r.text for r in replies] + [b.label for r in replies for row in r.buttons for b in row]
    documents = [r.document.content.decode("utf-8", "replace") for r in replies if r.document]
    return [s for s in SECRETS for text in texts + documents if s in text]


async def test_nothing_of_company_a_is_reachable_from_company_b(
    assistant: Assistant, alice: Person, bob: Person, mallory: Person
) -> None:
    await _company_a(alice, bob)
    await mallory.onboard("Mallory Metals")
    await mallory.make_plan()
    a_id = (await alice.export())["companies"][0]["company"]["id"]
    before = await snapshot(assistant, a_id)
    pool = await _ids(assistant, a_id)
    denied = t("en", "ws_denied")
    tried = 0
    for name, command in REGISTRY.commands.items():
        for args in ("", *pool[:6], "all", command.usage):
            replies = await mallory.say(f"/{name} {args}".strip())
            assert not _leaks(replies), (name, args, _leaks(replies))
            tried += 1
    for verb in REGISTRY.verbs.values():
        for args in _arg_sets(pool, verb.arity):
            data = encode(verb.name, *args)
            replies = await mallory.tap(data)
            assert not _leaks(replies), (data, _leaks(replies))
            bound = await mallory.tap(scope(data, a_id))  # forged: bound to company A
            assert [r.text for r in bound] == [denied], data
            tried += 2
    assert tried > 1000
    assert await snapshot(assistant, a_id) == before
    # Mallory's own views never show A.
    for view in ("/companies", "/mine", "/export", "/members", "/reminders", "/calendar"):
        assert not _leaks(await mallory.say(view)), view


async def test_a_removed_member_loses_access_to_buttons_and_reminders_of_the_company(
    assistant: Assistant, alice: Person, bob: Person
) -> None:
    await _company_a(alice, bob)
    a_id = (await alice.export())["companies"][0]["company"]["id"]
    assert isinstance(assistant.clock, FakeClock)
    assistant.clock.advance(timedelta(days=6))  # the first reminders come due
    due = await pop_due_for_user(assistant.store, bob.who, assistant.clock.now(), assistant.kb)
    assert due, "Bob gets the reminders of his assigned action"
    reminder_buttons = [b.data for r in due for row in r.buttons for b in row]
    assert all((cb := decode(d)) is not None and cb.company == a_id for d in reminder_buttons)
    await bob.say("/plan")
    plan_buttons = [b.data for r in bob.seen for row in r.buttons for b in row]
    await alice.say("/members")
    await alice.press("鲍勃")
    await alice.press("Remove from the company")
    await alice.press("Yes")
    before = await snapshot(assistant, a_id)
    for data in reminder_buttons + plan_buttons:
        [refused] = await bob.tap(data)
        assert refused.text == t("zh", "ws_denied"), data
    snooze = next(d for d in reminder_buttons if "rem.snooze" in d)
    unbound = snooze.split("|", 1)[1]  # the same reminder, pressed without the company
    replies = await bob.tap(f"2|{unbound}")
    assert t("zh", "rem_stale") in [r.text for r in replies]
    assert await snapshot(assistant, a_id) == before


async def test_old_or_foreign_invitations_do_not_open_the_company(
    assistant: Assistant, alice: Person, bob: Person, mallory: Person
) -> None:
    await alice.onboard("Zebrafish Holdings")
    used = await invite(alice)
    await join(bob, used)
    revoked = invitation_code(await alice.say("/invite member"))
    await alice.say("/invite")
    await alice.press("Revoke invitation 1")
    for code in (used, revoked, used.replace("-", "")[:-1] + "0", "0" * 16):
        replies = await join(mallory, code)
        assert not _leaks(replies)
    await mallory.say("/members")
    assert "Zebrafish" not in mallory.text()
    companies = await _column(assistant, CompanyRecord.name, CompanyRecord.id > 0)
    assert sorted(companies) == ["", "Zebrafish Holdings"]  # Mallory's own, never set up
