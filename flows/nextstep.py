"""\"What's next?\" and /status, computed from the saved state alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flows import assessment, dated, nonconformity, plan, schedule
from flows.context import Ctx, fmt_date, progress_bar
from flows.registry import Command, Flow, Verb
from flows.scoring import readiness
from flows.types import PROMPT, Button, Out, Reply

UPCOMING_SHOWN = 5
OVERDUE_WINDOW_DAYS = 90  # older missed dates are history, not the next thing to do


@dataclass
class NextAction:
    what: str
    why: str
    how: str
    by: date | None = None
    buttons: list[list[Button]] = field(default_factory=list)


def _step_next(ctx: Ctx, step_id: str) -> NextAction:
    step = ctx.kb.steps[step_id]
    lang = ctx.lang
    return NextAction(
        what=step.title.get(lang),
        why=step.what.get(lang),
        how=step.todo.get(lang),
        buttons=[[ctx.button("open_step", "step", step_id)]],
    )


def _open_ncs(ctx: Ctx) -> NextAction | None:
    open_ncs = sorted(nonconformity.open_ncs(ctx), key=lambda nc: nc.evidence_due)
    if not open_ncs:
        return None
    nc = open_ncs[0]
    step = ctx.kb.steps["audit.nonconformities"]
    return NextAction(
        what=nonconformity.line(ctx, nc),
        why=step.what.get(ctx.lang),
        how=step.todo.get(ctx.lang),
        by=nc.evidence_due,
        buttons=[
            [ctx.button("nc_close_btn", "nc.close", nc.id, n=nonconformity.number(nc))],
            [ctx.button("open_step", "step", "audit.nonconformities")],
        ],
    )


def _top_action(ctx: Ctx, overdue_only: bool) -> NextAction | None:
    actions = plan.open_actions(ctx.company.actions)
    if overdue_only:
        actions = [a for a in actions if a.due < ctx.today]
    else:
        actions.sort(key=lambda a: (a.priority, a.due))
    if not actions:
        return None
    a = actions[0]
    q = ctx.kb.question(a.question_id) if a.question_id else None
    lang = ctx.lang
    title = plan.title_of(ctx, a)
    owner = a.owner_role_zh if lang == "zh" else a.owner_role_en
    return NextAction(
        what=title + (ctx.t("owner_suffix", owner=owner) if owner else ""),
        why=q.why.get(lang) if q else ctx.t("show_plan"),
        how=q.evidence.get(lang) if q else title,
        by=a.due,
        buttons=[
            [
                ctx.button("mark_done_btn", "pl.done", a.id),
                ctx.button("enter_date_btn", "pl.date", a.id),
            ],
            [ctx.button("show_plan", "pl.show")],
        ],
    )


def _upcoming_event(ctx: Ctx) -> NextAction | None:
    # Recently missed dates first (the user may only need to confirm them), then the next one.
    recent = ctx.today - timedelta(days=OVERDUE_WINDOW_DAYS)
    events = [
        e
        for e in schedule.all_events(ctx.company, ctx.kb.rules)
        if not e.done and e.on >= recent and not e.key.startswith("action:")
    ]
    if not events:
        return None
    ev = min(events, key=lambda e: e.on)
    kind = schedule.reminder_kind(ctx.kb.rules, ev.kind)
    step_id = ev.step_id or kind.step_id
    buttons = [[ctx.button("mark_done_btn", "evt.done", ev.key),
                ctx.button("enter_date_btn", "evt.date", ev.key)]]  # fmt: skip
    if step_id in ctx.kb.steps:
        buttons.append([ctx.button("open_step", "step", step_id)])
    step = ctx.kb.steps.get(step_id or "")
    title = dated.event_title(ctx, ev.key)
    return NextAction(
        what=title,
        why=step.what.get(ctx.lang) if step else title,
        how=kind.prepare.get(ctx.lang),
        by=ev.on,
        buttons=buttons,
    )


def compute_next(ctx: Ctx) -> NextAction:
    """The single most important thing to do now, most urgent rule first."""
    for found in (_open_ncs(ctx), _top_action(ctx, overdue_only=True)):
        if found:
            return found
    early = ctx.company.phase in ("prep", "impl")
    if early and not assessment.quick_done(ctx):
        found = _step_next(ctx, "prep.assess")
        label = "continue_assess" if ctx.company.answers else "start_assess"
        found.buttons = [[ctx.button(label, "as.start")], *found.buttons]
        return found
    if early and not ctx.company.actions:
        found = _step_next(ctx, "prep.plan")
        found.buttons = [[ctx.button("make_plan", "pl.make")], *found.buttons]
        return found
    step_id = ctx.company.current_step
    if ctx.company.phase == "maint" and (upcoming := _upcoming_event(ctx)):
        return upcoming  # once certified, the next dated obligation is what matters
    if step_id is None:
        return _upcoming_event(ctx) or _step_next(ctx, "maint.improve")
    step = ctx.kb.steps[step_id]
    top = _top_action(ctx, False) if early else None
    if top and (step.kind != "dates" or _has_date(ctx, step_id)):
        return top
    found = _step_next(ctx, step_id)
    if step.kind == "dates" and step.event_kind and not _has_date(ctx, step_id):
        found.buttons.insert(0, [ctx.button("enter_date_btn", "evt.date", step.event_kind)])
    return found


def _has_date(ctx: Ctx, step_id: str) -> bool:
    kind = ctx.kb.steps[step_id].event_kind
    return kind is None or dated.event_date(ctx, kind) is not None


def overall_progress(ctx: Ctx) -> int:
    order = ctx.kb.step_order
    return round(100 * len(set(ctx.company.steps_done) & set(order)) / len(order))


def progress_line(ctx: Ctx) -> str:
    pct = overall_progress(ctx)
    phase = ctx.kb.phase_of(ctx.company.current_step or ctx.kb.step_order[-1])
    return ctx.t("progress_line", bar=progress_bar(pct), pct=pct, phase=phase.title.get(ctx.lang))


def show(ctx: Ctx) -> Out:
    """What's next, as a reply (onboarding first for a company not set up yet)."""
    if not ctx.company.onboarded:
        ctx.wait_for("onboarding")
        return [ctx.reply("need_onboarding"), PROMPT]
    n = compute_next(ctx)
    if n.by is None:
        by = ""
    elif n.by < ctx.today:
        by = ctx.t("overdue_by", date=fmt_date(n.by), days=(ctx.today - n.by).days)
    else:
        by = ctx.t("by", date=fmt_date(n.by))
    text = ctx.t("next", what=n.what, why=n.why, how=n.how, by=by)
    return [Reply(f"{text}\n\n{progress_line(ctx)}", n.buttons)]


def status(ctx: Ctx, _: str = "") -> Out:
    kb, lang, company = ctx.kb, ctx.lang, ctx.company
    done = set(company.steps_done)
    lines = [ctx.t("status_header", company=company.name or "—"), progress_line(ctx), ""]
    for phase in kb.journey.phases:
        ids = [s.id for s in phase.steps]
        pct = round(100 * len(done & set(ids)) / len(ids))
        marker = "👉 " if company.current_step in ids else "   "
        lines.append(
            ctx.t(
                "status_phase_line",
                marker=marker,
                phase=phase.title.get(lang),
                bar=progress_bar(pct),
                pct=pct,
            )
        )
    ready = readiness(company.answers, kb.questions, kb.rules)
    lines += [
        "",
        ctx.t(
            "status_readiness",
            answered=ready.answered,
            total=ready.total,
            pct=ready.overall if ready.overall is not None else 0,
        ),
    ]
    pending = plan.open_actions(company.actions)
    overdue = sum(1 for a in pending if a.due < ctx.today)
    lines.append(ctx.t("status_actions", open=len(pending), overdue=overdue))
    if company.certificate:
        c = company.certificate
        lines.append(ctx.t("status_cert", number=c.number, expires=fmt_date(c.expires)))
    upcoming = sorted(
        (e for e in schedule.all_events(company, kb.rules) if not e.done and e.on >= ctx.today),
        key=lambda e: e.on,
    )[:UPCOMING_SHOWN]
    if upcoming:
        dates = "\n".join(f"• {fmt_date(e.on)} {dated.event_title(ctx, e.key)}" for e in upcoming)
        lines += ["", ctx.t("status_dates", lines=dates)]
    else:
        lines += ["", ctx.t("status_no_dates")]
    buttons = [[ctx.button("next_btn", "next"), ctx.button("journey_btn", "journey")]]
    buttons.append([ctx.button("chart_btn", "rp.chart"), ctx.button("report_btn", "rp.pdf")])
    return [Reply("\n".join(lines), buttons)]


FLOW = Flow(
    "next",
    commands=(
        Command("next", lambda ctx, _: [PROMPT]),
        Command("status", status, needs_company=True),
    ),
    verbs=(Verb("next", lambda ctx: [PROMPT], needs_company=False),),
)
