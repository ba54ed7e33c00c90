"""\"What's next?\" and /status: views of the company's timeline.

"What's next" is one thing to do now, never two: a risk to the certificate first (however
long ago it was missed), else the outcome of an audit the certification body ran, else the
current step's next action; below it one line sums up whatever else is overdue, with a way to
review it and to mark it all done at once.
"""

from __future__ import annotations

from datetime import date

from flows import assessment, certificate, nonconformity, plan, preconditions, risks
from flows.context import Ctx, fmt_date, progress_bar
from flows.known import timeline_of
from flows.next_action import NextAction, item_next, outcome_next, step_next
from flows.position import current_phase_title
from flows.registry import Command, Flow, Verb
from flows.scoring import readiness
from flows.timeline import MILESTONES, Item, State, Timeline, state
from flows.timeline_cert import cycle_kinds
from flows.types import PROMPT, Button, Out, Reply

UPCOMING_SHOWN = 5
MAINTENANCE = "maint"
APPLY_STEPS = ("appl.choose_cb", "appl.submit")


def compute_next(ctx: Ctx, tl: Timeline | None = None) -> NextAction:
    """The single most important thing to do now."""
    tl = tl or timeline_of(ctx)
    found = risks.find(ctx, tl)
    if found:
        return risks.as_next(ctx, found[0])
    awaiting = [i for i in tl.items if state(i, ctx.today) is State.AWAITING]
    if awaiting:
        return outcome_next(ctx, awaiting[0])
    findings = [i for i in tl.open_items() if i.kind in ("nc_correction", "nc_evidence")]
    if findings:  # open nonconformities hold up the certificate: their deadline comes first
        return item_next(ctx, findings[0])
    return _on_the_way(ctx, tl)


def _on_the_way(ctx: Ctx, tl: Timeline) -> NextAction:
    early = ctx.company.phase in ("prep", "impl")
    if early and not assessment.quick_done(ctx):
        found = step_next(ctx, "prep.assess")
        label = "continue_assess" if ctx.company.answers else "start_assess"
        found.buttons = [[ctx.button(label, "as.start")], *found.buttons]
        return found
    if early and not any(not a.custom for a in ctx.company.actions):
        found = step_next(ctx, "prep.plan")
        found.buttons = [[ctx.button("make_plan", "pl.make")], *found.buttons]
        return found
    step_id = ctx.company.current_step
    if step_id is None or step_id.startswith("maint."):
        return _nearest(ctx, tl) or step_next(ctx, "maint.improve")
    if step_id in APPLY_STEPS and (open_ones := preconditions.problems(ctx)):
        return _precheck_next(ctx, open_ones)
    on_way = [i for i in tl.open_items() if _on_way(i)]
    mine = [i for i in on_way if i.step_id == step_id]
    if early and on_way:
        # Building the system, "what's next" is the plan's top: the earliest open item, even of
        # a step left open behind a milestone recorded early, or when the current step holds
        # nothing in the plan (training answered "yes" in the assessment).
        return item_next(ctx, min(on_way, key=lambda i: (i.on, i.key)))  # as /plan lists them
    if mine:  # applying and audited: this step's own items; the overdue rest is listed apart
        return item_next(ctx, min(mine, key=lambda i: (i.on, i.priority, i.key)))
    step = ctx.kb.steps[step_id]
    started = tl.get(step.event_kind or "")
    if started is not None and started.done:  # e.g. the system runs: the next date ahead
        ahead = [i for i in tl.open_items() if _on_way(i)]
        if ahead:
            return item_next(ctx, min(ahead, key=lambda i: (i.on, i.priority, i.key)))
    found = step_next(ctx, step_id)
    apply = tl.get("apply")
    if step.kind == "choose_cb" and apply is not None and not apply.done:
        found.by = apply.on  # the plan's application date: the body is chosen before it
        found.why += ctx.t("choose_cb_before_apply", date=fmt_date(apply.on))
    if step.kind == "dates" and step.event_kind and tl.get(step.event_kind) is None:
        found.buttons.insert(0, [ctx.button("enter_date_btn", "evt.date", step.event_kind)])
    if step.kind == "certificate":
        found.buttons.insert(0, [ctx.button("cert_btn", "cert.add")])
    return found


def _on_way(item: Item) -> bool:
    """An item of the plan: an action, a milestone, or the day the system starts running."""
    return item.key.startswith("action:") or item.key in MILESTONES or item.key == "system_start"


def _nearest(ctx: Ctx, tl: Timeline) -> NextAction | None:
    """Once certified: the nearest open date (a missed one first)."""
    items = [i for i in tl.open_items() if state(i, ctx.today) is not State.AWAITING]
    return item_next(ctx, items[0]) if items else None


def _precheck_next(ctx: Ctx, open_ones: list[preconditions.Condition]) -> NextAction:
    return NextAction(
        what=ctx.t("pre_next_what", n=len(open_ones)),
        why=ctx.t("pre_next_why"),
        how="\n".join(preconditions.lines(ctx, open_ones)),
        buttons=[
            *preconditions.buttons(ctx, open_ones),
            [ctx.button("pre_show_btn", "pre.show")],
        ],
    )


# --- what else is overdue -------------------------------------------------------------------


def overdue_rest(ctx: Ctx, tl: Timeline, shown: NextAction) -> list[Item]:
    """Missed items other than the one shown and the certificate risks."""
    risky = {r.item.key for r in risks.find(ctx, tl)}
    return [
        i
        for i in tl.items
        if state(i, ctx.today) is State.MISSED and i.key != shown.key and i.key not in risky
    ]


def overdue_guard(items: list[Item]) -> tuple[str, str]:
    """What the bulk button carries, so a stale press cannot complete a changed list."""
    return str(len(items)), min(i.on for i in items).strftime("%Y%m%d")


def bulk_done(items: list[Item]) -> list[Item]:
    """What one "all done" tap may complete: plan actions. A milestone (internal audit,
    application, stage 1...) or a nonconformity needs its own date or confirmation; a tap
    would record the planned day as the day it happened."""
    return [i for i in items if i.key.startswith("action:")]


def bulk_button(ctx: Ctx, scope: str, items: list[Item]) -> Button | None:
    """The one-tap button for ``items``: "all of these" or "these actions", or none."""
    bulk = bulk_done(items)
    if not bulk:
        return None
    label = "overdue_all_done_btn" if len(bulk) == len(items) else "overdue_actions_done_btn"
    return ctx.button(label, "tl.alldone", scope, *overdue_guard(bulk))


def _overdue_line(ctx: Ctx, rest: list[Item]) -> tuple[str, list[Button]]:
    if len(rest) == 1:
        one = rest[0]
        text = ctx.t("overdue_one", title=one.title(ctx.lang), date=fmt_date(one.on))
        return text, [
            ctx.button("overdue_one_done_btn", "evt.done", one.key),
            ctx.button("overdue_one_date_btn", "evt.date", one.key),  # not a second "改日期"
        ]
    earliest = min(i.on for i in rest)
    bulk = bulk_done(rest)
    key = "overdue_more" if len(bulk) == len(rest) else "overdue_more_dated"
    text = ctx.t(key, n=len(rest), date=fmt_date(earliest))
    buttons = [ctx.button("overdue_review_btn", "tl.overdue")]
    if (one_tap := bulk_button(ctx, "rest", rest)) is not None:
        buttons.append(one_tap)
    return text, buttons


def surveillance_to_book(ctx: Ctx, tl: Timeline, shown: NextAction) -> Item | None:
    """A surveillance audit not yet booked whose latest date is near (the first reminder's
    lead), while "what's next" shows something else (the yearly internal audit before it):
    the body needs weeks to schedule it, so the owner hears about it now, not at the risk."""
    lead = max(ctx.kb.reminder_kind("surveillance").lead_days)
    for item in tl.open_items():
        if item.kind != "surveillance" or item.deadline is None or item.key == shown.key:
            continue
        if 0 <= (item.deadline - ctx.today).days <= lead:
            return item
    return None


def _to_book_line(ctx: Ctx, item: Item) -> str:
    assert item.deadline is not None
    days = (item.deadline - ctx.today).days
    return ctx.t(
        "surveillance_to_book", title=item.title(ctx.lang), date=fmt_date(item.deadline), days=days
    )


def _by(ctx: Ctx, day: date | None, on_date: bool = False) -> str:
    if day is None:
        return ""
    if on_date:
        return ctx.t("on_date", date=fmt_date(day))
    if day < ctx.today:
        return ctx.t("overdue_by", date=fmt_date(day), days=(ctx.today - day).days)
    return ctx.t("by", date=fmt_date(day))


def render(ctx: Ctx, n: NextAction, brief: bool = False) -> str:
    if n.risk and brief:  # after another reply: the risk named, its whole card on /next
        return ctx.t("risk_next_brief", what=n.what)
    if n.risk:
        return ctx.t("risk_next", what=n.what, why=n.why, how=n.how, say=n.say)
    evidence = ctx.t("next_evidence", evidence=n.evidence) if n.evidence else ""
    how = f"\n{n.how}" if "\n" in n.how else n.how  # a list starts on its own line
    text = ctx.t(
        "next", what=n.what, why=n.why, how=how, evidence=evidence, by=_by(ctx, n.by, n.on_date)
    )
    return text.replace(" \n", "\n")  # "How: " before a list that starts on its own line


def show(ctx: Ctx, brief: bool = False) -> Out:
    """What's next, as one reply (onboarding first for a company not set up yet). ``brief``:
    it follows another reply, so a risk to the certificate is named, not told in full again."""
    if not ctx.company.onboarded:
        ctx.wait_for("onboarding")
        return [ctx.reply("need_onboarding"), PROMPT]
    tl = timeline_of(ctx)
    n = compute_next(ctx, tl)
    parts = [render(ctx, n, brief)]
    buttons = list(n.buttons)
    if rest := overdue_rest(ctx, tl, n):
        line, row = _overdue_line(ctx, rest)
        parts.append(line)
        buttons.append(row)
    if (coming := surveillance_to_book(ctx, tl, n)) is not None:
        parts.append(_to_book_line(ctx, coming))
        buttons.append([ctx.button("risk_btn_audit_date", "evt.date", coming.key)])
    parts.append(progress_line(ctx))
    tells = (n.key,) if n.risk and n.key and not brief else ()  # its alert is not sent again
    return [Reply("\n\n".join(parts), buttons, tells=tells)]


def step_credit(ctx: Ctx, tl: Timeline | None = None) -> dict[str, float]:
    """How far each step is: 1 when done, else the share of its plan actions done (a step of
    ten actions with five ticked is half-way, not nothing)."""
    tl = tl or timeline_of(ctx)
    done = set(ctx.company.steps_done)
    actions: dict[str, list[bool]] = {}
    for item in tl.items:
        if item.key.startswith("action:") and item.step_id:
            actions.setdefault(item.step_id, []).append(item.done)
    return {
        s: 1.0 if s in done else (sum(actions[s]) / len(actions[s]) if actions.get(s) else 0.0)
        for s in ctx.kb.step_order
    }


def overall_progress(ctx: Ctx) -> int:
    credit = step_credit(ctx)
    return round(100 * sum(credit.values()) / len(credit))


def where_we_are(ctx: Ctx) -> Reply:
    """ "我们做到哪了": the phase and how far, and the plan's count, before what's next."""
    pct = overall_progress(ctx)
    line = ctx.t("where_line", phase=current_phase_title(ctx), pct=pct)
    if ctx.company.actions and ctx.company.certificate is None:
        line += ctx.t("where_plan", **plan.counts(ctx))
    return Reply(line)


def progress_line(ctx: Ctx) -> str:
    pct = overall_progress(ctx)
    return ctx.t("progress_line", bar=progress_bar(pct), pct=pct, phase=current_phase_title(ctx))


# --- /status ----------------------------------------------------------------------------------


def _cycle_progress(ctx: Ctx, tl: Timeline) -> int:
    """Maintenance never has its steps "done": its progress is the certificate cycle's dated
    items (yearly audits and reviews, surveillance audits, recertification) done so far."""
    kinds = cycle_kinds(ctx.kb.rules)
    items = [i for i in tl.items if i.kind in kinds]
    return round(100 * sum(1 for i in items if i.done) / len(items)) if items else 0


def _phase_lines(ctx: Ctx, tl: Timeline) -> list[str]:
    credit = step_credit(ctx, tl)
    lines = []
    for phase in ctx.kb.journey.phases:
        ids = [s.id for s in phase.steps]
        pct = round(100 * sum(credit[i] for i in ids) / len(ids))
        if phase.id == MAINTENANCE and ctx.company.certificate is not None:
            pct = _cycle_progress(ctx, tl)
        marker = "👉 " if ctx.company.current_step in ids else "   "
        lines.append(
            ctx.t(
                "status_phase_line",
                marker=marker,
                phase=phase.title.get(ctx.lang),
                bar=progress_bar(pct),
                pct=pct,
            )
        )
    return lines


def _missed_lines(ctx: Ctx, tl: Timeline, risky: set[str]) -> list[str]:
    """Dates passed without being recorded done (a yearly audit, a review): as /reminders
    lists them, so the two never disagree."""
    missed = [
        i
        for i in tl.open_items()
        if not i.key.startswith("action:")
        and i.key not in risky
        and state(i, ctx.today) is State.MISSED
    ]
    if not missed:
        return []
    listed = "\n".join(f"• {fmt_date(i.on)} {i.title(ctx.lang)}" for i in missed)
    return [ctx.t("status_missed", lines=listed)]


def _assessment_line(ctx: Ctx) -> str:
    """Where the gap assessment stands: not begun, under way (no readiness from a few
    answers), or done with the readiness it gave."""
    company = ctx.company
    if not assessment.quick_done(ctx):
        quick = assessment.question_set(ctx, assessment.QUICK)
        left = sum(1 for q in quick if q.id not in company.answers)
        key = "status_assess_underway" if company.answers else "status_assess_none"
        return ctx.t(key, left=left)
    ready = readiness(company.answers, ctx.kb.questions, ctx.kb.rules)
    pct = ready.overall if ready.overall is not None else 0
    key = "status_readiness" if company.actions else "status_readiness_no_plan"
    return ctx.t(key, answered=ready.answered, total=ready.total, pct=pct)


def status(ctx: Ctx, _: str = "") -> Out:
    company = ctx.company
    tl = timeline_of(ctx)
    lines = [ctx.t("status_header", company=company.name or "—"), progress_line(ctx), ""]
    lines += _phase_lines(ctx, tl)
    lines.append("")
    if company.certificate is None:  # once certified the assessment is history
        lines.append(_assessment_line(ctx))
    if company.actions:  # counted as /plan counts them: its open actions and milestones
        lines.append(ctx.t("status_actions", **plan.counts(ctx)))
    aim = company.target_date or company.goal_date
    if company.certificate is None and aim is not None:
        # the date everything is planned towards (or wanted by, before the plan)
        key = "status_target" if company.target_date else "status_goal"
        lines.append(ctx.t(key, date=fmt_date(aim)))
    if company.certificate:
        c = company.certificate
        number = certificate.number_shown(ctx, c)
        lines.append(ctx.t("status_cert", number=number, expires=fmt_date(c.expires)))
    if company.cb_name:
        lines.append(ctx.t("status_cb", name=company.cb_name))
    found = risks.find(ctx, tl)
    for risk in found:
        lines.append("⚠️ " + risks.as_next(ctx, risk).what)
    if company.certificate is not None or not company.actions:  # no plan counts them
        lines += _missed_lines(ctx, tl, {r.item.key for r in found})
    upcoming = [
        i for i in tl.open_items() if not i.key.startswith("action:") and i.on >= ctx.today
    ][:UPCOMING_SHOWN]
    if upcoming:
        shown = nonconformity.one_line_each(ctx, upcoming)
        dates = "\n".join(f"• {fmt_date(i.on)} {title}" for i, title in shown)
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
