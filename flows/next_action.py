"""One thing to do now, as "what's next" shows it: what, why, how, by when, with buttons.

``item_next`` turns a timeline item into one: a plan action says how to do it (the theme's
steps) apart from the evidence an auditor looks for; a dated milestone says what to prepare,
or, once missed, what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flows.context import Ctx
from flows.state import FINDING
from flows.timeline import Item, State, reminder_kind, state
from flows.types import Button


@dataclass
class NextAction:
    what: str
    why: str
    how: str
    by: date | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    key: str | None = None  # the timeline item it is about
    evidence: str = ""
    say: str = ""  # a certificate risk: what to tell the certification body
    risk: bool = False
    on_date: bool = False  # ``by`` is the day it happens (an audit), not a deadline


def step_next(ctx: Ctx, step_id: str) -> NextAction:
    step = ctx.kb.steps[step_id]
    lang = ctx.lang
    return NextAction(
        what=step.title.get(lang),
        why=step.what.get(lang),
        how=step.todo.get(lang),
        evidence=("、" if lang == "zh" else "; ").join(step.records.get(lang)),
        buttons=[[ctx.button("open_step", "step", step_id)]],
    )


def _finding(item: Item) -> bool:
    """An internal audit finding the owner described (flows.internal_findings)."""
    return item.key.startswith(f"action:{FINDING}")


def how_steps(ctx: Ctx, item: Item) -> str:
    """Numbered steps for an action of a theme ("1. draft 2. discuss ...")."""
    theme = next((t for t in ctx.kb.journey.themes if t.id == item.theme), None)
    if theme is None:
        return ctx.t("finding_action_how" if _finding(item) else "own_action_how")
    steps = theme.how_for.get(item.question_id or "", theme.how).get(ctx.lang)
    return "\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1))


def item_buttons(ctx: Ctx, item: Item) -> list[list[Button]]:
    if item.key.startswith("nc:"):
        from flows.nonconformity import close_button  # nonconformity → … → next_action

        return [
            [close_button(ctx, item.key.rsplit(":", 1)[0])],
            [ctx.button("change_date_btn", "evt.date", item.key)],
            [ctx.button("open_step", "step", "audit.nonconformities")],
        ]
    if item.kind == "surveillance":  # a deadline: the audit's own date is what to record
        return [
            [ctx.button("risk_btn_audit_date", "evt.date", item.key)],
            [ctx.button("open_step", "step", "maint.surveillance")],
        ]
    rows = [
        [
            ctx.button("mark_done_btn", "evt.done", item.key),
            ctx.button("change_date_btn", "evt.date", item.key),
        ]
    ]
    if item.key.startswith("action:"):
        rows.append([ctx.button("show_plan", "pl.show")])
    elif item.step_id in ctx.kb.steps:
        rows.append([ctx.button("open_step", "step", item.step_id)])
    return rows


def item_next(ctx: Ctx, item: Item) -> NextAction:
    lang = ctx.lang
    title = item.title(lang)
    if item.key.startswith("action:"):
        q = ctx.kb.question(item.question_id) if item.question_id else None
        owner = item.owner(lang)
        return NextAction(
            what=title + (ctx.t("owner_suffix", owner=owner) if owner else ""),
            why=q.why.get(lang)
            if q
            else ctx.t("finding_action_why" if _finding(item) else "own_action_why"),
            how=how_steps(ctx, item),
            evidence=q.evidence.get(lang)
            if q
            else ctx.t("finding_action_evidence")
            if _finding(item)
            else "",
            by=item.on,
            buttons=item_buttons(ctx, item),
            key=item.key,
        )
    kind = reminder_kind(ctx.kb.rules, item.kind)
    step = ctx.kb.steps.get(item.step_id or "")
    missed = state(item, ctx.today) is State.MISSED and kind.missed is not None
    how = (kind.missed if missed and kind.missed else kind.prepare).get(lang)
    return NextAction(
        what=title,
        why=step.what.get(lang) if step else title,
        how=how,
        evidence=("、" if lang == "zh" else "; ").join(step.records.get(lang)) if step else "",
        by=item.on,
        buttons=item_buttons(ctx, item),
        key=item.key,
        on_date=item.external,
    )


def outcome_next(ctx: Ctx, item: Item) -> NextAction:
    """An audit the certification body ran has passed: ask how it went, no alarm."""
    title = item.title(ctx.lang)
    rows = [
        [ctx.button("outcome_passed", "tl.passed", item.key)],
        [ctx.button("outcome_findings", "tl.findings", item.key)],
        [ctx.button("outcome_moved", "evt.date", item.key)],
    ]
    return NextAction(
        what=ctx.t("outcome_what", title=title, date=item.on.isoformat()),
        why=ctx.t("outcome_why"),
        how=ctx.t("outcome_how"),
        buttons=rows,
        key=item.key,
    )
