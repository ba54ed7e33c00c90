"""/report and the chart button through the real Assistant on a migrated SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.service import Assistant, Who
from flows.types import EventKind, Reply
from knowledge.loader import load_knowledge
from knowledge.texts import t
from storage.repo import Store
from tests.report.conftest import pdf_text

WHO = Who("terminal", "alice", lang_hint="en")


@pytest.fixture
async def assistant(sqlite_url: str) -> AsyncIterator[Assistant]:
    store = await Store.open(sqlite_url, migrate=True)
    try:
        yield Assistant(store, load_knowledge(), FakeClock(datetime(2026, 11, 27, 2, tzinfo=UTC)))
    finally:
        await store.close()


async def _say(a: Assistant, kind: EventKind, value: str) -> list[Reply]:
    return await a.handle(WHO, a.event(kind, value))


async def _onboard(a: Assistant) -> None:
    await _say(a, EventKind.COMMAND, "start")
    for answer in ("Acme Ltd", "45", "Software", "1", "not started yet"):
        await _say(a, EventKind.TEXT, answer)


async def test_report_command_sends_a_pdf(assistant: Assistant) -> None:
    await _onboard(assistant)
    [reply] = await _say(assistant, EventKind.COMMAND, "report")
    assert reply.document is not None and reply.document.mime_type == "application/pdf"
    text = pdf_text(reply.document.content)
    assert "Acme Ltd" in text and "GB/T 29490-2023" in text
    assert t("en", "rp_na") in text  # nothing assessed yet, and the report says so


async def test_status_chart_button_sends_the_chart_once_assessed(assistant: Assistant) -> None:
    await _onboard(assistant)
    status = await _say(assistant, EventKind.COMMAND, "status")
    chart = next(b for r in status for row in r.buttons for b in row if "|rp.chart" in b.data)
    [early] = await _say(assistant, EventKind.BUTTON, chart.data)
    assert early.document is None and early.text == t("en", "chart_empty")
    replies = await _say(assistant, EventKind.BUTTON, "2|as.start")
    while not any(
        t("en", "make_plan") == b.label for r in replies for row in r.buttons for b in row
    ):
        # the quick set, in words; "partly" is no answer to "any penalty?": "not sure" there
        again = any(r.text.startswith(t("en", "choice_not_understood")) for r in replies)
        replies = await _say(assistant, EventKind.TEXT, "not sure" if again else "partly")
    [sent] = await _say(assistant, EventKind.BUTTON, chart.data)
    assert sent.document is not None and sent.document.content.startswith(b"\x89PNG")
    assert "Acme Ltd" in sent.text and "50%" in sent.text


async def test_a_failed_report_answers_and_keeps_the_conversation(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _onboard(assistant)

    def broken(_: object) -> bytes:
        raise RuntimeError("font file unreadable")

    monkeypatch.setattr("bot.report_pdf.render_pdf", broken)
    [reply] = await _say(assistant, EventKind.COMMAND, "report")
    assert reply.document is None and reply.text == t("en", "report_failed")
    [status] = await _say(assistant, EventKind.COMMAND, "status")
    assert "Acme Ltd" in status.text  # the company is still there
