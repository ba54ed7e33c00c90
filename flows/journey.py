"""The journey's steps: the phases, one step with its checklist, completing a step.

A step's checklist ticks itself from what is known (``flows.known``); completing a step
completes its plan actions and its dated milestone too, so the plan and "what's next" agree
with the journey. The application step runs the pre-application check instead of a bare
"are you sure".
"""

from __future__ import annotations

from flows import nonconformity, position, preconditions, timeline_edit
from flows.assignee_view import step_button, step_line
from flows.callbacks import encode
from flows.context import Ctx, fmt_date
from flows.known import item_known, ticked, timeline_of
from flows.registry import Command, Flow, Verb
from flows.timeline import MILESTONES, State, Timeline, state
from flows.types import SHOW_NEXT, Button, Out, Reply
from knowledge.answers import cite
from knowledge.schema import Step


def step_view(ctx: Ctx, step_id: str) -> Reply:
    kb, lang = ctx.kb, ctx.lang
    step = kb.steps[step_id]
    tl = timeline_of(ctx)
    done = step_id in ctx.company.steps_done
    marks = {c.id for c in step.checklist} if done else ticked(ctx, step, tl)
    text = ctx.t(
        "step_view",
        phase=kb.phase_of(step_id).title.get(lang),
        title=step.title.get(lang),
        what=step.what.get(lang),
        todo=step.todo.get(lang),
        records=("、" if lang == "zh" else "; ").join(step.records.get(lang)),
        clauses=cite(kb, step.clauses, lang),
        ticked=len(marks & {c.id for c in step.checklist}),
        total=len(step.checklist),
    )
    buttons = [
        [
            Button(
                f"{'✅' if c.id in marks else '⬜'} {c.text.get(lang)}"[:60],
                encode("ck", step_id, c.id),
            )
        ]
        for c in step.checklist
    ]
    buttons += _kind_buttons(ctx, step, tl)
    done_row = [] if done else [ctx.button("step_done_btn", "sd", step_id)]
    buttons.append([*done_row, *step_button(ctx, step_id)])
    extra = _kind_text(ctx, step, tl) + _actions_text(ctx, step_id, tl)
    head = [ctx.t("step_is_done")] if done else []
    return Reply("\n".join([*head, text, *step_line(ctx, step_id), *extra]), buttons)


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


def _kind_buttons(ctx: Ctx, step: Step, tl: Timeline) -> list[list[Button]]:
    if step.kind == "assessment":
        done = len(ctx.company.answers) >= len(ctx.kb.questions)
        label = "retake" if done else "continue_assess" if ctx.company.answers else "start_assess"
        return [[ctx.button(label, "as.retake" if done else "as.start")]]
    if step.kind == "plan":
        return [[ctx.button("show_plan", "pl.show"), ctx.button("make_plan", "pl.make")]]
    if step.kind == "nonconformities":
        return nonconformity.buttons(ctx)
    if step.kind == "certificate" or step.id == "maint.recert":
        rows = [[ctx.button("cert_btn", "cert.add")]]
        if step.event_kind:
            rows.insert(0, [ctx.button("enter_date_btn", "evt.date", step.event_kind)])
        return rows
    rows = []
    if step.id == preconditions.STEP:
        rows.append([ctx.button("pre_show_btn", "pre.show")])
    if step.kind == "dates" and step.event_kind:
        rows.append([ctx.button("enter_date_btn", "evt.date", step.event_kind)])
    return rows


def _kind_text(ctx: Ctx, step: Step, tl: Timeline) -> list[str]:
    if step.kind == "nonconformities":
        return ["", *nonconformity.listing(ctx)]
    if step.kind != "dates" or not step.event_kind:
        return []
    kinds = {step.event_kind, f"{step.event_kind}_audit"}
    item = tl.get(step.event_kind) or next((i for i in tl.open_items() if i.kind in kinds), None)
    if item is None:
        return []
    key = "step_date_done" if state(item, ctx.today) is State.DONE else "step_date_planned"
    return ["", ctx.t(key, date=fmt_date(item.on), title=item.title(ctx.lang))]


def _actions_text(ctx: Ctx, step_id: str, tl: Timeline) -> list[str]:
    mine = [i for i in tl.items if i.step_id == step_id and i.key.startswith("action:")]
    if not mine:
        return []
    done = sum(1 for i in mine if i.done)
    return [ctx.t("step_actions", done=done, total=len(mine))]


def open_step(ctx: Ctx, step_id: str) -> Out | None:
    return [step_view(ctx, step_id)] if step_id in ctx.kb.steps else None


def toggle(ctx: Ctx, step_id: str, item_id: str) -> Out | None:
    step = ctx.kb.steps.get(step_id)
    item = next((c for c in step.checklist if c.id == item_id), None) if step else None
    if step is None or item is None:
        return None
    own = ctx.company.checked.setdefault(step_id, [])
    if item_id in own:
        own.remove(item_id)
    elif step_id not in ctx.company.steps_done and not item_known(ctx, item, timeline_of(ctx)):
        own.append(item_id)
    # Otherwise the item is ticked by what was recorded: the press only refreshes the view.
    view = step_view(ctx, step_id)
    view.edit = True
    return [view]


def complete(ctx: Ctx, step_id: str, force: bool = False, told: bool = False) -> Out | None:
    """``told``: the user said in words that the step is finished and confirmed the read-back,
    so its generic checklist is not asked again (open plan actions still are)."""
    step = ctx.kb.steps.get(step_id)
    if step is None:
        return None
    if step_id == preconditions.STEP and not force and preconditions.problems(ctx):
        return [preconditions.before_applying(ctx)]
    # Applying: the pre-application check stands in for the checklist.
    if not force and step_id != preconditions.STEP and (gate := _unfinished(ctx, step, told)):
        return gate
    n = timeline_edit.complete_step(ctx, step_id)
    if (
        step.kind == "dates"
        and step.event_kind in MILESTONES
        and timeline_of(ctx).get(step.event_kind) is None
    ):
        timeline_edit.record(
            ctx, step.event_kind, ctx.today
        )  # done today (the date can be changed)
    position.refresh(ctx)
    done = ctx.t("step_done", title=step.title.get(ctx.lang))
    if n:
        done += ctx.t("step_done_with_actions", n=n)
    return [Reply(done), SHOW_NEXT]


def _unfinished(ctx: Ctx, step: Step, told: bool = False) -> Out | None:
    """Ask before completing a step whose actions or checklist are still open."""
    force = [ctx.button("step_force_done", "sd!", step.id)]
    actions = [i for i in timeline_edit.step_items(ctx, step.id) if i.key.startswith("action:")]
    if actions:
        rows = [
            [ctx.button("step_all_done_btn", "sd!", step.id)],
            [ctx.button("step_actions_btn", "pl.step", step.id)],
        ]
        return [ctx.reply("step_has_actions", rows, n=len(actions))]
    missing = {c.id for c in step.checklist} - ticked(ctx, step)
    if missing and not told:
        return [ctx.reply("step_not_ready", [force], n=len(missing))]
    return None


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
        Verb("sd", complete, arity=1, records_done=True),
        # The read-back of a step told finished ("合同签了"): "对" / "ok" answers its question.
        Verb(
            "sd.told",
            lambda ctx, step_id: complete(ctx, step_id, told=True),
            arity=1,
            moving_on_accepts=True,
        ),
        Verb(
            "sd!",
            lambda ctx, step_id: complete(ctx, step_id, force=True),
            arity=1,
            records_done=True,
        ),
    ),
)
