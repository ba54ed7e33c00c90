"""The daily digest: one message per user per day with everything that is due or overdue.

A digest of a single item is that item's own card (what to prepare, snooze for a day or a
week, open the step).

The dispatcher claims all of a user's due reminder rows together and sends what
``render_digest`` returns: each risk to the certificate as its own message (a surveillance
audit missed, the certificate expiring, a nonconformity past its deadline), everything else
in one digest. After downtime the rows that fell due meanwhile make one catch-up digest that
says so. An event with several rows (a lead time and the overdue alert) is listed once, and
so is a nonconformity whose correction and evidence are due the same day (one finding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from flows.callbacks import CallbackTooLong, encode
from flows.reminders import (
    ReminderView,
    format_date,
    relative_days,
    render_reminder,
    title_of,
)
from flows.schedule import OVERDUE_LEAD, SNOOZE_LEAD, STILL_LEAD, is_risk, local_today, zone
from flows.timeline import reminder_kind
from flows.types import Button, Lang, Reply
from knowledge.schema import Rules
from knowledge.texts import Catalogue, load_catalogue

T = TypeVar("T")
LISTED = 8  # lines in one digest; the rest are counted
WITH_BUTTONS = 5  # items that get their own row of buttons
CATCH_UP_AFTER = timedelta(hours=36)  # a row this much older than now: we were away


def _relevance(view: ReminderView) -> tuple[int, date, int]:
    late = view.lead_days in (OVERDUE_LEAD, SNOOZE_LEAD, STILL_LEAD)
    return (0 if late else 1, view.event_date, view.id)


NC_PARTS = ("correction", "evidence")


def subject(view: ReminderView) -> tuple[str, date]:
    """What one line or card is about: an event on its date, or a nonconformity's two
    deadlines (correction and evidence) when they fall on the same day (they usually do):
    one finding, one line."""
    key = view.event_key
    if key.startswith("nc:") and key.rsplit(":", 1)[-1] in NC_PARTS:
        key = key.rsplit(":", 1)[0]
    return key, view.event_date


def _label(title: str, sep: str) -> str:
    """The finding in the user's words, from "不符合项纠正：<finding>"."""
    return title.split(sep, 1)[1] if sep in title else title


def _finding(views: list[ReminderView], texts: Catalogue) -> ReminderView:
    """Both deadlines of one finding on one day as one view: the evidence row (what is
    sent last covers the correction too), titled with both."""
    parts = {v.event_key.rsplit(":", 1)[-1] for v in views}
    best = min(views, key=lambda v: (_relevance(v)[0], v.event_key.endswith("correction")))
    if parts != set(NC_PARTS):
        return best
    zh = texts.t("zh", "rem_nc_both", label=_label(best.title_zh, "："))
    en = texts.t("en", "rem_nc_both", label=_label(best.title_en, ": "))
    return replace(best, title_zh=zh, title_en=en)


def one_per_event(views: list[ReminderView], texts: Catalogue | None = None) -> list[ReminderView]:
    """The most telling row of each subject (``subject``): the overdue alert, else the
    nearest lead time; a finding's correction and evidence due the same day make one."""
    groups: dict[tuple[str, date], list[ReminderView]] = {}
    for view in sorted(views, key=_relevance):
        groups.setdefault(subject(view), []).append(view)
    best = [
        _finding(group, texts or load_catalogue()) if key.startswith("nc:") else group[0]
        for (key, _), group in groups.items()
    ]
    return sorted(best, key=lambda v: (v.event_date, v.id))


def compose(
    views: list[ReminderView],
    rules: Rules,
    lang: Lang,
    now: datetime,
    texts: Catalogue | None = None,
) -> list[tuple[Reply, list[int]]]:
    """One user's due reminders as messages, each with the ids of the rows it delivers:
    a card per risk to the certificate, then one digest for all the rest (an event's
    several rows are covered by the one line that shows it)."""
    texts = texts or load_catalogue()
    risky = [v for v in views if is_risk(rules, v.kind, v.lead_days)]
    rest = [v for v in views if not is_risk(rules, v.kind, v.lead_days)]
    out: list[tuple[Reply, list[int]]] = []
    for view in one_per_event(risky, texts):
        same = [v.id for v in risky if subject(v) == subject(view)]
        out.append((render_reminder(view, rules, lang, now, texts), same))
    events = one_per_event(rest, texts)
    if len(events) == 1:  # a digest of one thing is that thing's own card
        out.append((render_reminder(events[0], rules, lang, now, texts), [v.id for v in rest]))
    elif events:
        out.append((_digest(events, rules, lang, now, texts), [v.id for v in rest]))
    return out


def render_digest(
    views: list[ReminderView],
    rules: Rules,
    lang: Lang,
    now: datetime,
    texts: Catalogue | None = None,
) -> list[Reply]:
    """The messages for one user's due reminders: the risks, then one digest."""
    return [reply for reply, _ in compose(views, rules, lang, now, texts)]


def groups(
    entries: list[T], today: date, on: Callable[[T], date], external: Callable[[T], bool]
) -> tuple[list[T], list[T], list[T]]:
    """A digest's entries as it lists and numbers them: coming (due today first), late, then
    audits held by the certification body awaiting their outcome (also how "1和2都弄好了"
    is read). Points in time ("system running for 3 months") are news, not numbered: the
    caller leaves them out."""
    awaiting = [e for e in entries if on(e) < today and external(e)]
    late = [e for e in entries if on(e) < today and e not in awaiting]
    coming = [e for e in entries if on(e) >= today]
    return coming, late, awaiting


def _digest(
    views: list[ReminderView], rules: Rules, lang: Lang, now: datetime, texts: Catalogue
) -> Reply:
    today = local_today(now, zone(views[0].timezone))
    news = [v for v in views if reminder_kind(rules, v.kind).point]
    coming, late, external = groups(
        [v for v in views if v not in news],
        today,
        lambda v: v.event_date,
        lambda v: reminder_kind(rules, v.kind).external,
    )
    away = any(v.due_at is not None and now - v.due_at > CATCH_UP_AFTER for v in views)
    head = "digest_head_back" if away else "digest_head"
    lines = [texts.t(lang, head, date=format_date(today, lang, texts))]
    if news:
        lines += ["", *[f"• {news_line(v, rules, lang, today, texts)}" for v in news]]
    # Repeated weekly: "still overdue (N)", said so (the weekly rows are due together).
    weekly = any(v.lead_days == STILL_LEAD for v in late)
    ordered: list[ReminderView] = []
    for key, group in (
        ("digest_today", [v for v in coming if v.event_date == today]),
        ("digest_coming", [v for v in coming if v.event_date != today]),
        ("digest_still_late" if weekly else "digest_late", late),
        ("digest_outcome", external),
    ):
        room = LISTED - len(ordered)
        if not group or room <= 0:
            continue
        lines += ["", texts.t(lang, key, n=len(group))]
        for view in group[:room]:
            ordered.append(view)
            when = relative_days(view.event_date, today, lang, texts)
            title = title_of(view, rules, lang)
            lines.append(
                f"{len(ordered)}. {title} · {view.event_date.isoformat()}（{when}）"
                if lang == "zh"
                else f"{len(ordered)}. {title} · {view.event_date.isoformat()} ({when})"
            )
    if len(views) - len(news) > len(ordered):
        lines += ["", texts.t(lang, "digest_more", n=len(views) - len(news) - len(ordered))]
    lines += ["", texts.t(lang, "digest_hint")]
    if weekly:
        lines.append(texts.t(lang, "digest_hint_weekly"))
    if len(ordered) > WITH_BUTTONS:  # 8 listed, 5 rows of buttons: say where the rest are
        first, last = WITH_BUTTONS + 1, len(ordered)
        key = "digest_hint_rest" if last > first else "digest_hint_rest_one"  # not "6–6"
        lines.append(texts.t(lang, key, first=first, last=last))
    if any(v in external for v in ordered[:WITH_BUTTONS]):
        lines.append(texts.t(lang, "digest_hint_outcome"))
    return Reply("\n".join(lines), _buttons(ordered[:WITH_BUTTONS], external, lang, texts))


def news_line(view: ReminderView, rules: Rules, lang: Lang, today: date, texts: Catalogue) -> str:
    """A point in time in a digest: news on its day ("from today you can apply"), else when
    it comes."""
    kind = reminder_kind(rules, view.kind)
    if view.event_date <= today and kind.news is not None:
        return f"🎉 {kind.news.get(lang)}"
    when = relative_days(view.event_date, today, lang, texts)
    title = title_of(view, rules, lang)
    if lang == "zh":
        return f"{title} · {view.event_date.isoformat()}（{when}）"
    return f"{title} · {view.event_date.isoformat()} ({when})"


def _button(texts: Catalogue, lang: Lang, label: str, verb: str, *args: str | int) -> Button | None:
    try:
        return Button(label, encode(verb, *args))
    except CallbackTooLong:  # dropped rather than truncated
        return None


def _buttons(
    views: list[ReminderView], external: list[ReminderView], lang: Lang, texts: Catalogue
) -> list[list[Button]]:
    rows: list[list[Button | None]] = []
    for n, view in enumerate(views, 1):
        if view in external:
            rows.append(
                [
                    _button(texts, lang, f"✅ {n}", "tl.passed", view.event_key),
                    _button(texts, lang, f"📝 {n}", "tl.findings", view.event_key),
                    _button(texts, lang, f"📅 {n}", "evt.date", view.event_key),
                ]
            )
            continue
        rows.append(
            [
                _button(texts, lang, f"✅ {n}", "evt.done", view.event_key),
                _button(texts, lang, f"⏰ {n}", "rem.snooze", view.id, 1),
                _button(texts, lang, f"📅 {n}", "evt.date", view.event_key),
            ]
        )
    rows.append([_button(texts, lang, texts.t(lang, "next_btn"), "next")])
    return [[b for b in row if b is not None] for row in rows if any(row)]
