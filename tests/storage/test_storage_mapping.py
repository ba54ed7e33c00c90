"""flows.state ↔ tables: every field is mapped or declared; text with NUL is stored clean."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel
from sqlalchemy import text as sa_text
from sqlmodel import SQLModel

from flows.state import Action, Nonconformity, Pending
from knowledge.loader import load_knowledge
from storage.mapping import PAIRINGS, STEP_COLUMNS, Pairing
from storage.models import StepProgress
from storage.reminders import upcoming
from storage.repo import Store
from tests.storage.conftest import NOW
from tests.storage.factories import BIG_TG_ID


def unmapped(pairing: Pairing) -> tuple[set[str], set[str]]:
    """Fields of the state model and columns of the table that the pairing does not place."""
    shared = set(pairing.shared)
    state = set(pairing.state.model_fields) - shared - set(pairing.renamed) - pairing.state_only
    table = (
        set(pairing.table.model_fields)
        - shared
        - set(pairing.renamed.values())
        - pairing.table_only
    )
    return state, table


def stale(pairing: Pairing) -> set[str]:
    """Declared names that no longer exist on their side."""
    state_names = set(pairing.renamed) | pairing.state_only
    table_names = set(pairing.renamed.values()) | pairing.table_only
    return (state_names - set(pairing.state.model_fields)) | (
        table_names - set(pairing.table.model_fields)
    )


@pytest.mark.parametrize("pairing", PAIRINGS, ids=lambda p: p.state.__name__)
def test_every_field_of_state_and_table_is_mapped_or_declared(pairing: Pairing) -> None:
    assert unmapped(pairing) == (set(), set())
    assert stale(pairing) == set()
    assert pairing.shared  # something is stored 1:1


def test_step_rows_hold_checked_lists_and_finished_steps() -> None:
    assert set(StepProgress.model_fields) == STEP_COLUMNS


def test_the_check_notices_a_field_added_on_one_side_only() -> None:
    class State(BaseModel):
        name: str = ""
        new_setting: int = 0

    class Table(SQLModel):
        id: int | None = None
        name: str = ""
        new_column: str = ""

    pairing = Pairing(State, Table, table_only=frozenset({"id"}))
    assert pairing.shared == ("name",)
    assert unmapped(pairing) == ({"new_setting"}, {"new_column"})


async def test_text_with_nul_is_stored_without_it(store: Store) -> None:
    """PostgreSQL refuses U+0000 in text and JSON; SQLite would keep it. Stripped on save."""
    async with store.conversation("telegram", BIG_TG_ID, display_name="Li\x00 Wei") as h:
        conv = h.conv
        conv.company.name = "ACME\x00 Ltd"
        conv.user.pending = Pending(flow="date", field="x\x00", data={"k\x00": "v\x00"})
        conv.company.actions = [
            Action(id="own:1", title_zh="整改\x00", title_en="Fix\x00", due=date(2027, 1, 5))
        ]
        conv.company.nonconformities = [
            Nonconformity(
                id="nc:1",
                description="Missing\x00 records",
                raised_on=date(2026, 11, 1),
                correction_due=date(2027, 1, 10),
                evidence_due=date(2027, 1, 20),
            )
        ]
        await h.save(conv)
        assert "\x00" not in h.conv.model_dump_json()
        await h.replan(load_knowledge().rules, NOW)  # reminder titles come from that text
    async with store.conversation("telegram", BIG_TG_ID) as h:
        stored = h.conv
    assert stored.company.name == "ACME Ltd" and stored.user.display_name == "Li Wei"
    assert stored.user.pending == Pending(flow="date", field="x", data={"k": "v"})
    assert stored.company.actions[0].title_en == "Fix"
    assert stored.company.nonconformities[0].description == "Missing records"
    assert stored.company.id is not None
    titles = [u.title_en for u in await upcoming(store, stored.company.id, NOW, 100)]
    assert "Correct nonconformity: Missing records" in titles
    assert "Fix" in titles


async def test_nul_in_a_collection_changed_later_is_stripped(store: Store) -> None:
    """A conversation loaded clean looks only at what changed: a new action's text included."""
    async with store.conversation("telegram", BIG_TG_ID, display_name="Li Wei") as h:
        await h.save(h.conv)
    async with store.conversation("telegram", BIG_TG_ID) as h:
        conv = h.conv
        conv.company.actions = [
            Action(id="own:1", title_zh="整改", title_en="Fix\x00 it", due=date(2027, 1, 5))
        ]
        await h.save(conv)
        assert "\x00" not in h.conv.model_dump_json()
    async with store.conversation("telegram", BIG_TG_ID) as h:
        assert h.conv.company.actions[0].title_en == "Fix it"


# The same writes in each dialect: a raw NUL in a text column, JSON's escape in a collection.
# PostgreSQL refuses a NUL in text outright (there the raw case cannot arise).
_BEHIND = {
    ("sqlite", "raw"): ("name", "'ACME' || char(0) || ' Ltd'"),
    ("sqlite", "json"): ("children", """replace(children, '"Fix"', '"Fix\\u0000"')"""),
    ("postgresql", "json"): (
        "children",
        """replace(children::text, '"Fix"', '"Fix\\u0000"')::json""",
    ),
}


@pytest.mark.parametrize("kind", ["raw", "json"])
async def test_nul_stored_behind_the_conversation_is_stripped_by_its_next_save(
    store: Store, kind: str
) -> None:
    """Text written around ``save`` (raw, or as JSON's escape in an unchanged collection) is
    not taken as clean: the next save strips it although the flows changed nothing."""
    dialect = "sqlite" if store.is_sqlite else "postgresql"
    if (dialect, kind) not in _BEHIND:  # PostgreSQL: a NUL never gets into a text column
        async with store.session(write=True) as session:
            with pytest.raises(Exception, match=r"(?i)null|0x00|invalid"):
                stmt = sa_text("UPDATE company SET name = 'ACME' || chr(0)")
                await session.exec(stmt)  # type: ignore[call-overload]
        return
    column, value = _BEHIND[(dialect, kind)]
    async with store.conversation("telegram", BIG_TG_ID, display_name="Li Wei") as h:
        conv = h.conv
        conv.company.actions = [
            Action(id="own:1", title_zh="整改", title_en="Fix", due=date(2027, 1, 5))
        ]
        await h.save(conv)
        company_id = h.company_id
    async with store.session(write=True) as session:
        stmt = sa_text(f"UPDATE company SET {column} = {value} WHERE id = :id")
        await session.exec(stmt, params={"id": company_id})  # type: ignore[call-overload]
        await session.commit()
    async with store.conversation("telegram", BIG_TG_ID) as h:
        assert "\\u0000" in h.conv.model_dump_json()
        await h.save(h.conv)
        assert "\\u0000" not in h.conv.model_dump_json()
    async with store.conversation("telegram", BIG_TG_ID) as h:
        assert "\\u0000" not in h.conv.model_dump_json()
        assert h.conv.company.actions[0].title_en == "Fix"
