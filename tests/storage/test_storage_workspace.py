"""Which company a conversation loads, and invitations redeemed once under concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from storage import workspace
from storage.models import Invitation, Membership
from storage.repo import Store
from tests.storage.conftest import NOW
from tests.storage.factories import load


async def _invite(store: Store, owner: str, role: str = "member") -> tuple[int, str]:
    async with store.conversation("telegram", owner) as h:
        code = await workspace.create_invitation(
            h.session,
            h.company_id,
            h.user_row.id or 0,
            role,
            NOW + timedelta(days=7),  # type: ignore[arg-type]
        )
        assert code is not None
        return h.company_id, code


async def test_a_company_is_loaded_only_through_a_membership(store: Store) -> None:
    alice = await load(store, "111")
    mallory = await load(store, "333")
    async with store.conversation("telegram", "333", company_id=alice.company.id) as h:
        assert h.denied and not h.switched
        assert h.conv.company.id == mallory.company.id  # her own, not Alice's
    cid, code = await _invite(store, "111")
    async with store.conversation("telegram", "333") as h:
        result = await workspace.redeem(h.session, h.user_row, code, NOW)
    assert result.status == "joined" and result.company_id == cid
    async with store.conversation("telegram", "333") as h:
        assert h.conv.company.id == cid  # joining made it the current one
        refs = await workspace.companies_of(h.session, h.user_row.id or 0)
        assert [r.id for r in refs] == [mallory.company.id, cid]
        assert h.conv.role == "member"
    async with store.conversation("telegram", "333", company_id=mallory.company.id) as h:
        assert h.switched and not h.denied and h.conv.role == "owner"


async def test_only_the_owner_invites_and_roles_are_checked_in_storage(store: Store) -> None:
    cid, code = await _invite(store, "111")
    await load(store, "222")
    async with store.conversation("telegram", "222") as h:
        assert (await workspace.redeem(h.session, h.user_row, code, NOW)).status == "joined"
    async with store.conversation("telegram", "222") as h:  # a member, whatever the flows say
        me = h.user_row.id or 0
        assert await workspace.create_invitation(h.session, cid, me, "member", NOW) is None
        owner = next(m.user_id for m in h.conv.company.members if m.role == "owner")
        assert await workspace.remove_member(h.session, cid, me, owner) == "not_owner"
        assert await workspace.set_role(h.session, cid, me, owner, "consultant") == "not_owner"
        assert await workspace.hand_over(h.session, cid, me, me) == "not_owner"
        assert await workspace.leave(h.session, cid, me) == "ok"


async def test_one_code_redeemed_at_once_by_two_people_admits_one(migrated_url: str) -> None:
    stores = [await Store.open(migrated_url) for _ in range(2)]
    try:
        _, code = await _invite(stores[0], "111")
        for n, s in enumerate(stores):
            await load(s, f"20{n}")

        async def redeem(n: int) -> str:
            async with stores[n].conversation("telegram", f"20{n}") as h:
                return (await workspace.redeem(h.session, h.user_row, code, NOW)).status

        assert sorted(await asyncio.gather(redeem(0), redeem(1))) == ["joined", "used"]
        async with stores[0].session() as session:
            members = (await session.exec(select(Membership))).all()
            [inv] = (await session.exec(select(Invitation))).all()
        assert len(members) == 4 and inv.used_by is not None  # 3 own companies + 1 joined
    finally:
        for s in stores:
            await s.close()


async def test_the_user_row_comes_with_the_company_pick_company_would_find(
    store: Store,
) -> None:
    """SQLite reads the user and the company with its team in one statement: the same
    company and team as ``pick_company``, or none when it would have to look further."""
    alice = await load(store, "111")
    mallory = await load(store, "333")
    cid, code = await _invite(store, "111")
    async with store.conversation("telegram", "333") as h:
        await workspace.redeem(h.session, h.user_row, code, NOW)
    async with store.session(write=True) as session:
        conn = await session.connection()
        for wanted in (None, cid, mallory.company.id):
            loaded = await workspace.user_with_company(conn, "telegram", "333", wanted)
            assert loaded is not None
            user, found = loaded
            assert found is not None and user.external_id == "333"
            picked = await workspace.pick_company(lambda: session, user, wanted, conn)
            assert (found.company.id, found.team) == (picked.company.id, picked.team)
        owner = await workspace.user_with_company(conn, "telegram", "111", cid)
        assert owner is not None and owner[1] is not None
        assert [m.role for m in owner[1].team] == ["owner", "member"]
        loaded = await workspace.user_with_company(conn, "telegram", "333", alice.company.id + 99)
        assert loaded is not None and loaded[1] is None  # not hers: pick_company decides
        assert await workspace.user_with_company(conn, "telegram", "nobody", None) is None
