"""``company.children``: the one-row copy of the child tables agrees with them, is read
instead of them, and is set aside (NULL) when the rows change behind it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from flows.state import Conversation
from storage import workspace
from storage.mapping import CompanyRows, company_state, usable_children
from storage.models import CompanyRecord
from storage.repo import Store
from tests.storage.conftest import NOW
from tests.storage.factories import BIG_TG_ID, load, save_full


async def _stored(store: Store, company_id: int) -> tuple[dict[str, object] | None, object]:
    """(company.children, the company as the child tables alone give it)."""
    async with store.session() as session:
        row = await session.get(CompanyRecord, company_id)
        assert row is not None
        rows = await CompanyRows.load(session, company_id)
        return row.children, company_state(row, rows).model_copy(update={"members": []})


async def test_children_agree_with_the_tables_after_every_save(store: Store) -> None:
    saved = await save_full(store)
    cid = saved.company.id or 0
    children, from_tables = await _stored(store, cid)
    assert usable_children(children) is not None
    assert (await load(store)).company.model_copy(update={"members": []}) == from_tables
    company = saved.company.model_copy(deep=True)
    del company.answers["B02"]
    company.actions = company.actions[1:]
    company.certificate = None
    async with store.conversation("telegram", BIG_TG_ID) as h:
        await h.save(Conversation(user=saved.user, company=company))
    _, from_tables = await _stored(store, cid)
    loaded = await load(store)
    assert loaded.company.model_copy(update={"members": []}) == from_tables
    assert "B02" not in loaded.company.answers and loaded.company.certificate is None


async def test_a_company_without_children_is_read_from_the_tables_then_written(
    store: Store,
) -> None:
    saved = await save_full(store)
    cid = saved.company.id or 0
    async with store.session(write=True) as session:  # as a database migrated from 0003 is
        await session.exec(
            update(CompanyRecord).where(col(CompanyRecord.id) == cid).values(children=None)
        )
        await session.commit()
    async with store.conversation("telegram", BIG_TG_ID) as h:
        assert h.conv.company == saved.company  # read from the tables
        await h.save(h.conv)  # nothing changed, and the copy is written
    children, from_tables = await _stored(store, cid)
    assert usable_children(children) is not None
    assert (await load(store)).company.model_copy(update={"members": []}) == from_tables


async def test_removing_an_assignee_sets_the_children_aside(store: Store) -> None:
    owner = await load(store, "111")
    cid = owner.company.id or 0
    async with store.conversation("telegram", "111") as h:
        code = await workspace.create_invitation(
            h.session, cid, h.user_row.id or 0, "member", NOW + timedelta(days=7)
        )
    assert code is not None
    async with store.conversation("telegram", "222") as h:
        assert (await workspace.redeem(h.session, h.user_row, code, NOW)).status == "joined"
        member = h.user_row.id or 0
    async with store.conversation("telegram", "111") as h:
        company = h.conv.company.model_copy(update={"assignees": {"policy": member}})
        await h.save(h.conv.model_copy(update={"company": company}))
    assert (await load(store, "111")).company.assignees == {"policy": member}
    async with store.conversation("telegram", "111") as h:
        assert await workspace.remove_member(h.session, cid, h.user_row.id or 0, member) == "ok"
    async with store.session() as session:
        row = (await session.exec(select(CompanyRecord).where(CompanyRecord.id == cid))).one()
        assert row.children is None
    loaded = await load(store, "111")
    assert loaded.company.assignees == {}  # the tables say so; the copy is written again
    async with store.conversation("telegram", "111") as h:  # assigning the step again works
        company = h.conv.company.model_copy(update={"assignees": {"policy": h.user_row.id or 0}})
        await h.save(h.conv.model_copy(update={"company": company}))
    assert (await load(store, "111")).company.assignees == {"policy": loaded.user.id}


async def test_save_tells_what_it_changed_and_what_was_stored_before(store: Store) -> None:
    saved = await save_full(store)
    async with store.conversation("telegram", BIG_TG_ID) as h:
        loaded = h.conv.model_copy(deep=True)
        assert h.before_save() == loaded  # no save yet
        conv = h.conv
        conv.user.reminders_opt_in = not conv.user.reminders_opt_in
        conv.user.lang = "en" if conv.user.lang == "zh" else "zh"
        conv.company.timezone = "Europe/Berlin"
        del conv.company.answers["B02"]
        conv.company.actions = conv.company.actions[1:]
        assert await h.save(conv)
        assert h.saved is not None
        assert {"reminders_opt_in", "lang"} <= h.saved.user
        assert {"timezone", "answers", "actions"} <= h.saved.company
        assert "members" not in h.saved.company and "events" not in h.saved.company
        assert h.before_save() == loaded  # rebuilt from what was stored
    async with store.conversation("telegram", BIG_TG_ID) as h:
        assert await h.save(h.conv) is False
        assert h.saved is not None and not h.saved.company and not h.saved.user
    assert saved.company.id == loaded.company.id
