"""Where the company is on the journey: the current step and phase, from the steps done."""

from __future__ import annotations

from flows.context import Ctx
from flows.state import Stage

# The step each stage of onboarding starts from; every step before it counts as done.
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


def refresh(ctx: Ctx) -> None:
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


def place(ctx: Ctx, stage: Stage) -> None:
    """Mark the steps before the stage's starting step done and set the phase."""
    start = STAGE_START_STEP[stage]
    order = ctx.kb.step_order
    before = order[: order.index(start)]
    done = set(ctx.company.steps_done)
    keep_open = set() if stage is Stage.CERTIFIED else KEEP_OPEN
    ctx.company.steps_done = [s for s in order if s in done or (s in before and s not in keep_open)]
    ctx.company.current_step = start
    ctx.company.phase = ctx.kb.phase_of(start).id


def mark_step_done(ctx: Ctx, step_id: str) -> None:
    if step_id not in ctx.company.steps_done:
        ctx.company.steps_done.append(step_id)


def mark_done_up_to(ctx: Ctx, step_id: str) -> None:
    """Every step up to and including ``step_id`` is done (e.g. once certified)."""
    order = ctx.kb.step_order
    done = set(ctx.company.steps_done) | set(order[: order.index(step_id) + 1])
    ctx.company.steps_done = [s for s in order if s in done]
    refresh(ctx)


def current_phase_title(ctx: Ctx) -> str:
    """The company's phase as every reply names it (it never moves back, see ``refresh``)."""
    step_phase = ctx.kb.phase_of(ctx.company.current_step or ctx.kb.step_order[-1])
    phase = next((p for p in ctx.kb.journey.phases if p.id == ctx.company.phase), step_phase)
    return phase.title.get(ctx.lang)
