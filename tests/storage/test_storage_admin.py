"""Update de-duplication, export and deletion of a user's data."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import SQLModel, select

from storage.models import COMPANY_CHILDREN, AppUser, CompanyRecord, Membership, ProcessedUpdate
from storage.repo import Store
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
        async with store.conversation("telegram", BIG_TG_ID) as handle:
            assert await handle.claim_update(5) is True
            assert await handle.claim_update(5) is False
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    assert await store.claim_update(5) is True  # the failed attempt did not consume it


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
    assert len(company["step_progress"]) == 3
    assert len(company["nonconformities"]) == 2 and len(company["events"]) == 2
    for rows in ("answers", "plan_actions", "nonconformities", "events", "step_progress"):
        assert {r["company_id"] for r in company[rows]} == {saved.company.id}
    assert await store.export_user("telegram", "nobody") == {}


async def test_delete_user_removes_user_company_and_rows(store: Store) -> None:
    await save_full(store, "111")
    other = await save_full(store, "222")
    assert await store.delete_user("telegram", "111") is True
    assert await store.delete_user("telegram", "111") is False
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
    assert await store.delete_user("telegram", "111") is True
    shared = await load(store, "222")
    assert shared.company == owner.company
    assert [m.external_id for m in await store.company_members(owner.company.id or 0)] == ["222"]
