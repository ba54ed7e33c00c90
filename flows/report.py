"""/report: the readiness report someone hands to their boss or certification body.

Pure: ``build_report`` turns the saved state and the knowledge into a ``ReportModel`` in the
user's language; the service renders it (``SendReport`` effect) as a PDF, or as the readiness
chart alone (the chart button of /status).
"""

from __future__ import annotations

from datetime import date, timedelta

from flows import certificate, nextstep, plan, schedule
from flows.assessment import chapter_title, to_clarify
from flows.context import Ctx, fmt_date
from flows.position import current_phase_title
from flows.registry import Command, Flow, Verb
from flows.report_model import (
    ChapterScore,
    ClarifyLine,
    DateLine,
    GapLine,
    PlanLine,
    ReportModel,
)
from flows.scoring import Readiness, gaps, readiness
from flows.state import Action, DatedEvent
from flows.team import assignee_name
from flows.types import Out, SendReport
from knowledge.answers import cite

RECENT_DAYS = 90  # missed dates older than this are history, not something to show
DATES_SHOWN = 15
MILESTONE_ACTIONS = "action:rule:"  # the plan's internal audit, management review, application
# Texts the renderer shows as they are (headings, column names, notes), filled with
# ``{pct}`` (the weak-chapter threshold); "rp_page" is left for the renderer to number.
LABELS = (
    "rp_title", "rp_h_readiness", "rp_col_chapter", "rp_col_readiness", "rp_col_status",
    "rp_weak", "rp_ok", "rp_na", "rp_h_gaps", "rp_gaps_intro", "rp_col_gap",
    "rp_col_evidence", "rp_no_gaps", "rp_h_plan", "rp_col_due", "rp_col_action",
    "rp_col_owner", "rp_col_state", "rp_no_plan", "rp_h_dates", "rp_col_date",
    "rp_col_event", "rp_no_dates", "rp_h_clarify", "rp_clarify_intro", "rp_no_clarify",
    "rp_disclaimer", "rp_chart_title", "rp_chart_threshold",
)  # fmt: skip
TEMPLATES = ("rp_page",)


def _pct(ctx: Ctx, value: int | None) -> str:
    return f"{value}%" if value is not None else ctx.t("rp_na")


def _profile(ctx: Ctx) -> str:
    c = ctx.company
    parts = []
    if c.headcount is not None:
        parts.append(ctx.t("rp_headcount", n=c.headcount))
    if c.industry:
        key = f"opt_industry_{c.industry}"
        parts.append(ctx.t(key) if key in ctx.texts.keys(ctx.lang) else c.industry)
    if c.sites is not None:
        parts.append(ctx.t("rp_sites", n=c.sites))
    return " · ".join(parts)


def _chapters(ctx: Ctx, ready: Readiness) -> tuple[ChapterScore, ...]:
    return tuple(ChapterScore(ch, chapter_title(ctx, ch), p) for ch, p in ready.chapters.items())


def _gaps(ctx: Ctx) -> tuple[GapLine, ...]:
    lang, company = ctx.lang, ctx.company
    planned = {a.question_id: a.due for a in company.actions if a.question_id and not a.done_on}
    fixed = {a.question_id: a.done_on for a in company.actions if a.question_id and a.done_on}
    out = []
    if company.certificate is not None:
        return ()  # certified: the assessment's gaps are history, the certificate says so
    for q, priority in gaps(company.answers, ctx.kb.questions, ctx.kb.rules):
        due = planned.get(q.id)
        closed = fixed.get(q.id)
        action = q.action.get(lang)
        when = ctx.t("rp_due", date=fmt_date(due)) if due else ""
        out.append(
            GapLine(
                priority=priority,
                priority_label=ctx.t(f"rp_prio_{priority}"),
                chapter=chapter_title(ctx, q.chapter),
                clauses=cite(ctx.kb, q.clauses, lang),
                requirement=q.text.get(lang),
                status=(
                    ctx.t("rp_status_fixed", date=fmt_date(closed))
                    if closed
                    else ctx.t(f"rp_status_{company.answers[q.id].value}")
                ),
                action=action,
                todo=ctx.t("rp_todo", action=action, due=when),
                evidence=q.evidence.get(lang),
                due=due,
            )
        )
    return tuple(out)


def _plan_line(ctx: Ctx, a: Action) -> PlanLine:
    role = (a.owner_role_zh if ctx.lang == "zh" else a.owner_role_en) or ctx.t("owner_you")
    overdue = a.done_on is None and a.due < ctx.today
    if a.done_on is not None:
        state = ctx.t("rp_state_done", date=fmt_date(a.done_on))
    else:
        state = ctx.t("rp_state_overdue" if overdue else "rp_state_open")
    return PlanLine(
        title=plan.title_of(ctx, a),
        owner_role=role,
        due=a.due,
        done_on=a.done_on,
        priority=a.priority,
        overdue=overdue,
        state=state,
        assignee=assignee_name(ctx.company, a.assignee_id) or "",
    )


def _plan(ctx: Ctx) -> tuple[PlanLine, ...]:
    """Open actions by due date, then the done ones (what is left matters most)."""
    actions = ctx.company.actions
    done = sorted((a for a in actions if a.done_on is not None), key=lambda a: a.due)
    return tuple(_plan_line(ctx, a) for a in [*plan.open_actions(actions), *done])


def _event_title(ctx: Ctx, ev: DatedEvent) -> str:
    own = ev.title_zh if ctx.lang == "zh" else ev.title_en
    return own or schedule.reminder_kind(ctx.kb.rules, ev.kind).title.get(ctx.lang)


def _is_certification_date(key: str) -> bool:
    """Audits, reviews, surveillance, expiry... and the plan's milestones; not every action."""
    return not key.startswith("action:") or key.startswith(MILESTONE_ACTIONS)


def _date_line(ctx: Ctx, on: date, title: str) -> DateLine:
    overdue = on < ctx.today
    text = ctx.t("rp_date_overdue", title=title) if overdue else title
    return DateLine(on, title, overdue, text)


def _dates(ctx: Ctx) -> tuple[DateLine, ...]:
    """Certification dates still to come, recent misses included, and the target date."""
    since = ctx.today - timedelta(days=RECENT_DAYS)
    lines = [
        _date_line(ctx, e.on, _event_title(ctx, e))
        for e in schedule.all_events(ctx.company, ctx.kb.rules)
        if not e.done and e.on >= since and _is_certification_date(e.key)
    ]
    target = ctx.company.target_date
    if target is not None and target >= ctx.today and ctx.company.certificate is None:
        lines.append(_date_line(ctx, target, ctx.t("rp_target")))
    lines.sort(key=lambda d: d.on)
    return tuple(lines[:DATES_SHOWN])


def _certificate(ctx: Ctx) -> tuple[str, str]:
    cert = ctx.company.certificate
    if cert is None:
        return "", ""
    text = ctx.t(
        "rp_cert_value",
        number=certificate.number_shown(ctx, cert),
        edition=f"GB/T 29490-{cert.edition}",
        issued=fmt_date(cert.issued),
        expires=fmt_date(cert.expires),
    )
    current = ctx.kb.editions.get(cert.edition)
    warning = "" if current is not None and current.current else ctx.t("rp_cert_superseded")
    return text, warning


def _clarify(ctx: Ctx) -> tuple[ClarifyLine, ...]:
    out = []
    for q in to_clarify(ctx):
        chapter, question = chapter_title(ctx, q.chapter), q.text.get(ctx.lang)
        text = ctx.t("rp_clarify_line", question=question, chapter=chapter)
        out.append(ClarifyLine(chapter, question, q.why.get(ctx.lang), text))
    return tuple(out)


def _summary(ctx: Ctx, ready: Readiness, lines: tuple[PlanLine, ...]) -> list[tuple[str, str]]:
    """The first page's (label, value) rows."""
    c = ctx.company
    edition = ctx.kb.current_edition.title.get(ctx.lang)
    phase = ctx.t(
        "rp_phase_value", phase=current_phase_title(ctx), pct=nextstep.overall_progress(ctx)
    )
    score = ctx.t(
        "rp_readiness_value",
        pct=_pct(ctx, ready.overall),
        answered=ready.answered,
        total=ready.total,
    )
    actions = ctx.t(
        "rp_actions_value",
        open=sum(1 for a in lines if a.done_on is None),
        overdue=sum(1 for a in lines if a.overdue),
        done=sum(1 for a in lines if a.done_on is not None),
    )
    rows = [
        (ctx.t("rp_company"), " · ".join(x for x in (c.name or "—", _profile(ctx)) if x)),
        (ctx.t("rp_standard"), f"{edition}\n{ctx.t('rp_standard_note')}"),
        (ctx.t("rp_phase"), phase),
        (ctx.t("rp_readiness"), score),
        (ctx.t("rp_target"), fmt_date(c.target_date) if c.target_date else "—"),
        (ctx.t("rp_actions"), actions),
    ]
    certificate, warning = _certificate(ctx)
    if certificate:
        rows.append((ctx.t("rp_cert"), f"{certificate}\n{warning}".strip()))
    return rows


def _captions(ctx: Ctx, ready: Readiness) -> tuple[str, str]:
    values = {
        "company": ctx.company.name or "—",
        "date": fmt_date(ctx.today),
        "pct": _pct(ctx, ready.overall),
    }
    return ctx.t("report_caption", **values), ctx.t("chart_caption", **values)


def _labels(ctx: Ctx) -> dict[str, str]:
    weak = ctx.kb.rules.practice.scoring.weak_chapter_pct
    labels = {key: ctx.t(key, pct=weak) for key in LABELS}
    labels.update({key: ctx.texts.t(ctx.lang, key) for key in TEMPLATES})
    labels["rp_made"] = ctx.t("rp_made", date=fmt_date(ctx.today), tz=ctx.company.timezone)
    return labels


def build_report(ctx: Ctx) -> ReportModel:
    kb, company = ctx.kb, ctx.company
    ready = readiness(company.answers, kb.questions, kb.rules)
    lines = _plan(ctx)
    caption, chart_caption = _captions(ctx, ready)
    return ReportModel(
        lang=ctx.lang,
        made_on=ctx.today,
        timezone=company.timezone,
        company=company.name or "—",
        standard=kb.current_edition.title.get(ctx.lang),
        phase=current_phase_title(ctx),
        progress_pct=nextstep.overall_progress(ctx),
        overall=ready.overall,
        answered=ready.answered,
        total=ready.total,
        weak_pct=kb.rules.practice.scoring.weak_chapter_pct,
        chapters=_chapters(ctx, ready),
        gaps=_gaps(ctx),
        plan=lines,
        target_date=company.target_date,
        certificate=company.certificate is not None,
        dates=_dates(ctx),
        clarify=_clarify(ctx),
        summary=tuple(_summary(ctx, ready, lines)),
        caption=caption,
        chart_caption=chart_caption,
        labels=_labels(ctx),
    )


# --- commands and buttons ---------------------------------------------------------------------


def report_command(ctx: Ctx, _: str = "") -> Out:
    return [SendReport(build_report(ctx))]


def chart_pressed(ctx: Ctx) -> Out:
    """The readiness chart as an image; before any answer, the way to get one."""
    model = build_report(ctx)
    if model.overall is None:
        return [ctx.reply("chart_empty", [[ctx.button("start_assess", "as.start")]])]
    return [SendReport(model, chart_only=True)]


FLOW = Flow(
    "report",
    commands=(Command("report", report_command, needs_company=True),),
    verbs=(
        Verb("rp.pdf", lambda ctx: report_command(ctx)),
        Verb("rp.chart", chart_pressed),
    ),
)
