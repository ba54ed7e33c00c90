"""The company's dates: recording when something happens (or happened), marking it done.

A date in the past is a record of what happened: it is done, no alarm follows. A future date
plans it; what depends on it moves along (``timeline_edit.record``). Audits the certification
body runs ask how they went once their date has passed.
"""

from __future__ import annotations

import re
from datetime import date

from flows import confirm, nonconformity, timeline_edit
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.known import timeline_of
from flows.reading import Got, date_examples, read_date
from flows.registry import Flow, Input, Verb
from flows.reminders import format_date
from flows.timeline import Item, reminder_kind
from flows.types import PROMPT, SHOW_NEXT, Button, Out, Reply
from flows.workdays import holiday_name, is_working_day
from knowledge.journey_check import MILESTONES

INPUT = "date"
ALIASES = {"system_start": "operate"}  # keys of earlier releases (buttons in old messages)


def resolve_key(ctx: Ctx, key: str) -> str:
    """A step asks for a kind ("surveillance"); a date belongs to one occurrence of it
    ("surveillance:1"): the item itself, or the first open item of that kind."""
    key = ALIASES.get(key, key)
    tl = timeline_of(ctx)
    if tl.get(key) is not None or key.startswith("action:"):
        return key
    kinds = {key, f"{key}_audit"}
    found = [i for i in tl.open_items() if i.kind in kinds]
    return found[0].key if found else key


def event_title(ctx: Ctx, key: str) -> str:
    """The event the user gives a date for: a surveillance audit itself, not its deadline."""
    item = timeline_of(ctx).get(key)
    if item is not None:
        title = item.title(ctx.lang)
        return title.removesuffix("最迟日期").removesuffix(" deadline") if item.deadline else title
    return reminder_kind(ctx.kb.rules, key.split(":", 1)[0]).title.get(ctx.lang)


def event_date(ctx: Ctx, key: str) -> date | None:
    """The date the user recorded for ``key`` (None when it is only planned or unknown)."""
    item = timeline_of(ctx).get(resolve_key(ctx, key))
    return item.on if item is not None and item.fixed else None


def ask_for(ctx: Ctx, key: str) -> Out:
    ctx.wait_for(INPUT, key)
    return [PROMPT]


def ask(ctx: Ctx) -> Out:
    p = ctx.pending
    assert p is not None
    examples = date_examples(ctx, "future")
    if p.field == "operate":
        return [ctx.reply("ask_operate_date", examples=examples)]
    if p.field.startswith("surveillance:"):  # the audit's own day, not the deadline's
        n = p.field.split(":")[1]
        return [ctx.reply("ask_surveillance_date", n=n, examples=examples)]
    return [ctx.reply("ask_event_date", title=event_title(ctx, p.field), examples=examples)]


def take(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    # A deadline moves forward; anything else may be a record (past) or a plan (future).
    deadline = p.field.startswith(("action:", "nc:"))
    got = read_date(ctx, text, "future" if deadline else "any", "end" if deadline else "start")
    if got is not None and not isinstance(got, Got) and not _DATE_LIKE.search(text):
        ctx.clear_pending()  # "外来文件没有受控": not a date at all; the date change is dropped
        return None
    if not isinstance(got, Got):
        return got
    ctx.clear_pending()
    return [*([got.echo] if got.echo else []), *set_event_date(ctx, p.field, got.value)]


# Something in the text that could be part of a date: then "not understood" asks again.
_DATE_LIKE = re.compile(
    r"\d|[一二两三四五六七八九十]|年|月|日|号|周|星期|礼拜|天|底|初|今|明|昨|后|前"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun"
    r"|today|tomorrow|yesterday|next|last|week|month|year|day|end|ago|before|after)",
    re.I,
)


def day_off(ctx: Ctx, d: date) -> str:
    """A note when ``d`` is a weekend or public holiday ("" on a working day)."""
    if is_working_day(d):
        return ""
    name = holiday_name(d, ctx.lang) or ctx.t("weekend")
    return ctx.t("day_off_note", date=format_date(d, ctx.lang, ctx.texts), name=name)


def set_event_date(ctx: Ctx, key: str, d: date) -> Out:
    key = resolve_key(ctx, key)
    open_before = timeline_edit.open_action_count(ctx)
    moved = timeline_edit.record(ctx, key, d)
    closed = open_before - timeline_edit.open_action_count(ctx)
    title = event_title(ctx, key)
    item = timeline_of(ctx).get(key)
    lines: list[str] = []
    buttons = []
    eligible = timeline_of(ctx).get("eligible")
    if key == "operate" and eligible is not None:
        months = ctx.kb.rules.min_operation_months
        reached = "operate_reached" if eligible.on <= ctx.today else "operate_saved"
        lines.append(
            ctx.t(reached, date=format_date(d, ctx.lang, ctx.texts), months=months,
                  eligible=format_date(eligible.on, ctx.lang, ctx.texts))
        )  # fmt: skip
    elif d <= ctx.today and item is not None and item.done:
        lines.append(ctx.t("event_recorded_done", title=title, date=fmt_date(d)))
        if item is not None and item.external:
            lines.append(ctx.t("ask_findings"))
            buttons.append([ctx.button("outcome_passed", "tl.passed", key)])
            buttons.append([ctx.button("outcome_findings", "tl.findings", key)])
    else:
        saved = "action_due_saved" if key.startswith("action:") else "event_saved"  # a due date
        lines.append(ctx.t(saved, title=title, date=format_date(d, ctx.lang, ctx.texts)))
        if note := day_off(ctx, d):
            lines.append(note)
    if key == "stage2":  # booked: the stage 1 findings are due before it
        lines += nonconformity.before_stage2(ctx)
    if closed > 0 and key in timeline_edit.APPLIED_AFTER:
        lines.append(ctx.t("applied_closes_actions", n=closed))
    lines += moved_lines(ctx, moved)
    return [Reply("\n".join(lines), buttons), SHOW_NEXT]


def moved_lines(ctx: Ctx, moved: list[timeline_edit.Moved]) -> list[str]:
    """What else moved with a date, and whether the target still holds."""
    if not moved:
        return []
    shifted = "\n".join(f"• {m.item.title(ctx.lang)} → {fmt_date(m.to)}" for m in moved)
    return [ctx.t("dates_moved", lines=shifted), *target_note(ctx)]


def target_note(ctx: Ctx) -> list[str]:
    """The application moved past what the target allows: say so, with the new earliest."""
    target, apply = ctx.company.target_date, timeline_of(ctx).get("apply")
    if target is None or apply is None or apply.done:
        return []
    from_apply = ctx.kb.rules.practice.planning.application_to_certificate_months
    earliest = add_months(apply.on, from_apply)
    if earliest <= target:
        return []
    return [ctx.t("target_at_risk", target=fmt_date(target), earliest=fmt_date(earliest))]


CERTIFICATE_DATES = frozenset({"expiry"})  # the certificate's own dates, not plans


def change_date(ctx: Ctx, key: str) -> Out | None:
    key = resolve_key(ctx, key)
    if key in CERTIFICATE_DATES and ctx.company.certificate is not None:
        return confirm.ask(ctx, "confirm_change_cert_date", "evt.date.do", key)
    return ask_for(ctx, key)


EARLY_DONE_DAYS = 14  # a milestone marked done further ahead of its date is confirmed first
# Milestones that are not done on a whim: starting to run the system early is normal.
CONFIRM_EARLY = frozenset(MILESTONES) - {"operate"}


def mark_done(ctx: Ctx, key: str) -> Out | None:
    """Done from a reminder or "what's next": an action, a nonconformity or a dated item."""
    key = resolve_key(ctx, key)
    if key.startswith("nc:"):  # closing a nonconformity is confirmed first
        return nonconformity.close(ctx, ":".join(key.split(":")[:2]))
    planned = timeline_of(ctx).get(key) if key in CONFIRM_EARLY else None
    if planned is not None and not planned.done and (planned.on - ctx.today).days > EARLY_DONE_DAYS:
        # An internal audit planned for March, "done" in December: a slip of the finger, or
        # the audit really happened early. Ask before the plan and the reminders move.
        title, on = planned.title(ctx.lang), fmt_date(planned.on)
        return confirm.ask(ctx, "confirm_early_done", "evt.done.do", key, title=title, date=on)
    return _complete(ctx, key)


MAX_ASKED = 5  # items of a digest offered as buttons when "做完了" could be any of them


def done_after_reminder(ctx: Ctx, keys: tuple[str, ...]) -> Out | None:
    """ "做完了" right after a reminder: that item, read back for one "yes"; after a digest of
    several, which one (a button each). None when the reminder's items are all done."""
    tl = timeline_of(ctx)
    items: dict[str, Item] = {}
    for key in keys:
        item = tl.get(resolve_key(ctx, key))
        if item is not None and not item.done:
            items.setdefault(item.key, item)
    if not items:
        return None
    if len(items) == 1:
        [item] = items.values()
        button = ctx.button("done_last_yes", "evt.done", item.key)
        reply = ctx.reply("done_last_confirm", [[button]], title=item.title(ctx.lang))
        reply.offer = button.data  # "对" / "yes" marks it done
        return [reply]
    rows = [
        [Button(f"✅ {i.title(ctx.lang)}"[:60], encode("evt.done", i.key))]
        for i in list(items.values())[:MAX_ASKED]
    ]
    return [ctx.reply("done_last_which", rows)]


def _complete(ctx: Ctx, key: str, on: date | None = None) -> Out | None:
    item = timeline_edit.complete(ctx, key, on=on)
    if item is None:
        return [ctx.reply("event_unknown")]
    done = timeline_of(ctx).get(key)
    day = done.done_on or done.on if done else ctx.today
    return [ctx.reply("event_done", title=item.title(ctx.lang), date=fmt_date(day)), SHOW_NEXT]


def _complete_told(ctx: Ctx, ids: str, day: str) -> Out | None:
    """Plan actions told done ("台账上周弄好了", "范围说明和组织机构图都弄好了": ``ids`` joined
    by "+"), on the day the sentence said (today when none)."""
    try:
        on = min(date.fromisoformat(day), ctx.today)
    except ValueError:
        return None
    keys = [f"action:{action_id}" for action_id in ids.split("+")]
    if len(keys) == 1:
        return _complete(ctx, keys[0], on)
    done = [item for key in keys if (item := timeline_edit.complete(ctx, key, on=on))]
    if not done:
        return [ctx.reply("event_unknown")]
    sep = "、" if ctx.lang == "zh" else "; "
    titles = sep.join(i.title(ctx.lang) for i in done)
    return [ctx.reply("events_done", titles=titles, date=fmt_date(on)), SHOW_NEXT]


def passed(ctx: Ctx, key: str) -> Out | None:
    """An audit the certification body ran went through without findings."""
    item = timeline_edit.complete(ctx, key)
    if item is None:
        return [ctx.reply("event_unknown")]
    if key == "stage2" and not nonconformity.open_ncs(ctx):
        nonconformity.audit_steps(ctx, passed_clean=True)  # the decision is next
    return [ctx.reply("outcome_recorded", title=item.title(ctx.lang)), SHOW_NEXT]


def findings(
    ctx: Ctx, key: str, count: int = 0, grade: str | None = None, days: int = 0
) -> Out | None:
    """It raised nonconformities (``count`` when told, ``grade`` when said for all, ``days``
    when the body's deadline was said): record the audit as done, then the first finding."""
    item = timeline_of(ctx).get(key)
    if item is not None and not item.done:
        timeline_edit.complete(ctx, key)
    return nonconformity.ask_text(ctx, count, days, grade)


def findings_told(ctx: Ctx, key: str, day: str, grade: str, due: str, text: str) -> Out | None:
    """The audit, its one finding and the body's deadline told together, confirmed: the audit
    held on its day, the finding recorded under it, due when the body said."""
    try:
        held, until = date.fromisoformat(day), date.fromisoformat(due)
    except ValueError:
        return None
    if timeline_of(ctx).get(key) is None and key.split(":")[0] not in MILESTONES:
        return [ctx.reply("event_unknown")]
    timeline_edit.record(ctx, key, held)  # held that day ("yesterday", or its booked day)
    item = timeline_of(ctx).get(key)
    if item is not None and not item.done:
        timeline_edit.complete(ctx, key)
    ctx.wait_for(nonconformity.GRADE_INPUT, "", text=text, days=str((until - held).days))
    return nonconformity.add(ctx, grade)


FLOW = Flow(
    "dates",
    verbs=(
        Verb("evt.done", mark_done, arity=1, records_done=True),
        # The read-back of actions told done ("台账弄好了"): "对" / "ok" answers its question.
        Verb("evt.told", _complete_told, arity=2, moving_on_accepts=True),
        Verb("evt.date", change_date, arity=1),
        Verb("tl.passed", passed, arity=1),
        Verb("tl.findings", findings, arity=1),
    ),
    actions=(
        Verb("evt.date.do", ask_for, arity=1),
        Verb("evt.done.do", _complete, arity=1),
        Verb("nc.told.do", findings_told, arity=5),  # an audit's one finding told whole
    ),
    # "证书编号是 …" or "stage 2 is on June 8" while a date is asked: news, read as such
    inputs=(Input(INPUT, ask, take=take, gives_way_to_news=True, set_aside="date_set_aside"),),
)
