"""Getting to know the company: a few questions that place it on the journey."""

from __future__ import annotations

from flows import position
from flows.callbacks import encode
from flows.context import Ctx
from flows.dates import DateError, parse_date
from flows.phrasing import looks_like_question
from flows.registry import Command, Flow, Input, Verb
from flows.state import Stage
from flows.types import LANGS, PROMPT, SHOW_NEXT, Button, Out, Reply

MAX_NAME = 120
MAX_HEADCOUNT = 1_000_000
MAX_SITES = 1_000
INPUT = "onboarding"
CERT_INPUT = "certificate"  # declared by flows.certificate; asked after a "certified" answer

# Option values per question; labels are texts "opt_<field>_<value>" in the catalogue.
CHOICES: dict[str, tuple[str, ...]] = {
    "headcount": ("10", "50", "200", "500", "1000"),
    "industry": ("manufacturing", "electronics", "software", "biomed", "chemicals", "services",
                 "other"),
    "sites": ("1", "2", "3", "4"),
    "stage": tuple(s.value for s in Stage),
}  # fmt: skip
ORDER = ("name", "headcount", "industry", "sites", "stage")
FOLLOW_UPS = ("since",)  # asked after the stage when it says the system is running


def option_label(ctx: Ctx, fieldname: str, value: str) -> str:
    return ctx.t(f"opt_{fieldname}_{value}")


# --- asking -------------------------------------------------------------------------------


def ask(ctx: Ctx) -> Out:
    """The pending onboarding question (the first unanswered one when none is set)."""
    p = ctx.pending
    fieldname = p.field if p and p.flow == INPUT and p.field else first_missing(ctx)
    ctx.wait_for(INPUT, fieldname)
    buttons: list[list[Button]] = []
    if fieldname in CHOICES:
        opts = CHOICES[fieldname]
        per_row = 1 if fieldname == "stage" else 2 if len(opts) > 4 else len(opts)
        flat = [Button(option_label(ctx, fieldname, v), encode("ob", fieldname, v)) for v in opts]
        buttons = [flat[i : i + per_row] for i in range(0, len(flat), per_row)]
    return [ctx.reply(f"ask_{fieldname}", buttons)]


def first_missing(ctx: Ctx) -> str:
    c = ctx.company
    values = {"name": c.name, "headcount": c.headcount, "industry": c.industry,
              "sites": c.sites, "stage": c.stage}  # fmt: skip
    return next((f for f in ORDER if not values[f]), "stage")


def _ask_next(ctx: Ctx, fieldname: str) -> Out:
    ctx.wait_for(INPUT, fieldname)
    return [PROMPT]


def _record(ctx: Ctx, fieldname: str, label: str) -> Reply:
    """The question message rewritten with the choice, so the chat reads as a record."""
    text = ctx.t("answered", question=ctx.t(f"ask_{fieldname}"), answer=label)
    return Reply(text, edit=True, record=True)


# --- answers ------------------------------------------------------------------------------


def pressed(ctx: Ctx, fieldname: str, value: str) -> Out | None:
    p = ctx.pending
    if p is None or p.flow != INPUT or p.field != fieldname or value not in CHOICES[fieldname]:
        return None
    return [
        _record(ctx, fieldname, option_label(ctx, fieldname, value)),
        *take(ctx, fieldname, value),
    ]


def typed(ctx: Ctx, text: str) -> Out | None:
    p = ctx.pending
    assert p is not None
    fieldname = p.field or first_missing(ctx)
    if fieldname in ("name", "industry", "since") and looks_like_question(text):
        return None  # a question asked on the way: answered, then the question comes back
    if fieldname in ("stage",):
        value = _typed_choice(ctx, fieldname, text)
        return take(ctx, fieldname, value) if value else None
    return take(ctx, fieldname, text)


def _typed_choice(ctx: Ctx, fieldname: str, text: str) -> str | None:
    """A typed choice: its number in the list, its value, or its label in either language."""
    options = CHOICES[fieldname]
    s = text.strip().lower()
    if s.isdigit():
        i = int(s) - 1
        return options[i] if 0 <= i < len(options) else None
    for value in options:
        labels = {ctx.texts.t(lang, f"opt_{fieldname}_{value}").lower() for lang in LANGS}
        if s == value.lower() or s in labels:
            return value
    return None


def take(ctx: Ctx, fieldname: str, value: str) -> Out:
    """Store one onboarding answer (typed or tapped) and ask the next question."""
    handler = _HANDLERS.get(fieldname)
    if handler is None:
        return _ask_next(ctx, "name")
    ctx.user.lang_chosen = True  # answering in the language shown accepts it: no more asking
    return handler(ctx, value.strip())


def _name(ctx: Ctx, v: str) -> Out:
    name = " ".join(v.split())
    if not 1 <= len(name) <= MAX_NAME:
        return [ctx.reply("bad_name"), PROMPT]
    ctx.company.name = name
    return _ask_next(ctx, "headcount")


def _number(v: str, maximum: int) -> int | None:
    digits = v.replace(",", "").replace("人", "").replace("+", "").strip()
    if not digits.isdigit():
        return None
    n = int(digits)
    return n if 1 <= n <= maximum else None


def _headcount(ctx: Ctx, v: str) -> Out:
    n = _number(v, MAX_HEADCOUNT)
    if n is None:
        return [ctx.reply("bad_number", max=MAX_HEADCOUNT), PROMPT]
    ctx.company.headcount = n
    return _ask_next(ctx, "industry")


def _industry(ctx: Ctx, v: str) -> Out:
    name = " ".join(v.split())[:MAX_NAME]
    if not name:
        return [PROMPT]
    ctx.company.industry = _typed_choice(ctx, "industry", name) or name
    return _ask_next(ctx, "sites")


def _sites(ctx: Ctx, v: str) -> Out:
    n = _number(v, MAX_SITES)
    if n is None:
        return [ctx.reply("bad_number", max=MAX_SITES), PROMPT]
    ctx.company.sites = n
    return _ask_next(ctx, "stage")


def _stage(ctx: Ctx, v: str) -> Out:
    try:
        stage = Stage(v)
    except ValueError:
        return [PROMPT]
    ctx.company.stage = stage
    if stage in (Stage.RUNNING, Stage.APPLIED, Stage.AUDITED):
        return _ask_next(ctx, "since")
    return finish(ctx)


def _since(ctx: Ctx, v: str) -> Out:
    try:
        d = parse_date(v)
    except DateError as exc:
        return [ctx.reply(f"bad_date_{exc.reason}"), PROMPT]
    if d > ctx.today:
        return [ctx.reply("date_in_future"), PROMPT]
    ctx.company.system_start = d
    return finish(ctx)


_HANDLERS = {
    "name": _name,
    "headcount": _headcount,
    "industry": _industry,
    "sites": _sites,
    "stage": _stage,
    "since": _since,
}


def back(ctx: Ctx) -> Out:
    p = ctx.pending
    fieldname = p.field if p else ""
    if fieldname in ORDER:
        i = ORDER.index(fieldname)
        fieldname = ORDER[i - 1] if i else fieldname
    else:
        fieldname = "stage"  # every follow-up question comes after the stage
    return _ask_next(ctx, fieldname)


def finish(ctx: Ctx) -> Out:
    rules = ctx.kb.rules.practice.reminders
    ctx.clear_pending()
    ctx.company.onboarded = True
    ctx.company.timezone = ctx.options.default_timezone or rules.default_timezone
    hour = ctx.options.default_reminder_hour
    ctx.company.reminder_hour = hour if hour is not None else rules.default_hour
    stage = ctx.company.stage or Stage.NOT_STARTED
    position.place(ctx, stage)
    out: Out = [ctx.reply("onboarded", company=ctx.company.name)]
    if stage is Stage.CERTIFIED:
        ctx.wait_for(CERT_INPUT, "edition")
        return [*out, PROMPT]
    return [*out, ctx.reply("stage_phase", phase=position.current_phase_title(ctx)), SHOW_NEXT]


# --- /start -------------------------------------------------------------------------------


def start(ctx: Ctx, _: str) -> Out:
    if ctx.company.onboarded:
        back_msg = ctx.reply(
            "welcome_back", company=ctx.company.name, phase=position.current_phase_title(ctx)
        )
        return [back_msg, PROMPT]
    out: Out = []
    if not ctx.user.lang_chosen:
        buttons = [[Button("中文", encode("lang", "zh")), Button("English", encode("lang", "en"))]]
        out.append(Reply(f"{ctx.t('welcome')}\n{ctx.t('lang_switch_hint')}", buttons))
    else:
        out.append(ctx.reply("welcome"))
    p = ctx.pending
    if p is None or p.flow != INPUT:
        ctx.wait_for(INPUT, first_missing(ctx))
    return [*out, PROMPT]


FLOW = Flow(
    "onboarding",
    commands=(Command("start", start),),
    verbs=(Verb("ob", pressed, arity=2, needs_company=False),),
    inputs=(Input(INPUT, ask, take=typed, back=back, resumable=True),),
)
