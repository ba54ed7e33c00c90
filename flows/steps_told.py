"""Progress told in words: a plan action ("台账上周弄好了", "we set up the IP ledger") or a
journey step ("合同签了", "the CB accepted our application", "培训都做完了").

A plan action is found by its own title: what the sentence names, once the words of being done,
of time and of the speaker are taken away, must fit one open action and no other. A journey
step may carry the ways owners say it is finished (``told`` in journey.yaml). Either is read
back: one tap (or "对" / "yes") completes it through the same path as its "Done" button.
Dated events (internal audit, stage 1...) are flows.facts' business.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

from flows import facts
from flows.basics import OFFER, exception_in
from flows.callbacks import decode, encode
from flows.context import Ctx, fmt_date
from flows.known import timeline_of
from flows.natural.text import clip
from flows.phrasing import denies, looks_like_question
from flows.reading import find_date
from flows.roles import roles_in, without_roles
from flows.timeline import Item
from flows.types import Button, Out, Reply
from flows.workdays import next_working_day, previous_working_day
from knowledge.lexicon import fold
from knowledge.loader import Knowledge

MAX_LEN = 120  # a sentence or two of progress; longer texts are questions or pastes


def _names_called(ctx: Ctx, text: str) -> bool:
    """The text names what owners call an action's outcome ("方针", "the org chart")."""
    return bool(called_questions(ctx.kb, text))


def called_questions(kb: Knowledge, text: str) -> list[str]:
    """The questions whose outcome the text names as owners call it ("方针", "the org
    chart", "appointed himself as management rep"), in the order named."""
    called = _callings(kb)
    at: dict[str, int] = {}
    for part in [text, *AND.split(text)]:
        named = _named(part) if part.strip() else ""
        if named in called:
            at.setdefault(called[named], text.find(part.strip()))
    folded = fold(text)
    for name, qid in called.items():  # inside a longer sentence, whole words
        if len(name) >= (2 if not name.isascii() else 4) and (
            m := re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded)
        ):
            at.setdefault(qid, m.start())
    return sorted(at, key=at.__getitem__)


def _in_place(ctx: Ctx, text: str) -> str | None:
    """What the text says is done when the assessment already counted it in place (no plan
    action): "the boss signed the IP policy yesterday" after a "yes" to the policy question."""
    qids = called_questions(ctx.kb, text)
    if len(qids) != 1 or any(a.question_id == qids[0] for a in ctx.company.actions):
        return None
    answer = ctx.company.answers.get(qids[0])
    if answer is None or answer.value != "yes":
        return None
    return ctx.kb.question(qids[0]).action.get(ctx.lang)


def says_done(text: str) -> bool:
    """ "方针签了", "the policy is signed": said done."""
    return _DONE.search(text) is not None


def says_ahead(text: str) -> bool:
    """ "任命书下周签", "we will set up the ledger": still to come."""
    return _AHEAD.search(text) is not None


def says_partly(text: str) -> bool:
    """ "组织机构图弄了一半", "half done": under way, not done."""
    return _PARTLY.search(text) is not None


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def _told_step(kb: Knowledge, text: str, current: str | None) -> str | None:
    """The step the text says is finished; both languages' patterns (English in a Chinese chat)."""
    for step in kb.steps.values():
        told = [step.told] + ([step.told_when_current] if step.id == current else [])
        patterns = tuple(p for t in told if t is not None for p in (*t.zh, *t.en))
        if patterns and _compiled(patterns).search(text):
            return step.id
    return None


# Being done, said of an action: the sentence must say one of these.
# More English verbs of work finished ("we appointed Li as management rep last week").
_EN_DONE_VERBS = (
    r"appointed|trained|held|ran|hired|classified|sent|launched|rolled\s+out|introduced|adopted"
    r"|updated|revised|added|installed|organi[sz]ed|conducted|carried\s+out|published"
    r"|distributed|communicated|finali[sz]ed|established|defined|prepared|implemented"
)
_DONE = re.compile(
    r"好了|完了|完成|搞定|已经|已|有了|了(?=[，,；;。！!~～\s]|$)"
    r"|(?:任命|培训|签|发|开|召开|组织|建|写|定|批|审|提交|上报|发布|下发|印发|宣贯|更新|修订)了"
    r"|\b(?:done|finished|completed|set\s+up|built|wrote|written|issued|signed|approved|ready|out"
    r"|in\s+place|sorted|created|drafted|made|did|have\s+(?:now\s+)?(?:a|an|the|our)"
    rf"|{_EN_DONE_VERBS})\b",
    re.I,
)
# Everything around the thing named: when, who, being done, particles.
_AROUND = re.compile(
    r"上上?周|上个?月|上礼拜|下下?周|下个?月|下礼拜|昨天|前天|今天|明天|后天|刚刚|刚才|本周|这周|这个月"
    r"|月初|月底|月中|年底|年初|前几天|之前|以前|已经|准备|打算|计划|马上|争取|尽快|"
    r"过完年|过了年|年后|春节(?:假期)?(?:以?后|之后|过后)?|再(?=弄|做|搞|办|写|签)|那个|那项|"
    r"能不能|可不可以|可以|能否|往后推|向后推|往后|推迟|延后|顺延|"
    r"(?:改|推|延|挪|移|推迟|延期|延后|提前)到|"
    r"我们|我|公司|的|了|啦|呢|吧|好|完|成|搞定|做|弄|建立|建|发布|发(?=了)|签|写|定|批(?=了|好|完|下)|已|有|要|"
    r"把|将|在|前|也|都|全部|还|(?:改|加|补|更新|修改|调整)(?=了|好|完)|"
    r"周[一二三四五六日天]|星期[一二三四五六日天]|[0-9０-９]+|[一二三四五六七八九十]+[月号日]|[月号日底]"
    r"|\b(?:last|this|next|week|month|year|yesterday|today|tomorrow|ago|just|already|now|finally"
    r"|we|i|our|the|a|an|have|has|had|is|are|was|were|be|will|going|to|by|before|end|of|on|at"
    r"|it|its|all|done|finished|finish|completed|complete|set|up|built|wrote|written|issued|signed"
    r"|approved|ready|in|place|sorted|created|drafted|made|did|do|and|get|got|out"
    r"|move|moved|push|pushed|postpone|postponed|shift|can|please|after|chinese|lunar|new|cny"
    r"|ll|well|until|till|as|" + _EN_DONE_VERBS + r""
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
    r"|\d+(?:st|nd|rd|th)?)\b"
    r"|[\s,，.。!！~～?？]",
    re.I,
)
_MIN_FIT = 60  # share of the named thing found in a title (0-100); a read-back follows
_MIN_LEAD = 10  # over the next open action: "文件" must not fit two titles alike


def _fit(named: str, title: str) -> float:
    title = fold(title)
    if named.isascii():
        return fuzz.token_set_ratio(named, title) if len(named) >= 3 else 0.0
    if len(named) < 2:
        return 0.0
    # Chinese word order moves ("管理者代表任命了" for "书面任命…（管理者代表）"): the share of
    # the named thing's character pairs found in the title, or one contiguous fit.
    pairs = [named[i : i + 2] for i in range(len(named) - 1)]
    covered = 100.0 * sum(p in title for p in pairs) / len(pairs)
    return max(covered, fuzz.partial_ratio(named, title))


# Said of what is still to come ("下周要把台账做了", "we will set up the ledger").
_AHEAD = re.compile(
    r"要(?!求)|准备|打算|(?<!培训)计划(?![书表])|快|将|马上|下周|下个?月|再(?:弄|做|搞|办|写|签)"
    r"|过完年|过了年|年后|春节|\bafter\s+(?:the\s+)?(?:chinese|lunar)\s+new\s+year\b"
    r"|(?:改|推|延|挪|移|推迟|延期|延后|提前)到|\b(?:move[ds]?|push(?:ed)?|postpone[ds]?|shift(?:ed)?)\s+(?:\w+\s+){0,6}?to\b"
    r"|\b(?:will|going\s+to|plan(?:ning)?\s+to|planned\s+for|next\s+(?:week|month|monday"
    r"|tuesday|wednesday|thursday|friday))\b"
    r"|定在|安排在|约在|排在|\b(?:scheduled|booked|set)\s+for\b",  # a day booked ahead
    re.I,
)
# Half done is not done ("the manual is about half written", "手册写了一半").
_PARTLY = re.compile(
    r"一半|部分|大半|差不多|快(?:要)?(?:写|做|弄)?(?:完|好)|还差|\b(?:half|partly|partially|mostly"
    r"|almost|nearly|about\s+\d+\s*%)\b",
    re.I,
)


# Owners' shorthand, spelt out before matching titles ("管代任命书签好了").
_SHORT = {"管代": "管理者代表", "知产": "知识产权", "管评": "管理评审", "内审": "内部审核",
          "ip": "知识产权", "fto": "自由实施", "任命书": "任命", "任命文件": "任命",
          "知识产权手册": "体系文件", "管理手册": "体系文件", "手册": "体系文件"}  # fmt: skip
_CLAUSES = re.compile(r"[，,；;。]")


# English nouns for what a title says with its verb ("the appointment letter is out").
_NOUNS = (
    (re.compile(r"\b(?:letter\s+of\s+)?appointment(?:\s+letter)?\b"), "appoint"),
    (re.compile(r"\b(?:(?:the|our)\s+)?(?:ip\s+)?manual\b"), "ip system documents"),
)


def _named(text: str) -> str:
    folded = fold(text)
    for noun, said in _NOUNS:
        folded = noun.sub(said, folded)
    named = " ".join(_AROUND.sub(" ", folded).split())
    for short, full in _SHORT.items():
        named = named.replace(short, full) if not short.isascii() else named
    return named


def named_action(ctx: Ctx, text: str, done: bool = False) -> Item | None:
    """The one open (``done``: finished) plan action the sentence names: the sentence as a
    whole, or its first clause ("方针也发了，老板签的字": the policy)."""
    leaders = _actions_named(ctx, text, done)
    return leaders[0] if len(leaders) == 1 else None  # two fit alike: not guessed


def _actions_named(ctx: Ctx, text: str, done: bool = False) -> list[Item]:
    """The plan actions (open, or ``done``) that fit the sentence, or else its first clause:
    one, or the two that fit alike; [] when none does."""
    actions = [i for i in timeline_of(ctx).items if i.key.startswith("action:") and i.done == done]
    parts = [text, *[c for c in _CLAUSES.split(text) if c.strip()][:1]]
    for part in dict.fromkeys(parts):
        if leaders := fit_items(part, actions, ctx.kb):
            return leaders
    return []


def _day_told(ctx: Ctx, text: str) -> tuple[date | None, date]:
    """The past day a report names (None when none) and the day to record: that one, else
    today."""
    told_on = find_date(text, ctx.today, "past", "start")
    return told_on, told_on if told_on is not None and told_on <= ctx.today else ctx.today


def _which_done(ctx: Ctx, items: list[Item], text: str) -> Out:
    """Two actions fit alike: one button each, as the move's "which one?" does."""
    _, day = _day_told(ctx, text)
    rows = [
        [
            Button(
                f"✅ {i.title(ctx.lang)}"[:60],
                encode("evt.told", i.key.removeprefix("action:"), day.isoformat()),
            )
        ]
        for i in items[:MAX_WHICH]
    ]
    return [Reply(ctx.t("action_done_which"), rows)]


MAX_WHICH = 3
_CALLINGS: dict[int, tuple[Knowledge, dict[str, str]]] = {}  # by id(kb), the kb kept alive


def _callings(kb: Knowledge) -> dict[str, str]:
    """What owners call an action's outcome ("方针", "org chart"), as matched: question id."""
    if (known := _CALLINGS.get(id(kb))) is not None and known[0] is kb:
        return known[1]
    called: dict[str, str] = {}
    for q in kb.questions:
        for name in (*q.called.zh, *q.called.en) if q.called else ():
            called.setdefault(_named(name), q.id)
    _CALLINGS[id(kb)] = (kb, called)
    return called


def recognise(ctx: Ctx, text: str) -> Out | None:
    """A read-back to complete the action or step the text says is finished, or None."""
    if len(text) > MAX_MIXED or not ctx.company.onboarded:
        return None
    if (put_off := pushed(ctx, text)) is not None:
        return put_off  # "can we push the manual 2 weeks?", "手册往后推两周"
    if looks_like_question(text):
        return None
    if exception_in(text):  # "all done except the IP search": the rest, not that one
        return None
    if (mixed := _done_and_still(ctx, text)) is not None:
        return mixed
    if len(text) > MAX_LEN:
        return None
    if _PARTLY.search(text) and not _AHEAD.search(text):
        return None  # "the manual is about half written": under way, not done
    if not ctx.company.actions and _DONE.search(text) and _names_called(ctx, text):
        # "范围、方针都弄好了" before any plan: it counts at the assessment, as a "yes"
        start = ctx.button("start_assess", "as.start")
        reply = ctx.reply("done_before_plan", [[start]])
        reply.offer = start.data  # "好的" starts it
        return [reply]
    if (first := _done_then_ahead(ctx, text)) is not None:
        return _done(ctx, first, text)  # "手册上周弄好了，培训定在3月3号": done, then the other
    ahead = _AHEAD.search(text) is not None
    several = _several_actions(ctx, text) if not ahead and _DONE.search(text) else []
    if len(several) > 1:
        return several_done(ctx, several, text)  # "范围说明和组织机构图都弄好了"
    if denies(text):
        return None
    step_id = _told_step(ctx.kb, text, ctx.company.current_step)
    # "培训都做完了": a word that short names the training step, not one training action
    if step_id is None or len(_named(text)) > 2:
        action = named_action(ctx, text) or (subject_action(ctx, text) if ahead else None)
        if (ahead or _DONE.search(text)) and action is not None:
            return _moved(ctx, action, text) if ahead else _done(ctx, action, text)
        done = not ahead and _DONE.search(text)
        if done and len(several) == 1:  # "A and <something else>"
            return _done(ctx, several[0], text)
        if done and action is None and len(alike := _actions_named(ctx, text)) > 1:
            return _which_done(ctx, alike, text)  # "台账弄好了": the IP ledger or the NC log?
        if done and step_id is None and (finished := named_action(ctx, text, done=True)):
            return [ctx.reply("action_told_already", title=finished.title(ctx.lang))]
        if done and step_id is None and (in_place := _in_place(ctx, text)) is not None:
            return [ctx.reply("told_in_place_already", title=in_place)]
    if step_id is None:
        return None
    title = ctx.kb.steps[step_id].title.get(ctx.lang)
    if step_id in ctx.company.steps_done:
        return [ctx.reply("step_told_already", title=title)]
    button = ctx.button("step_told_yes", "sd.told", step_id)
    reply = ctx.reply("step_told_confirm", [[button]], title=title)
    reply.offer = button.data  # "对" / "yes" completes it
    return [reply]


# Still under way, said of an action ("合同人事还在弄", "HR is still working on the contracts").
_STILL = re.compile(
    r"还在|正在|在弄|在做|在搞|在写|在走流程|进行中|(?:还)?没(?:弄|做|搞|写|签)完|还差"
    r"|\b(?:still|in\s+progress|working\s+on|under\s*way|not\s+(?:yet|done|finished))\b",
    re.I,
)
_STILL_WORDS = re.compile(_STILL.pattern + r"|\b(?:is|are|on|the)\b|弄|做|搞|写", re.I)
# Parts of a report: sentences, and the clauses a comma or semicolon makes.
_SEGMENTS = re.compile(r"[，,；;。！!\n]|\.(?=\s|$)")
MAX_MIXED = 240  # a few sentences of progress ("A and B are done. C is still under way.")


def _groups(text: str) -> list[tuple[str, str]]:
    """The report cut where a clause says done or still under way: (``done`` | ``still``,
    the clauses up to it). "范围、方针都弄好了，合同人事还在弄" → done, then still."""
    groups: list[tuple[str, str]] = []
    held: list[str] = []
    for segment in _SEGMENTS.split(text):
        if not segment.strip():
            continue
        held.append(segment.strip())
        if _STILL.search(segment):
            groups.append(("still", "，".join(held)))
        elif _DONE.search(segment) and not denies(segment):
            groups.append(("done", "，".join(held)))
        elif _AHEAD.search(segment):  # "合同审批那个过完年再弄吧": put off
            groups.append(("later", "，".join(held)))
        else:
            continue
        held = []
    return groups


def _done_and_still(ctx: Ctx, text: str) -> Out | None:
    """A report of things done and things still under way: the done ones read back together,
    the others noted with their due dates. None unless a part says something is still on."""
    groups = _groups(text)
    if not any(kind == "still" for kind, _ in groups):
        return None
    done: list[Item] = []
    for kind, part in groups:
        if kind == "done":
            named = _several_actions(ctx, part) or [a for a in [named_action(ctx, part)] if a]
            done += [a for a in named if a not in done]
    still: list[Item] = []
    for kind, part in groups:
        if kind != "still":
            continue
        said = _STILL_WORDS.sub(" ", part)  # "检索报告和上市前审查都在做了": both
        named = _several_actions(ctx, said) or [a for a in [named_action(ctx, said)] if a]
        still += [a for a in named if a not in done and a not in still]
    if not still and all(kind == "still" for kind, _ in groups):
        return [ctx.reply("actions_still_plain")]  # under way, whatever it is: never "done"
    if not still:
        return None
    titles = "\n".join(f"• {fmt_date(a.on)} · {a.title(ctx.lang)}" for a in still)
    noted = ctx.reply("actions_still_noted", titles=titles)
    if not done:
        return [noted, *_put_off_too(ctx, groups, still)]
    said_done = "，".join(part for kind, part in groups if kind == "done")  # not the "still" ones
    asked = several_done(ctx, done[:MAX_TOLD_TOGETHER], said_done)
    if isinstance(first := asked[0], Reply):  # one message: its button answers the question
        first.text += "\n\n" + noted.text
    return asked


def _put_off_too(ctx: Ctx, groups: list[tuple[str, str]], still: list[Item]) -> Out:
    """The one action a "later" part of a progress report names, with its new date asked."""
    for kind, part in groups:
        action = named_action(ctx, part) if kind == "later" else None
        if action is not None and action not in still:
            return _moved(ctx, action, part) or []
    return []


# An action marked done by mistake, said to be open again
_NOT_DONE = re.compile(
    r"改回(?:没|未)完成|改成(?:没|未)完成|还没(?:做|弄|搞|办)?完|没(?:做|弄|搞|办)完|其实没(?:做|弄)"
    r"|\b(?:not|isn'?t|wasn'?t|aren'?t)\s+(?:yet\s+|actually\s+|really\s+)?(?:done|finished|complete)\b"
    r"|\bundo\b|\bre-?open\b",
    re.I,
)


_NOT_DONE_FILLERS = re.compile(r"不对|其实|那项|那个|\b(?:no|wait|actually|really|the|one)\b", re.I)


def reopened(ctx: Ctx, text: str) -> Out | None:
    """ "台账那项改回没完成", "the ledger is NOT done": read back to open it again, or None."""
    if len(text) > MAX_LEN or looks_like_question(text) or not _NOT_DONE.search(text):
        return None
    said = _NOT_DONE_FILLERS.sub(" ", _NOT_DONE.sub(" ", text))
    finished = named_action(ctx, said, done=True)
    return _undo(ctx, finished) if finished is not None else None


def _undo(ctx: Ctx, action: Item) -> Out:
    button = ctx.button("action_reopen_yes", "pl.undo", action.key.removeprefix("action:"))
    reply = ctx.reply("action_reopen_confirm", [[button]], title=action.title(ctx.lang))
    reply.offer = button.data  # "对" / "yes" reopens it
    return [reply]


AND = re.compile(r"[和、及跟与，,;；]|以及|还有|\band\b|&")  # things named together
MAX_TOLD_TOGETHER = 3  # what fits one button (64 bytes)


def _several_actions(ctx: Ctx, text: str) -> list[Item]:
    """Distinct open actions named by the parts of "A和B都弄好了" / "A and B are done"."""
    return _parts_named(ctx, text)[0][:MAX_TOLD_TOGETHER]


def _parts_named(ctx: Ctx, text: str) -> tuple[list[Item], list[str]]:
    """The open actions the parts of a list name, and the parts that name none clearly."""
    parts = [p for p in AND.split(text) if p.strip()]
    if len(parts) < 2:
        return [], []
    found: list[Item] = []
    unplaced: list[str] = []
    open_actions = [i for i in timeline_of(ctx).items if i.key.startswith("action:") and not i.done]
    for part in parts:
        if denies(part):  # "…, B not yet": only what is said done
            continue
        action = named_action(ctx, part)
        if action is not None and action not in found:
            found.append(action)
        elif action is None and len(fit_items(part, open_actions, ctx.kb)) > 1:
            # "目标", "台账": fits two items alike; a remark ("全员都签到了") fits none
            named = _named(part)
            said = _DONE_TAIL.sub(
                "", part.strip(" ，,。.；;")
            )  # as said: "台账", not "台账都弄好了"
            unplaced.append(named if part.isascii() else said)
    return found, unplaced


_DONE_TAIL = re.compile(r"[都也]?(?:已经)?(?:弄|做|搞|写|建|签|发)?(?:好|完|了)+$")


def _fitting_button(ctx: Ctx, actions: list[Item], day: date) -> tuple[Button, list[Item]] | None:
    """The "yes" button for as many of ``actions`` (in order) as its data can carry, at
    least two; None when not even two fit."""
    for n in range(len(actions), 1, -1):
        ids = "+".join(a.key.removeprefix("action:") for a in actions[:n])
        try:
            return ctx.button("step_told_yes", "evt.told", ids, day.isoformat()), actions[:n]
        except ValueError:
            continue
    return None


def _left_over(ctx: Ctx, text: str, shown: list[Item], beyond: list[str] | None = None) -> str:
    """What a list named beyond the read-back: parts fitting no one action, and actions over
    what one button holds ("目标, 台账": told again one at a time, or ticked in /plan)."""
    found, unplaced = _parts_named(ctx, text)
    names = list(
        dict.fromkeys(
            [*(beyond or []), *(a.title(ctx.lang) for a in found if a not in shown), *unplaced]
        )
    )
    if not names:
        return ""
    return ctx.t("actions_told_left", names=("、" if ctx.lang == "zh" else ", ").join(names[:6]))


def several_done(ctx: Ctx, actions: list[Item], text: str) -> Out:
    if len(actions) == 1:
        return _done(ctx, actions[0], text)
    told_on, day = _day_told(ctx, text)
    fitted = _fitting_button(ctx, actions, day)
    if fitted is None:
        return _done(ctx, actions[0], text)
    button, shown = fitted
    titles = "\n".join(f"• {a.title(ctx.lang)}" for a in shown)
    reply = ctx.reply("actions_told_confirm", [[button]], titles=titles, date=fmt_date(day))
    beyond = [a.title(ctx.lang) for a in actions[len(shown) :]]  # "1到5项": over one button
    if left := _left_over(ctx, text, shown, beyond):
        reply.text += "\n" + left
    if told_on is not None and facts.no_day_said(text, told_on):  # "in december": the 1st
        reply.text += "\n" + ctx.t("fact_no_day_past")
    reply.offer = button.data
    return [reply]


def _done(ctx: Ctx, action: Item, text: str) -> Out:
    """ "台账上周弄好了": done, on the day said (today when none)."""
    later = _ahead_clause(ctx, text)
    own = text[: text.index(later)] if later is not None else text  # not the other's day
    told_on, day = _day_told(ctx, own)
    button = ctx.button(
        "step_told_yes", "evt.told", action.key.removeprefix("action:"), day.isoformat()
    )
    reply = ctx.reply(
        "action_told_confirm", [[button]], title=action.title(ctx.lang), date=fmt_date(day)
    )
    if left := _left_over(ctx, text, [action]):  # "范围说明、目标、台账都弄好了": not dropped
        reply.text += "\n" + left
    if told_on is not None and facts.no_day_said(own, told_on):  # "in december": the 1st
        reply.text += "\n" + ctx.t("fact_no_day_past")
    reply.offer = button.data  # "对" / "yes" completes it
    other = subject_action(ctx, later) if later is not None else None
    if later is not None and other is not None and other.key != action.key:
        # "…manual last week and the training is scheduled for march 3": read back next
        reply.offer_then = later
        return [reply, ctx.reply("facts_then_next", others=other.title(ctx.lang))]
    return [reply]


# Where a second thing told begins: "…, and the training …", "…；培训定在3月3号"
_NEXT_CLAUSE = re.compile(r"[，,；;]\s*(?:and\s+)?|\s+and\s+(?=the\s)|而且|另外|还有", re.I)


def _ahead_clause(ctx: Ctx, text: str) -> str | None:
    """A later clause that dates something ahead ("培训定在3月3号"), or None."""
    for m in _NEXT_CLAUSE.finditer(text):
        clause = text[m.end() :].strip()
        if _AHEAD.search(clause) and find_date(clause, ctx.today, "future") is not None:
            return clause
    return None


def _done_then_ahead(ctx: Ctx, text: str) -> Item | None:
    """The action the first clause says is done, when a later clause dates something ahead
    (whose date is not this action's)."""
    m = _NEXT_CLAUSE.search(text)
    head = text[: m.start()] if m is not None else text
    if m is None or not _DONE.search(head) or _AHEAD.search(head) or denies(head):
        return None
    action = named_action(ctx, head)
    return action if action is not None and _ahead_clause(ctx, text) is not None else None


_BE = re.compile(r"\s+(?:is|are|was|will\s+be|has\s+been|got)\s*$", re.I)


def subject_action(ctx: Ctx, clause: str) -> Item | None:
    """The one open action a clause dating something ahead is about: what comes before "is
    scheduled for" / "定在" ("the training", "培训"), or the clause as a whole."""
    m = _AHEAD.search(clause)
    subject = _BE.sub("", clause[: m.start()]).strip() if m is not None else ""
    named = fit_items(subject, plan_actions(ctx), ctx.kb) if subject else []
    return named[0] if len(named) == 1 else named_action(ctx, clause)


# An action put off by a length of time ("push it 2 weeks", "往后推两周", "延后一个月"); the
# groups are facts.SHIFT's, so facts.moved_by reads them
_PUSH = re.compile(
    r"\b(?:push|move|postpone|delay|shift)\b(?:\s+\w+){0,4}?\s+(?:back\s+|out\s+)?(?:by\s+)?"
    r"(?P<n_en>\d+|an?|one|two|three|four|five|six)\s+(?P<unit_en>days?|weeks?|months?)\b"
    r"|(?:往后|向后|延后|推迟|延期|顺延|推后|晚)(?:推|延)?\s*(?P<n>\d+|[一二两三四五六七八九十]+)\s*个?\s*"
    r"(?P<unit>天|周|星期|礼拜|月)",
    re.I,
)


def pushed(ctx: Ctx, text: str) -> Out | None:
    """The one action named, put off by the time said: read back with its new due date."""
    m = _PUSH.search(text)
    if m is None:
        return None
    said = _without_count(text, m)
    open_actions = plan_actions(ctx)
    named = fit_items(said, open_actions, ctx.kb)
    if len(named) > 1:  # "把台账往后推两周" with two ledgers in the plan: which one?
        return _which_to_move(ctx, named[:MAX_TOLD_TOGETHER], m)
    action = named_action(ctx, said)
    if action is None:
        return None
    return _move_read_back(ctx, action, _pushed_to(ctx, action, m))


def _pushed_to(ctx: Ctx, action: Item, m: re.Match[str]) -> date:
    base = max(action.on, ctx.today)  # overdue: from today, never into the past
    return next_working_day(facts.moved_by(base, m))


def _which_to_move(ctx: Ctx, items: list[Item], m: re.Match[str]) -> Out:
    """Two actions fit the words alike: one button each, with its new date."""
    rows = [
        [
            Button(
                f"📅 {clip(i.title(ctx.lang), 40)} → {fmt_date(d)}",
                encode("fact", i.key, d.isoformat()),
            )
        ]
        for i in items
        if (d := _pushed_to(ctx, i, m))
    ]
    return [Reply(ctx.t("action_move_which"), rows)]


def _without_count(text: str, m: re.Match[str]) -> str:
    """The sentence without the time it is put off by ("push the scope statement by 2 weeks"
    keeps "the scope statement")."""
    count = "n_en" if m.group("n_en") else "n"
    return text[: m.start(count)] + " " + text[m.end() :]


def card_put_off(ctx: Ctx, text: str) -> Out | None:
    """ "下周再弄吧", "push it 2 weeks", "过完年再说" under the card of one item ("what's
    next"): that item's new date read back. Naming another action is left to ``recognise``."""
    p = ctx.pending
    cb = decode(p.data.get("data", "")) if p is not None and p.flow == OFFER else None
    if cb is None or cb.verb != "evt.done" or not cb.args or len(text) > MAX_LEN:
        return None
    item = timeline_of(ctx).get(cb.args[0])
    if item is None or item.done or _DONE.search(text):
        return None
    if looks_like_question(text) and not _PUSH.search(text):  # "can we push it 2 weeks?"
        return None
    if facts.names_event(text):  # "internal audit on Jan 11, the review two weeks later"
        return None
    said = _without_count(text, m) if (m := _PUSH.search(text)) else text
    open_actions = plan_actions(ctx)
    named = fit_items(said, open_actions, ctx.kb)
    if named and item not in named:  # "把台账往后推两周" under another card: not this one
        return None
    if _STILL.search(text) and not _AHEAD.search(text):  # "还在弄": under way, due date kept
        line = f"• {fmt_date(item.on)} · {item.title(ctx.lang)}"
        return [ctx.reply("actions_still_noted", titles=line)]
    if m is not None:  # from its date, or from today when overdue
        return _move_read_back(
            ctx, item, next_working_day(facts.moved_by(max(item.on, ctx.today), m))
        )
    if not _AHEAD.search(text):
        return None
    return _moved(ctx, item, text)


def _moved(ctx: Ctx, action: Item, text: str) -> Out | None:
    """ "风险清单下周做": its due date moves there (the end of a period named), if one is said."""
    when = find_date(text, ctx.today, "future", "end")
    if when is None or when < ctx.today:
        return None
    # "下周" ends on a Sunday: the Friday
    return _move_read_back(ctx, action, max(previous_working_day(when), ctx.today))


def _move_read_back(ctx: Ctx, action: Item, when: date) -> Out:
    """ "Move X to <date>?": one tap, "对" or "yes" moves it."""
    button = ctx.button("action_move_yes", "fact", action.key, when.isoformat())
    reply = ctx.reply(
        "action_move_confirm", [[button]], title=action.title(ctx.lang), date=fmt_date(when)
    )
    reply.offer = button.data
    return [reply]


def plan_actions(ctx: Ctx) -> list[Item]:
    """The plan's open actions as /plan lists them."""
    return [i for i in timeline_of(ctx).open_items() if i.key.startswith("action:")]


def fitting(said: str, items: list[Item], kb: Knowledge | None = None) -> Item | None:
    """The one of ``items`` that ``said`` names ("the project IP search thing"), or None."""
    leaders = fit_items(said, items, kb)
    return leaders[0] if len(leaders) == 1 else None


# A word that names one action first, and another only by its other words
_GENERIC = {"台账": "D03", "ledger": "D03", "the ledger": "D03"}


def fit_items(said: str, items: list[Item], kb: Knowledge | None = None) -> list[Item]:
    """The items whose titles fit what ``said`` names: [] when none fits, the one called so
    by owners or clearly ahead, or the two best when they fit alike."""
    roles = roles_in(said)
    named = _named(without_roles(said))
    if not named:
        return []
    first = _GENERIC.get(named)
    if first is not None and not any(i.question_id == first for i in items):
        # "台账" is first of all the IP ledger: with that not in the plan (answered yes), the
        # nonconformity log is not guessed instead
        return []
    if kb is not None and (qid := _callings(kb).get(named)) is not None:
        called = [i for i in items if i.question_id == qid]
        if called:
            return called[:1]  # "方针" is the policy, not its awareness sessions
    if kb is not None and len(qids := called_questions(kb, said)) == 1:
        # inside a sentence ("we appointed Li as management rep last week")
        called = [i for i in items if i.question_id == qids[0]]
        if called:
            return called[:1]
    leaders = _fitting_titles(named, items)
    if len(leaders) > 1 and roles:
        owned = [i for i in leaders if i.owner_en in roles]
        if len(owned) == 1:
            return owned  # "合同人事还在弄": HR's contracts, not the contract review
    return leaders


def _fitting_titles(named: str, items: list[Item]) -> list[Item]:
    scored = sorted(
        ((max(_fit(named, i.title_zh), _fit(named, i.title_en)), i) for i in items),
        key=lambda pair: -pair[0],
    )
    if not scored or scored[0][0] < _MIN_FIT:
        return []
    if len(scored) > 1 and scored[0][0] - scored[1][0] < _MIN_LEAD:
        return [scored[0][1], scored[1][1]]
    return [scored[0][1]]
