"""Conversation load/save: round trip, deletes, isolation, serialisation, persistence."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, text
from sqlmodel import col, select

from flows.state import (
    Answer,
    Company,
    Conversation,
    User,
)
from storage.models import (
    AnswerRecord,
    AppUser,
    Membership,
    PlanAction,
    StepProgress,
    UTCDateTime,
)
from storage.repo import Store, lang_from_hint
from tests.storage.factories import BIG_TG_ID, CST, full_state, load, save_full


async def count(store: Store, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    async with store.session() as session:
        return (await session.exec(stmt)).one()


async def test_first_contact_creates_user_company_and_owner_membership(store: Store) -> None:
    async with store.conversation("telegram", BIG_TG_ID, "Alice", lang_hint="en-US") as handle:
        conv = handle.conv
    assert conv.user.id is not None and conv.company.id is not None
    assert (conv.user.channel, conv.user.external_id, conv.user.display_name) == (
        "telegram",
        BIG_TG_ID,
        "Alice",
    )
    assert conv.user.lang == "en" and not conv.user.lang_chosen
    [me] = conv.company.members
    assert (me.user_id, me.name, me.role) == (conv.user.id, "Alice", "owner")
    assert conv.company == Company(id=conv.company.id, members=[me])
    async with store.session() as session:
        user = (await session.exec(select(AppUser))).one()
        member = (await session.exec(select(Membership))).one()
    assert user.telegram_id == 7_000_000_000
    assert (member.user_id, member.company_id, member.role) == (
        conv.user.id,
        conv.company.id,
        "owner",
    )
    assert user.created_at.tzinfo is not None and user.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("hint", "lang"), [(None, "zh"), ("zh-hans", "zh"), ("ZH", "zh"), ("en", "en"), ("de", "en")]
)
def test_first_contact_language_from_hint(hint: str | None, lang: str) -> None:
    assert lang_from_hint(hint) == lang


async def test_terminal_user_has_no_telegram_id(store: Store) -> None:
    conv = await load(store, "alice", channel="terminal")
    assert conv.user.channel == "terminal" and conv.user.lang == "zh"
    async with store.session() as session:
        user = (await session.exec(select(AppUser))).one()
    assert user.telegram_id is None


async def test_full_round_trip_every_field(store: Store) -> None:
    saved = await save_full(store)
    loaded = await load(store)
    assert loaded == saved
    # Aware datetimes come back as the same instant, in UTC.
    answered = loaded.company.answers["A01"].answered_at
    assert answered.utcoffset() == timedelta(0)
    assert answered == datetime(2026, 11, 27, 1, 30, 15, 123456, tzinfo=UTC)
    # List order is what the flows saved, not insertion or key order.
    assert [a.id for a in loaded.company.actions] == ["own:3", "gap:A03"]
    assert [n.id for n in loaded.company.nonconformities] == ["nc:2", "nc:1"]
    assert loaded.company.steps_done == ["gap_check", "kickoff", "policy"]
    assert loaded.company.checked == {"policy": ["c1", "c3"], "kickoff": []}


async def test_save_updates_and_deletes_removed_rows(store: Store) -> None:
    saved = await save_full(store)
    company = saved.company.model_copy(deep=True)
    del company.answers["B02"]
    company.answers["A01"] = company.answers["A01"].model_copy(update={"value": "yes"})
    del company.checked["policy"]
    company.steps_done = ["policy", "gap_check"]
    company.actions = [company.actions[1].model_copy(update={"priority": 2})]
    company.certificate = None
    company.nonconformities = company.nonconformities[1:]
    company.events = [company.events[1]]
    user = saved.user.model_copy(update={"pending": None, "display_name": "Wang"})
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        await handle.save(Conversation(user=user, company=company))

    loaded = await load(store)
    company.members = [m.model_copy(update={"name": "Wang"}) for m in company.members]
    assert loaded == Conversation(user=user, company=company)
    cid = loaded.company.id
    assert await count(store, AnswerRecord, company_id=cid) == 1
    assert await count(store, PlanAction, company_id=cid) == 1
    # kickoff: checked [] but no longer done; policy: done, no checked entry; gap_check: done;
    # audit: only assigned.
    assert await count(store, StepProgress, company_id=cid) == 4
    export = await store.export_user("telegram", BIG_TG_ID)
    [data] = export["companies"]
    assert data["certificate"] is None and len(data["nonconformities"]) == 1
    assert [e["key"] for e in data["events"]] == ["internal_audit"]


async def test_exception_in_block_rolls_back(store: Store) -> None:
    await load(store)
    with pytest.raises(RuntimeError):
        async with store.conversation("telegram", BIG_TG_ID) as handle:
            await handle.save(full_state(handle.conv))
            raise RuntimeError("flow crashed")
    assert (await load(store)).company.name == ""


async def test_two_users_are_isolated(store: Store) -> None:
    alice = await save_full(store, "111")
    async with store.conversation("telegram", "222", "Bob") as handle:
        bob = handle.conv
        assert bob.company.id != alice.company.id
        assert bob.company == Company(id=bob.company.id, members=bob.company.members)
        assert [m.name for m in bob.company.members] == ["Bob"]
        # A handle refuses state belonging to someone else.
        with pytest.raises(ValueError, match="another user"):
            await handle.save(alice)
        with pytest.raises(ValueError, match="another company"):
            await handle.save(Conversation(user=bob.user, company=alice.company))
        await handle.save(
            bob.model_copy(update={"company": Company(id=bob.company.id, name="Bob Co")})
        )
    assert (await load(store, "111")) == alice
    assert (await load(store, "222")).company.name == "Bob Co"
    assert [u.external_id for u in await store.company_members(alice.company.id or 0)] == ["111"]


async def test_same_external_id_on_other_channel_is_another_user(store: Store) -> None:
    tg = await save_full(store, "42")
    term = await load(store, "42", channel="terminal")
    assert term.user.id != tg.user.id and term.company.id != tg.company.id
    assert term.company.answers == {}


async def _give_turns() -> bool:
    """Let the other task run for a while (it is blocked, or it gets in ahead of us)."""
    for _ in range(20):
        await asyncio.sleep(0)
    return True


async def _pg_lock_waiters(observer: Store) -> bool:
    async with observer.session() as session:
        waiting = await session.exec(
            text(  # type: ignore[call-overload]
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return int(waiting.scalar()) > 0


async def _until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(1000):  # polling, not timing: the loop ends as soon as it holds
        if await condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"never happened: {what}")


async def _add_answer_and_count(
    store: Store,
    question_id: str,
    loaded: asyncio.Event,
    before_save: Callable[[], Awaitable[None]],
) -> None:
    """Read-modify-write: add an answer and increment headcount."""
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        conv = handle.conv.model_copy(deep=True)
        loaded.set()
        await before_save()
        conv.company.answers[question_id] = Answer(
            question_id=question_id, value="yes", answered_at=datetime.now(UTC)
        )
        conv.company.headcount = (conv.company.headcount or 0) + 1
        await handle.save(conv)


async def _race(first: Store, second: Store, second_blocked: Callable[[], Awaitable[bool]]) -> None:
    """The first task loads, then saves only once the second has loaded or is blocked."""
    await load(first)  # the user exists; the tasks race on the update
    first_loaded, second_loaded, second_started = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def first_waits() -> None:
        async def ready() -> bool:
            return second_loaded.is_set() or (second_started.is_set() and await second_blocked())

        await _until(ready, "second task loaded or blocked")

    async def second_task() -> None:
        await first_loaded.wait()
        second_started.set()
        await _add_answer_and_count(second, "A02", second_loaded, _noop)

    await asyncio.gather(
        _add_answer_and_count(first, "A01", first_loaded, first_waits), second_task()
    )
    company = (await load(first)).company
    assert set(company.answers) == {"A01", "A02"}
    assert company.headcount == 2  # no lost update


async def _noop() -> None:
    return None


async def test_concurrent_updates_to_one_user_are_serialised(store: Store) -> None:
    await _race(store, store, _give_turns)


async def test_concurrent_updates_across_two_stores_are_serialised(migrated_url: str) -> None:
    """Two Store instances stand for two bot processes: only the database serialises them."""
    first, second = await Store.open(migrated_url), await Store.open(migrated_url)
    try:
        blocked = _give_turns if first.is_sqlite else partial(_pg_lock_waiters, first)
        await _race(first, second, blocked)
    finally:
        await first.close()
        await second.close()


async def test_concurrent_first_contact_creates_one_user(migrated_url: str) -> None:
    stores = [await Store.open(migrated_url) for _ in range(2)]
    try:
        convs = await asyncio.gather(*(load(s, "999") for s in stores for _ in range(2)))
        assert len({(c.user.id, c.company.id) for c in convs}) == 1
        assert await count(stores[0], AppUser) == 1
        assert await count(stores[0], Membership) == 1
    finally:
        for s in stores:
            await s.close()


async def test_data_survives_restart(migrated_url: str) -> None:
    first = await Store.open(migrated_url)
    saved = await save_full(first)
    await first.close()
    second = await Store.open(migrated_url)
    try:
        assert await load(second) == saved
    finally:
        await second.close()


async def test_display_name_refreshed_on_contact(store: Store) -> None:
    await save_full(store)
    async with store.conversation("telegram", BIG_TG_ID, "New Name") as handle:
        assert handle.conv.user.display_name == "New Name"
    assert (await load(store)).user.display_name == "New Name"


async def test_set_user_active_and_members(store: Store) -> None:
    conv = await load(store)
    assert await store.set_user_active("telegram", BIG_TG_ID, False) is True
    assert await store.set_user_active("telegram", "nobody", False) is False
    [member] = await store.company_members(conv.company.id or 0)
    assert isinstance(member, User) and member.active is False
    assert (await load(store)).user.active is False


async def test_refused_save_changes_nothing(store: Store) -> None:
    await load(store)
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        naive = full_state(handle.conv)
        naive.company.answers["A01"] = Answer(
            question_id="A01", value="yes", answered_at=datetime(2026, 1, 1)
        )
        with pytest.raises(ValueError, match="naive datetime"):
            await handle.save(naive)
        duplicated = full_state(handle.conv)
        duplicated.company.actions.append(duplicated.company.actions[0])
        with pytest.raises(ValueError, match="duplicate action id"):
            await handle.save(duplicated)
    conv = await load(store)
    assert conv.company.name == "" and conv.user.display_name == ""


def test_utc_type_returns_utc_from_naive_sqlite_values() -> None:
    from sqlalchemy.dialects import sqlite

    typ = UTCDateTime()
    value = typ.process_result_value(datetime(2026, 1, 1, 12), sqlite.dialect())
    assert value == datetime(2026, 1, 1, 12, tzinfo=UTC)
    bound = typ.process_bind_param(datetime(2026, 1, 1, 20, tzinfo=CST), sqlite.dialect())
    assert bound == datetime(2026, 1, 1, 12)


async def test_big_telegram_id_stored_as_bigint(store: Store) -> None:
    await load(store)
    async with store.session() as session:
        found = await session.exec(
            select(AppUser.external_id).where(col(AppUser.telegram_id) == 7_000_000_000)
        )
        assert found.all() == [BIG_TG_ID]
        if store.is_sqlite:
            pragmas = [
                (await session.exec(text(f"PRAGMA {p}"))).scalar()  # type: ignore[call-overload]
                for p in ("journal_mode", "busy_timeout", "foreign_keys")
            ]
            assert pragmas == ["wal", 5000, 1]


async def test_unchanged_save_writes_nothing(store: Store) -> None:
    await save_full(store)
    before = (await store.export_user("telegram", BIG_TG_ID))["companies"][0]["company"]
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        await handle.save(handle.conv)
    after = (await store.export_user("telegram", BIG_TG_ID))["companies"][0]["company"]
    assert after["updated_at"] == before["updated_at"]
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        conv = handle.conv.model_copy(deep=True)
        conv.company.events[0].done = False
        await handle.save(conv)
    changed = (await store.export_user("telegram", BIG_TG_ID))["companies"][0]["company"]
    stamp = datetime.fromisoformat
    assert stamp(changed["updated_at"]) > stamp(before["updated_at"])
