"""Views over all of a user's companies: /mine (assigned to me) and /companies (overview).

The commands return effects; the service loads the user's companies through their
memberships (``storage.workspace``) and renders them here, purely. Each company is seen
with a ``Ctx`` of its own, so "today" and "overdue" follow its timezone. Buttons are bound
to their company: pressing one works on that company (and makes it the current one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows import plan, schedule
from flows.callbacks import encode, scope
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.registry import Command, Flow
from flows.scoring import readiness
from flows.state import Company, CompanyRef, Conversation, DatedEvent, User
from flows.types import Button, Reply
from flows.workspace_effects import ShowMine, ShowOverview
from knowledge.loader import Knowledge
from knowledge.texts import Catalogue

OVERDUE_WINDOW_DAYS = 90  # older missed dates (other than plan actions) are history
OVERVIEW_SHOWN = 20  # companies on one screen (Telegram messages hold 4,096 characters)
MINE_SHOWN = 10  # items with a button


@dataclass(frozen=True)
class Loaded:
    """One of the user's companies, loaded through their membership."""

    ref: CompanyRef
    company: Company


def _ctx(user: User, company: Company, kb: Knowledge, now: datetime, texts: Catalogue) -> Ctx:
    return Ctx(Conversation(user=user, company=company), kb, now, texts=texts)


def _name(ctx: Ctx) -> str:
    return ctx.company.name or ctx.t("ws_unnamed")


# --- /companies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    ctx: Ctx  # the company's own context
    ref: CompanyRef
    at_risk: bool
    overdue: int
    coming: DatedEvent | None


def _open_events(ctx: Ctx) -> list[DatedEvent]:
    events = schedule.all_events(ctx.company, ctx.kb.rules, ctx.kb.journey)
    return [e for e in events if not e.done]


def _overdue(ctx: Ctx, events: list[DatedEvent]) -> list[DatedEvent]:
    since = ctx.today - timedelta(days=OVERDUE_WINDOW_DAYS)
    return [
        e for e in events if e.on < ctx.today and (e.key.startswith("action:") or e.on >= since)
    ]


def certificate_at_risk(ctx: Ctx, overdue: list[DatedEvent]) -> bool:
    """Expired or superseded, an audit of its cycle missed, or expiry so close that the
    recertification should be under way and is not done."""
    cert = ctx.company.certificate
    if cert is None:
        return False
    if cert.edition != "2023" or cert.expires < ctx.today:
        return True
    if any(e.kind == "surveillance" or e.kind.startswith("recert") for e in overdue):
        return True
    months = max(ctx.kb.rules.recert_milestones_months.values(), default=6)
    return cert.expires <= add_months(ctx.today, months) and (
        "maint.recert" not in ctx.company.steps_done
    )


def summarize(ctx: Ctx, ref: CompanyRef) -> Summary:
    events = _open_events(ctx)
    overdue = _overdue(ctx, events)
    coming = min((e for e in events if e.on >= ctx.today), key=lambda e: e.on, default=None)
    return Summary(ctx, ref, certificate_at_risk(ctx, overdue), len(overdue), coming)


def _line(s: Summary, n: int, current: bool) -> str:
    ctx, company, kb = s.ctx, s.ctx.company, s.ctx.kb
    ready = readiness(company.answers, kb.questions, kb.rules).overall
    if company.onboarded:
        phase = kb.phase_of(company.current_step or kb.step_order[-1]).title.get(ctx.lang)
    else:
        phase = ctx.t("ws_not_set_up")
    cert = company.certificate
    return ctx.t(
        "ws_overview_line",
        mark="👉 " if current else "",
        n=n,
        company=_name(ctx),
        role=ctx.t(f"ws_role_{s.ref.role}"),
        phase=phase,
        readiness=f"{ready}%" if ready is not None else "—",
        next=f"{fmt_date(s.coming.on)} {_title(ctx, s.coming)}" if s.coming else "—",
        overdue=s.overdue,
        cert=ctx.t("ws_overview_cert", expires=fmt_date(cert.expires)) if cert else "",
        risk=ctx.t("ws_overview_risk") if s.at_risk else "",
    )


def _title(ctx: Ctx, event: DatedEvent) -> str:
    own = event.title_zh if ctx.lang == "zh" else event.title_en
    return own or schedule.reminder_kind(ctx.kb.rules, event.kind).title.get(ctx.lang)


def overview(
    user: User,
    current_id: int | None,
    companies: list[Loaded],
    kb: Knowledge,
    now: datetime,
    texts: Catalogue,
) -> Reply:
    """Every company of the user, the ones needing attention first: certificate at risk,
    then most overdue, then the nearest deadline."""
    me = _ctx(user, Company(), kb, now, texts)
    summaries = [summarize(_ctx(user, c.company, kb, now, texts), c.ref) for c in companies]
    summaries.sort(key=lambda s: (not s.at_risk, -s.overdue, s.coming.on if s.coming else date.max))
    shown = summaries[:OVERVIEW_SHOWN]
    lines = [me.t("ws_overview_head", n=len(summaries))]
    buttons: list[list[Button]] = []
    for n, s in enumerate(shown, 1):
        lines += ["", _line(s, n, s.ref.id == current_id)]
        label = me.t("ws_switch_btn", n=n, company=_name(s.ctx))
        buttons.append([Button(label, scope(encode("ws.switch"), s.ref.id))])
    if len(summaries) > len(shown):
        lines += ["", me.t("ws_overview_more", n=len(summaries) - len(shown))]
    lines += ["", me.t("ws_overview_hint")]
    buttons.append([me.button("ws_new_btn", "ws.new")])
    return Reply("\n".join(lines), buttons)


# --- /mine ----------------------------------------------------------------------------------


def _late(ctx: Ctx, due: date) -> str:
    return ctx.t("ws_mine_late", days=(ctx.today - due).days) if due < ctx.today else ""


def _company_items(
    ctx: Ctx, user_id: int, first: int, buttons: list[list[Button]]
) -> tuple[list[str], int]:
    """One company's lines of /mine (its actions, then its steps) and the next number."""
    company, n, lines = ctx.company, first, []
    actions = [a for a in plan.open_actions(company.actions) if a.assignee_id == user_id]
    steps = [
        s for s, uid in company.assignees.items()
        if uid == user_id and s in ctx.kb.steps and s not in company.steps_done
    ]  # fmt: skip
    for a in actions:
        title = plan.title_of(ctx, a)
        lines.append(
            ctx.t("ws_mine_action", n=n, due=fmt_date(a.due), title=title, late=_late(ctx, a.due))
        )
        if len(buttons) < MINE_SHOWN:
            done = scope(encode("evt.done", f"action:{a.id}"), company.id or 0)
            buttons.append([Button(f"✅ {n}", done)])
        n += 1
    for step_id in steps:
        step = ctx.kb.steps[step_id]
        phase = ctx.kb.phase_of(step_id).title.get(ctx.lang)
        lines.append(ctx.t("ws_mine_step", n=n, step=step.title.get(ctx.lang), phase=phase))
        if len(buttons) < MINE_SHOWN:
            buttons.append([Button(f"🧭 {n}", scope(encode("step", step_id), company.id or 0))])
        n += 1
    return lines, n


def mine(
    user: User, companies: list[Loaded], kb: Knowledge, now: datetime, texts: Catalogue
) -> Reply:
    """What is assigned to ``user``, company by company."""
    me = _ctx(user, Company(), kb, now, texts)
    lines, n = [me.t("ws_mine_head")], 1
    buttons: list[list[Button]] = []
    for loaded in companies:
        ctx = _ctx(user, loaded.company, kb, now, texts)
        items, n = _company_items(ctx, user.id or 0, n, buttons)
        if items:
            lines += ["", ctx.t("ws_mine_company", company=_name(ctx)), *items]
    if n == 1:
        alone = all(len(loaded.company.members) <= 1 for loaded in companies)
        return Reply(me.t("ws_mine_solo" if alone else "ws_mine_empty"))  # a sole owner: all theirs
    return Reply("\n".join(lines), buttons)


FLOW = Flow(
    "workspace_views",
    commands=(
        Command("mine", lambda ctx, _: [ShowMine()], right="user"),
        Command("companies", lambda ctx, _: [ShowOverview()], right="user"),
    ),
)
