"""What the digest of day X says, as an owner who does nothing and opens the chat every day
sees it (the terminal's delivery, ``pop_due_for_user``, and the real dispatcher, on a real
database): items due today, items overdue week after week, a milestone reached, and the day
the first digest was promised for.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, pop_due_for_user
from flows.digest import compose
from flows.reminders import ReminderView
from flows.state import Action, Company, Conversation
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import RecordingSender, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
MADE = datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI)  # a Saturday: the plan is made


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=SHANGHAI).astimezone(UTC)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _testers_plan() -> Company:
    """The testers' plan: two actions due Monday 2026-12-14, one Tuesday 12-15."""
    return Company(
        name="ACME",
        onboarded=True,
        actions=[
            Action(id="gap:A01", title_zh="签发方针", title_en="Sign the policy",
                   due=date(2026, 12, 14)),
            Action(id="gap:A02", title_zh="发布组织机构图", title_en="Publish the org chart",
                   due=date(2026, 12, 14)),
            Action(id="gap:A03", title_zh="制定目标", title_en="Set the objectives",
                   due=date(2026, 12, 15)),
        ],
    )  # fmt: skip


async def owner(store: Store, kb: Knowledge, lang: str = "en") -> Conversation:
    conv = await make_user(store, "owner", _testers_plan(), channel="terminal", lang=lang)
    await rem.replan_for_company(store, conv.company, kb.rules, MADE.astimezone(UTC))
    return conv


async def open_daily(
    store: Store, kb: Knowledge, conv: Conversation, first: date, last: date
) -> dict[date, list[str]]:
    """The messages the owner sees on each day, opening the chat at noon."""
    return {
        day: [r.text for r in await pop_due_for_user(store, conv.user, noon(day), kb)]
        for day in days(first, last)
    }


# --- 1. overdue items keep coming back, weekly -------------------------------------------------


async def test_overdue_items_come_back_every_monday_until_done(store: Store, kb: Knowledge) -> None:
    conv = await owner(store, kb)
    seen = await open_daily(store, kb, conv, date(2026, 12, 16), date(2027, 1, 4))
    assert all(len(texts) <= 1 for texts in seen.values())  # never more than one a day
    for monday in (date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4)):
        [digest] = seen[monday]
        assert "Still overdue (3):" in digest, monday
        for title in ("Sign the policy", "Publish the org chart", "Set the objectives"):
            assert title in digest
        assert "come back in the Monday digest" in digest
    # No flooding: between the Mondays, nothing (nothing else is due).
    quiet = [d for d, texts in seen.items() if texts and d.weekday() != 0]
    assert quiet == [date(2026, 12, 16)]  # the day after 12-15: its own overdue alert

    # One is done: the next Monday lists the other two; all done: no Monday digest.
    conv.company.actions[0].done_on = date(2027, 1, 5)
    await rem.replan_for_company(store, conv.company, kb.rules, noon(date(2027, 1, 5)))
    [digest] = (await open_daily(store, kb, conv, date(2027, 1, 11), date(2027, 1, 11)))[
        date(2027, 1, 11)
    ]
    assert "Still overdue (2):" in digest and "Sign the policy" not in digest
    for action in conv.company.actions:
        action.done_on = date(2027, 1, 12)
    await rem.replan_for_company(store, conv.company, kb.rules, noon(date(2027, 1, 12)))
    later = await open_daily(store, kb, conv, date(2027, 1, 13), date(2027, 2, 1))
    assert not any(later.values())


async def test_moving_an_overdue_item_or_pausing_stops_its_weekly_return(
    store: Store, kb: Knowledge
) -> None:
    conv = await owner(store, kb)
    await open_daily(store, kb, conv, date(2026, 12, 14), date(2026, 12, 21))
    conv.company.actions[2].due = date(2027, 1, 20)  # moved
    await rem.replan_for_company(store, conv.company, kb.rules, noon(date(2026, 12, 22)))
    [digest] = (await open_daily(store, kb, conv, date(2026, 12, 28), date(2026, 12, 28)))[
        date(2026, 12, 28)
    ]
    assert "Still overdue (2):" in digest and "Set the objectives" not in digest
    conv.user.reminders_paused_from = noon(date(2026, 12, 29))
    async with store.conversation("terminal", "owner") as h:
        h.conv.user.reminders_paused_from = conv.user.reminders_paused_from
        await h.save(h.conv)
        await h.replan(kb.rules, noon(date(2026, 12, 29)))
    paused = await open_daily(store, kb, conv, date(2026, 12, 30), date(2027, 1, 18))
    assert not any(paused.values())


async def _rows(store: Store) -> list[Any]:
    async with store.engine.connect() as conn:
        return list((await conn.execute(select(Reminder.__table__))).all())  # type: ignore[attr-defined]


async def test_each_item_once_a_week_across_restarts_and_two_dispatchers(
    db_url: str, store: Store, kb: Knowledge
) -> None:
    conv = await make_user(store, "700", _testers_plan())
    await rem.replan_for_company(store, conv.company, kb.rules, MADE.astimezone(UTC))
    clock = FakeClock(noon(date(2026, 12, 7)))
    sender = RecordingSender(clock)
    a = Dispatcher(store, kb, sender, clock, worker_id="a", rate_limit=False)
    other = await Store.open(db_url)  # a second process on the same database
    try:
        b = Dispatcher(other, kb, sender, clock, worker_id="b", rate_limit=False)
        for day in days(date(2026, 12, 7), date(2027, 1, 31)):
            for hour in (9, 9, 15):  # both tick at 09:00:30 (twice) and in the afternoon
                clock.set(datetime.combine(day, time(hour, 0, 30), tzinfo=SHANGHAI))
                await a.run_once()
                await b.run_once()
            if day == date(2026, 12, 24):  # a restart of one of them
                await other.close()
                other = await Store.open(db_url)
                b = Dispatcher(other, kb, sender, clock, worker_id="b2", rate_limit=False)
    finally:
        await other.close()
    from flows.schedule import STILL_LEAD

    per_day = Counter(m.at.astimezone(SHANGHAI).date() for m in sender.sent)
    assert max(per_day.values()) == 1  # one digest a day at most
    mondays = [d for d in days(date(2026, 12, 21), date(2027, 1, 25)) if d.weekday() == 0]
    assert all(per_day[d] == 1 for d in mondays)
    weekly = [r for r in await _rows(store) if r.lead_days == STILL_LEAD and r.status == rem.SENT]
    per_week = Counter((r.event_key, r.due_at.date()) for r in weekly)
    assert len(per_week) == 3 * len(mondays) and set(per_week.values()) == {1}


# --- 2. items due today -------------------------------------------------------------------------


async def test_a_digest_comes_on_the_due_day_and_says_due_today(
    store: Store, kb: Knowledge
) -> None:
    conv = await owner(store, kb)
    seen = await open_daily(store, kb, conv, date(2026, 12, 7), date(2026, 12, 15))
    [monday] = seen[date(2026, 12, 14)]
    assert "Due today:" in monday
    assert "Sign the policy" in monday and "Publish the org chart" in monday
    assert "Set the objectives" not in monday  # tomorrow's: on its own day, not twice
    [tuesday] = seen[date(2026, 12, 15)]
    assert "Due today:\n1. Set the objectives" in tuesday


async def test_one_item_due_today_is_a_card_that_says_so(store: Store, kb: Knowledge) -> None:
    conv = await owner(store, kb, lang="zh")
    conv.company.actions = conv.company.actions[2:]
    await rem.replan_for_company(store, conv.company, kb.rules, MADE.astimezone(UTC))
    [card] = (await open_daily(store, kb, conv, date(2026, 12, 15), date(2026, 12, 15)))[
        date(2026, 12, 15)
    ]
    assert card.startswith("📌 今天到期：制定目标")


# --- 3. a point in time is news, not a task --------------------------------------------------


def _eligible(day: date) -> ReminderView:
    return ReminderView(7, "eligible", "eligible", 0, day, "", "", "impl.operate",
                        "Asia/Shanghai", noon(day))  # fmt: skip


def _action(day: date) -> ReminderView:
    return ReminderView(8, "action:gap:A01", "action", 0, day, "签发方针", "Sign the policy",
                        "prep.plan", "Asia/Shanghai", noon(day))  # fmt: skip


def test_system_running_three_months_is_news_without_a_done_button(kb: Knowledge) -> None:
    day = date(2027, 4, 6)
    for lang, news in (("zh", "今天起可以提交认证申请"), ("en", "From today you can apply")):
        for views in ([_eligible(day)], [_eligible(day), _action(day)]):
            [(reply, ids)] = compose(views, kb.rules, lang, noon(day))  # type: ignore[arg-type]
            assert news in reply.text
            assert "System running for 3 months ·" not in reply.text
            assert "体系运行满3个月 ·" not in reply.text
            done = [b for row in reply.buttons for b in row if "evt.done" in b.data]
            assert all("eligible" not in b.data for b in done)
            assert 7 in ids  # delivered, so sent once
        [(digest, _)] = compose([_eligible(day), _action(day)], kb.rules, lang, noon(day))  # type: ignore[arg-type]
        assert "\n1. " in digest.text and "\n2. " not in digest.text  # only the action numbered


# --- 4. the first digest comes on the day promised ---------------------------------------------


async def test_the_first_digest_comes_on_the_day_promised(store: Store, kb: Knowledge) -> None:
    from flows.known import timeline_of
    from tests.flows.conftest import Driver
    from tests.flows.timeline_walk import assess_and_plan, ctx_of

    # Plans made on a Saturday, a Friday evening, the eve of a holiday, a weekday morning.
    for n, made in enumerate(
        (
            datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI),
            datetime(2026, 12, 11, 19, 0, tzinfo=SHANGHAI),
            datetime(2027, 2, 4, 15, 0, tzinfo=SHANGHAI),
            datetime(2027, 3, 2, 8, 30, tzinfo=SHANGHAI),
        )
    ):
        d = Driver(kb, "en", made.astimezone(UTC))
        d.onboard()
        if n == 3:  # had paused the digest for a month ("/pause 30d"): it comes after
            d.conv.user.reminders_paused_from = d.now
            d.conv.user.reminders_paused_until = d.now + timedelta(days=30)
        assess_and_plan(d)

        said = d.said()
        promised = date.fromisoformat(said.split("should arrive on ")[1][:10])
        conv = await make_user(store, f"p{n}", d.conv.company, channel="terminal")
        assert timeline_of(ctx_of(d)).items
        async with store.conversation("terminal", f"p{n}") as h:
            h.conv.user.reminders_paused_from = d.conv.user.reminders_paused_from
            h.conv.user.reminders_paused_until = d.conv.user.reminders_paused_until
            await h.save(h.conv)
            await h.replan(kb.rules, d.now)  # as the service does after the plan is made
        first = None
        for day in days(made.date(), made.date() + timedelta(days=40)):
            when = max(noon(day), d.now)
            if await pop_due_for_user(store, conv.user, when, kb):
                first = day
                break
        assert first == promised, made
