"""The single entry point of the flows: (saved state, event) -> (new state, replies, effects).

Pure: no I/O, no clock. The engine is a lookup over what the flows declare (``flows.catalog``):
a command by name, a button by its decoded verb, typed text by the pending input. Markers in
a flow's output (``SHOW_NEXT``, ``PROMPT``) are expanded here, so no flow imports another to
show what comes next.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from flows import (
    account,
    assessment,
    assessment_told,
    certificate,
    dated,
    facts,
    facts_pair,
    faq,
    internal_findings,
    news,
    nextstep,
    overdue,
    owner_told,
    plan,
    position,
    preconditions,
    profile_told,
    reminder_asked,
    reminders,
    steps_told,
)
from flows.authz import refusal
from flows.basics import (
    OFFER,
    accept_read_back,
    awaited_after,
    cancel,
    says_all_done,
    says_done,
    stored_buttons,
    told_read_back,
)
from flows.callbacks import Callback, bind, decode, encode
from flows.catalog import REGISTRY
from flows.context import MAX_TEXT, Ctx, FlowOptions
from flows.known import timeline_of
from flows.natural import AnswerKind, parse_answer
from flows.onboarding import INPUT as ONBOARDING_INPUT
from flows.onboarding import ask as ask_profile
from flows.onboarding import follow_language, welcome_back
from flows.phrasing import asks_meaning, looks_like_question, move_asked, says_go
from flows.reading import find_date
from flows.registry import Input
from flows.state import Conversation, Pending
from flows.told import counts_findings
from flows.told import recognise as told_outcome
from flows.types import (
    Button,
    DoneLast,
    Effect,
    Event,
    EventKind,
    Out,
    Outcome,
    Prompt,
    Reply,
    ShowNext,
    SnoozeLast,
)
from knowledge.intents import Intent, detect_intent
from knowledge.loader import Knowledge

MAX_EXPANSIONS = 4  # a prompt that asks for "what's next" that prompts... never loops
MAX_NAMED_BUTTONS = 12  # buttons of an offer that can be named in words


def handle(
    conv: Conversation,
    event: Event,
    kb: Knowledge,
    options: FlowOptions | None = None,
    *,
    owned: bool = False,
) -> tuple[Conversation, Outcome]:
    """``owned``: the caller hands ``conv`` over and never reads it again, so the flows may
    change it in place instead of a deep copy (the whole state, on every update)."""
    state = conv if owned else conv.model_copy(deep=True)
    ctx = Ctx(state, kb, event.now, options or FlowOptions())
    ctx.registry = REGISTRY
    ctx.reminded, ctx.reminded_at = event.reminded, event.reminded_at
    out = _dispatch(ctx, event)
    outcome = expand(ctx, out)
    _remember_offer(ctx, outcome)
    if ctx.company.onboarded:
        position.refresh(ctx)
    if ctx.company.id is not None:  # buttons act on the company that showed them
        _bind_buttons(outcome, ctx.company.id)
    return ctx.conv, outcome


def _bind_buttons(outcome: Outcome, company_id: int) -> None:
    for reply in outcome.replies:
        reply.buttons = bind(reply.buttons, company_id)


def _dispatch(ctx: Ctx, event: Event) -> Out:
    p = ctx.pending
    if p is not None and p.company_id not in (None, ctx.company.id):
        ctx.clear_pending()  # asked about another company: not an answer here
    if _starts(event) and ctx.company.onboarded and told_read_back(ctx) is not None:
        return _start_with_read_back(ctx)  # before the offer lapses
    if _moves_on(event) and told_read_back(ctx) is not None:
        return [*accept_read_back(ctx), ShowNext()]  # /next after "合同签了": it is recorded
    if _views(event) and told_read_back(ctx) is not None:  # /plan after "合同签了": shown,
        return _view_keeping(ctx, event)  # the read-back still waits for its "yes"
    awaits = _awaited(ctx, event)  # read before the offer lapses
    _withdraw_lapsed(ctx, event)
    if event.kind is EventKind.COMMAND and _views(event):  # "/plan all": with its argument
        return _view_then_resume(ctx, event.value.lower(), event.args.strip())
    if event.kind is EventKind.COMMAND:
        return command(ctx, event.value.lower(), event.args.strip())
    if event.kind is EventKind.BUTTON:
        return awaited_after(ctx, awaits, button(ctx, event.value))
    if event.kind is EventKind.TEXT:
        return text(ctx, event.value)
    return unsupported(ctx, event.value)


def _view_keeping(ctx: Ctx, event: Event) -> Out:
    """A view asked for while a read-back waits: shown, and the read-back asked again. A look
    at /plan is no "yes": what was misread is never recorded unseen."""
    waiting = ctx.pending
    ctx.clear_pending()  # the view runs as with nothing asked
    shown = command(ctx, event.value.lower(), event.args.strip())
    if ctx.pending is not None:
        return shown  # the view asks something itself
    ctx.conv.user.pending = waiting
    return [*shown, ctx.reply("read_back_still_open", _kept_buttons(waiting))]


def _kept_buttons(waiting: Pending | None) -> list[list[Button]]:
    """The buttons of the read-back that waits, as its offer kept them, one per row."""
    stored = waiting.data.get("buttons", "") if waiting else ""
    return [[Button(label, data)] for label, data in stored_buttons(stored)]


_VIEWS = frozenset({"plan", "status", "reminders"})  # commands that only show where things are


def _view_then_resume(ctx: Ctx, name: str, args: str = "") -> Out:
    """ "看看计划" mid-questionnaire: the view, then the question that was on screen."""
    return _then_resume(ctx, lambda: command(ctx, name, args))


def _then_resume(ctx: Ctx, view: Callable[[], Out]) -> Out:
    """A view shown, then the question that was on screen (an offer under a card is not
    asked again: the card would come twice)."""
    waiting = ctx.pending
    inp = REGISTRY.inputs.get(waiting.flow) if waiting else None
    shown = view()
    if inp is not None and inp.resumable and ctx.pending is waiting:
        return [*shown, ctx.reply("repeat_prompt"), Prompt()]
    return shown


def _views(event: Event) -> bool:
    return event.kind is EventKind.COMMAND and event.value.lower() in _VIEWS


def _starts(event: Event) -> bool:
    return event.kind is EventKind.COMMAND and event.value.lower() == "start"


def _moves_on(event: Event) -> bool:
    """/next or the "what's next" button."""
    if event.kind is EventKind.COMMAND:
        return event.value.lower() == "next"
    cb = decode(event.value) if event.kind is EventKind.BUTTON else None
    return cb is not None and cb.verb == "next"


def _told_after_read_back(ctx: Ctx, value: str) -> Out | None:
    """A read-back left unanswered while the user tells the next thing ("管代任命书签了", then
    "方针也发了"): carrying on without a no accepts it, as moving on does; then the new
    message is read. The same thing told again is a correction, not a second report."""
    found = told_read_back(ctx)
    if found is None or _REJECTS.match(value) or looks_like_question(value):
        return None
    if found[1].name == "fact" and facts.tells_on_without_date(ctx, found[2][0], value):
        # "一阶段过了，没问题": on the day read back; what the message says is the reply
        key, day = found[2][0], found[2][1]
        accept_read_back(ctx)
        if facts.says_passed(value) and timeline_of(ctx).get(key) is not None:
            return facts.passed_read_back(ctx, key, day)  # that audit, not the next one
        return text(ctx, value)
    told = (
        steps_told.recognise(ctx, value)
        or facts_pair.recognise(ctx, value)
        or facts.recognise(ctx, value)
    )
    findings = internal_findings.follow_read_back(ctx, value)  # "第一个是…": the audit's list
    if told is None and (plain := internal_findings.asked_list(ctx, value)):
        return [*accept_read_back(ctx), *internal_findings.add_asked(ctx, plain, value)]
    if (
        told is None
        and not findings
        and not preconditions.said_open(ctx, value)
        and not plan.names_target(value)
    ):
        return None  # "目标改成明年9月底" is news too, not a correction of the read-back's date
    offers = [decode(r.offer) for r in told or [] if isinstance(r, Reply) and r.offer]
    if any(cb is not None and _subject(found[2]) in _subjects(cb) for cb in offers):
        return None  # the same thing told again: a correction, read back in its place
    return [*accept_read_back(ctx), *text(ctx, value)]


# "不对，…", "no, …": an answer to the read-back (a correction), not a further report.
_REJECTS = re.compile(r"\s*(?:不对|不是|错了|搞错|\bno\b|\bnope\b|\bwrong\b|that'?s\s+not)", re.I)


def _news(ctx: Ctx, value: str, asked: Pending | None = None) -> bool:
    """An event told with its date, an audit's findings counted or a certificate number
    ("stage 2 is on June 8-9", "二阶段结束了，开了2个一般不符合", "证书编号是 …"); a description
    such as "内审记录不完整" is neither. While a date is asked, a date is its answer."""
    if certificate.names_number(value) or counts_findings(value):
        return True
    if asked is not None and asked.flow == dated.INPUT:  # its date, unless another event's
        named = facts.named_event(value)
        kind = timeline_of(ctx).get(asked.field)
        return (
            named is not None
            and kind is not None
            and facts.this_cycle(ctx, named)
            not in (
                kind.kind,
                asked.field,
            )
        )
    return find_date(value, ctx.today, "any") is not None and bool(facts.recognise(ctx, value))


def _subjects(cb: Callback) -> set[str]:
    """What a read-back is about; both events of a pair ("内审7月5号，管评7月20号")."""
    if cb.verb == "fact2" and len(cb.args) == 4:
        return {k for k in (facts_pair.long_key(cb.args[0]), facts_pair.long_key(cb.args[2])) if k}
    return {_subject(cb.args)}


def _subject(args: tuple[str, ...] | list[str]) -> str:
    """What a read-back is about: an event key, an action id or a step id."""
    return args[0].removeprefix("action:") if args else ""


def _next_with_offer(ctx: Ctx, brief: bool = False) -> Out:
    """What's next; its first button is the action "好的" / "ok" accepts."""
    out = nextstep.show(ctx, brief)
    for item in out:
        if isinstance(item, Reply) and item.buttons and item.buttons[0] and not ctx.pending:
            item.offer = item.buttons[0][0].data
            cb = decode(item.offer)
            if cb is not None and cb.verb == "step" and cb.args:  # "做完了": the step is done
                item.offer_done = encode("sd!", cb.args[0])
    return out


def _awaited(ctx: Ctx, event: Event) -> dict[str, str] | None:
    """What the offer also asked for or was told with, when its own button is pressed ("✅
    note it" under "tell me what the findings were"): taken up next."""
    p = ctx.pending
    if p is None or p.flow != OFFER or event.kind is not EventKind.BUTTON:
        return None
    pressed, offered = decode(event.value), decode(p.data.get("data", ""))
    same = pressed is not None and offered is not None
    if not same or (pressed.verb, pressed.args) != (offered.verb, offered.args):  # type: ignore[union-attr]
        return None
    return p.data


def _withdraw_lapsed(ctx: Ctx, event: Event) -> None:
    """A pending confirmation or offer holds only until the user does something else
    (typed text goes to the input first when it reads text: "好的" accepts an offer)."""
    inp = REGISTRY.inputs.get(ctx.pending.flow) if ctx.pending else None
    if inp is None or not inp.lapses:
        return
    if event.kind is EventKind.UNSUPPORTED or (event.kind is EventKind.TEXT and inp.take):
        return
    cb = decode(event.value) if event.kind is EventKind.BUTTON else None
    if cb is None or cb.verb not in inp.own_verbs:
        ctx.clear_pending()


def expand(ctx: Ctx, out: Out, depth: int = 0) -> Outcome:
    """Replace the markers by replies; keep effects apart for the service."""
    replies: list[Reply] = []
    effects: list[Effect] = []
    for item in out:
        if isinstance(item, Reply):
            replies.append(item)
        elif isinstance(item, Effect):
            effects.append(item)
        elif depth < MAX_EXPANSIONS:
            brief = bool(replies)  # after another reply: a risk is named, not told in full
            more = prompt(ctx) if isinstance(item, Prompt) else _next_with_offer(ctx, brief)
            sub = expand(ctx, more, depth + 1)
            replies += sub.replies
            effects += sub.effects
    return Outcome(replies, effects)


def _remember_offer(ctx: Ctx, outcome: Outcome) -> None:
    """When nothing else is awaited, the last proposed action can be accepted in words."""
    offers = [r for r in outcome.replies if r.offer]
    if ctx.pending is None and offers:
        last = offers[-1]
        extra = {"done": last.offer_done} if last.offer_done else {}
        if last.offer_awaits:
            extra["awaits"] = last.offer_awaits
        if last.offer_then:
            extra["then"] = last.offer_then
        # Its buttons too, so "开始评估吧" presses the one it names.
        labels = [[b.label, b.data] for row in last.buttons for b in row][:MAX_NAMED_BUTTONS]
        if labels:
            extra["buttons"] = json.dumps(labels, ensure_ascii=False)
        cb = decode(last.offer or "")
        verb = REGISTRY.verbs.get(cb.verb) if cb is not None else None
        if verb is not None and verb.moving_on_accepts:  # a read-back: asked again on return
            extra["asked"] = last.text[:MAX_ASKED_KEPT]
        ctx.wait_for(OFFER, "", data=last.offer or "", **extra)


MAX_ASKED_KEPT = 400  # characters of a read-back kept to ask it again after /start


def _start_with_read_back(ctx: Ctx) -> Out:
    """/start (the terminal's every launch, Telegram's Start) while a read-back waits: welcome
    back, and the read-back again, still waiting: never swapped for the next card unseen."""
    p = ctx.pending
    assert p is not None
    asked = p.data.get("asked", "")
    still = ctx.reply(
        "read_back_still_waiting" if asked else "read_back_still_open", _kept_buttons(p)
    )
    if asked:
        still.text = f"{still.text}\n{asked}"
    return [welcome_back(ctx), still]


def prompt(ctx: Ctx) -> Out:
    """Ask again whatever is pending, or say what's next."""
    p = ctx.pending
    inp = REGISTRY.inputs.get(p.flow) if p else None
    if inp is None:
        ctx.clear_pending()  # a pending input from an older release: drop it
        return [ShowNext()]
    return inp.ask(ctx)


# --- commands -----------------------------------------------------------------------------


def command(ctx: Ctx, name: str, args: str) -> Out:
    cmd = REGISTRY.commands.get(name)
    if cmd is None:
        return [ctx.reply("unknown_command")]
    if (refused := refusal(ctx, cmd.right)) is not None:
        return refused
    if cmd.needs_company and not ctx.company.onboarded:
        return [ctx.reply("need_onboarding"), Prompt() if ctx.pending else ShowNext()]
    return cmd.handler(ctx, args)


# --- buttons ------------------------------------------------------------------------------


def button(ctx: Ctx, data: str) -> Out:
    out = _route_button(ctx, data)
    if out is None:  # stale, foreign or malformed: show where the user is
        return [ctx.reply("stale_button"), Prompt()]
    return out


def _route_button(ctx: Ctx, data: str) -> Out | None:
    cb = decode(data)
    verb = REGISTRY.verbs.get(cb.verb) if cb else None
    if cb is None or verb is None or len(cb.args) != verb.arity:
        return None
    if cb.company is not None and cb.company != ctx.company.id:
        return None  # the service loads the button's company; anything else is not for here
    if (refused := refusal(ctx, verb.right)) is not None:
        return refused
    if verb.needs_company and not ctx.company.onboarded:
        return None
    return verb.handler(ctx, *cb.args)


# --- text ---------------------------------------------------------------------------------


def text(ctx: Ctx, raw: str) -> Out:
    value = raw.strip()
    if len(value) > MAX_TEXT:
        return unsupported(ctx, "too_long")
    if not value:
        return [Prompt()]
    p = ctx.pending
    inp = REGISTRY.inputs.get(p.flow) if p else None
    if (more := _told_after_read_back(ctx, value)) is not None:
        return more
    if (
        p is not None
        and p.flow == ONBOARDING_INPUT
        and (fixed := profile_told.during_onboarding(ctx, value))
    ):
        return fixed  # "行业改成制造业" while the sites question waits
    if (inp is None or inp.lapses) and (fixed := profile_told.recognise(ctx, value)) is not None:
        ctx.clear_pending()  # "我们其实有150人": before an offer reads "we have…" as "yes"
        return fixed
    if (inp is None or inp.lapses) and ctx.company.onboarded and (cb := news.note_cb(ctx, value)):
        ctx.clear_pending()  # "我们报了中知认证": kept, then what else it tells
        rest = facts.recognise(ctx, value) or steps_told.recognise(ctx, value)
        return [cb, *(rest or [ShowNext()])]
    if (inp is None or inp.lapses) and (undone := steps_told.reopened(ctx, value)) is not None:
        ctx.clear_pending()  # "不对，台账还没弄完": not a "no" to the card on screen
        return undone
    if (inp is None or inp.lapses) and (person := news.person_or_partner(ctx, value)) is not None:
        ctx.clear_pending()  # "we have a new IP manager" is no "yes" to an offer
        return person
    if inp is not None and inp.gives_way_to_news and _news(ctx, value, asked=p):
        ctx.clear_pending()  # "stage 2 is on June 8-9" is no finding's description
        return [ctx.reply(inp.set_aside), *text(ctx, value)]
    about_reminders = account.setting_said(value) or reminders.later_said(value)
    about_target = plan.names_target(value)  # "目标改到明年9月底" under a card: not that item
    if not about_reminders and not about_target and (later := steps_told.card_put_off(ctx, value)):
        ctx.clear_pending()  # "下周再弄吧" under a card: that item's date, not a "no"
        return later  # ("提醒改到下午3点", "明天再提醒我": the reminders', read below)
    early = detect_intent(value)
    profile_asked = p is not None and p.flow == ONBOARDING_INPUT
    if early in (Intent.STOP, Intent.RESTART) or (early is Intent.ABOUT and profile_asked):
        return _intent(ctx, early)  # "算了", "这是干嘛的" at the name question: no name
    if inp is not None and inp.take is not None and inp.before_intents:
        taken = inp.take(ctx, value)
        if taken is not None:
            return taken
        p = ctx.pending
        inp = REGISTRY.inputs.get(p.flow) if p else None
    intent = detect_intent(value)
    if intent is not None:
        # "你好" as the first words, while we speak English: answered in Chinese from then on
        switched = (
            follow_language(ctx, value) if p is not None and p.flow == ONBOARDING_INPUT else []
        )
        return [*switched, *_intent(ctx, intent)]
    if inp is not None and inp.take is not None:
        taken = inp.take(ctx, value)
        if taken is not None:
            return taken
    elif _option_mark(value):  # an option number or letter, with nothing to choose
        if inp is not None:
            return [ctx.reply("choice_not_understood"), Prompt()]
        return [ctx.reply("number_alone", n=value.strip()[:12])]
    if (read := _news_or_request(ctx, value, inp)) is not None:
        return read
    offered = ctx.pending is None or ctx.pending.flow == OFFER  # nothing asked but an offer
    if offered and ctx.company.onboarded and asks_meaning(value):
        return [ctx.reply("meaning_of_next"), ShowNext()]  # "这个是啥意思" under a step card
    idle = ctx.pending is None and ctx.company.onboarded
    if idle and says_all_done(value) and (bulk := overdue.told_all_done(ctx, value)) is not None:
        return bulk  # "计划里的都做完了": the overdue plan actions, read back together
    if ctx.pending is None and ctx.company.onboarded and says_done(value):
        # "做完了" with nothing on screen: what the last reminder was about, else which one
        if ctx.reminded is None:
            return [DoneLast()]
        return dated.done_after_reminder(ctx, ctx.reminded) or [
            ctx.reply("done_what"),
            ShowNext(),
        ]
    if ctx.pending is None and ctx.company.onboarded and says_go(value):
        return [ShowNext()]  # "ok" / "好的" with nothing on offer: carry on with what's next
    kind = parse_answer(value) if ctx.pending is None else None
    if kind is AnswerKind.UNSURE and ctx.company.onboarded:  # "不清楚" under a menu: lead on
        return [ctx.reply("unsure_lead_on"), ShowNext()]
    if kind is not None:  # "yes" to nothing asked
        return [ctx.reply("nothing_asked")]
    if not ctx.company.onboarded and ctx.pending is None:
        # First words without /start: answer if it is a question, then get to know them.
        answer = faq.answer_if_question(ctx, value)
        return [*answer, *command(ctx, "start", "")]
    was_waiting = ctx.pending is not None and inp is not None and not inp.lapses
    if not any(ch.isalnum() for ch in value):  # "？？？", "…": nothing to look up
        return [ctx.reply("symbols_only"), *([Prompt()] if was_waiting else [])]
    replies = faq.answer(ctx, value)
    if was_waiting:
        replies += [ctx.reply("repeat_prompt"), Prompt()]
    return replies


# --- news and requests said with nothing asked -----------------------------------------------
#
# Tried in this order when nothing is asked but, at most, an offer (the card of "what's next",
# a read-back): the first that reads the text withdraws the offer; when none does, the offer
# stays for the FAQ's answer ("内审要几个人做？" under a card, then "好的").


def _numbers_done(ctx: Ctx, value: str) -> Out | None:
    return plan.numbers_done(ctx, value)  # "2 3 4都整改完了" after /plan: those items


def _reminder_asked(ctx: Ctx, value: str) -> Out | None:
    asked = reminder_asked.recognise(ctx, value)  # "remind me 2 weeks before the audit"
    return [*asked, ShowNext()] if asked is not None else None


def _later_said(ctx: Ctx, value: str) -> Out | None:
    onboarded = ctx.company.onboarded
    days = reminders.later_said(value, put_off=True, today=ctx.today) if onboarded else None
    return [SnoozeLast(days)] if days else None  # "明天再提醒我": the last reminder's ⏰


def _setting_said(ctx: Ctx, value: str) -> Out | None:
    said = account.setting_said(value) if ctx.company.onboarded else None
    return command(ctx, *said) if said else None  # "提醒改成下午3点", "timezone New York"


def _pushed(ctx: Ctx, value: str) -> Out | None:
    # "手册往后推两周": that action, not the target date
    return None if plan.names_target(value) else steps_told.pushed(ctx, value)


def _goal_said(ctx: Ctx, value: str) -> Out | None:
    goal = plan.goal_said(ctx, value)  # "希望明年6月底前拿证": the target, or kept for the plan
    return [*goal, ShowNext()] if goal is not None else None


_RECOGNISERS: tuple[Callable[[Ctx, str], Out | None], ...] = (
    _numbers_done,
    told_outcome,  # "拿到证书了", "不符合项整改完了": the flow that records it
    _reminder_asked,
    reminder_asked.when_asked,  # "内审还有几天": our own date, not the FAQ's rule
    reminder_asked.done_asked,  # "今年的监督审核做了吗": what is on record
    _later_said,
    reminder_asked.less_often,  # "别每天都发，一周一次就行"
    _setting_said,
    account.on_hold,  # "老板说先不搞了": kept, the digest can pause
    preconditions.told,  # "没有行政处罚": a condition the certification body checks
    overdue.told_all_moved,  # "逾期的这几项都推到2月22号"
    _pushed,
    owner_told.recognise,  # "把培训交给人事做", "put everything on me"
    plan.target_said,  # "目标改到明年6月底"
    plan.feasibility_asked,  # "明年6月底能不能搞定": from the assessment's earliest date
    assessment.unsure_asked,  # "what does it mean that 2 answers are not sure?"
    _goal_said,
    plan.more_time,  # "计划太紧了": the target can move
    internal_findings.recognise,  # "第一个是合同没审，第二个是…"
    facts_pair.recognise,  # "内审5月15号，管评一周后"
    facts.recognise,  # "内审是3月15号做的": read back for one-tap confirmation
    assessment_told.recognise,  # "the policy is signed" before the plan
    steps_told.recognise,  # "合同签了": complete that step?
    assessment_told.before_assessment,  # "we have an IP person, part time": the assessment's
    facts.lone_date,  # "明年6月底" alone: the target date, or what it is the date of
)


def _news_or_request(ctx: Ctx, value: str, inp: Input | None) -> Out | None:
    held = ctx.pending
    if held is not None and held.flow != OFFER:
        # a question is asked: only "can we make June?" goes through, answered from our own
        # record; a question that waits is asked again after it (the assessment's)
        feasible = plan.feasibility_asked(ctx, value) if inp is not None else None
        if feasible is None and inp is not None and inp.resumable:
            feasible = plan.goal_said(ctx, value)  # "明年6月底要拿证" mid-assessment: kept
        if feasible is None or inp is None:
            return None
        if inp.lapses:
            ctx.clear_pending()
            return feasible
        return [*feasible, ctx.reply("repeat_prompt"), Prompt()] if inp.resumable else None
    for recognise in _RECOGNISERS:
        ctx.clear_pending()
        if (out := recognise(ctx, value)) is not None:
            return out
        ctx.conv.user.pending = held
    if (asked := move_asked(value)) is not None:  # "内审能不能提前到5月": asked as a request
        for recognise in _MOVES:
            ctx.clear_pending()
            if (out := recognise(ctx, asked)) is not None:
                return out
            ctx.conv.user.pending = held
    return None


# What "can we move X to <date>?" asks for, said as a request ("move X to <date>")
_MOVES: tuple[Callable[[Ctx, str], Out | None], ...] = (
    plan.target_said,
    _pushed,
    facts_pair.recognise,
    facts.recognise,
)


def _lead_into(lead: str, asked: Out) -> Out:
    """One message: a line of lead-in above the question asked again."""
    first = asked[0] if asked else None
    if isinstance(first, Reply):
        return [replace(first, text=f"{lead}\n{first.text}"), *asked[1:]]
    return [Reply(lead), *asked]


def _option_mark(value: str) -> bool:
    """ "3", "３", "b": how a button is picked by typing (the terminal letters extra ones)."""
    v = unicodedata.normalize("NFKC", value).strip()
    return v.isdigit() or (len(v) == 1 and v.isascii() and v.isalpha())


def _intent(ctx: Ctx, intent: Intent) -> Out:
    if intent in (Intent.NEXT, Intent.WHERE):
        # "what's next?" after "training done last Friday": moving on accepts the read-back
        told = accept_read_back(ctx) if told_read_back(ctx) is not None else []
        inp = REGISTRY.inputs.get(ctx.pending.flow) if ctx.pending else None
        if inp is not None and not inp.resumable:
            ctx.clear_pending()  # a side input (a date, a title) is abandoned, not a trap
        if intent is Intent.WHERE and ctx.company.onboarded:
            return [*told, nextstep.where_we_are(ctx), Prompt()]
        if inp is not None and inp.resumable:  # "下一步呢" mid-questionnaire: this question
            return _lead_into(ctx.t("next_is_this_question"), inp.ask(ctx))
        return [*told, Prompt()]
    if intent is Intent.PLAN_ALL:  # "显示全部计划", "what are the other 5"
        return _view_then_resume(ctx, "plan", "all")
    names = {
        Intent.STATUS: "status",
        Intent.PLAN: "plan",
        Intent.HELP: "help",
        Intent.REMINDERS: "reminders",
    }
    if intent in names:
        return _view_then_resume(ctx, names[intent])
    asked = {
        Intent.REPORT: "report",
        Intent.EXPORT: "export",
        Intent.DELETE: "deletedata",
        Intent.CALENDAR: "calendar",
    }
    if intent in asked:  # "send me the plan as a file", "delete my data": the command itself
        return command(ctx, asked[intent], "")
    if intent in (Intent.ENGLISH, Intent.CHINESE):  # "can you speak english?"
        return command(ctx, "lang", "en" if intent is Intent.ENGLISH else "zh")
    if intent is Intent.OVERDUE and ctx.company.onboarded:  # "what's overdue?"
        return _then_resume(ctx, lambda: overdue.review(ctx))
    if intent is Intent.ASSESS and ctx.company.onboarded and ctx.pending is None:
        return assessment.start(ctx)  # "ok let's do the assessment"
    if intent is Intent.HUMAN:
        return [ctx.reply("human_agent"), *([Prompt()] if ctx.pending else [])]
    if intent is Intent.STOP:  # "算了", "forget it": what is asked set aside, nothing recorded
        return cancel(ctx, "") if ctx.pending else [ctx.reply("stop_nothing_asked")]
    if intent is Intent.RESTART:
        return _restart(ctx)
    if intent is Intent.ABOUT:  # "你是谁"
        if ctx.pending is None and not ctx.company.onboarded:
            return command(ctx, "start", "")  # as the first words: its welcome says who we are
        return [ctx.reply("about"), Prompt() if ctx.pending else ShowNext()]
    if intent is Intent.LAUGH:  # "哈哈": a smile back, and the question again if one waits
        return [ctx.reply("laugh"), Prompt()] if ctx.pending else [ctx.reply("laugh")]
    if intent is Intent.THANKS:
        return [ctx.reply("thanks"), Prompt()] if ctx.pending else [ctx.reply("thanks")]
    if ctx.pending is not None:  # a greeting mid-question: say hello and ask it again
        return [ctx.reply("hello"), Prompt()]
    if not ctx.company.onboarded:
        return command(ctx, "start", "")
    name = ctx.company.name.strip()  # "你好，好久没来了": where they are, not a menu of commands
    said = (f"，{name}" if ctx.lang == "zh" else f", {name}") if name else ""
    return [ctx.reply("greeting_back", name=said), ShowNext()]


def _restart(ctx: Ctx) -> Out:
    """ "重新开始", "start over": before onboarding ends, the profile from its first question;
    after it, what can be started again (the assessment, a profile fact, everything)."""
    ctx.clear_pending()
    if not ctx.company.onboarded:
        c = ctx.company
        c.name, c.headcount, c.industry, c.sites, c.stage = "", None, "", None, None
        return [ctx.reply("restart_profile"), *ask_profile(ctx)]
    if not ctx.company.answers:  # no assessment yet: nothing of it to start again
        return [ctx.reply("restart_what_profile")]
    return [ctx.reply("restart_what", [[ctx.button("restart_assessment", "as.retake")]])]


def unsupported(ctx: Ctx, what: str) -> Out:
    if what == "too_long":
        return [ctx.reply("too_long", limit=MAX_TEXT)]
    if what == "edited":
        return [ctx.reply("edited")]
    return [ctx.reply("unsupported")]
