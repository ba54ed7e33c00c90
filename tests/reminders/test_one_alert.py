"""One event, one alert: a certificate risk told in an answer is not alerted again at once;
an overdue surveillance card points at the button it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher, pop_due_for_user
from bot.service import Assistant, Who
from flows.types import EventKind
from knowledge.loader import Knowledge
from storage import reminders as rem
from storage.repo import Store

from .conftest import RecordingSender, certified, make_user

# Certified 2027-09-06: the first surveillance audit is due by 2028-09-06 (Wednesday), its
# overdue alert planned for Thursday 09-07.
COMPANY = dict(issued=date(2027, 9, 6), decision=date(2027, 9, 6), expires=date(2030, 9, 5))
PLANNED_AT = datetime(2027, 9, 10, 2, 0, tzinfo=UTC)
MONDAY = datetime(2028, 9, 11, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, the alert overdue


def _alerts(texts: list[str]) -> list[str]:
    return [t for t in texts if t.startswith("⚠️") and "Surveillance audit 1" in t]


async def test_the_risk_told_in_an_answer_is_not_alerted_again(store: Store, kb: Knowledge) -> None:
    conv = await make_user(store, "ann", certified(**COMPANY), channel="terminal")
    await rem.replan_for_company(store, conv.company, kb.rules, PLANNED_AT)
    assistant = Assistant(store, kb, FakeClock(MONDAY))
    who = Who("terminal", "ann", "ann", "en")
    answer = await assistant.handle(who, assistant.event(EventKind.COMMAND, "next"))
    assert any("Surveillance audit 1" in r.text or "surveillance audit" in r.text for r in answer)
    assert any(r.tells for r in answer)
    popped = await pop_due_for_user(store, conv.user, MONDAY, kb)
    assert _alerts([r.text for r in popped]) == []  # told once, in the answer
    sender = RecordingSender(FakeClock(MONDAY))
    await Dispatcher(store, kb, sender, FakeClock(MONDAY), rate_limit=False).run_once()
    assert _alerts(sender.texts()) == []


async def test_unasked_the_alert_comes_once_and_names_its_button(
    store: Store, kb: Knowledge
) -> None:
    conv = await make_user(store, "bea", certified(**COMPANY), channel="terminal")
    await rem.replan_for_company(store, conv.company, kb.rules, PLANNED_AT)
    popped = await pop_due_for_user(store, conv.user, MONDAY, kb)
    [alert] = [r for r in popped if "Surveillance audit" in r.text and "Overdue" in r.text]
    labels = [b.label for row in alert.buttons for b in row]
    assert "Tap Done" not in alert.text and "Record the audit date" in alert.text
    assert any("Record the audit date" in label for label in labels)
    assert len([label for label in labels if "date" in label.lower()]) == 1  # not twice
    assert await pop_due_for_user(store, conv.user, MONDAY, kb) == []
