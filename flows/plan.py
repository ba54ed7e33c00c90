"""Conversation around the plan: the target date, the plan by month, one action, adding one.

The plan shows what the timeline says (``flows.timeline``): the same dates as "what's next",
the calendar and the reminders. A target that comes too early gets the earliest feasible date
with the reasons and a choice, never a silent shift.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from flows import dated, digest, facts, owner_told, planning, steps_told, timeline_edit
from flows.assessment import INPUT as ASSESS_INPUT
from flows.assessment import quick_done
from flows.assignee_view import assign_button, item_owner
from flows.basics import OFFER, left_out_of_all
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.known import timeline_of
from flows.natural import match_choice, options_from
from flows.next_action import item_next
from flows.phrasing import agrees, goal_words_out, looks_like_question, says_goal
from flows.reading import Got, find_date, read_date
from flows.registry import Command, Flow, Input, Verb
from flows.reminders import format_date
from flows.schedule import first_digest
from flows.state import OWN, Action, next_action_id
from flows.timeline import RULE_PREFIX, Item, State, state
from flows.types import PROMPT, Button, DoneLast, Out, Reply
from flows.workdays import next_working_day

PLAN_SHOWN = 10  # actions listed in one message
NUMBERS_PER_ROW = 5  # item buttons per keyboard row
MAX_TITLE = 200
SLACK_DAYS = 30  # a target this much after the earliest date has room for a delay
LATER_CHOICES = (3, 6)  # months after the earliest feasible target offered as buttons


# --- target date and the plan itself ---------------------------------------------------------


def ask_target(ctx: Ctx) -> Out:
    goal = ctx.company.goal_date
    if goal is not None and goal > ctx.today and quick_done(ctx):
        # "希望明年6月底前拿证", said earlier: planned for it (or told why it is too early)
        return [ctx.reply("target_from_goal", date=fmt_date(goal)), *set_target(ctx, goal)]
    ctx.wait_for("plan_target")
    return [PROMPT]


# "明年6月底能不能搞定", "can we be certified by next June?": is that date feasible?
_FEASIBLE_ASKED = re.compile(
    r"(?:能不能|能否|可不可以|有没有可能|行不行|可能吗)[^，。,]{0,8}(?:搞定|拿证|拿到证|通过认证|认证下来)"
    r"|(?:搞定|拿证|拿到证|通过认证).{0,4}(?:吗|没问题吧|行吗)|来得及|来不及|赶得上|赶不上|赶得及"
    r"|\b(?:can|could)\s+we\s+(?:get|be|have)\b.{0,20}\b(?:certified|certificate|done|finished)"
    r"\b.{0,20}\b(?:by|before)\b|\b(?:can|could)\s+we\s+(?:still\s+)?make\b"
    r"|\b(?:realistic|feasible|possible|doable|achievable)\b(?=.*\b(?:certif\w*|target|done|plan)\b)"
    r"|\b(?:certif\w*|target|done|plan)\b.*\b(?:realistic|feasible|possible|doable|achievable)\b"
    r"|(?:计划|目标)(?:现实|靠谱|可行)|按时拿证|能按时"
    r"|(?:是不是|会不会|会)?太(?:晚|迟)了?(?:吗|吧)?$|\btoo\s+late\b",
    re.I,
)
# "目标能提前吗", "can we bring the target forward?": the target asked about, no date said
_EARLIER_ASKED = re.compile(
    r"(?:目标|拿证|认证|计划)(?:日期|时间)?(?:能|可以|能不能|可不可以)(?:再)?(?:提前|早一?点)"
    r"|(?:能不能|可不可以|能否)(?:把)?(?:目标|拿证|认证)(?:日期|时间)?(?:再)?(?:提前|早一?点)"
    r"|\b(?:can|could)\s+(?:we|the\s+target)\s+(?:bring|move|be\s+brought|be\s+moved)"
    r"(?:\s+(?:the\s+)?target)?(?:\s+date)?\s+(?:forward|earlier|up)\s*\??$",
    re.I,
)
# "能不能快一点", "can we go faster?": how early it can be, and what can be shortened
_FASTER_ASKED = re.compile(
    r"(?:能不能|能否|可不可以|可以|有没有办法)(?:再)?(?:快|早)(?:一)?点|(?:早点|更早|提前)拿(?:到)?证"
    r"|\b(?:can|could) (?:we|it|this) (?:go|be|get (?:it )?done) (?:any )?"
    r"(?:faster|quicker|sooner)\b"
    r"|\b(?:speed (?:it|this|things) up|certified sooner|certificate sooner)\b",
    re.I,
)


def feasibility_asked(ctx: Ctx, text: str) -> Out | None:
    """Whether a date for the certificate can work, from the assessment's earliest date."""
    if ctx.company.certificate:
        return None
    if (_FASTER_ASKED.search(text) or _EARLIER_ASKED.search(text)) and quick_done(ctx):
        earliest = planning.draft(ctx).earliest.target
        target = ctx.company.target_date
        if target is not None and (target - earliest).days >= SLACK_DAYS:
            # the plan is for a later date: it can move forward, to the earliest at most; the
            # date to tap (or one typed) answers the target question, unless another waits
            rows: list[list[Button]] = []
            if ctx.pending is None or ctx.pending.flow == OFFER:
                rows = [[Button(fmt_date(earliest), encode("pl.target", fmt_date(earliest)))]]
                day = fmt_date(earliest)
                ctx.wait_for("plan_target", suggested=day, offered=day)
            return [
                ctx.reply(
                    "feasible_earlier", rows, target=fmt_date(target), earliest=fmt_date(earliest)
                )
            ]
        return [ctx.reply("feasible_faster", earliest=fmt_date(earliest))]
    if not _FEASIBLE_ASKED.search(text):
        return None
    when = find_date(goal_words_out(text), ctx.today, "future", "end")
    on_record = when is None  # "is the plan realistic?", "来得及吗": the target, or the goal
    if when is None:
        when = ctx.company.target_date or ctx.company.goal_date
    if when is None or when <= ctx.today:
        return None
    if not quick_done(ctx):
        if ctx.pending is not None and ctx.pending.flow == ASSESS_INPUT:  # mid-questionnaire
            months = ctx.kb.rules.min_operation_months
            return [ctx.reply("feasible_assess_finish", date=fmt_date(when), months=months)]
        return [ctx.reply("feasible_assess_first", date=fmt_date(when))]
    earliest = planning.draft(ctx).earliest.target
    planned = on_record and when == ctx.company.target_date
    if when >= earliest:  # the plan's own target: no "say change the target to" it
        key = "feasible_yes"
        if planned:  # at the earliest there is no slack: any delay moves the certificate
            key = "feasible_target_ok" if (when - earliest).days >= SLACK_DAYS else "feasible_tight"
        return [ctx.reply(key, date=fmt_date(when), earliest=fmt_date(earliest))]
    return [ctx.reply("feasible_no", date=fmt_date(when), earliest=fmt_date(earliest))]


def goal_said(ctx: Ctx, text: str) -> Out | None:
    """The date the certificate is wanted by: the target once there is an assessment to plan
    from; before that, kept for when the plan is made."""
    if ctx.company.certificate or not says_goal(text) or looks_like_question(text):
        return None
    when = find_date(goal_words_out(text), ctx.today, "future", "end")
    if when is None or when <= ctx.today:
        return None
    if quick_done(ctx) and ctx.company.target_date != when:
        return set_target(ctx, when)
    ctx.company.goal_date = when
    return [ctx.reply("goal_noted", date=fmt_date(when))]


def _target_prompt(ctx: Ctx) -> Out:
    plan = planning.draft(ctx)
    earliest = plan.earliest.target
    choices = [earliest, *(next_working_day(add_months(earliest, n)) for n in LATER_CHOICES)]
    row = [Button(fmt_date(d), encode("pl.target", fmt_date(d))) for d in choices]
    if ctx.pending is not None and ctx.pending.flow == "plan_target":
        # "好的", "最早的", "第二个", "1": the dates offered, as the user points at them.
        ctx.pending.data.update(
            suggested=fmt_date(earliest), offered=" ".join(map(fmt_date, choices))
        )
    return [
        ctx.reply(
            "ask_target" if plan.open_gaps else "ask_target_on_track",  # no "0 gaps at your pace"
            [row],
            months=ctx.kb.rules.min_operation_months,
            earliest=fmt_date(earliest),
            n=plan.open_gaps,
            per_week=plan.per_week,
        )
    ]


def target_pressed(ctx: Ctx, value: str) -> Out | None:
    """A date offered for the target: while asked, or later while there is still no plan
    (after /cancel or a question in between the buttons above still mean what they say)."""
    p = ctx.pending
    asked = p is not None and p.flow == "plan_target"
    if not asked and (ctx.company.target_date is not None or not quick_done(ctx)):
        return None  # a plan exists: an old date button never re-plans
    return _set_iso_target(ctx, value)


def _too_early(ctx: Ctx, target: date, plan: planning.Draft) -> Out:
    """Why ``target`` cannot work, the earliest date that can, and a choice."""
    e = plan.earliest
    m = planning.fit(ctx, plan, e.target)  # the milestones the plan for it will show
    rules = ctx.kb.rules
    start_key = "why_running" if plan.running else "why_start"
    reasons = [
        ctx.t(
            start_key,
            start=fmt_date(e.operate),
            eligible=fmt_date(e.eligible),
            months=rules.min_operation_months,
            n=plan.open_gaps,
            per_week=plan.per_week,
        ),
        ctx.t(
            "why_audit_review",
            audit=fmt_date(m.internal_audit),
            review=fmt_date(m.management_review),
            apply=fmt_date(m.apply),
        ),
        ctx.t("why_lead", lead=rules.practice.planning.application_to_certificate_months),
    ]
    text = "\n".join(
        [
            ctx.t("target_too_early", target=fmt_date(target)),
            *(f"• {r}" for r in reasons),
            ctx.t("target_earliest", earliest=fmt_date(e.target)),
        ]
    )
    buttons = [
        [ctx.button("use_earliest_btn", "pl.target", fmt_date(e.target), date=fmt_date(e.target))]
    ]
    ctx.wait_for("plan_target", "", suggested=fmt_date(e.target))
    return [Reply(text, buttons), ctx.reply("or_type_another_date")]


def use_as_target(ctx: Ctx, value: str) -> Out | None:
    """The date typed on its own, taken as the target; only while there is no plan (a stale
    button never re-plans)."""
    if ctx.company.target_date is not None or not quick_done(ctx):
        return [show(ctx)]  # a plan already, or no assessment to plan from yet
    return _set_iso_target(ctx, value)


def _set_iso_target(ctx: Ctx, value: str) -> Out | None:
    try:
        return set_target(ctx, date.fromisoformat(value))
    except ValueError:
        return None  # forged button data


def set_target(ctx: Ctx, target: date) -> Out:
    plan = planning.draft(ctx)
    if target < plan.earliest.target:
        return _too_early(ctx, target, plan)
    ctx.clear_pending()
    ctx.company.target_date = target
    actions, _ = planning.build_plan(ctx, target)
    ctx.company.actions = actions
    timeline_edit.reschedule(ctx)
    again = "prep.plan" in ctx.company.steps_done  # a new target: no introduction again
    if not again:
        ctx.company.steps_done.append("prep.plan")
    tl = timeline_of(ctx)
    keys = ("operate", "eligible", "internal_audit", "management_review", "apply")
    ahead = sorted(
        (i for k in keys if (i := tl.get(k)) and not i.done and i.on >= ctx.today),
        key=lambda i: i.on,
    )  # dates still to come: "3 months of operation" reached in June is not a key date
    milestones = "\n".join(f"• {fmt_date(i.on)} {i.title(ctx.lang)}" for i in ahead)
    if again:
        still_open = sum(1 for a in actions if a.done_on is None)
        remade = ctx.reply(
            "plan_remade", n=still_open, target=fmt_date(target), milestones=milestones
        )
        return [remade, show(ctx)]
    made = ctx.reply(
        "plan_made",
        n=len(actions),
        target=fmt_date(target),
        milestones=milestones,
        per_week=plan.per_week,
    )
    return [made, _digest_note(ctx), show(ctx)]


# "目标改到明年6月底", "change the target date", "replan": the plan's target, again.
_NEW_TARGET = re.compile(
    r"(?:改|换|调整|推迟|延后|提前|重新定|重定|更改).{0,4}(?:目标|拿证)(?:日期|时间)?"
    r"|目标(?:日期|时间)?.{0,3}(?:改|换|调整|推|延|提前)"
    r"|重新(?:排|做|定)(?:个)?计划|\b(?:change|move|push(?:\s+back)?|new|update|reset)\s+(?:the\s+|our\s+|my\s+)?"
    r"target(?:\s+date)?\b|\bre-?plan\b|\bnew\s+plan\b|\bre-?do\s+(?:the\s+|our\s+)?plan\b"
    # the whole plan moved: "push everything back 2 months", "整个计划往后推两个月"
    r"|\b(?:move|push|shift|delay|postpone)\s+(?:back\s+)?(?:everything|all\s+of\s+it"
    r"|(?:the\s+|our\s+)?(?:whole\s+|entire\s+)?plan)\b"
    r"|(?:全部|所有的?|整个|整体|都)(?:计划|事项|行动)?(?:都)?(?:往后|往前)?(?:推|延|挪|顺延|推迟|延后)",
    re.I,
)


_MOVED_TO = re.compile(
    r"(?:提前|推迟|延后|延迟|推后|往后推|往前提|挪)到"
    r"|\b(?:bring|move|pull|push)\s+(?:it|this|that|things|everything|the\s+date"
    r"|(?:the|our)\s+target(?:\s+date)?|certification)\s+"
    r"(?:forward|earlier|up|back|later)?\s*to\b",
    re.I,
)


def names_target(text: str) -> bool:
    """ "目标改到明年6月底", "move the target date": the text is about the plan's target."""
    return _NEW_TARGET.search(text) is not None


# More time wanted, the target unnamed: "计划太紧了", "能不能晚点做", "we need more time".
_MORE_TIME = re.compile(
    r"太紧|太赶|来不及|赶不上|忙不过来|晚点做|慢点|放慢|缓一缓|推一推|往后推|预算不够|没时间"
    r"|\b(?:too\s+tight|too\s+fast|need\s+more\s+time|more\s+time|slow\s+(?:it\s+)?down"
    r"|can'?t\s+make\s+it|behind\s+schedule|push\s+(?:it|everything)\s+back)\b",
    re.I,
)


def more_time(ctx: Ctx, text: str) -> Out | None:
    """ "计划太紧了": the target can move, and the actions with it; two later dates to tap."""
    target = ctx.company.target_date
    if target is None or ctx.company.certificate or not _MORE_TIME.search(text):
        return None
    later = [add_months(target, 3), add_months(target, 6)]
    row = [Button(fmt_date(d), encode("pl.target", fmt_date(d))) for d in later]
    # the target question, answered by these buttons, "好的" (the first) or a date typed
    ctx.wait_for(
        "plan_target", suggested=fmt_date(later[0]), offered=" ".join(map(fmt_date, later))
    )
    return [ctx.reply("plan_more_time", [row], target=fmt_date(target))]


def target_said(ctx: Ctx, text: str) -> Out | None:
    """A new target in words: with a date, planned for it (the too-early check included);
    "推迟三个月" from the current target; without either, the target question."""
    named = names_target(text) or bool(
        # "能不能提前到明年6月底", "can we bring it forward to June?": the target, when no
        # event is named and there is a target to move
        _MOVED_TO.search(text) and ctx.company.target_date and not facts.names_event(text)
    )
    if not named and not (facts.SHIFT.search(text) and ctx.company.target_date):
        return None
    if not named and facts.names_event(text):
        return None  # "内审推迟两个月": that event's date, not the target
    if not quick_done(ctx) or ctx.company.certificate:
        return None
    if (moved := _target_moved(ctx, text)) is not None:
        return moved
    when = find_date(text, ctx.today, "future", "end")
    if when is not None and when > ctx.today:
        return set_target(ctx, when)
    if (faster := feasibility_asked(ctx, text)) is not None:
        return faster  # "目标能提前吗": how early, with the date to tap
    if ctx.company.target_date is not None:  # "改一下目标": the dates to choose from, not the
        ctx.wait_for("plan_target")  # goal said before the first plan
        return [PROMPT]
    return ask_target(ctx)


def _digest_note(ctx: Ctx) -> Reply:
    when = first_digest(ctx.company, timeline_of(ctx), ctx.kb.rules, ctx.now, ctx.user)
    hour = f"{ctx.company.reminder_hour}:00"
    if when is None:
        return ctx.reply("digest_none", hour=hour)
    return ctx.reply("digest_first", hour=hour, when=format_date(when, ctx.lang, ctx.texts))


# --- the plan --------------------------------------------------------------------------------


def title_of(ctx: Ctx, a: Action) -> str:
    return a.title_zh if ctx.lang == "zh" else a.title_en


def open_actions(actions: list[Action]) -> list[Action]:
    """The stored actions not done yet, by due date (the report lists them)."""
    return sorted((a for a in actions if a.done_on is None), key=lambda a: (a.due, a.priority))


def plan_items(ctx: Ctx) -> list[Item]:
    """The plan's open actions and milestones, in date order (what /plan lists)."""
    keys = ("operate", "internal_audit", "management_review", "apply")
    return [
        i for i in timeline_of(ctx).open_items() if i.key.startswith("action:") or i.key in keys
    ]


def _line(ctx: Ctx, n: int, item: Item) -> str:
    late = state(item, ctx.today) is State.MISSED
    return ctx.t(
        "plan_line",
        mark="⚠️" if late else "⬜",
        n=n,
        due=format_date(item.on, ctx.lang, ctx.texts),
        title=item.title(ctx.lang),
        owner=item_owner(ctx, item) or item.owner(ctx.lang) or ctx.t("owner_you"),
        star=" ★" if item.priority == 1 and item.key.startswith("action:") else "",
    )


# Plan items told done by their numbers in /plan ("2 3 4都整改完了", "items 2 and 5 are done")
_NUMBERS_DONE = re.compile(
    r"^\s*(?:第\s*)?(?P<nums>\d{1,2}(?:\s*(?:[、,，和及与跟]|\s)\s*(?:第\s*)?\d{1,2})*)\s*"
    r"(?:项|个|条|号)?\s*(?P<when>[^\d，,。；;]{0,6}?)\s*(?:都|也|全)?\s*(?:已经?)?"
    r"(?:做完|完成|整改完|搞定|弄好|做好|好)了?"
    r"|^\s*(?:(?:items?|#|no\.?|numbers?)\s*)?"
    r"(?P<nums_en>\d{1,2}(?:\s*(?:,|and|&|\s)\s*\d{1,2})*)"
    r"\s+(?:are|is|were|was)\s+(?:all\s+)?(?:done|finished|completed|closed)",
    re.I,
)


# Numbers said as a range: "1到5项", "1-5", "前面5项", "the first 5", "items 1 to 5"
_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:到|至|-|–|~|～|\bto\b)\s*(\d{1,2})(?!\d)", re.I)
_FIRST_N = re.compile(r"(?:前面?|头)\s*(\d{1,2})\s*(?=项|个|条)|\bthe\s+first\s+(\d{1,2})\b", re.I)


def _ranges_spelt(text: str) -> str:
    """The text with its ranges written out ("1到5项" -> "1 2 3 4 5项"), at most 20 items."""

    def spelt(first: int, last: int) -> str:
        return " ".join(map(str, range(first, min(last, first + 19) + 1))) if first <= last else ""

    text = _FIRST_N.sub(lambda m: spelt(1, int(m.group(1) or m.group(2))), text)
    return _RANGE.sub(lambda m: spelt(int(m.group(1)), int(m.group(2))) or m.group(0), text)


def numbers_done(ctx: Ctx, text: str) -> Out | None:
    """ "2 3 4都整改完了", "1到5项做完了" after /plan: those numbered actions read back to be
    ticked together, but one said not done yet ("…，体系文件还没写"); a milestone among them
    keeps its own date (asked for instead)."""
    text = _ranges_spelt(text)
    m = _NUMBERS_DONE.search(text)
    if m is None or not ctx.company.actions:
        return None
    if ctx.reminded is None:
        return [DoneLast()]  # the numbers may be a reminder digest's: the service looks
    picked = [int(n) for n in re.findall(r"\d+", m.group("nums") or m.group("nums_en"))]
    digest = digest_numbering(ctx)
    if digest and picked and all(1 <= n <= len(digest) for n in picked):
        listed = digest  # "1和2都弄好了" under this morning's digest: its numbers
    else:
        listed = plan_items(ctx)[:PLAN_SHOWN]
    if not picked or any(not 1 <= n <= len(listed) for n in picked):
        return [ctx.reply("plan_number_unknown", n=len(listed)), show(ctx)]
    items = [listed[n - 1] for n in dict.fromkeys(picked)]
    kept: list[Out] = []
    if left := left_out_of_all(text):  # "…，体系文件还没写": that one stays open
        open_one = steps_told.fitting(left, items, ctx.kb)
        items = [i for i in items if i != open_one]
        if open_one is not None:
            kept.append([ctx.reply("numbers_one_kept_open", title=open_one.title(ctx.lang))])
    actions = [i for i in items if i.key.startswith("action:")]
    milestones = [i for i in items if not i.key.startswith("action:")]
    group = "nums" if m.group("nums") else "nums_en"
    said = m.group(0).replace(m.group(group), " ", 1)  # "1, 2 and 3" is no 2 January
    out: Out = steps_told.several_done(ctx, actions, said) if actions else []
    for note in kept:
        out = [*out, *note]
    if milestones:
        titles = "、".join(i.title(ctx.lang) for i in milestones)
        out.append(ctx.reply("plan_number_milestone", titles=titles))
    return out


DIGEST_NUMBERS_FOR = timedelta(hours=12)  # numbers typed after a digest are its own, that day


def digest_numbering(ctx: Ctx) -> list[Item]:
    """The items of the reminder digest just sent, numbered as it lists them (coming, then
    late, then audits awaiting their outcome: ``flows.digest``); [] when none was sent in
    the last hours (then numbers are the plan's)."""
    sent = ctx.reminded_at
    if not ctx.reminded or sent is None or ctx.now - sent > DIGEST_NUMBERS_FOR:
        return []
    tl = timeline_of(ctx)
    items = list(dict.fromkeys(i for k in ctx.reminded if (i := tl.get(k)) is not None))
    items = [i for i in items if not i.passes]  # points in time are news, not numbered
    coming, late, awaiting = digest.groups(items, ctx.today, lambda i: i.on, lambda i: i.external)
    return [*coming, *late, *awaiting]


def counts(ctx: Ctx, items: list[Item] | None = None) -> dict[str, int]:
    """The plan's figures as /plan heads them (and /status and "where were we" repeat them):
    ``open`` items (actions and milestones), ``late`` of them, ``done`` actions."""
    items = plan_items(ctx) if items is None else items
    return {
        "open": len(items),
        "late": sum(1 for i in items if state(i, ctx.today) is State.MISSED),
        "done": sum(1 for a in ctx.company.actions if a.done_on is not None),
    }


def show(ctx: Ctx, show_all: bool = False, only: list[Item] | None = None) -> Reply:
    if not ctx.company.actions:
        if ctx.company.certificate is not None:  # certified: the yearly cycle is the plan
            return ctx.reply("plan_certified")
        if quick_done(ctx):  # assessed: only the target date is missing
            return ctx.reply("plan_not_made", [[ctx.button("make_plan", "pl.make")]])
        return ctx.reply("plan_empty", [[ctx.button("start_assess", "as.start")]])
    items = only if only is not None else plan_items(ctx)
    head = ctx.t(
        "plan_header",
        target=fmt_date(ctx.company.target_date) if ctx.company.target_date else "—",
        **counts(ctx, items),
    )
    target = ctx.company.target_date
    if target is not None and target < ctx.today and ctx.company.certificate is None:
        head += "\n" + ctx.t("plan_target_passed", target=fmt_date(target))
    listed = items if show_all else items[:PLAN_SHOWN]
    lines, month = [head], None
    names = ctx.t("month_names").split()
    for n, item in enumerate(listed, 1):
        # by month, as owners plan: a theme header would repeat where dates interleave themes
        if (item.on.year, item.on.month) != month:
            month = (item.on.year, item.on.month)
            head_of = ctx.t(
                "plan_month_head", year=month[0], month=month[1], name=names[month[1] - 1]
            )
            lines.append("\n" + head_of)
        lines.append(_line(ctx, n, item))
    if len(items) > len(listed):
        lines.append("\n" + ctx.t("plan_more", n=len(items) - len(listed)))
    if listed:
        lines.append("\n" + ctx.t("plan_tap_hint"))
    return Reply("\n".join(lines), _buttons(ctx, listed, more=len(items) > len(listed)))


def _buttons(ctx: Ctx, items: list[Item], more: bool = False) -> list[list[Button]]:
    """One button per listed item, labelled with its number in the list (a typed "3" in the
    terminal is item 3): it opens the item's card with done / move / assign; ``more``: the
    rest of the plan, one tap away."""
    numbered = [Button(str(n), encode("pl.how", i.key)) for n, i in enumerate(items, 1)]
    rows = [numbered[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbered), NUMBERS_PER_ROW)]
    rows.append([ctx.button("add_action", "pl.add")])
    if more:
        rows.append([ctx.button("plan_show_all", "pl.all")])
    return rows


def legacy_key(action_id: str) -> str:
    """The timeline key of a plan action id ("rule:apply" is the milestone "apply")."""
    if action_id.startswith(RULE_PREFIX):
        return action_id.removeprefix(RULE_PREFIX)
    return f"action:{action_id}"


def _legacy(ctx: Ctx, action_id: str, then: Callable[[Ctx, str], Out | None]) -> Out | None:
    key = legacy_key(action_id)
    return then(ctx, key) if timeline_of(ctx).get(key) is not None else None


def plan_command(ctx: Ctx, args: str) -> Out:
    return [show(ctx, show_all=args.lower() == "all")]


def step_actions(ctx: Ctx, step_id: str) -> Out | None:
    if step_id not in ctx.kb.steps:
        return None
    mine = [i for i in plan_items(ctx) if i.step_id == step_id]
    return [show(ctx, show_all=True, only=mine)]


def how(ctx: Ctx, key: str) -> Out | None:
    """One action in full: owner and date, how to do it, what an auditor looks at, why."""
    item = timeline_of(ctx).get(key)
    if item is None:
        return None
    told = item_next(ctx, item)  # the same why / how / evidence as "what's next" shows
    text = ctx.t(
        "action_detail",
        title=item.title(ctx.lang),
        owner=item.owner(ctx.lang) or ctx.t("owner_you"),
        due=format_date(item.on, ctx.lang, ctx.texts),
        how=told.how,
        evidence=told.evidence or "—",
        why=told.why,
    )
    rows = [
        [
            ctx.button("mark_done_btn", "evt.done", key),
            ctx.button("change_date_btn", "evt.date", key),
        ],
        [*assign_button(ctx, item), ctx.button("show_plan", "pl.show")],
    ]
    card = Reply(text, rows)
    card.offer = rows[0][0].data  # "做完了" / "done" right after opening it: this item
    return [card]


# --- adding an action -------------------------------------------------------------------------


def ask_new_action(ctx: Ctx) -> Out:
    ctx.wait_for("action_title")
    return [PROMPT]


def reopen(ctx: Ctx, action_id: str) -> Out | None:
    """An action marked done by mistake: open again, with its due date."""
    action = next((a for a in ctx.company.actions if a.id == action_id), None)
    if action is None:
        return None
    if action.done_on is None:
        return [ctx.reply("action_already_open", title=title_of(ctx, action)), PROMPT]
    action.done_on = None
    return [ctx.reply("action_reopened", title=title_of(ctx, action), due=fmt_date(action.due))]


def take_title(ctx: Ctx, text: str) -> Out | None:
    if looks_like_question(text):
        return None
    title = " ".join(text.split())
    if not 1 <= len(title) <= MAX_TITLE or not any(ch.isalpha() for ch in title):  # "1"
        return [ctx.reply("bad_title"), PROMPT]
    ctx.wait_for("action_due", "", title=title)
    return [PROMPT]


def add_action(ctx: Ctx, title: str, due: date) -> Out:
    ctx.clear_pending()
    ctx.company.actions.append(
        Action(
            id=next_action_id(ctx.company.actions, OWN),
            title_zh=title,
            title_en=title,
            due=due,
            custom=True,
            priority=2,
        )
    )
    return [ctx.reply("action_added", title=title, due=fmt_date(due)), show(ctx)]


def _future(ctx: Ctx, text: str, then: Callable[[date], Out]) -> Out | None:
    """A date today or later (the end of a period: "明年6月底", "March"), then ``then``."""
    got = read_date(ctx, text, "future", "end")
    if not isinstance(got, Got):
        return got
    return [*([got.echo] if got.echo else []), *then(got.value)]


def _target_moved(ctx: Ctx, text: str) -> Out | None:
    """ "目标往后推三个月": the plan for the target moved by that much."""
    shift = facts.SHIFT.search(text)
    if shift is None or ctx.company.target_date is None:
        return None
    return set_target(ctx, facts.moved_by(ctx.company.target_date, shift))


def take_target(ctx: Ctx, text: str) -> Out | None:
    if facts.names_event(text):  # "我们下周提交申请": a step's date, not the certificate's
        ctx.clear_pending()
        return facts.recognise(ctx, text)
    if (moved := _target_moved(ctx, text)) is not None:  # "往后推两个月"
        return moved
    if (asked := feasibility_asked(ctx, text)) is not None:  # "来得及吗", "能不能快一点"
        return [*asked, PROMPT]
    if owner_told.said_owner(text) is not None:  # "培训交给人事小王": there is no plan yet
        return [ctx.reply("owner_after_plan"), PROMPT]
    p = ctx.pending
    suggested = p.data.get("suggested") if p else None
    if suggested and (agrees(text) or _EARLIEST.search(text)):  # "ok", "最早的那个"
        return set_target(ctx, date.fromisoformat(suggested))
    offered = (p.data.get("offered") or "").split() if p else []
    if offered and not _looks_dated(text):
        picked = match_choice(text, options_from([(d, d, d) for d in offered], None, None))
        if isinstance(picked, str):  # "第二个", "the last one", "2"
            return set_target(ctx, date.fromisoformat(picked))
    return _future(ctx, text, lambda d: set_target(ctx, d))


_EARLIEST = re.compile(r"最早|越快越好|尽快|尽早|earliest|soonest|asap|as soon as possible", re.I)


def _looks_dated(text: str) -> bool:
    """A date written out ("2027-08-27", "明年6月"), not a pointer at one of the buttons."""
    return bool(re.search(r"\d{4}|年|月|[a-z]{3,}\s+\d", text, re.I))


def take_action_due(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    return _future(ctx, text, lambda d: add_action(ctx, p.data.get("title", "?"), d))


def _ask_action_due(ctx: Ctx) -> Out:
    p = ctx.pending
    return [ctx.reply("ask_action_due", title=p.data.get("title", "") if p else "")]


FLOW = Flow(
    "plan",
    commands=(Command("plan", plan_command, needs_company=True),),
    verbs=(
        Verb("pl.make", ask_target),
        Verb("pl.show", lambda ctx: [show(ctx)]),
        Verb("pl.all", lambda ctx: [show(ctx, show_all=True)]),
        Verb("pl.add", ask_new_action),
        Verb("pl.target", target_pressed, arity=1),
        Verb("pl.use", use_as_target, arity=1),
        Verb("pl.how", how, arity=1),
        Verb("pl.step", step_actions, arity=1),
        Verb("pl.undo", reopen, arity=1),
        # Buttons of earlier releases: the same as the timeline's own.
        Verb(
            "pl.done", lambda ctx, a: _legacy(ctx, a, dated.mark_done), arity=1, records_done=True
        ),
        Verb("pl.date", lambda ctx, a: _legacy(ctx, a, dated.change_date), arity=1),
    ),
    inputs=(
        Input("plan_target", _target_prompt, take=take_target),
        Input(
            "action_title",
            lambda ctx: [ctx.reply("ask_action_title")],
            take=take_title,
            gives_way_to_news=True,  # "stage 1 went ok, 2 findings": news, not a title
            set_aside="action_set_aside",
        ),
        Input("action_due", _ask_action_due, take=take_action_due),
    ),
)
