"""Dispatching: restart safety, Telegram errors, rate limits, terminal delivery."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, RateLimiter, TelegramSender, pop_due_for_user
from flows.callbacks import decode, scope
from flows.schedule import OVERDUE_LEAD, STILL_LEAD, is_risk
from flows.state import Company, Conversation, DatedEvent
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.reminder_models import Reminder
from storage.repo import Store

from .conftest import START, FakeBotApi, FakeTime, RecordingSender, certified, make_user

R = Reminder.__table__.c  # type: ignore[attr-defined]
TOKEN = "123456:TEST-token"


async def all_rows(store: Store) -> list[Any]:
    stmt = select(Reminder.__table__).order_by(R.due_at, R.id)  # type: ignore[attr-defined]
    async with store.engine.connect() as conn:
        return list((await conn.execute(stmt)).all())


async def replan(store: Store, conv: Conversation, kb: Knowledge, now: datetime) -> None:
    await rem.replan_for_company(store, conv.company, kb.rules, now)


def event(key: str, kind: str, on: date) -> DatedEvent:
    return DatedEvent(key=key, kind=kind, on=on)


def dispatcher(store: Store, kb: Knowledge, sender: Any, clock: FakeClock, **kw: Any) -> Dispatcher:
    kw.setdefault("rate_limit", False)
    return Dispatcher(store, kb, sender, clock, **kw)


# --- restart safety -------------------------------------------------------------------------


async def test_restart_sends_each_due_reminder_once_latest_lead_first(
    db_url: str, store: Store, kb: Knowledge
) -> None:
    clock = FakeClock(START)
    company = certified(
        events=[
            event("internal_audit", "internal_audit", date(2026, 12, 20)),
            event("management_review", "management_review", date(2026, 12, 8)),
        ]
    )
    conv = await make_user(store, "500", company)
    await replan(store, conv, kb, clock.now())
    first = RecordingSender(clock)
    sent_now = await dispatcher(store, kb, first, clock, worker_id="a").run_once()
    assert sent_now.messages == len(first.sent) >= 1 and sent_now.sent >= sent_now.messages
    await store.close()  # "stop the bot"

    clock.advance(timedelta(days=10))  # down for ten days, nobody replanned
    store2 = await Store.open(db_url)
    try:
        second = RecordingSender(clock)
        await dispatcher(store2, kb, second, clock, worker_id="b").run_once()
        rows = await all_rows(store2)
        caught_up = [r for r in rows if r.status == rem.SENT and r.claimed_by == "b"]
        per_event = Counter(r.event_key for r in caught_up)
        assert per_event and max(per_event.values()) <= 2
        for key in per_event:
            leads = sorted(r.lead_days for r in caught_up if r.event_key == key)
            # Only the latest lead time, or the overdue alert once the date has passed.
            assert len([x for x in leads if x >= 0]) <= 1
            assert not (OVERDUE_LEAD in leads and len(leads) > 1)
        # Management review on 2026-12-08: the 7- and 1-day ones fell due while down;
        # back on 2026-12-07 at 10:00, only the 1-day one is sent.
        assert [r.lead_days for r in caught_up if r.event_key == "management_review"] == [1]
        assert len(second.sent) == 1  # one catch-up digest for everything that fell due

        # Keep running, one tick whenever something falls due, for the certificate's life.
        # (Overdue items come back weekly, each "still overdue" planning the next: the
        # life ends at the last date planned now.)
        d = dispatcher(store2, kb, second, clock, worker_id="c")
        end = max(r.due_at for r in rows if r.status == rem.PLANNED)
        due_times = []
        rows_sent = sent_now.sent + len(caught_up)
        while pending := [
            r.due_at for r in await all_rows(store2) if r.status == rem.PLANNED and r.due_at <= end
        ]:
            due_times.append(min(pending))
            clock.set(min(pending) + timedelta(seconds=30))
            rows_sent += (await d.run_once()).sent
        assert await d.run_once() == type(await d.run_once())()  # nothing left
        final = await all_rows(store2)
        left = [r for r in final if r.status not in (rem.SENT, rem.CANCELLED)]
        # Only each overdue item's next Monday "still overdue", planned when the last went
        # out (the weekly chain), one per item, not due yet.
        assert all(r.lead_days == STILL_LEAD and r.status == rem.PLANNED for r in left)
        assert all(r.due_at > clock.now() for r in left)
        assert len({r.event_key for r in left}) == len(left)
        assert rows_sent == sum(r.status == rem.SENT for r in final)  # each row once
        # At most one digest a run, plus a message of its own for a certificate risk.
        assert len(first.sent + second.sent) <= len(due_times) + 2 + sum(
            is_risk(kb.rules, r.kind, r.lead_days) for r in final if r.status == rem.SENT
        )
        # Every reminder that fell due on schedule was sent within the tick after it.
        for r in final:
            if r.status == rem.SENT and r.claimed_by == "c":
                assert r.sent_at - r.due_at == timedelta(seconds=30)
        assert {r.event_key for r in final if r.status == rem.SENT} >= {
            "surveillance:1", "surveillance:2", "recert:apply", "expiry",
        }  # fmt: skip
    finally:
        await store2.close()


async def test_catch_up_at_night_waits_for_the_morning(sqlite_store: Store, kb: Knowledge) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(
        store, "501", Company(events=[event("stage1", "stage1", date(2026, 12, 9))])
    )
    await replan(store, conv, kb, clock.now())  # 7 days ahead: Wednesday 12-02 at 09:00
    clock.set(datetime(2026, 12, 2, 19, 0, tzinfo=UTC))  # Thursday 03:00 in Shanghai
    sender = RecordingSender(clock)
    d = dispatcher(store, kb, sender, clock)
    stats = await d.run_once()
    assert (stats.sent, stats.deferred) == (0, 1)
    clock.set(datetime(2026, 12, 3, 0, 59, tzinfo=UTC))  # 08:59
    assert (await d.run_once()).sent == 0
    clock.set(datetime(2026, 12, 3, 1, 0, 30, tzinfo=UTC))  # 09:00:30
    assert (await d.run_once()).sent == 1
    assert sender.sent[0].at.hour == 1  # 09:00 local


async def test_stale_lead_reminders_are_not_sent_after_the_date(
    sqlite_store: Store, kb: Knowledge
) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(
        store, "502", Company(events=[event("eligible", "eligible", date(2026, 11, 30))])
    )
    await replan(store, conv, kb, clock.now())
    clock.advance(timedelta(days=5))  # system_start has no overdue alert
    sender = RecordingSender(clock)
    stats = await dispatcher(store, kb, sender, clock).run_once()
    assert sender.sent == [] and stats.cancelled >= 1


# --- what a reminder looks like ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_message_says_what_when_and_what_to_prepare(
    sqlite_store: Store, kb: Knowledge, lang: str
) -> None:
    store = sqlite_store
    clock = FakeClock(datetime(2026, 12, 1, 1, 0, 10, tzinfo=UTC))  # Tuesday 09:00
    conv = await make_user(
        store, "503", Company(events=[event("stage2", "stage2", date(2026, 12, 8))]), lang=lang
    )
    await replan(store, conv, kb, clock.now())
    sender = RecordingSender(clock)
    await dispatcher(store, kb, sender, clock).run_once()
    [msg] = sender.sent
    kind = kb.reminder_kind("stage2")
    assert kind.title.get(lang) in msg.text
    assert "2026-12-08" in msg.text
    assert ("还有 7 天" if lang == "zh" else "in 7 days") in msg.text
    assert kind.prepare.get(lang) in msg.text
    data = [b.data for row in msg.buttons for b in row]
    [row] = [r for r in await all_rows(store) if r.status == rem.SENT]
    tag = scope("2|", row.company_id).removesuffix("|")  # bound to the reminder's company
    assert data == [
        f"{tag}|evt.done|stage2",
        f"{tag}|rem.snooze|{row.id}|1",
        f"{tag}|rem.snooze|{row.id}|7",
        f"{tag}|evt.date|stage2",
        f"{tag}|step|audit.stage2",
    ]
    assert all(len(d.encode()) <= 64 for d in data)
    labels = " ".join(b.label for r in msg.buttons for b in r)
    assert ("已完成" if lang == "zh" else "Done") in labels


# --- Telegram errors (recording fake sender) ------------------------------------------------


async def _four_users(store: Store, kb: Knowledge, clock: FakeClock) -> dict[str, Conversation]:
    users = {}
    for name in ("ok", "blocked", "flood", "flaky"):
        ext = {"ok": "601", "blocked": "602", "flood": "603", "flaky": "604"}[name]
        company = Company(
            events=[
                event("stage1", "stage1", date(2026, 11, 28)),  # 1-day reminder due now
                event("internal_audit", "internal_audit", date(2026, 11, 20)),  # overdue
                event("stage2", "stage2", date(2027, 2, 1)),  # later
            ]
        )
        users[name] = await make_user(store, ext, company)
        await replan(store, users[name], kb, clock.now())
    return users


async def _run_until_idle(
    d: Dispatcher, clock: FakeClock, step: timedelta, rounds: int = 20
) -> None:
    for _ in range(rounds):
        await d.run_once()
        clock.advance(step)


async def test_faults_with_a_fake_sender(store: Store, kb: Knowledge) -> None:
    clock = FakeClock(START)
    users = await _four_users(store, kb, clock)
    sender = RecordingSender(clock)
    sender.always["602"] = Forbidden("Forbidden: bot was blocked by the user")
    sender.errors["603"] = [RetryAfter(5)]
    sender.errors["604"] = [TimedOut("Timed out"), TimedOut("Timed out")]
    d = dispatcher(store, kb, sender, clock, batch=2)

    first = await d.run_once()
    assert first.deferred >= 1  # a 429 stops the run; the rest wait
    await _run_until_idle(d, clock, timedelta(seconds=31))

    counts = Counter(s.chat_id for s in sender.sent)
    assert counts == {"601": 1, "603": 1, "604": 1}  # one digest each, once
    for chat in counts:  # carrying both due reminders
        [text] = sender.texts(chat)
        assert "Stage 1 audit" in text and "Internal audit" in text
    rows = await all_rows(store)
    for name in ("ok", "flood", "flaky"):  # each due row exactly once
        mine = [r for r in rows if r.user_id == users[name].user.id and r.status == rem.SENT]
        assert len(mine) == 2
    blocked = [r for r in rows if r.user_id == users["blocked"].user.id]
    assert {r.status for r in blocked} == {rem.FAILED, rem.CANCELLED}
    failed = [r for r in blocked if r.status == rem.FAILED]  # the digest's rows
    assert failed and all(r.last_error.startswith(rem.FORBIDDEN_PREFIX) for r in failed)
    async with store.conversation("telegram", "602") as h:
        assert h.conv.user.active is False
    flaky = [r for r in rows if r.user_id == users["flaky"].user.id and r.status == rem.SENT]
    # Each timeout costs the digest's rows one extra attempt each.
    assert all(r.attempts >= 3 for r in flaky)
    assert any("TimedOut" in (r.last_error or "") for r in flaky)
    flood = [r for r in rows if r.user_id == users["flood"].user.id and r.status == rem.SENT]
    assert any("retry after 5" in (r.last_error or "") for r in flood)


async def test_blocked_user_who_comes_back_gets_reminders_again(
    sqlite_store: Store, kb: Knowledge
) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(
        store, "610", Company(events=[event("stage1", "stage1", date(2026, 11, 28))])
    )
    await replan(store, conv, kb, clock.now())
    sender = RecordingSender(clock)
    sender.errors["610"] = [Forbidden("Forbidden: bot was blocked by the user")]
    d = dispatcher(store, kb, sender, clock)
    await d.run_once()
    assert sender.sent == []
    # The user writes again: the service flags them active and replans.
    await store.set_user_active("telegram", "610", True)
    await replan(store, conv, kb, clock.now())
    await d.run_once()
    assert [s.chat_id for s in sender.sent] == ["610"]
    assert (await d.run_once()).sent == 0


async def test_bad_request_fails_the_row_without_retry(sqlite_store: Store, kb: Knowledge) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(
        store, "611", Company(events=[event("stage1", "stage1", date(2026, 11, 28))])
    )
    await replan(store, conv, kb, clock.now())
    sender = RecordingSender(clock)
    sender.always["611"] = BadRequest("Chat not found")
    d = dispatcher(store, kb, sender, clock)
    assert (await d.run_once()).failed == 1
    clock.advance(timedelta(hours=2))
    assert (await d.run_once()).claimed == 0
    [row] = [r for r in await all_rows(store) if r.status == rem.FAILED]
    assert "Chat not found" in row.last_error


# --- Telegram errors through PTB's real Bot over a recording request ---------------------------


@pytest.mark.parametrize("timedelta_mode", [False, True])
async def test_faults_through_the_real_bot(
    store: Store, kb: Knowledge, monkeypatch: pytest.MonkeyPatch, timedelta_mode: bool
) -> None:
    if timedelta_mode:
        monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after is a timedelta
    clock = FakeClock(START)
    await _four_users(store, kb, clock)
    api = FakeBotApi()
    api.blocked.add(602)
    api.script[603] = [429]
    api.script[604] = [TimedOut("read timeout"), TimedOut("read timeout")]
    async with Bot(TOKEN, request=api, get_updates_request=api) as bot:
        d = dispatcher(store, kb, TelegramSender(bot), clock, batch=3)
        await _run_until_idle(d, clock, timedelta(seconds=31))
    assert {c: len(api.sent_to(c)) for c in (601, 602, 603, 604)} == {
        601: 1,
        602: 0,
        603: 1,
        604: 1,
    }
    for chat in (601, 603, 604):  # one digest with both due reminders, never repeated
        [text] = [p["text"] for p in api.sent_to(chat)]
        assert "Stage 1 audit" in text and "Internal audit" in text
    markup = api.sent_to(601)[0]["reply_markup"]
    assert decode(markup["inline_keyboard"][0][0]["callback_data"]).verb == "evt.done"
    rows = await all_rows(store)
    assert not [r for r in rows if r.status == rem.PLANNED and r.due_at <= clock.now()]
    async with store.conversation("telegram", "602") as h:
        assert h.conv.user.active is False


# --- rate limits ----------------------------------------------------------------------------


async def test_rate_limiter_spaces_sends() -> None:
    ft = FakeTime()
    limiter = RateLimiter(30, 1.0, clock=ft, sleep=ft.sleep)
    stamps: dict[str, list[float]] = defaultdict(list)
    for i in range(90):
        chat = str(i % 45)  # two messages to each of 45 chats
        await limiter.acquire(chat)
        stamps[chat].append(ft())
    every = sorted(t for ts in stamps.values() for t in ts)
    assert all(b - a >= 1 / 30 - 1e-9 for a, b in itertools.pairwise(every))
    assert all(ts[1] - ts[0] >= 1.0 for ts in stamps.values())
    assert every[-1] - every[0] == pytest.approx(89 / 30)  # full speed: 30/s


@pytest.mark.parametrize("batch", [25, 100])
async def test_dispatcher_respects_telegram_limits(
    sqlite_store: Store, kb: Knowledge, batch: int
) -> None:
    store = sqlite_store
    clock = FakeClock(START)
    ft = FakeTime(on_sleep=lambda s: clock.advance(timedelta(seconds=s)))
    # 10 users with 3 due reminders each, 40 users with 1.
    for i in range(50):
        events = [event("stage1", "stage1", date(2026, 11, 28))]
        if i < 10:
            events += [
                event("internal_audit", "internal_audit", date(2026, 11, 20)),
                event("management_review", "management_review", date(2026, 11, 28)),
            ]
        conv = await make_user(store, str(700 + i), Company(events=events))
        await replan(store, conv, kb, clock.now())

    class Timed(RecordingSender):
        async def send(self, chat_id: str, text: str, buttons: Any) -> None:
            await super().send(chat_id, text, buttons)
            self.sent[-1].at = datetime.fromtimestamp(ft(), UTC)

    sender = Timed(clock)
    limiter = RateLimiter(30, 1.0, clock=ft, sleep=ft.sleep)
    stats = await Dispatcher(store, kb, sender, clock, limiter=limiter, batch=batch).run_once()
    assert stats.sent == 70 and stats.messages == len(sender.sent) == 50  # a digest each
    times = sorted(s.at.timestamp() for s in sender.sent)
    for i, t in enumerate(times):  # at most 30 in any one-second window
        assert sum(1 for u in times[i:] if u < t + 1.0) <= 30
    by_chat: dict[str, list[float]] = defaultdict(list)
    for s in sender.sent:
        by_chat[s.chat_id].append(s.at.timestamp())
    for ts in by_chat.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(ts))
    assert len(by_chat) == 50 and all(len(ts) == 1 for ts in by_chat.values())
    # One message per person: nobody waits out the per-chat second, 30/s throughout.
    assert times[-1] - times[0] == pytest.approx(49 / 30)


# --- terminal delivery --------------------------------------------------------------------


async def test_terminal_user_sees_due_reminders_once(store: Store, kb: Knowledge) -> None:
    clock = FakeClock(START)
    conv = await make_user(
        store, "alice", Company(events=[event("stage1", "stage1", date(2026, 11, 28))]),
        channel="terminal",
    )  # fmt: skip
    await replan(store, conv, kb, clock.now())
    sender = RecordingSender(clock)
    assert (await dispatcher(store, kb, sender, clock).run_once()).claimed == 0
    replies = await pop_due_for_user(store, conv.user, clock.now(), kb)
    assert len(replies) == 1 and "Stage 1 audit" in replies[0].text
    assert replies[0].buttons
    assert await pop_due_for_user(store, conv.user, clock.now(), kb) == []
    clock.advance(timedelta(days=2))  # Sunday: the question after the audit waits
    assert await pop_due_for_user(store, conv.user, clock.now(), kb) == []
    clock.advance(timedelta(days=1))  # for Monday
    [after] = await pop_due_for_user(store, conv.user, clock.now(), kb)
    # The certification body ran the audit: asked how it went, not told it is overdue.
    assert "how did it go" in after.text and "Overdue" not in after.text


# --- PTB JobQueue wiring --------------------------------------------------------------------


async def test_tick_runs_as_a_ptb_repeating_job(sqlite_store: Store, kb: Knowledge) -> None:
    from telegram.ext import Application

    store = sqlite_store
    clock = FakeClock(START)
    conv = await make_user(
        store, "620", Company(events=[event("stage1", "stage1", date(2026, 11, 28))])
    )
    await replan(store, conv, kb, clock.now())
    api = FakeBotApi()
    app = (
        Application.builder()
        .token(TOKEN)
        .request(api)
        .get_updates_request(api)
        .updater(None)
        .build()
    )
    d = dispatcher(store, kb, TelegramSender(app.bot), clock)
    job = d.schedule(app.job_queue, interval=30, first=5)
    assert (job.job.max_instances, job.job.coalesce) == (1, True)
    assert job.job.trigger.interval == timedelta(seconds=30)
    async with app:
        await job.run(app)  # what the scheduler does every 30 s
        await job.run(app)
    assert len(api.sent_to(620)) == 1


# --- housekeeping ---------------------------------------------------------------------------


async def test_the_reminder_tick_prunes_old_processed_update_ids_hourly(
    store: Store, kb: Knowledge
) -> None:
    from storage.models import ProcessedUpdate

    clock = FakeClock(START)

    async def processed(*rows: tuple[int, timedelta]) -> set[int]:
        async with store.session(write=True) as session:
            for update_id, age in rows:
                session.add(ProcessedUpdate(update_id=update_id, processed_at=clock.now() - age))
            await session.commit()
            found = (await session.exec(select(ProcessedUpdate.update_id))).all()
            return {update_id for (update_id,) in found}

    await processed((1, timedelta(hours=72)), (2, timedelta(hours=47)))
    d = dispatcher(store, kb, RecordingSender(clock), clock)
    await d.run_once()
    assert await processed() == {2}  # Telegram no longer re-delivers after 24 h: kept 48 h
    assert await processed((3, timedelta(hours=72))) == {2, 3}
    clock.advance(timedelta(minutes=30))
    await d.tick()
    assert await processed() == {2, 3}  # at most once an hour
    clock.advance(timedelta(minutes=31))
    await d.tick()
    assert await processed() == set()  # 2 is 48 h 1 min old now
