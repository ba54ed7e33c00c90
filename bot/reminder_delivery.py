"""What is sent to one person for their due reminder rows: the daily digest and the risks.

Shared by the dispatcher (Telegram) and the terminal: the rows a user has due become a few
messages (``flows.digest.compose``), each knowing the rows it delivers, so each row is
marked sent exactly when the message carrying it went out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows.callbacks import bind
from flows.digest import compose
from flows.pause import held
from flows.reminders import ReminderView
from flows.schedule import (
    EARLIEST_HOUR,
    LATEST_HOUR,
    STILL_LEAD,
    clamp_hour,
    is_risk,
    local_instant,
    local_today,
    next_still_overdue,
    off_day_until,
    zone,
)
from flows.state import User
from flows.types import Lang, Reply
from knowledge.loader import Knowledge, load_knowledge
from knowledge.schema import Rules
from knowledge.texts import load_catalogue
from storage import reminders as rem
from storage.repo import Store


@dataclass(frozen=True)
class Message:
    """One message for a person and the claimed rows it delivers."""

    reply: Reply
    rows: list[rem.ClaimedReminder]


def view_of(row: rem.ClaimedReminder) -> ReminderView:
    return ReminderView(
        row.id, row.event_key, row.kind, row.lead_days, row.event_date, row.title_zh,
        row.title_en, row.step_id, row.timezone, row.due_at,
    )  # fmt: skip


def lang_of(value: str) -> Lang:
    return "zh" if value == "zh" else "en"


def is_stale(row: rem.ClaimedReminder, now: datetime) -> bool:
    """A lead-time reminder whose date has passed (the overdue alert covers it)."""
    return row.lead_days >= 0 and row.event_date < local_today(now, zone(row.timezone))


def quiet_until(row: rem.ClaimedReminder, now: datetime) -> datetime | None:
    """When a catch-up send would land at night locally: the next morning's usual hour."""
    tz = zone(row.timezone)
    local = now.astimezone(tz)
    if EARLIEST_HOUR <= local.hour <= LATEST_HOUR:
        return None
    hour = clamp_hour(row.due_at.astimezone(tz).hour)
    day = local.date() if local.hour < EARLIEST_HOUR else local.date() + timedelta(days=1)
    return local_instant(day, hour, tz)


def off_day_hold(row: rem.ClaimedReminder, now: datetime, rules: Rules) -> datetime | None:
    """A digest row due on a weekend or public holiday waits for the next working day at its
    usual hour; a risk to the certificate does not wait (``flows.schedule.reminder_day``)."""
    if is_risk(rules, row.kind, row.lead_days):
        return None
    tz = zone(row.timezone)
    return off_day_until(now, tz, row.due_at.astimezone(tz).hour)


def paused_rows(
    rows: Sequence[rem.ClaimedReminder], person: rem.Recipient, rules: Rules
) -> list[rem.ClaimedReminder]:
    """Digest rows the person paused (``flows.pause``; a certificate risk still goes out).
    Planning leaves them out already; this catches a row planned before the pause, e.g.
    in another of a consultant's companies."""
    since, until = person.reminders_paused_from, person.reminders_paused_until
    return [
        r for r in rows if held(since, until, r.due_at) and not is_risk(rules, r.kind, r.lead_days)
    ]


def hold_until(row: rem.ClaimedReminder, now: datetime, rules: Rules) -> datetime | None:
    """When a due row may go out if not now: the morning after a night, a working day."""
    return quiet_until(row, now) or off_day_hold(row, now, rules)


def messages_for(
    rows: Sequence[rem.ClaimedReminder],
    rules: Rules,
    lang: Lang,
    now: datetime,
    names: Mapping[int, str] | None = None,
) -> list[Message]:
    """One person's due rows as messages: a card per certificate risk, then one digest.

    Rows of several companies (a consultant's) make messages per company, headed by its
    name (``names``); every button acts on the company of its rows (``flows.callbacks``).
    """
    by_id = {r.id: r for r in rows}
    companies = list(dict.fromkeys(r.company_id for r in rows))
    out: list[Message] = []
    for company_id in companies:
        views = [view_of(r) for r in rows if r.company_id == company_id]
        for reply, ids in compose(views, rules, lang, now):
            reply.buttons = bind(reply.buttons, company_id)
            if len(companies) > 1 and names:
                head = load_catalogue().t(lang, "rem_company", company=names.get(company_id, ""))
                reply.text = f"{head}\n{reply.text}"
            out.append(Message(reply, [by_id[i] for i in ids]))
    return out


async def company_names(store: Store, rows: Sequence[rem.ClaimedReminder]) -> dict[int, str]:
    """The names of the rows' companies when there are several (else nothing to look up)."""
    ids = {r.company_id for r in rows}
    return await rem.company_names(store, ids) if len(ids) > 1 else {}


def follow_ups(
    rows: Sequence[rem.ClaimedReminder], rules: Rules, now: datetime
) -> list[dict[str, Any]]:
    """The next week's "still overdue" rows of the overdue ones being sent now: the chain
    that keeps an overdue item in the Monday digest while nobody touches the plan (a re-plan
    only happens when something changes; done, moved or paused cancels the pending one)."""
    out = []
    for r in rows:
        nxt = next_still_overdue(
            rules, r.kind, r.lead_days, r.event_key, r.event_date, r.due_at, r.timezone, now
        )
        if nxt is not None:
            key, due_at = nxt
            row = {name: getattr(r, name) for name in rem.COPIED}
            out.append(row | {"lead_days": STILL_LEAD, "dedup_key": key, "due_at": due_at})
    return out


def by_user(rows: Sequence[rem.ClaimedReminder]) -> dict[int, list[rem.ClaimedReminder]]:
    """Rows grouped per recipient, in the order the recipients first come up."""
    out: dict[int, list[rem.ClaimedReminder]] = {}
    for row in rows:
        out.setdefault(row.user_id, []).append(row)
    return out


async def pop_due_for_user(
    store: Store, user: User | Any, now: datetime, kb: Knowledge | None = None
) -> list[Reply]:
    """The terminal's delivery: claim this user's due reminders, mark them sent, return them
    as the digest (and any risk cards) the user would get on Telegram. On a weekend or a
    public holiday the digest waits for the next working day, as on Telegram.

    ``user`` is anything with ``channel`` and ``external_id`` (a ``flows.state.User`` or the
    service's ``Who``). The user is chatting right now, so night-time catch-ups show too.
    Called after every terminal message: when nothing is due it costs one indexed read.
    """
    person = await rem.recipient_by_identity(store, user.channel, user.external_id, due_by=now)
    if person is None or not person.reminders_opt_in:
        return []
    rules = (kb or load_knowledge()).rules
    await rem.cancel_superseded(store, now, user_id=person.id)
    worker = f"chat:{person.channel}:{person.id}"
    rows = await rem.claim_due(store, worker, now, 500, channel=None, user_id=person.id)
    paused = paused_rows(rows, person, rules)
    stale = [r for r in rows if is_stale(r, now) and r not in paused]
    live = [r for r in rows if r not in stale and r not in paused]
    waits = {r.id: until for r in live if (until := off_day_hold(r, now, rules)) is not None}
    shown = [r for r in live if r.id not in waits]
    async with rem.outcomes(store) as out:
        await out.cancel([r.id for r in paused], "paused by the user")
        await out.cancel([r.id for r in stale], "stale: the date has passed")
        for row_id, until in waits.items():
            await out.defer(row_id, until, None, worker)
        await out.follow(follow_ups(shown, rules, now))
        await out.sent_all([r.id for r in shown], worker, now)
    names = await company_names(store, shown)
    return [m.reply for m in messages_for(shown, rules, lang_of(person.lang), now, names)]
