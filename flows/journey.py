"""The journey's steps: the phases, one step with its checklist, completing a step."""

from __future__ import annotations

from flows import dated, nonconformity, position
from flows.assignee_view import step_button, step_line
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.dates import add_months
from flows.registry import Command, Flow, Verb
from flows.types import SHOW_NEXT, Button, Out, Reply
from knowledge.answers import cite
from knowledge.schema import Step


def step_view(ctx: Ctx, step_id: str) -> Reply:
    kb, lang = ctx.kb, ctx.lang
    step = kb.steps[step_id]
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
    buttons = [
        [
            Button(
                f"{'✅' if c.id in ticked else '⬜'} {c.text.get(lang)}"[:60],
                encode("ck", step_id, c.id),
            )
        ]
        for c in step.checklist
    ]
    buttons += _kind_buttons(ctx, step)
    buttons.append([ctx.button("step_done_btn", "sd", step_id), *step_button(ctx, step_id)])
    lines = [text, *step_line(ctx, step_id), *_kind_text(ctx, step)]
    return Reply("\n".join(lines), buttons)


def journey_view(ctx: Ctx) -> Reply:
    """The six phases with their progress; each opens its list of steps."""
    done = set(ctx.company.steps_done)
    lines, buttons = [ctx.t("journey_header")], []
    for phase in ctx.kb.journey.phases:
        ids = [st.id for st in phase.steps]
        n = len(done & set(ids))
        mark = "✅" if n == len(ids) else "▫️"
        lines.append(f"{mark} {phase.title.get(ctx.lang)} ({n}/{len(ids)})")
        buttons.append([Button(phase.title.get(ctx.lang), encode("ph", phase.id))])
    return Reply("\n".join(lines), buttons)


def phase_view(ctx: Ctx, phase_id: str) -> Out | None:
    phase = next((p for p in ctx.kb.journey.phases if p.id == phase_id), None)
    if phase is None:
        return None
    done = set(ctx.company.steps_done)
    buttons = [
        [
            Button(
                f"{'✅' if st.id in done else '⬜'} {st.title.get(ctx.lang)}", encode("step", st.id)
            )
        ]
        for st in phase.steps
    ]
    return [Reply(f"{phase.title.get(ctx.lang)}\n{phase.goal.get(ctx.lang)}", buttons)]


def _kind_buttons(ctx: Ctx, step: Step) -> list[list[Button]]:
    if step.kind == "assessment":
        done = len(ctx.company.answers) >= len(ctx.kb.questions)
        label = "retake" if done else "continue_assess" if ctx.company.answers else "start_assess"
        return [[ctx.button(label, "as.retake" if done else "as.start")]]
    if step.kind == "plan":
        return [[ctx.button("show_plan", "pl.show"), ctx.button("make_plan", "pl.make")]]
    if step.kind == "dates" and step.event_kind:
        return [[ctx.button("enter_date_btn", "evt.date", step.event_kind)]]
    if step.kind == "nonconformities":
        return nonconformity.buttons(ctx)
    if step.kind == "certificate":
        return [[ctx.button("cert_btn", "cert.add")]]
    return []


def _kind_text(ctx: Ctx, step: Step) -> list[str]:
    if step.kind == "nonconformities":
        return ["", *nonconformity.listing(ctx)]
    if step.kind == "dates" and step.event_kind:
        d = dated.event_date(ctx, step.event_kind)
        return ["", f"📅 {fmt_date(d)}"] if d else []
    return []


def open_step(ctx: Ctx, step_id: str) -> Out | None:
    return [step_view(ctx, step_id)] if step_id in ctx.kb.steps else None


def toggle(ctx: Ctx, step_id: str, item: str) -> Out | None:
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


def complete(ctx: Ctx, step_id: str, force: bool = False) -> Out | None:
    step = ctx.kb.steps.get(step_id)
    if step is None:
        return None
    if step.id == "appl.submit" and not force and (problems := application_blockers(ctx)):
        text = "\n".join([ctx.t("apply_blocked"), *(f"• {p}" for p in problems)])
        return [Reply(text, [[ctx.button("step_force_done", "sd!", step_id)]])]
    missing = {c.id for c in step.checklist} - set(ctx.company.checked.get(step_id, []))
    if missing and not force:
        force_btn = [[ctx.button("step_force_done", "sd!", step_id)]]
        return [ctx.reply("step_not_ready", force_btn, n=len(missing))]
    position.mark_step_done(ctx, step_id)
    for ev in ctx.company.events:  # the step's date has happened: no more reminders for it
        if step.event_kind and ev.kind == step.event_kind and ev.on <= ctx.today:
            ev.done = True
    position.refresh(ctx)
    nxt = ctx.company.current_step
    next_title = ctx.kb.steps[nxt].title.get(ctx.lang) if nxt else "—"
    return [ctx.reply("step_done", title=step.title.get(ctx.lang), next=next_title), SHOW_NEXT]


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


def back_to_previous_step(ctx: Ctx) -> Out:
    """/back with nothing pending: the step before the current one."""
    order = ctx.kb.step_order
    current = ctx.company.current_step or order[-1]
    return [step_view(ctx, order[max(0, order.index(current) - 1)])]


FLOW = Flow(
    "journey",
    commands=(Command("journey", lambda ctx, _: [journey_view(ctx)], needs_company=True),),
    verbs=(
        Verb("journey", lambda ctx: [journey_view(ctx)]),
        Verb("ph", phase_view, arity=1),
        Verb("step", open_step, arity=1),
        Verb("ck", toggle, arity=2),
        Verb("sd", complete, arity=1),
        Verb("sd!", lambda ctx, step_id: complete(ctx, step_id, force=True), arity=1),
    ),
)
