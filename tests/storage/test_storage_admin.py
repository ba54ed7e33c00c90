"""Update de-duplication, export and deletion of a user's data."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from storage.models import COMPANY_CHILDREN, AppUser, CompanyRecord, Membership, ProcessedUpdate
from storage.repo import Store, valid_update_id
from tests.storage.factories import BIG_TG_ID, load, save_full


async def count(store: Store, model: type[SQLModel]) -> int:
    async with store.session() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_claim_update_only_once(store: Store) -> None:
    assert await store.claim_update(9_000_000_001) is True
    assert await store.claim_update(9_000_000_001) is False
    assert await store.claim_update(9_000_000_002) is True


async def test_claim_update_concurrent_across_stores(migrated_url: str) -> None:
    stores = [await Store.open(migrated_url) for _ in range(2)]
    try:
        claims = await asyncio.gather(*(s.claim_update(77) for s in stores for _ in range(5)))
        assert sorted(claims) == [False] * 9 + [True]
    finally:
        for s in stores:
            await s.close()


async def test_claim_inside_conversation_rolls_back_with_it(store: Store) -> None:
    try:
        async with store.conversation("telegram", BIG_TG_ID, update_id=5) as handle:
            assert handle.claimed
            handle.conv.company.name = "lost"
            await handle.save(handle.conv)
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    async with store.conversation("telegram", BIG_TG_ID, update_id=5) as handle:
        assert handle.claimed  # the failed attempt consumed neither the id nor the answer
        assert handle.conv.company.name == ""
        handle.conv.company.name = "kept"
        await handle.save(handle.conv)
    async with store.conversation("telegram", BIG_TG_ID, update_id=5) as handle:
        assert not handle.claimed  # committed: a re-delivery is a duplicate
        assert handle.conv.company.name == "kept"
        with pytest.raises(RuntimeError, match="already processed"):
            await handle.save(handle.conv)
    assert await store.claim_update(5) is False


async def test_concurrent_deliveries_of_one_update_are_handled_once(migrated_url: str) -> None:
    """Two processes (stores) get the same update at once: exactly one applies it."""
    stores = [await Store.open(migrated_url) for _ in range(2)]

    async def deliver(store: Store) -> bool:
        async with store.conversation("telegram", BIG_TG_ID, update_id=42) as handle:
            if not handle.claimed:
                return False
            handle.conv.company.headcount = (handle.conv.company.headcount or 0) + 1
            await handle.save(handle.conv)
            return True

    try:
        applied = await asyncio.gather(*(deliver(s) for s in stores for _ in range(3)))
        assert sorted(applied) == [False] * 5 + [True]
        async with stores[0].conversation("telegram", BIG_TG_ID) as handle:
            assert handle.conv.company.headcount == 1
    finally:
        for s in stores:
            await s.close()


@pytest.mark.parametrize("update_id", [-1, 2**63, 2**64 + 5])
async def test_out_of_range_update_ids_are_refused_before_any_write(
    store: Store, update_id: int
) -> None:
    assert not valid_update_id(update_id)
    with pytest.raises(ValueError, match="out of range"):
        await store.claim_update(update_id)
    with pytest.raises(ValueError, match="out of range"):
        async with store.conversation("telegram", BIG_TG_ID, update_id=update_id):
            pass
    assert await count(store, AppUser) == 0 and await count(store, ProcessedUpdate) == 0
    assert valid_update_id(0) and valid_update_id(2**63 - 1)


async def test_user_activity_change_claims_its_update(store: Store) -> None:
    async with store.conversation("telegram", BIG_TG_ID):
        pass
    assert await store.set_user_active("telegram", BIG_TG_ID, False, update_id=7)
    assert await store.set_user_active("telegram", BIG_TG_ID, True, update_id=8)
    # A late re-delivery of update 7 must not block the user again.
    assert not await store.set_user_active("telegram", BIG_TG_ID, False, update_id=7)
    async with store.conversation("telegram", BIG_TG_ID) as handle:
        assert handle.conv.user.active


async def test_prune_processed_updates(store: Store) -> None:
    await store.claim_update(1)
    assert await store.prune_processed_updates(datetime.now(UTC) - timedelta(days=1)) == 0
    assert await store.prune_processed_updates(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert await count(store, ProcessedUpdate) == 0


async def test_export_has_own_data_only_and_is_json(store: Store) -> None:
    saved = await save_full(store, "111")
    await save_full(store, "222")  # someone else with the same kind of data
    export = await store.export_user("telegram", "111")
    json.dumps(export)  # JSON-serialisable as is
    assert export["user"]["external_id"] == "111" and export["user"]["is_admin"] is True
    [company] = export["companies"]
    assert company["role"] == "owner"
    assert company["company"]["id"] == saved.company.id
    assert company["company"]["name"] == "深圳示例科技有限公司"
    assert {a["question_id"] for a in company["answers"]} == {"A01", "B02"}
    assert company["answers"][0]["answered_at"].startswith("2026-11-27T01:30:15")
    assert company["certificate"]["number"] == "165IP230001R0M"
    assert [a["action_id"] for a in company["plan_actions"]] == ["own:3", "gap:A03"]
    assert len(company["step_progress"]) == 4  # 3 with progress, 1 only assigned
    assert len(company["nonconformities"]) == 2 and len(company["events"]) == 2
    for rows in ("answers", "plan_actions", "nonconformities", "events", "step_progress"):
        assert {r["company_id"] for r in company[rows]} == {saved.company.id}
    assert await store.export_user("telegram", "nobody") == {}


async def test_delete_user_removes_user_company_and_rows(store: Store) -> None:
    await save_full(store, "111")
    other = await save_full(store, "222")
    assert [f.action for f in await store.delete_user("telegram", "111") or []] == ["delete"]
    assert await store.delete_user("telegram", "111") is None
    assert await store.export_user("telegram", "111") == {}
    assert await count(store, AppUser) == 1 and await count(store, CompanyRecord) == 1
    assert await count(store, Membership) == 1
    for model in COMPANY_CHILDREN:  # only the other user's rows remain
        async with store.session() as session:
            ids = set((await session.exec(select(model.company_id))).all())  # type: ignore[attr-defined]
        assert ids == {other.company.id}, model.__name__
    assert await load(store, "222") == other
    # Coming back later starts from scratch.
    fresh = await load(store, "111")
    assert fresh.company.answers == {} and fresh.user.display_name == ""


async def test_delete_keeps_company_shared_with_another_member(store: Store) -> None:
    owner = await save_full(store, "111")
    helper = await load(store, "222")
    async with store.session() as session:
        # Join the helper to the owner's company (before their own, so it is the one loaded).
        own = (
            await session.exec(select(Membership).where(Membership.user_id == helper.user.id))
        ).one()
        own.company_id = owner.company.id or 0
        own.role = "member"
        await session.commit()
    members = await store.company_members(owner.company.id or 0)
    assert [m.external_id for m in members] == ["111", "222"]
    [fate] = await store.delete_user("telegram", "111") or []
    assert (fate.action, fate.successor_id) == ("hand_over", helper.user.id)
    shared = await load(store, "222")
    assert shared.company.model_dump(exclude={"members", "actions", "assignees"}) == (
        owner.company.model_dump(exclude={"members", "actions", "assignees"})
    )
    # The leaver's assignments are gone; the helper now owns the company.
    assert [a.assignee_id for a in shared.company.actions] == [None, None]
    assert shared.company.assignees == {}
    assert [(m.user_id, m.role) for m in shared.company.members] == [(helper.user.id, "owner")]
    assert [m.external_id for m in await store.company_members(owner.company.id or 0)] == ["222"]
