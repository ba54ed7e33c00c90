"""A consultant's companies on one screen, most urgent first, and switching between them."""

from __future__ import annotations

import re
from datetime import date

from bot.service import Assistant
from flows.callbacks import decode
from flows.state import Certificate
from knowledge.texts import t
from tests.workspace.people import Person, invite, join


async def _certify(assistant: Assistant, owner: Person, expires: date) -> None:
    """Give the owner's company a certificate (as /start → "certified" would)."""
    async with assistant.store.conversation(owner.who.channel, owner.who.external_id) as h:
        conv = h.conv
        conv.company.certificate = Certificate(
            number="165IP230001R0M", issued=date(2024, 3, 1), expires=expires
        )
        conv.company.phase = "maint"
        await h.save(conv)
    await assistant.replan(conv)


async def test_overview_puts_the_certificate_at_risk_first_and_switches(
    assistant: Assistant, alice: Person, mallory: Person, carol: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await mallory.onboard("Mallory Metals")
    await _certify(assistant, mallory, date(2027, 2, 28))  # 3 months left, no recertification
    await join(carol, await invite(alice, "consultant"))
    await join(carol, await invite(mallory, "consultant"))
    await carol.say("/companies")
    [overview] = carol.seen
    text = overview.text
    assert text.startswith("Your companies (2), those needing attention first:")
    first, second = text.split("\n\n")[1:3]
    assert first.startswith("👉 1. Mallory Metals · consultant ⚠️ certificate at risk")
    assert "certificate expires 2027-02-28" in first
    assert second.startswith("2. Alice Widgets · consultant")
    assert re.search(r"Phase: Implementation · readiness \d+%", second)
    assert "Next deadline: 2026-12-03 Appoint the IP system lead in writing" in second
    assert carol.labels() == [
        "➡️ 1. Mallory Metals",
        "➡️ 2. Alice Widgets",
        "➕ Set up another company",
    ]
    # Each button is bound to its company: pressing it works there.
    targets = [decode(carol.button(n)) for n in ("1. Mallory", "2. Alice")]
    assert all(cb is not None and cb.verb == "ws.switch" and cb.company for cb in targets)
    replies = await carol.press("2. Alice Widgets")
    assert replies[0].text == t("en", "ws_switched", company="Alice Widgets")
    await carol.say("/status")
    assert "Alice Widgets" in carol.text()


async def test_a_pending_question_stays_with_its_company(
    alice: Person, mallory: Person, carol: Person
) -> None:
    await alice.onboard("Alice Widgets")
    await alice.make_plan()
    await mallory.onboard("Mallory Metals")
    await mallory.make_plan()
    await join(carol, await invite(alice, "consultant"))
    await join(carol, await invite(mallory, "consultant"))  # now working on Mallory's
    await carol.say("/plan")
    await carol.press("Add an action")  # "What is the action?" about Mallory's plan
    await carol.say("/companies")
    await carol.press("Alice Widgets")
    await carol.say("Zebra review")  # not an answer to Mallory's question any more
    await carol.say("/plan")
    assert "Zebra" not in carol.text()
    await carol.say("/companies")
    await carol.press("Mallory Metals")
    await carol.say("/plan all")
    assert "Zebra" not in carol.text()


async def test_a_consultant_sets_up_another_company(carol: Person) -> None:
    await carol.onboard("Carol Consulting")
    await carol.say("/companies")
    replies = await carol.press("Set up another company")
    assert replies[0].text == t("en", "ws_switched", company=t("en", "ws_unnamed"))
    assert carol.seen[-1].text == t("en", "ask_name")
    await carol.say("Client One Ltd")
    await carol.say("/companies")
    assert "Your companies (2)" in carol.text()
    assert "Client One Ltd · owner" in carol.text() and "not set up yet" in carol.text()
