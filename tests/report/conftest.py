"""A company with a known assessment, a plan and the report built from it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from flows.report_model import ReportModel
from flows.types import SendReport
from knowledge.loader import Knowledge, load_knowledge
from tests.flows.conftest import Driver

NAMES = {"zh": "深圳市鑫源电子科技有限公司", "en": "Acme Precision Tools Ltd"}
# What the assessment says (as "is the requirement met"; everything else is met):
# two show-stoppers (A03 no, B01 partly), chapter 10 weak (F02, G01 no; G02 yes: 33%),
# one ordinary gap in a strong chapter (C06), two answers "not sure" (A02, E09).
SCENARIO = {"A03": "n", "B01": "p", "F02": "n", "G01": "n", "C06": "n", "A02": "u", "E09": "u"}
GAP_ORDER = ["A03", "B01", "F02", "G01", "C06"]
TO_CLARIFY = ["A02", "E09"]
TARGET = "2027-12-31"


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


def assessed(kb: Knowledge, lang: str, name: str | None = None) -> Driver:
    """Onboarded, every question answered per SCENARIO, plan made for TARGET."""
    d = Driver(kb, lang)
    d.onboard(name=name or NAMES[lang], stage="2|ob|stage|running")
    d.text("2026-06-01")  # running 3 months and more: every question applies and is asked
    d.press("2|as.start")
    d.answer_all("y", SCENARIO)
    d.press("2|pl.make")
    d.text(TARGET)
    return d


def report_of(d: Driver) -> ReportModel:
    d.cmd("report")
    sent = [e for e in d.effects if isinstance(e, SendReport)]
    assert len(sent) == 1 and not sent[0].chart_only, d.said()
    return sent[0].model


@pytest.fixture(scope="module")
def models(kb: Knowledge) -> dict[str, ReportModel]:
    return {lang: report_of(assessed(kb, lang)) for lang in ("zh", "en")}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    """Without whitespace: wrapped lines of the PDF compare equal to the source text."""
    return re.sub(r"\s+", "", text)


Finder = Callable[[str], int]


def finder(text: str) -> Finder:
    """Position of a phrase in the squashed PDF text (fails when it is missing)."""
    flat = squash(text)

    def find(phrase: str) -> int:
        at = flat.find(squash(phrase))
        assert at >= 0, f"{phrase!r} is not in the report"
        return at

    return find
