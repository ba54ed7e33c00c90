"""Getting to know the company: a few questions that place it on the journey."""

from __future__ import annotations

from datetime import date

from flows.context import Ctx, fmt_date
from flows.dates import DateError, default_expiry, parse_date
from flows.state import Certificate, Stage
from flows.types import Button, Reply

MAX_NAME = 120
MAX_HEADCOUNT = 1_000_000
MAX_SITES = 1_000

# Choice lists are data: (stored value, Chinese label, English label).
HEADCOUNT_CHOICES = [("10", "≤10 人", "≤10"), ("50", "11–50 人", "11–50"),
                     ("200", "51–200 人", "51–200"), ("500", "201–500 人", "201–500"),
                     ("1000", "500 人以上", "500+")]  # fmt: skip
INDUSTRY_CHOICES = [
    ("manufacturing", "制造业", "Manufacturing"),
    ("electronics", "电子/通信", "Electronics / telecom"),
    ("software", "软件/互联网", "Software / internet"),
    ("biomed", "医药/生物", "Pharma / biotech"),
    ("chemicals", "化工/材料", "Chemicals / materials"),
    ("services", "服务业", "Services"),
    ("other", "其他", "Other"),
]
SITES_CHOICES = [("1", "1", "1"), ("2", "2", "2"), ("3", "3", "3"), ("4", "4+", "4+")]
STAGE_CHOICES = [
    (Stage.NOT_STARTED.value, "还没开始", "Not started yet"),
    (Stage.BUILDING.value, "正在建立体系", "Building the system"),
    (Stage.RUNNING.value, "体系已在运行", "System already running"),
    (Stage.APPLIED.value, "已向认证机构申请", "Applied to a certification body"),
    (Stage.AUDITED.value, "已经审核过", "Audit done, awaiting decision"),
    (Stage.CERTIFIED.value, "已获证", "Certified"),
]
EDITION_CHOICES = [("2023", "GB/T 29490-2023", "GB/T 29490-2023"),
                   ("2013", "GB/T 29490-2013", "GB/T 29490-2013")]  # fmt: skip

# The step each stage starts from; every step before it counts as done.
STAGE_START_STEP = {
    Stage.NOT_STARTED: "prep.learn",
    Stage.BUILDING: "impl.establish",
    Stage.RUNNING: "impl.operate",
    Stage.APPLIED: "appl.review",
    Stage.AUDITED: "audit.report",
    Stage.CERTIFIED: "maint.improve",
}
# Steps that stay open even when the stage is past them: readiness is worth checking.
KEEP_OPEN = {"prep.assess", "prep.plan"}

CHOICES = {
    "headcount": HEADCOUNT_CHOICES,
    "industry": INDUSTRY_CHOICES,
    "sites": SITES_CHOICES,
    "stage": STAGE_CHOICES,
    "edition": EDITION_CHOICES,
}
PROMPTS = {
    "name": "ask_name",
    "headcount": "ask_headcount",
    "industry": "ask_industry",
    "sites": "ask_sites",
    "stage": "ask_stage",
    "since": "ask_since",
    "edition": "ask_edition",
    "cert_number": "ask_cert_number",
    "cert_issued": "ask_cert_issued",
    "cert_expires": "ask_cert_expires",
}
ORDER = ["name", "headcount", "industry", "sites", "stage"]


def ask(ctx: Ctx, fieldname: str, **data: str) -> Reply:
    keep = (
        ctx.user.pending.data if ctx.user.pending and ctx.user.pending.flow == "onboarding" else {}
    )
    ctx.wait_for("onboarding", fieldname, **{**keep, **data})
    lang_col = 1 if ctx.lang == "zh" else 2
    buttons: list[list[Button]] = []
    if fieldname in CHOICES:
        opts = CHOICES[fieldname]
        per_row = 1 if fieldname == "stage" else 2 if len(opts) > 4 else len(opts)
        flat = [Button(o[lang_col], f"ob:{fieldname}:{o[0]}") for o in opts]
        buttons = [flat[i : i + per_row] for i in range(0, len(flat), per_row)]
    if fieldname == "cert_expires":
        issued = date.fromisoformat(ctx.user.pending.data["issued"]) if ctx.user.pending else None
        years = ctx.kb.rules.certificate_validity_years
        default = default_expiry(issued, years) if issued else None
        if default:
            buttons = [[Button(fmt_date(default), f"ob:cert_expires:{fmt_date(default)}")]]
        return ctx.reply(
            PROMPTS[fieldname], buttons, years=years, default=fmt_date(default) if default else ""
        )
    return ctx.reply(PROMPTS[fieldname], buttons)


def answered(ctx: Ctx, fieldname: str, value: str) -> Reply:
    """The question message rewritten with the choice, so the chat reads as a record."""
    col = 1 if ctx.lang == "zh" else 2
    label = next((o[col] for o in CHOICES.get(fieldname, []) if o[0] == value), value)
    years = ctx.kb.rules.certificate_validity_years
    p = ctx.user.pending
    issued = p.data.get("issued") if p else None
    default = fmt_date(default_expiry(date.fromisoformat(issued), years)) if issued else ""
    question = ctx.t(PROMPTS[fieldname], years=years, default=default)
    return Reply(ctx.t("answered", question=question, answer=label), edit=True)


def begin(ctx: Ctx) -> list[Reply]:
    return [ask(ctx, "name")]


def resume(ctx: Ctx) -> Reply:
    """Ask the first onboarding question still unanswered (after /cancel or a restart)."""
    p = ctx.user.pending
    if p is not None and p.flow == "onboarding" and p.field:
        return ask(ctx, p.field)
    c = ctx.company
    values = {"name": c.name, "headcount": c.headcount, "industry": c.industry,
              "sites": c.sites, "stage": c.stage}  # fmt: skip
    return ask(ctx, next((f for f in ORDER if not values[f]), "stage"))


def previous_field(fieldname: str) -> str | None:
    if fieldname in ORDER:
        i = ORDER.index(fieldname)
        return ORDER[i - 1] if i else None
    return "stage"  # every follow-up question comes after the stage


def take(ctx: Ctx, fieldname: str, value: str) -> list[Reply]:
    """Store one onboarding answer (typed or tapped) and ask the next question."""
    handler = _HANDLERS.get(fieldname)
    if handler is None:
        return [ask(ctx, "name")]
    return handler(ctx, value.strip())


def _name(ctx: Ctx, v: str) -> list[Reply]:
    name = " ".join(v.split())
    if not 1 <= len(name) <= MAX_NAME:
        return [ctx.reply("bad_name"), ask(ctx, "name")]
    ctx.company.name = name
    return [ask(ctx, "headcount")]


def _number(v: str, maximum: int) -> int | None:
    digits = v.replace(",", "").replace("人", "").replace("+", "").strip()
    if not digits.isdigit():
        return None
    n = int(digits)
    return n if 1 <= n <= maximum else None


def _headcount(ctx: Ctx, v: str) -> list[Reply]:
    n = _number(v, MAX_HEADCOUNT)
    if n is None:
        return [ctx.reply("bad_number", max=MAX_HEADCOUNT), ask(ctx, "headcount")]
    ctx.company.headcount = n
    return [ask(ctx, "industry")]


def _industry(ctx: Ctx, v: str) -> list[Reply]:
    name = " ".join(v.split())[:MAX_NAME]
    if not name:
        return [ask(ctx, "industry")]
    ctx.company.industry = name
    return [ask(ctx, "sites")]


def _sites(ctx: Ctx, v: str) -> list[Reply]:
    n = _number(v, MAX_SITES)
    if n is None:
        return [ctx.reply("bad_number", max=MAX_SITES), ask(ctx, "sites")]
    ctx.company.sites = n
    return [ask(ctx, "stage")]


def _stage(ctx: Ctx, v: str) -> list[Reply]:
    try:
        stage = Stage(v)
    except ValueError:
        return [ask(ctx, "stage")]
    ctx.company.stage = stage
    if stage in (Stage.RUNNING, Stage.APPLIED, Stage.AUDITED):
        return [ask(ctx, "since")]
    if stage is Stage.CERTIFIED:
        return [ask(ctx, "edition")]
    return finish(ctx)


def _date(ctx: Ctx, v: str, fieldname: str, *, past: bool) -> date | list[Reply]:
    try:
        d = parse_date(v)
    except DateError as exc:
        return [ctx.reply(f"bad_date_{exc.reason}"), ask(ctx, fieldname)]
    if past and d > ctx.today:
        return [ctx.reply("date_in_future"), ask(ctx, fieldname)]
    return d


def _since(ctx: Ctx, v: str) -> list[Reply]:
    d = _date(ctx, v, "since", past=True)
    if isinstance(d, list):
        return d
    ctx.company.system_start = d
    return finish(ctx)


def _edition(ctx: Ctx, v: str) -> list[Reply]:
    if v == "2013":
        # 2013 certificates ended on 2025-12-31: not a valid basis, start again on 2023.
        ctx.company.stage = Stage.NOT_STARTED
        return [ctx.reply("cert_2013"), *finish(ctx)]
    if v != "2023":
        return [ask(ctx, "edition")]
    return [ask(ctx, "cert_number")]


def _cert_number(ctx: Ctx, v: str) -> list[Reply]:
    number = " ".join(v.split())
    if not 1 <= len(number) <= 64:
        return [ask(ctx, "cert_number")]
    return [ask(ctx, "cert_issued", number=number)]


def _cert_issued(ctx: Ctx, v: str) -> list[Reply]:
    d = _date(ctx, v, "cert_issued", past=True)
    if isinstance(d, list):
        return d
    return [ask(ctx, "cert_expires", issued=fmt_date(d))]


def _cert_expires(ctx: Ctx, v: str) -> list[Reply]:
    pending = ctx.user.pending
    if pending is None or "issued" not in pending.data or "number" not in pending.data:
        return [ask(ctx, "cert_number")]
    d = _date(ctx, v, "cert_expires", past=False)
    if isinstance(d, list):
        return d
    issued = date.fromisoformat(pending.data["issued"])
    if d <= issued:
        return [ctx.reply("expiry_before_issue"), ask(ctx, "cert_expires")]
    ctx.company.certificate = Certificate(
        number=pending.data["number"],
        edition="2023",
        decision_date=issued,
        issued=issued,
        expires=d,
    )
    if ctx.company.onboarded:  # recorded later, at the decision step
        from flows.journey import certificate_recorded
        from flows.nextstep import next_replies

        ctx.clear_pending()
        return [*certificate_recorded(ctx), *next_replies(ctx)]
    ctx.company.stage = Stage.CERTIFIED
    return finish(ctx)


_HANDLERS = {
    "name": _name,
    "headcount": _headcount,
    "industry": _industry,
    "sites": _sites,
    "stage": _stage,
    "since": _since,
    "edition": _edition,
    "cert_number": _cert_number,
    "cert_issued": _cert_issued,
    "cert_expires": _cert_expires,
}


def place_on_journey(ctx: Ctx, stage: Stage) -> None:
    """Mark the steps before the stage's starting step done and set the phase."""
    start = STAGE_START_STEP[stage]
    order = ctx.kb.step_order
    before = order[: order.index(start)]
    done = set(ctx.company.steps_done)
    ctx.company.steps_done = [s for s in order if s in done or (s in before and s not in KEEP_OPEN)]
    if stage is Stage.CERTIFIED:
        ctx.company.steps_done = [s for s in order if s in before or s in done]
    ctx.company.current_step = start
    ctx.company.phase = ctx.kb.phase_of(start).id


def finish(ctx: Ctx) -> list[Reply]:
    from flows.journey import certificate_recorded
    from flows.nextstep import next_replies  # local: nextstep builds on every flow module

    ctx.clear_pending()
    ctx.company.onboarded = True
    ctx.company.timezone = ctx.options.default_timezone
    ctx.company.reminder_hour = ctx.options.default_reminder_hour
    place_on_journey(ctx, ctx.company.stage or Stage.NOT_STARTED)
    phase = ctx.kb.phase_of(ctx.company.current_step or ctx.kb.step_order[0])
    return [
        ctx.reply("onboarded", company=ctx.company.name),
        *certificate_recorded(ctx),
        ctx.reply("stage_phase", phase=phase.title.get(ctx.lang)),
        *next_replies(ctx),
    ]
