"""Every flow of the assistant; the engine, /help and the Telegram menu read this registry.

The order is the order of the command menu and of /help.
"""

from __future__ import annotations

from flows import (
    account,
    assessment,
    assessment_told,
    basics,
    certificate,
    confirm,
    dated,
    facts,
    facts_pair,
    faq,
    journey,
    nextstep,
    nonconformity,
    onboarding,
    overdue,
    owner_told,
    plan,
    preconditions,
    privacy,
    profile_told,
    reminders,
    report,
    workspace,
    workspace_assign,
    workspace_views,
)
from flows.registry import Registry
from flows.types import Lang
from knowledge.texts import load_catalogue

FLOWS = [
    onboarding.FLOW,
    nextstep.FLOW,
    journey.FLOW,
    plan.FLOW,
    report.FLOW,
    reminders.FLOW,
    workspace_views.FLOW,
    workspace.FLOW,
    workspace_assign.FLOW,
    account.FLOW,
    privacy.FLOW,
    basics.FLOW,
    assessment.FLOW,
    assessment_told.FLOW,
    certificate.FLOW,
    confirm.FLOW,
    dated.FLOW,
    facts.FLOW,
    facts_pair.FLOW,
    overdue.FLOW,
    owner_told.FLOW,
    preconditions.FLOW,
    nonconformity.FLOW,
    profile_told.FLOW,
    faq.FLOW,
]
REGISTRY = Registry.of(FLOWS)


def commands_markdown(lang: Lang = "en") -> str:
    """The README's command table, made from the same registry as /help and the menu."""
    texts = load_catalogue()
    rows = ["| Command | What it does |", "|---|---|"]
    for cmd in REGISTRY.menu:
        usage = f" {cmd.usage}" if cmd.usage else ""
        rows.append(f"| `/{cmd.name}{usage}` | {texts.t(lang, f'cmd_{cmd.name}')} |")
    return "\n".join(rows)
