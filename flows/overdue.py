"""Catching up: what is overdue, reviewed in one list and marked done at once.

A user who comes back after weeks should not press 58 buttons. "What's next" sums up the
overdue items in one line; this lists them with a ✅ for each and one "these are all done"
button. The bulk button carries how many items it covered and the earliest date, so a press
on an old message cannot complete a list that has changed since.
"""

from __future__ import annotations

import re
from datetime import datetime

from flows import dated, nextstep, risks, steps_told, timeline_edit
from flows.basics import left_out_of_all
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.phrasing import looks_like_question
from flows.reading import find_date
from flows.registry import Flow, Verb
from flows.timeline import Item, State, state
from flows.types import SHOW_NEXT, Button, Out, Reply
from flows.workdays import next_working_day

LISTED = 10


def all_missed(ctx: Ctx) -> list[Item]:
    """Every missed item except the certificate risks (those need more than a tick)."""
    tl = timeline_of(ctx)
    risky = {r.item.key for r in risks.find(ctx, tl)}
    return [i for i in tl.items if state(i, ctx.today) is State.MISSED and i.key not in risky]


EXCEPT = "x:"  # scope "x:<key>": every missed item but that one ("all done except …")


def _scope(ctx: Ctx, scope: str) -> list[Item]:
    if scope == "all":
        return all_missed(ctx)
    if scope.startswith(EXCEPT):
        return [i for i in all_missed(ctx) if i.key != scope.removeprefix(EXCEPT)]
    tl = timeline_of(ctx)
    return nextstep.overdue_rest(ctx, tl, nextstep.compute_next(ctx, tl))


def review(ctx: Ctx) -> Out:
    items = all_missed(ctx)
    if not items:
        return [ctx.reply("overdue_none"), SHOW_NEXT]
    shown = items[:LISTED]
    lines = [ctx.t("overdue_head", n=len(items))]
    lines += [
        f"{n}. {fmt_date(i.on)} · {i.title(ctx.lang)}"
        + (ctx.t("owner_suffix", owner=i.owner(ctx.lang)) if i.owner(ctx.lang) else "")
        for n, i in enumerate(shown, 1)
    ]
    if len(items) > len(shown):
        lines.append(ctx.t("overdue_listed_more", n=len(items) - len(shown)))
    bulk = nextstep.bulk_done(items)
    hint = "overdue_hint" if len(bulk) == len(items) else "overdue_hint_dated"
    lines.append(ctx.t(hint))
    per_row = 5
    ticks = [Button(f"✅ {n}", encode("evt.done", i.key)) for n, i in enumerate(shown, 1)]
    rows = [ticks[k : k + per_row] for k in range(0, len(ticks), per_row)]
    if (one_tap := nextstep.bulk_button(ctx, "all", items)) is not None:
        rows.append([one_tap])
    return [Reply("\n".join(lines), rows)]


def titled(ctx: Ctx, items: list[Item], limit: int = LISTED) -> str:
    """The items read back one per line, the rest counted ("……另有 5 项")."""
    lines = [f"• {i.title(ctx.lang)}" for i in items[:limit]]
    if len(items) > limit:
        lines.append(ctx.t("overdue_listed_more", n=len(items) - limit))
    return "\n".join(lines)


def told_all_done(ctx: Ctx, text: str = "") -> Out | None:
    """ "计划里的都做完了" with several plan actions overdue: those read back for one "yes"
    (milestones keep their own dates), or None when there is nothing to tick at once."""
    missed = all_missed(ctx)
    items, scope = nextstep.bulk_done(missed), "all"
    if (left := left_out_of_all(text)) and items:  # "all done except the IP search": not that one
        kept = steps_told.fitting(left, steps_told.plan_actions(ctx), ctx.kb)
        if kept is None:  # what is left out is not named clearly: not guessed
            return [ctx.reply("overdue_except_unclear", left=left[:60])]
        items, scope = [i for i in items if i.key != kept.key], EXCEPT + kept.key
    if not items and missed:  # "both done" of the internal audit and the review: their days
        titles = "\n".join(f"• {fmt_date(i.on)} · {i.title(ctx.lang)}" for i in missed[:LISTED])
        return [ctx.reply("overdue_told_milestones", titles=titles)]
    if len(items) < 2:
        return None
    button = ctx.button("step_told_yes", "tl.alltold", scope, *nextstep.overdue_guard(items))
    reply = ctx.reply("overdue_told_all", [[button]], n=len(items), titles=titled(ctx, items))
    reply.offer = button.data  # "对" / "yes" ticks them
    return [reply]


# "逾期的这几项都推到2月22号", "move all the overdue ones to March 1": every overdue action.
_ALL_OVERDUE = re.compile(
    r"(?:逾期|过期|超期|到期没做|没做完|落下)的?(?:这几|那几|几|这些|那些)?(?:项|个|件|条)?(?:事|行动)?"
    r"|(?:这几|那几|这些|那些)(?:项|个|件|条)|剩下的|全部|都"
    r"|\b(?:all\s+(?:the\s+|of\s+the\s+)?(?:overdue|late|open)|everything\s+(?:overdue|late)"
    r"|the\s+(?:overdue|late)\s+(?:ones|items|actions)|all\s+of\s+(?:them|these)|them\s+all)\b",
    re.I,
)
_MOVE = re.compile(
    r"(?:推|改|延|挪|移|放|推迟|延期|延后|顺延|往后推|调整)(?:到|至)"
    r"|\b(?:move|push|postpone|reschedule|shift|put)\b",
    re.I,
)


def told_all_moved(ctx: Ctx, text: str) -> Out | None:
    """ "逾期的这几项都推到2月22号": every overdue plan action read back with that one date
    (milestones keep their own), or None when the text does not say so."""
    if len(text) > MAX_TOLD or looks_like_question(text):
        return None
    if not (_ALL_OVERDUE.search(text) and _MOVE.search(text)):
        return None
    items = nextstep.bulk_done(all_missed(ctx))
    when = find_date(text, ctx.today, "future", "end")
    if not items or when is None or when < ctx.today:
        return None
    when = next_working_day(when)
    guard = nextstep.overdue_guard(items)
    button = ctx.button("overdue_move_yes", "tl.allmove", when.strftime("%Y%m%d"), *guard)
    reply = ctx.reply(
        "overdue_move_confirm",
        [[button]],
        n=len(items),
        date=fmt_date(when),
        titles=titled(ctx, items),
    )
    reply.offer = button.data  # "对" / "yes" moves them
    return [reply]


def all_moved(ctx: Ctx, day: str, count: str, earliest: str) -> Out | None:
    try:
        when = datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        return None
    items = nextstep.bulk_done(all_missed(ctx))
    if not items or nextstep.overdue_guard(items) != (count, earliest):
        return [ctx.reply("overdue_changed"), *review(ctx)]
    moved: dict[str, timeline_edit.Moved] = {}
    for item in items:  # what else moved with them: the last date each got
        moved |= {m.item.key: m for m in timeline_edit.record(ctx, item.key, when)}
    told = {i.key for i in items}
    lines = [ctx.t("overdue_moved", n=len(items), date=fmt_date(when)), dated.day_off(ctx, when)]
    lines += dated.moved_lines(ctx, [m for k, m in moved.items() if k not in told])
    return [Reply("\n".join(line for line in lines if line)), SHOW_NEXT]


MAX_TOLD = 80


def all_done(ctx: Ctx, scope: str, count: str, earliest: str) -> Out | None:
    if scope not in ("all", "rest") and not scope.startswith(EXCEPT):
        return None
    items = nextstep.bulk_done(_scope(ctx, scope))
    if not items or nextstep.overdue_guard(items) != (count, earliest):
        return [ctx.reply("overdue_changed"), *review(ctx)]
    n = timeline_edit.complete_many(ctx, [i.key for i in items])
    listed = [f"• {i.title(ctx.lang)}" for i in items[:TITLES_LISTED]]
    if len(items) > TITLES_LISTED:
        listed.append(ctx.t("overdue_done_more", n=len(items) - TITLES_LISTED))
    return [ctx.reply("overdue_all_done", n=n, titles="\n".join(listed)), SHOW_NEXT]


TITLES_LISTED = 5  # a tap that closes 50 actions names a few, not a wall of text


FLOW = Flow(
    "overdue",
    verbs=(
        Verb("tl.overdue", review),
        Verb("tl.alldone", all_done, arity=3, records_done=True),
        # the same, as the read-back of "都做完了": the owner said it, so "对" or moving on does
        Verb("tl.alltold", all_done, arity=3, moving_on_accepts=True),
        Verb("tl.allmove", all_moved, arity=3, moving_on_accepts=True),
    ),
)
