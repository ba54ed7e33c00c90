"""Steps told finished in words: "合同签了", "the CB accepted our application", "培训都做完了".

Each journey step may carry the ways owners say it is finished (``told`` in journey.yaml). A
short statement that matches one, and does not deny it, is read back: one tap (or "对" /
"yes") completes the step through the same path as its "Step done" button, checklist
questions included. Dated events (internal audit, stage 1...) are flows.facts' business.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flows.context import Ctx
from flows.phrasing import denies, looks_like_question
from flows.types import Out, Reply
from knowledge.loader import Knowledge

MAX_LEN = 80


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def _told_step(kb: Knowledge, text: str, current: str | None) -> str | None:
    """The step the text says is finished; both languages' patterns (English in a Chinese chat)."""
    for step in kb.steps.values():
        told = [step.told] + ([step.told_when_current] if step.id == current else [])
        patterns = tuple(p for t in told if t is not None for p in (*t.zh, *t.en))
        if patterns and _compiled(patterns).search(text):
            return step.id
    return None


def recognise(ctx: Ctx, text: str) -> Out | None:
    """A read-back to complete the step the text says is finished, or None."""
    if len(text) > MAX_LEN or looks_like_question(text) or not ctx.company.onboarded:
        return None
    step_id = _told_step(ctx.kb, text, ctx.company.current_step)
    if step_id is None or denies(text):
        return None
    title = ctx.kb.steps[step_id].title.get(ctx.lang)
    if step_id in ctx.company.steps_done:
        return [ctx.reply("step_told_already", title=title)]
    button = ctx.button("step_told_yes", "sd.told", step_id)
    reply: Reply = ctx.reply("step_told_confirm", [[button]], title=title)
    reply.offer = button.data  # "对" / "yes" completes it
    return [reply]
