"""The service re-plans reminders only when the plan's inputs changed, in the same
transaction as the answer; a repeated update id is answered once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, func, select

from bot.clock import FakeClock
from bot.service import Assistant, Who
from flows.types import EventKind
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.models import ProcessedUpdate
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import START, certified, make_user

WHO = Who("telegram", "300", "Ann", "en")
T = Reminder.__table__  # type: ignore[attr-defined]


async def rows(store: Store) -> list[Any]:
    async with store.session() as session:
        return list((await session.exec(select(Reminder).order_by(col(Reminder.id)))).all())


async def say(a: Assistant, kind: EventKind, value: str, args: str = "", **kw: Any) -> list[Any]:
    return await a.handle(WHO, a.event(kind, value, args, lang_hint="en"), **kw)


async def test_only_updates_that_change_the_plan_inputs_replan(store: Store, kb: Knowledge) -> None:
    assistant = Assistant(store, kb, FakeClock(START))
    await make_user(store, "300", certified())  # saved without a plan
    await say(assistant, EventKind.COMMAND, "status")
    assert await rows(store) == []  # nothing the plan reads changed: no re-plan

    await say(assistant, EventKind.COMMAND, "timezone", "Europe/Berlin")
    planned = await rows(store)
    assert len(planned) > 20 and {r.timezone for r in planned} == {"Europe/Berlin"}

    async with store.session(write=True) as session:  # an edit behind the service's back
        await session.exec(update(T).where(T.c.id == planned[0].id).values(title_en="edited"))
        await session.commit()
    for command in ("status", "next", "plan", "help"):
        await say(assistant, EventKind.COMMAND, command)
    assert (await rows(store))[0].title_en == "edited"  # untouched: no re-plan

    await say(assistant, EventKind.COMMAND, "timezone", "Asia/Shanghai")
    again = await rows(store)
    assert again[0].title_en == planned[0].title_en != "edited"
    local = again[0].due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.hour, again[0].timezone) == (9, "Asia/Shanghai")


async def test_a_user_back_after_blocking_gets_their_reminders_again(
    store: Store, kb: Knowledge
) -> None:
    assistant = Assistant(store, kb, FakeClock(START))
    await make_user(store, "300", certified())
    await say(assistant, EventKind.COMMAND, "timezone", "Europe/Berlin")  # plans
    user = (await rows(store))[0].user_id
    await rem.stop_user(store, user, "recipient blocked the bot")
    await store.set_user_active("telegram", "300", False)
    assert await rem.count_by_status(store) == {rem.CANCELLED: len(await rows(store))}
    await say(assistant, EventKind.COMMAND, "status")  # any message: they are back
    assert set(await rem.count_by_status(store)) == {rem.PLANNED}


async def test_a_repeated_update_id_is_answered_once(store: Store, kb: Knowledge) -> None:
    assistant = Assistant(store, kb, FakeClock(START))
    first = await say(assistant, EventKind.COMMAND, "start", update_id=41)
    assert first
    assert await say(assistant, EventKind.COMMAND, "start", update_id=41) == []
    assert await say(assistant, EventKind.TEXT, "Acme", update_id=41) == []
    async with store.conversation("telegram", "300") as h:
        assert h.conv.company.name == ""  # the repeat's text was not taken as the name
    async with store.session() as session:
        count = (await session.exec(select(func.count()).select_from(ProcessedUpdate))).one()
    assert count == 1
    # A snooze button press is claimed with the conversation too (its effect follows).
    assert await say(assistant, EventKind.BUTTON, "2|rem.snooze|1|1", update_id=42)
    assert await say(assistant, EventKind.BUTTON, "2|rem.snooze|1|1", update_id=42) == []


async def test_a_date_the_user_just_told_is_not_reminded_at_once(
    store: Store, kb: Knowledge
) -> None:
    """ "Surveillance audit on 16 December", confirmed: no "coming up in 19 days" a minute
    later (its 30-days-ahead reminder was due already); the week-ahead one still comes."""
    from bot.dispatcher import Dispatcher

    from .conftest import RecordingSender

    clock = FakeClock(START)  # 2026-11-27
    assistant = Assistant(store, kb, clock)
    await make_user(store, "300", certified())
    await say(assistant, EventKind.TEXT, "our surveillance audit is on December 16")
    await say(assistant, EventKind.TEXT, "yes")
    told = [r for r in await rows(store) if r.event_key == "surveillance:1"]
    assert told and all(str(r.event_date) == "2026-12-16" for r in told)
    assert all(r.due_at > START for r in told if r.status == rem.PLANNED)
    sender = RecordingSender(clock)
    await Dispatcher(store, kb, sender, clock, rate_limit=False).run_once()
    assert not any("2026-12-16" in m.text for m in sender.sent), [m.text for m in sender.sent]
    clock.advance(timedelta(days=13))  # 2026-12-10: a week ahead
    await Dispatcher(store, kb, sender, clock, rate_limit=False).run_once()
    assert any("2026-12-16" in m.text for m in sender.sent)
