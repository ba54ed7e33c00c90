"""The journey's steps: showing one, ticking its checklist, recording its dates."""

from __future__ import annotations

from datetime import date, timedelta

from flows.context import Ctx, fmt_date
from flows.dates import DateError, add_months, parse_date
from flows.state import DatedEvent, Nonconformity, Stage
from flows.types import Button, Reply
from knowledge.answers import cite
from knowledge.schema import Step

# Dates that lie in the past by nature (the system started running on that day).
PAST_ONLY = {"system_start"}


def step_view(ctx: Ctx, step_id: str) -> Reply:
    kb = ctx.kb
    step = kb.steps[step_id]
    lang = ctx.lang
    ticked = set(ctx.company.checked.get(step_id, []))
    text = ctx.t(
        "step_view",
        phase=kb.phase_of(step_id).title.get(lang),
        title=step.title.get(lang),
        what=step.what.get(lang),
        todo=step.todo.get(lang),
        records="; ".join(step.records.get(lang)),
        clauses=cite(kb, step.clauses, lang),
        ticked=len(ticked & {c.id for c in step.checklist}),
        total=len(step.checklist),
    )
    lines = [f"{'✅' if c.id in ticked else '⬜'} {c.text.get(lang)}" for c in step.checklist]
    buttons = [
        [
            Button(
                f"{'✅' if c.id in ticked else '⬜'} {c.text.get(lang)}"[:60],
                f"ck:{step_id}:{c.id}",
            )
        ]
        for c in step.checklist
    ]
    buttons += _kind_buttons(ctx, step)
    buttons.append([Button(ctx.t("step_done_btn"), f"sd:{step_id}")])
    extra = _kind_text(ctx, step)
    return Reply("\n".join([text, *lines, *extra]), buttons)


def journey_view(ctx: Ctx) -> Reply:
    """The six phases with their progress; each opens its list of steps."""
    done = set(ctx.company.steps_done)
    lines, buttons = [ctx.t("journey_header")], []
    for phase in ctx.kb.journey.phases:
        ids = [st.id for st in phase.steps]
        n = len(done & set(ids))
        lines.append(
            f"{'✅' if n == len(ids) else '▫️'} {phase.title.get(ctx.lang)} ({n}/{len(ids)})"
        )
        buttons.append([Button(phase.title.get(ctx.lang), f"ph:{phase.id}")])
    return Reply("\n".join(lines), buttons)


def phase_view(ctx: Ctx, phase_id: str) -> Reply | None:
    phase = next((p for p in ctx.kb.journey.phases if p.id == phase_id), None)
    if phase is None:
        return None
    done = set(ctx.company.steps_done)
    buttons = [
        [Button(f"{'✅' if st.id in done else '⬜'} {st.title.get(ctx.lang)}", f"step:{st.id}")]
        for st in phase.steps
    ]
    return Reply(f"{phase.title.get(ctx.lang)}\n{phase.goal.get(ctx.lang)}", buttons)


def _kind_buttons(ctx: Ctx, step: Step) -> list[list[Button]]:
    if step.kind == "assessment":
        done = len(ctx.company.answers) >= len(ctx.kb.questions)
        label = "retake" if done else "continue_assess" if ctx.company.answers else "start_assess"
        return [[Button(ctx.t(label), "as:retake" if done else "as:start")]]
    if step.kind == "plan":
        return [[Button(ctx.t("show_plan"), "pl:show"), Button(ctx.t("make_plan"), "pl:make")]]
    if step.kind == "dates" and step.event_kind:
        return [[Button(ctx.t("enter_date_btn"), f"evt:date:{step.event_kind}")]]
    if step.kind == "nonconformities":
        rows = [[Button(ctx.t("nc_add_btn"), "nc:add")]]
        rows += [
            [Button(ctx.t("nc_close_btn", id=nc.id), f"nc:close:{nc.id}")]
            for nc in ctx.company.nonconformities
            if nc.closed_on is None
        ]
        return rows
    if step.kind == "certificate":
        return [[Button(ctx.t("cert_btn"), "cert:add")]]
    return []


def _kind_text(ctx: Ctx, step: Step) -> list[str]:
    if step.kind == "nonconformities":
        open_ncs = [nc for nc in ctx.company.nonconformities if nc.closed_on is None]
        if not open_ncs:
            return ["", ctx.t("none_open_nc")]
        return ["", *(_nc_line(ctx, nc) for nc in open_ncs)]
    if step.kind == "dates" and step.event_kind:
        d = event_date(ctx, step.event_kind)
        return ["", f"📅 {fmt_date(d)}"] if d else []
    return []


def _nc_line(ctx: Ctx, nc: Nonconformity) -> str:
    grade = ctx.t("nc_major" if nc.grade == "major" else "nc_minor")
    return ctx.t(
        "nc_line",
        mark="✅" if nc.closed_on else "⬜",
        id=nc.id,
        grade=grade,
        text=nc.description[:80],
        evidence=fmt_date(nc.evidence_due),
    )


def toggle(ctx: Ctx, step_id: str, item: str) -> list[Reply] | None:
    step = ctx.kb.steps.get(step_id)
    if step is None or item not in {c.id for c in step.checklist}:
        return None
    ticked = ctx.company.checked.setdefault(step_id, [])
    if item in ticked:
        ticked.remove(item)
    else:
        ticked.append(item)
    view = step_view(ctx, step_id)
    view.edit = True
    return [view]


def complete(ctx: Ctx, step_id: str, force: bool = False) -> list[Reply] | None:
    from flows.nextstep import next_replies

    step = ctx.kb.steps.get(step_id)
    if step is None:
        return None
    if step.id == "appl.submit" and not force and (problems := application_blockers(ctx)):
        text = "\n".join([ctx.t("apply_blocked"), *(f"• {p}" for p in problems)])
        return [Reply(text, [[Button(ctx.t("step_force_done"), f"sd!:{step_id}")]])]
    missing = {c.id for c in step.checklist} - set(ctx.company.checked.get(step_id, []))
    if missing and not force:
        return [
            ctx.reply(
                "step_not_ready",
                [[Button(ctx.t("step_force_done"), f"sd!:{step_id}")]],
                n=len(missing),
            )
        ]
    if step_id not in ctx.company.steps_done:
        ctx.company.steps_done.append(step_id)
    for ev in ctx.company.events:  # the step's date has happened: no more reminders for it
        if step.event_kind and ev.kind == step.event_kind and ev.on <= ctx.today:
            ev.done = True
    refresh_position(ctx)
    nxt = ctx.company.current_step
    next_title = ctx.kb.steps[nxt].title.get(ctx.lang) if nxt else "—"
    return [
        ctx.reply("step_done", title=step.title.get(ctx.lang), next=next_title),
        *next_replies(ctx),
    ]


def application_blockers(ctx: Ctx) -> list[str]:
    """The hard preconditions for applying that the saved state shows as unmet."""
    months = ctx.kb.rules.min_operation_months
    start = ctx.company.system_start
    problems = []
    if start is None or add_months(start, months) > ctx.today:
        eligible = fmt_date(add_months(start, months)) if start else "—"
        problems.append(ctx.t("blocker_operation", months=months, date=eligible))
    done = set(ctx.company.steps_done)
    if "impl.internal_audit" not in done:
        problems.append(ctx.t("blocker_internal_audit"))
    if "impl.management_review" not in done:
        problems.append(ctx.t("blocker_management_review"))
    return problems


def refresh_position(ctx: Ctx) -> None:
    """Current step: the first open step after the furthest step done.

    The phase follows it but never moves backwards: a company that said it is building its
    system stays in implementation even while it catches up on the gap assessment.
    """
    order = ctx.kb.step_order
    done = set(ctx.company.steps_done)
    furthest = max((order.index(s) for s in done if s in order), default=-1)
    later = [s for s in order[furthest + 1 :] if s not in done]
    ctx.company.current_step = later[0] if later else None
    phases = [p.id for p in ctx.kb.journey.phases]
    phase = ctx.kb.phase_of(later[0] if later else order[-1]).id
    if ctx.company.phase not in phases or phases.index(phase) > phases.index(ctx.company.phase):
        ctx.company.phase = phase


# --- dates ------------------------------------------------------------------------------------


def event_date(ctx: Ctx, key: str) -> date | None:
    if key == "system_start":
        return ctx.company.system_start
    ev = next((e for e in ctx.company.events if e.key == key), None)
    return ev.on if ev else None


def resolve_key(ctx: Ctx, key: str) -> str:
    """A step asks for a kind ("surveillance"); dates belong to one occurrence of it
    ("surveillance:1"): the first not-done derived event of that kind, if any."""
    if key in ("system_start",) or ":" in key:
        return key
    from flows.schedule import all_events

    events = sorted(
        (e for e in all_events(ctx.company, ctx.kb.rules) if e.kind == key and not e.done),
        key=lambda e: e.on,
    )
    return events[0].key if events else key


def ask_date(ctx: Ctx, key: str) -> list[Reply]:
    ctx.wait_for("date", key)
    return [ctx.reply("ask_event_date", title=event_title(ctx, key))]


def event_title(ctx: Ctx, key: str) -> str:
    for a in ctx.company.actions:
        if key == f"action:{a.id}":
            return a.title_zh if ctx.lang == "zh" else a.title_en
    from flows.schedule import all_events

    kind = key.split(":", 1)[0]
    for ev in all_events(ctx.company, ctx.kb.rules):  # explicit ones, then derived titles
        if ev.key == key and (ev.title_zh or ev.title_en):
            return (ev.title_zh if ctx.lang == "zh" else ev.title_en) or ev.title_zh or ev.title_en
    try:
        return ctx.kb.reminder_kind(kind).title.get(ctx.lang)
    except KeyError:
        return key


def take_date(ctx: Ctx, key: str, text: str) -> list[Reply]:
    try:
        d = parse_date(text)
    except DateError as exc:
        return [ctx.reply(f"bad_date_{exc.reason}"), *ask_date(ctx, key)]
    if key in PAST_ONLY and d > ctx.today:
        return [ctx.reply("date_in_future"), *ask_date(ctx, key)]
    ctx.clear_pending()
    return set_event_date(ctx, key, d)


def set_event_date(ctx: Ctx, key: str, d: date) -> list[Reply]:
    if key.startswith("action:"):
        from flows.plan_flow import set_date

        return set_date(ctx, key.removeprefix("action:"), d)
    if key == "system_start":
        ctx.company.system_start = d
        months = ctx.kb.rules.min_operation_months
        return [
            ctx.reply(
                "system_start_saved",
                date=fmt_date(d),
                months=months,
                eligible=fmt_date(add_months(d, months)),
            )
        ]
    from flows import schedule

    if schedule.find_event(ctx.company, ctx.kb.rules, key) is not None:
        # Known (entered before, or derived from the certificate): keep its kind and titles.
        ctx.conv.company = schedule.set_date(ctx.company, ctx.kb.rules, key, d)
    else:  # a first date for a step; titles come from the reminder kind
        ctx.company.events.append(DatedEvent(key=key, kind=key.split(":", 1)[0], on=d))
    return [ctx.reply("event_saved", title=event_title(ctx, key), date=fmt_date(d))]


def mark_event_done(ctx: Ctx, key: str) -> list[Reply]:
    """Done from a reminder: an action, a nonconformity deadline or a dated event."""
    if key.startswith("action:"):
        from flows.plan_flow import mark_done

        return mark_done(ctx, key.removeprefix("action:")) or [ctx.reply("event_unknown")]
    if key.startswith("nc:"):
        nc_id = ":".join(key.split(":")[:2])
        return close_nc(ctx, nc_id) or [ctx.reply("event_unknown")]
    from flows import schedule
    from flows.nextstep import next_replies

    if schedule.find_event(ctx.company, ctx.kb.rules, key) is None:
        return [ctx.reply("event_unknown")]
    ctx.conv.company = schedule.mark_done(ctx.company, ctx.kb.rules, key, ctx.today)
    return [ctx.reply("event_done", title=event_title(ctx, key)), *next_replies(ctx)]


# --- nonconformities and certificate ------------------------------------------------------------

MAX_NC_TEXT = 500


def ask_nc(ctx: Ctx) -> list[Reply]:
    ctx.wait_for("nc_text")
    return [ctx.reply("ask_nc_text")]


def take_nc_text(ctx: Ctx, text: str) -> list[Reply]:
    description = " ".join(text.split())[:MAX_NC_TEXT]
    if not description:
        return ask_nc(ctx)
    ctx.wait_for("nc_grade", "", text=description)
    buttons = [
        [Button(ctx.t("nc_major"), "nc:grade:major"), Button(ctx.t("nc_minor"), "nc:grade:minor")]
    ]
    return [ctx.reply("ask_nc_grade", buttons)]


def add_nc(ctx: Ctx, grade: str) -> list[Reply] | None:
    pending = ctx.user.pending
    if pending is None or pending.flow != "nc_grade" or grade not in ("major", "minor"):
        return None
    ctx.clear_pending()
    rules = ctx.kb.rules
    n = 1 + max((int(nc.id.split(":")[1]) for nc in ctx.company.nonconformities), default=0)
    nc = Nonconformity(
        id=f"nc:{n}",
        description=pending.data.get("text", ""),
        grade="major" if grade == "major" else "minor",
        raised_on=ctx.today,
        correction_due=ctx.today + timedelta(days=rules.nc_correction_days),
        evidence_due=ctx.today + timedelta(days=rules.nc_evidence_days),
    )
    ctx.company.nonconformities.append(nc)
    return [
        ctx.reply(
            "nc_saved",
            id=nc.id,
            correction=fmt_date(nc.correction_due),
            evidence=fmt_date(nc.evidence_due),
        ),
        step_view(ctx, "audit.nonconformities"),
    ]


def close_nc(ctx: Ctx, nc_id: str) -> list[Reply] | None:
    nc = next((x for x in ctx.company.nonconformities if x.id == nc_id), None)
    if nc is None:
        return None
    if nc.closed_on is None:
        nc.closed_on = ctx.today
    return [ctx.reply("nc_closed", id=nc.id)]


def ask_certificate(ctx: Ctx) -> list[Reply]:
    from flows.onboarding import ask

    return [ask(ctx, "cert_number")]


def certificate_recorded(ctx: Ctx) -> list[Reply]:
    """After the certificate is saved (from onboarding or the decision step)."""
    cert = ctx.company.certificate
    if cert is None:
        return []
    ctx.company.stage = Stage.CERTIFIED
    order = ctx.kb.step_order
    upto = order.index("dec.certificate")
    done = set(ctx.company.steps_done) | set(order[: upto + 1])
    ctx.company.steps_done = [s for s in order if s in done]
    refresh_position(ctx)
    decision = cert.decision_date or cert.issued
    surv = add_months(decision, ctx.kb.rules.first_surveillance_within_months)
    return [
        ctx.reply(
            "cert_saved",
            number=cert.number,
            issued=fmt_date(cert.issued),
            expires=fmt_date(cert.expires),
            surv=fmt_date(surv),
        )
    ]
