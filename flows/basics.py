"""Commands about the conversation itself: /help, /cancel and /back."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from flows import facts, facts_pair, journey
from flows.authz import refusal
from flows.callbacks import decode
from flows.context import Ctx
from flows.facts import corrected, names_event
from flows.natural import AnswerKind, bare_answer
from flows.phrasing import agrees, bare, clauses, looks_like_question, names_label, says_go
from flows.registry import Command, Flow, Input, Registry, Verb
from flows.types import PROMPT, SHOW_NEXT, Out, Reply, ShowNext
from knowledge.intents import Intent, detect_intent
from knowledge.lexicon import load_lexicon


def _registry(ctx: Ctx) -> Registry:
    assert ctx.registry is not None, "the engine sets ctx.registry"
    return ctx.registry


def _input(ctx: Ctx) -> Input | None:
    p = ctx.pending
    return _registry(ctx).inputs.get(p.flow) if p else None


def help_text(ctx: Ctx) -> str:
    """/help is made from the command table: every menu command with its description."""
    lines = [ctx.t("help_head")]
    for cmd in _registry(ctx).menu:
        usage = f" {cmd.usage}" if cmd.usage else ""
        lines.append(f"/{cmd.name}{usage} — {ctx.t(f'cmd_{cmd.name}')}")
    lines.append(ctx.t("help_tail"))
    return "\n".join(lines)


def help_command(ctx: Ctx, _: str) -> Out:
    return [Reply(help_text(ctx))]


def cancel(ctx: Ctx, _: str) -> Out:
    inp = _input(ctx)
    if inp is None:
        return [ctx.reply("nothing_to_cancel")]
    ctx.clear_pending()
    # Onboarding and the assessment are paused, not lost: what was answered stays.
    return [ctx.reply("paused" if inp.resumable else "cancelled")]


def back(ctx: Ctx, _: str) -> Out:
    inp = _input(ctx)
    if inp is not None and inp.back is not None:
        return inp.back(ctx)
    if inp is not None:
        return [PROMPT]
    if not ctx.company.onboarded:
        return [PROMPT]
    return journey.back_to_previous_step(ctx)


OFFER = "offer"  # an action proposed by the last reply (what's next), acceptable in words


def _offer_words(group: str) -> tuple[str, ...]:
    return load_lexicon().synonyms("offer", group)


def take_offer(ctx: Ctx, text: str) -> Out | None:
    """Accept ("好的", "ok", "start") runs the proposed action; "not now" declines; a question
    is answered and the offer stays; anything else withdraws it."""
    p = ctx.pending
    assert p is not None
    if looks_like_question(text):
        return None
    moving_on = detect_intent(text) in (Intent.NEXT, Intent.WHERE)  # "下一步", "到哪一步了"
    if moving_on and told_read_back(ctx) is not None:
        return None  # the engine's one rule for moving on from a read-back: it is accepted
    said = bare(text)
    done = said in _offer_words("done")
    go = says_go(text) or (agrees(text) and not names_event(text))  # "we have applied": a fact
    named = None if go or done else _named_button(text, p.data.get("buttons", ""))
    every = _ALL_DONE.search(text) and not left_out_of_all(text) and not re.search(r"\d", text)
    if named is None and every:  # "都做完了", "both are done": the one-tap button
        named = _button_of(p.data.get("buttons", ""), "tl.alldone")
    chosen = named or p.data.get("done" if done and "done" in p.data else "data", "")
    cb = decode(chosen)
    verb = _registry(ctx).verbs.get(cb.verb) if cb else None
    ctx.clear_pending()
    if cb is None or verb is None or len(cb.args) != verb.arity:
        return None
    if cb.verb == "cert.held":
        from flows import certificate  # it reads the timeline, which needs this module first

        if (on_day := certificate.past_held_said(ctx, text)) is not None:
            return on_day  # "做过了，10月中旬做的": held on the day said, not on the deadline
    if done or named is not None or (go and not verb.records_done):
        if (refused := refusal(ctx, verb.right)) is not None:
            return refused
        return awaited_after(ctx, p.data, verb.handler(ctx, *cb.args) or [SHOW_NEXT])
    if cb.verb == "fact" and (pair := facts_pair.recognise(ctx, text)) is not None:
        return pair  # "内审7月5号做的，管评7月20号开的": both, the first one corrected
    if cb.verb == "fact" and (again := corrected(ctx, cb.args[0], text)) is not None:
        return again  # "不对，是20号做的": the read-back again, with the date said
    if cb.verb == "pl.owner":
        from flows import owner_told  # it reads the plan, which needs this module first

        if (who := owner_told.person_said(ctx, cb.args[0], cb.args[1], text)) is not None:
            return who  # "Sarah" under "make HR the owner?": her, in HR
    from flows import preconditions  # it reads the timeline, which needs this module first

    if preconditions.said_open(ctx, text):
        return None  # "都没有" to the body's conditions on screen: no "not now" to the offer
    if said in _offer_words("decline") or bare_answer(text) is AnswerKind.NO:
        return [ctx.reply("offer_declined")]
    return None


AFTER_OFFER = "after_offer"  # the field of an input asked for right after an offer's "yes"


def awaited_after(ctx: Ctx, offered: Mapping[str, str] | None, out: Out) -> Out:
    """An offer accepted that also asked for something ("tell me what the findings were"):
    that is asked for next, instead of what's next; one told with something more ("stage 1
    passed. stage 2 is booked for july 20-21"): that is read back next."""
    awaits, then = (offered.get("awaits"), offered.get("then")) if offered else (None, None)
    if ctx.pending is not None and ctx.pending.flow != OFFER:
        return out  # the handler asks something itself
    done = [r for r in out if not isinstance(r, ShowNext)]
    if awaits and then:  # "内审做完了，开了3个不符合：1.… 2.…": the list told with the date
        ctx.wait_for(awaits, AFTER_OFFER)
        inp = _registry(ctx).inputs.get(awaits)
        if inp is not None and inp.take is not None and (took := inp.take(ctx, then)):
            return [*done, *took]
    elif then and (more := facts.recognise(ctx, then) or _action_told(ctx, then)) is not None:
        return [*done, *more]
    if not awaits:
        return out
    ctx.wait_for(awaits, AFTER_OFFER)
    return [*(r for r in out if not isinstance(r, ShowNext)), PROMPT]


def _action_told(ctx: Ctx, text: str) -> Out | None:
    """A plan action's news told after another's ("…and the training is on March 3")."""
    from flows import steps_told  # it reads offers through this module

    return steps_told.recognise(ctx, text)


_ALL_DONE = re.compile(
    r"都(?:已经)?(?:做|弄|搞|办)?(?:完|好)|都(?:已经)?(?:做|弄|搞|办|开|审)(?:了|过)|两个都"
    r"|全(?:部|都)(?:做|弄|搞)?完|这些都"
    r"|\b(?:all|everything|both)\b.{0,30}\b(?:done|finished|complete[d]?|held)\b"
    r"|\bmark\s+(?:them|these|all)\b.{0,12}\bdone\b|\bdone\s+together\b",
    re.I,
)


# "all done except the IP search", "除了检索都做完了": all of it but what is named after
_EXCEPT = re.compile(
    r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|but\s+not)\b\s*(?P<en>[^,.;!]+)"
    r"|除了(?P<zh>[^，,。；;]+?)(?:之外|以外)?(?:[，,]|都|其他|其余|别的|$)",
    re.I,
)


# A clause after the first that says something is not done yet: "…，体系文件还没写",
# "…, but the manual isn't written yet"
_NOT_YET = re.compile(
    r"还没|还未|没(?:写|做|弄|搞|完|签|发|好)|未完成|还差|还在(?:写|做|弄|搞)"
    r"|\b(?:not\s+(?:yet|done|finished|written|ready)|isn'?t|aren'?t|hasn'?t|haven'?t|still\s+(?:working|open|missing))\b",
    re.I,
)


def exception_in(text: str) -> str:
    """What "all done except …" leaves out ("" when nothing is)."""
    m = _EXCEPT.search(text)
    return (m.group("en") or m.group("zh") or "").strip() if m else ""


def left_out_of_all(text: str) -> str:
    """What "all / 1 to 5 done" leaves out: "除了…", "except …", or a later clause saying
    one thing is not done yet ("前面5项都做完了，体系文件还没写"); "" when nothing is."""
    if said := exception_in(text):
        return said
    later = clauses(text)[1:]
    return next((c.strip() for c in later if _NOT_YET.search(c)), "")


def stored_buttons(stored: str) -> list[tuple[str, str]]:
    """The (label, data) pairs the offer kept of its reply's buttons."""
    try:
        return [(label, data) for label, data in json.loads(stored)] if stored else []
    except ValueError:
        return []


def _one(hits: list[str]) -> str | None:
    return hits[0] if len(hits) == 1 else None


def _button_of(stored: str, verb: str) -> str | None:
    """The offered button that runs ``verb``, if one was shown."""
    buttons = stored_buttons(stored)
    return _one([d for _, d in buttons if (cb := decode(d)) is not None and cb.verb == verb])


def _named_button(text: str, stored: str) -> str | None:
    """The one offered button whose label the text names ("开始评估吧"), if exactly one."""
    return _one([data for label, data in stored_buttons(stored) if names_label(text, label)])


# "haven't done that", "not finished", "还没做完": a "done" word, denied
_NOT_DONE = re.compile(
    r"\b(?:not|never)\b|n't\b|\bnt\b|havent|hasnt|didnt|isnt|arent|还没|没有?(?:做|完|弄|搞)|未完成",
    re.I,
)


def says_done(text: str) -> bool:
    """A short message that reports something done ("这些都做完了", "all done now")."""
    said = bare(text)
    if len(said) > 16 or looks_like_question(text) or _NOT_DONE.search(text):
        return False
    return any(word in said for word in _offer_words("done") if len(word) >= 2)


def says_all_done(text: str) -> bool:
    """ "计划里的都做完了", "everything is done": all of it, not one thing."""
    said = bare(text)
    if len(said) > 80 or looks_like_question(text) or _ALL_DONE.search(text) is None:
        return False
    return says_done(text) or _ALL_DONE.search(said) is not None


def told_read_back(ctx: Ctx) -> tuple[str, Verb, tuple[str, ...]] | None:
    """The read-back awaiting a "yes" (data, verb, args): something the user told us
    ("管代任命书签了" -> "record it as done on 12-10?"), which moving on accepts."""
    p = ctx.pending
    if p is None or p.flow != OFFER:
        return None
    data = p.data.get("data", "")
    cb = decode(data)
    verb = _registry(ctx).verbs.get(cb.verb) if cb else None
    if cb is None or verb is None or not verb.moving_on_accepts or len(cb.args) != verb.arity:
        return None
    return data, verb, tuple(cb.args)


def accept_read_back(ctx: Ctx) -> Out:
    """Record the read-back the user moved on from without saying no (its own confirmation,
    not what's next: the caller goes on with what the user said next)."""
    found = told_read_back(ctx)
    ctx.clear_pending()
    if found is None:
        return []
    _, verb, args = found
    if refusal(ctx, verb.right) is not None:
        return []
    return [r for r in verb.handler(ctx, *args) or [] if not isinstance(r, ShowNext)]


def _offer_again(ctx: Ctx) -> Out:
    """Asked again (/next, a restart): what's next afresh, with its own offer."""
    ctx.clear_pending()
    return [SHOW_NEXT]


def pick(ctx: Ctx, value: str) -> Out | None:
    """A value offered as a button for the pending input (e.g. one of two readings of a date)."""
    inp = _input(ctx)
    if inp is None or inp.take is None:
        return None
    return inp.take(ctx, value)


FLOW = Flow(
    "basics",
    commands=(
        Command("help", help_command),
        Command("cancel", cancel),
        Command("back", back),
    ),
    verbs=(Verb("pick", pick, arity=1, needs_company=False),),
    inputs=(Input(OFFER, _offer_again, take=take_offer, lapses=True, before_intents=True),),
)
