"""The single entry point of the flows: (saved state, event) -> (new state, replies).

Pure: no I/O, no clock. Routing only; each concern lives in its own module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows import assessment, faq, journey, onboarding, plan_flow
from flows.context import MAX_TEXT, Ctx, FlowOptions
from flows.dates import DateError, parse_date
from flows.nextstep import next_replies, status_replies
from flows.state import Conversation
from flows.types import LANGS, Button, Event, EventKind, Reply
from knowledge.intents import Intent, detect_intent
from knowledge.loader import Knowledge

MIN_HOUR, MAX_HOUR = 8, 20  # reminders never go out at night

# Text that is a question rather than the requested input (a name, a date...).
_QUESTION = re.compile(
    r"[??]\s*$|吗|什么|怎么|如何|为什么|多少|是否|哪些|哪个|能不能|可不可以"
    r"|^(what|how|why|when|which|who|can|could|do|does|is|are|should|must|will)\b",
    re.IGNORECASE,
)


def handle(
    conv: Conversation, event: Event, kb: Knowledge, options: FlowOptions | None = None
) -> tuple[Conversation, list[Reply]]:
    ctx = Ctx(conv.model_copy(deep=True), kb, event.now, options or FlowOptions())
    if event.kind is EventKind.COMMAND:
        replies = _command(ctx, event.value.lower(), event.args.strip())
    elif event.kind is EventKind.BUTTON:
        replies = _button(ctx, event.value)
    elif event.kind is EventKind.TEXT:
        replies = _text(ctx, event.value)
    else:
        replies = _unsupported(ctx, event.value)
    if ctx.company.onboarded:
        journey.refresh_position(ctx)
    return ctx.conv, replies


# --- commands -----------------------------------------------------------------------------------


def _command(ctx: Ctx, name: str, args: str) -> list[Reply]:
    handler = _COMMANDS.get(name)
    if handler is None:
        return [ctx.reply("unknown_command")]
    return handler(ctx, args)


def _start(ctx: Ctx, _: str) -> list[Reply]:
    lang_buttons = [[Button("中文", "lang:zh"), Button("English", "lang:en")]]
    if ctx.company.onboarded:
        phase = ctx.kb.phase_of(ctx.company.current_step or ctx.kb.step_order[-1])
        back = ctx.reply("welcome_back", company=ctx.company.name, phase=phase.title.get(ctx.lang))
        return [back, *prompt_for_pending(ctx)]
    welcome = Reply(f"{ctx.t('welcome')}\n{ctx.t('lang_switch_hint')}", lang_buttons)
    pending = ctx.user.pending
    if pending and pending.flow == "onboarding":
        return [welcome, onboarding.ask(ctx, pending.field)]
    return [welcome, *onboarding.begin(ctx)]


def _next(ctx: Ctx, _: str) -> list[Reply]:
    return prompt_for_pending(ctx)


def _status(ctx: Ctx, _: str) -> list[Reply]:
    if not ctx.company.onboarded:
        return next_replies(ctx)
    return status_replies(ctx)


def _plan(ctx: Ctx, args: str) -> list[Reply]:
    if not ctx.company.onboarded:
        return next_replies(ctx)
    return [plan_flow.show(ctx, show_all=args.lower() == "all")]


def _lang(ctx: Ctx, args: str) -> list[Reply]:
    if args.lower() in LANGS:
        return _set_lang(ctx, args.lower())
    return [
        Reply(ctx.t("lang_choose"), [[Button("中文", "lang:zh"), Button("English", "lang:en")]])
    ]


def _help(ctx: Ctx, _: str) -> list[Reply]:
    return [ctx.reply("help")]


def _cancel(ctx: Ctx, _: str) -> list[Reply]:
    pending = ctx.user.pending
    # Onboarding and the assessment are resumable, not cancellable inputs.
    if (pending is None or pending.flow in ("onboarding", "assess")) and pending is None:
        return [ctx.reply("nothing_to_cancel")]
    ctx.clear_pending()
    return [ctx.reply("cancelled")]


def _back(ctx: Ctx, _: str) -> list[Reply]:
    pending = ctx.user.pending
    if pending and pending.flow == "onboarding":
        prev = onboarding.previous_field(pending.field)
        return [onboarding.ask(ctx, prev or pending.field)]
    if pending and pending.flow == "assess":
        qs = ctx.kb.questions
        i = max(0, qs.index(ctx.kb.question(pending.field)) - 1)
        return [assessment.ask(ctx, qs[i])]
    ctx.clear_pending()
    current = ctx.company.current_step or ctx.kb.step_order[-1]
    order = ctx.kb.step_order
    prev_step = order[max(0, order.index(current) - 1)]
    return [journey.step_view(ctx, prev_step)]


def _timezone(ctx: Ctx, args: str) -> list[Reply]:
    if not ctx.company.onboarded:
        return next_replies(ctx)
    name = args.strip()
    if not name:
        return [ctx.reply("timezone_show", tz=ctx.company.timezone, hour=ctx.company.reminder_hour)]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return [ctx.reply("timezone_bad", tz=name[:60])]
    ctx.company.timezone = name
    return [ctx.reply("timezone_set", tz=name, hour=ctx.company.reminder_hour)]


def _reminder_hour(ctx: Ctx, args: str) -> list[Reply]:
    if not ctx.company.onboarded:
        return next_replies(ctx)
    s = args.strip()
    if not (s.isdigit() and MIN_HOUR <= int(s) <= MAX_HOUR):
        return [ctx.reply("hour_bad", lo=MIN_HOUR, hi=MAX_HOUR, hour=ctx.company.reminder_hour)]
    ctx.company.reminder_hour = int(s)
    return [ctx.reply("timezone_set", tz=ctx.company.timezone, hour=int(s))]


def _set_lang(ctx: Ctx, lang: str) -> list[Reply]:
    ctx.user.lang = "zh" if lang == "zh" else "en"
    ctx.user.lang_chosen = True
    out = [ctx.reply("lang_set")]
    if ctx.user.pending:
        out += prompt_for_pending(ctx)
    return out


_COMMANDS: dict[str, Callable[[Ctx, str], list[Reply]]] = {
    "start": _start,
    "next": _next,
    "status": _status,
    "plan": _plan,
    "lang": _lang,
    "language": _lang,
    "help": _help,
    "cancel": _cancel,
    "back": _back,
    "timezone": _timezone,
    "reminderhour": _reminder_hour,
    "journey": lambda c, _: [journey.journey_view(c)] if c.company.onboarded else next_replies(c),
}


# --- pending prompt -----------------------------------------------------------------------------


def prompt_for_pending(ctx: Ctx) -> list[Reply]:
    """Show again whatever the assistant is waiting for, or what's next."""
    p = ctx.user.pending
    if p is None:
        return next_replies(ctx)
    if p.flow == "onboarding":
        return [onboarding.ask(ctx, p.field)]
    if p.flow == "assess" and p.field in {q.id for q in ctx.kb.questions}:
        return [assessment.ask(ctx, ctx.kb.question(p.field))]
    if p.flow == "date":
        return journey.ask_date(ctx, p.field)
    if p.flow == "plan_target":
        return plan_flow.ask_target(ctx)
    if p.flow == "action_date":
        return plan_flow.ask_new_date(ctx, p.field) or _drop_pending(ctx)
    if p.flow == "action_title":
        return plan_flow.ask_new_action(ctx)
    if p.flow == "action_due":
        return [ctx.reply("ask_action_due", title=p.data.get("title", ""))]
    if p.flow == "nc_text":
        return journey.ask_nc(ctx)
    if p.flow == "nc_grade":
        return journey.take_nc_text(ctx, p.data.get("text", ""))
    return _drop_pending(ctx)


def _drop_pending(ctx: Ctx) -> list[Reply]:
    ctx.clear_pending()
    return next_replies(ctx)


# --- buttons ------------------------------------------------------------------------------------


def _button(ctx: Ctx, data: str) -> list[Reply]:
    replies = _route_button(ctx, data)
    if replies is None:  # stale, foreign or malformed: show where the user is
        return [ctx.reply("stale_button"), *prompt_for_pending(ctx)]
    return replies


def _route_button(ctx: Ctx, data: str) -> list[Reply] | None:
    head, _, rest = data.partition(":")
    if head == "lang" and rest in LANGS:
        return _set_lang(ctx, rest)
    if head == "next":
        return prompt_for_pending(ctx)
    if head == "ob":
        return _onboarding_button(ctx, rest)
    if not ctx.company.onboarded:
        return None
    routes: dict[str, Callable[[Ctx, str], list[Reply] | None]] = {
        "as": _assessment_button,
        "pl": _plan_button,
        "step": lambda c, r: [journey.step_view(c, r)] if r in c.kb.steps else None,
        "ph": lambda c, r: [v] if (v := journey.phase_view(c, r)) else None,
        "journey": lambda c, r: [journey.journey_view(c)],
        "ck": lambda c, r: journey.toggle(c, *r.split(":", 1)) if ":" in r else None,
        "sd": lambda c, r: journey.complete(c, r),
        "sd!": lambda c, r: journey.complete(c, r, force=True),
        "evt": _event_button,
        "nc": _nc_button,
        "cert": lambda c, r: journey.ask_certificate(c) if r == "add" else None,
        "faq": lambda c, r: faq.show_entry(c, r),
        "fwd": lambda c, r: faq.forward(c) if r == "yes" else None,
    }
    route = routes.get(head)
    return route(ctx, rest) if route else None


def _onboarding_button(ctx: Ctx, rest: str) -> list[Reply] | None:
    fieldname, _, value = rest.partition(":")
    p = ctx.user.pending
    if p is None or p.flow != "onboarding" or p.field != fieldname:
        return None
    record = onboarding.answered(ctx, fieldname, value)
    return [record, *onboarding.take(ctx, fieldname, value)]


def _assessment_button(ctx: Ctx, rest: str) -> list[Reply] | None:
    if rest == "start":
        return assessment.start(ctx)
    if rest == "retake":
        return assessment.start(ctx, retake=True)
    a, _, b = rest.partition(":")
    if a == "why":
        return assessment.why(ctx, b) if b in {q.id for q in ctx.kb.questions} else None
    return assessment.answer(ctx, a, b)


def _plan_button(ctx: Ctx, rest: str) -> list[Reply] | None:
    verb, _, arg = rest.partition(":")
    if verb == "make":
        return plan_flow.ask_target(ctx)
    if verb == "show":
        return [plan_flow.show(ctx)]
    if verb == "add":
        return plan_flow.ask_new_action(ctx)
    if verb == "done":
        return plan_flow.mark_done(ctx, arg)
    if verb == "date":
        return plan_flow.ask_new_date(ctx, arg)
    if verb == "target":
        p = ctx.user.pending
        if p is None or p.flow != "plan_target":
            return None
        try:
            return plan_flow.set_target(ctx, date.fromisoformat(arg))
        except ValueError:
            return None
    return None


def _event_button(ctx: Ctx, rest: str) -> list[Reply] | None:
    verb, _, key = rest.partition(":")
    if not key:
        return None
    if verb == "done":
        return journey.mark_event_done(ctx, key)
    if verb == "date":
        return journey.ask_date(ctx, journey.resolve_key(ctx, key))
    return None


def _nc_button(ctx: Ctx, rest: str) -> list[Reply] | None:
    verb, _, arg = rest.partition(":")
    if verb == "add":
        return journey.ask_nc(ctx)
    if verb == "grade":
        return journey.add_nc(ctx, arg)
    if verb == "close":
        return journey.close_nc(ctx, arg)
    return None


# --- text ---------------------------------------------------------------------------------------

# Pending inputs that take typed text; the others wait for a button.
_TEXT_INPUTS = {
    "onboarding",
    "date",
    "plan_target",
    "action_date",
    "action_title",
    "action_due",
    "nc_text",
}
_DATE_INPUTS = {"date", "plan_target", "action_date", "action_due"}


def _text(ctx: Ctx, text: str) -> list[Reply]:
    text = text.strip()
    if len(text) > MAX_TEXT:
        return _unsupported(ctx, "too_long")
    if not text:
        return prompt_for_pending(ctx)
    if ctx.user.pending and ctx.user.pending.flow == "forward":
        ctx.clear_pending()  # the offer to forward lapses once the user moves on
    intent = detect_intent(text)
    p = ctx.user.pending
    if p and p.flow in _TEXT_INPUTS and intent is None:
        consumed = _take_input(ctx, text)
        if consumed is not None:
            return consumed
    if intent is not None:
        return _intent(ctx, intent)
    if not ctx.company.onboarded and p is None:
        # First words without /start: answer if it is a question, then get to know them.
        answer = faq.answer_text(ctx, text) if _QUESTION.search(text) else []
        return [*answer, *_start(ctx, "")]
    was_waiting = ctx.user.pending is not None
    replies = faq.answer_text(ctx, text)
    if was_waiting:
        replies += [Reply(ctx.t("repeat_prompt")), *prompt_for_pending(ctx)]
    return replies


def _take_input(ctx: Ctx, text: str) -> list[Reply] | None:
    """Use the text as the awaited input; None when it is really a question to answer."""
    p = ctx.user.pending
    assert p is not None
    if p.flow in _DATE_INPUTS:
        try:
            d = parse_date(text)
        except DateError as exc:
            if _QUESTION.search(text):
                return None
            return [ctx.reply(f"bad_date_{exc.reason}"), *prompt_for_pending(ctx)]
        return _take_date(ctx, d, text)
    if _QUESTION.search(text) and not (p.flow == "onboarding" and p.field in ("stage", "edition")):
        return None
    if p.flow == "onboarding":
        if p.field in onboarding.CHOICES:
            value = _choice_value(p.field, text)
            return onboarding.take(ctx, p.field, value) if value else None
        return onboarding.take(ctx, p.field, text)
    if p.flow == "action_title":
        return plan_flow.take_title(ctx, text)
    if p.flow == "nc_text":
        return journey.take_nc_text(ctx, text)
    return None


def _take_date(ctx: Ctx, d: date, text: str) -> list[Reply]:
    p = ctx.user.pending
    assert p is not None
    if p.flow == "date":
        return journey.take_date(ctx, p.field, text)
    if d < ctx.today:
        return [ctx.reply("date_in_past"), *prompt_for_pending(ctx)]
    if p.flow == "plan_target":
        return plan_flow.set_target(ctx, d)
    if p.flow == "action_date":
        return plan_flow.set_date(ctx, p.field, d)
    return plan_flow.add_action(ctx, p.data.get("title", "?"), d)


def _choice_value(fieldname: str, text: str) -> str | None:
    """A typed choice: its number in the list, its value, or its label in either language."""
    options = onboarding.CHOICES[fieldname]
    s = text.strip().lower()
    if s.isdigit() and fieldname not in ("headcount", "sites"):
        i = int(s) - 1
        return options[i][0] if 0 <= i < len(options) else None
    for value, zh, en in options:
        if s in (value.lower(), zh.lower(), en.lower()):
            return value
    if fieldname in ("headcount", "sites", "industry"):
        return text  # free values are validated by the onboarding handler
    return None


def _intent(ctx: Ctx, intent: Intent) -> list[Reply]:
    if intent is Intent.NEXT:
        p = ctx.user.pending
        if p is not None and p.flow not in ("onboarding", "assess"):
            ctx.clear_pending()  # a side input (a date, a title) is abandoned, not a trap
        return prompt_for_pending(ctx)
    if intent is Intent.STATUS:
        return _status(ctx, "")
    if intent is Intent.PLAN:
        return _plan(ctx, "")
    if intent is Intent.HELP:
        return [ctx.reply("help")]
    if intent is Intent.THANKS:
        return [ctx.reply("thanks")]
    if not ctx.company.onboarded:
        return _start(ctx, "")
    return [ctx.reply("greeting")]


def _unsupported(ctx: Ctx, what: str) -> list[Reply]:
    if what == "too_long":
        return [ctx.reply("too_long", limit=MAX_TEXT)]
    if what == "edited":
        return [ctx.reply("edited")]
    return [ctx.reply("unsupported")]
