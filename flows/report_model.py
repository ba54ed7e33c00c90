"""What the readiness report says, in the reader's language, independent of how it is drawn.

``flows.report.build_report`` fills a ``ReportModel`` from the saved state and the knowledge;
``bot.report_pdf`` lays it out as a PDF and ``bot.chart`` draws its chapter scores. Every
string here is final text (already translated and formatted), so the renderers only lay out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flows.types import Lang


@dataclass(frozen=True)
class ChapterScore:
    chapter: str  # "4".."10"
    title: str  # "Chapter 4, Context of the enterprise"
    pct: int | None  # None: nothing applicable answered in this chapter yet


@dataclass(frozen=True)
class GapLine:
    priority: int  # 1 show-stopper, 2 weak chapter, 3 the rest (flows.scoring)
    priority_label: str
    chapter: str  # chapter title
    clauses: str  # "GB/T 29490-2023 8.2"
    requirement: str  # the assessment question
    status: str  # "Not met" / "Partly met"
    action: str  # how to close the gap
    todo: str  # the action as a line of the report, with its due date when planned
    evidence: str  # what an auditor expects to see
    due: date | None = None  # due date of the plan action closing it, if planned


@dataclass(frozen=True)
class PlanLine:
    title: str
    owner_role: str  # suggested role ("IP manager"); always set
    due: date
    done_on: date | None
    priority: int
    overdue: bool
    state: str  # "open", "overdue", "done 2026-12-01", in the reader's language
    # A named member of the company, once plan actions can be assigned (workspaces). The
    # report then shows "name (role)"; until then the role alone.
    assignee: str = ""

    @property
    def who(self) -> str:
        return f"{self.assignee} ({self.owner_role})" if self.assignee else self.owner_role


@dataclass(frozen=True)
class DateLine:
    on: date
    title: str
    overdue: bool
    text: str  # the title, marked when overdue


@dataclass(frozen=True)
class ClarifyLine:
    chapter: str
    question: str
    why: str
    text: str  # the question with its chapter


@dataclass(frozen=True)
class ReportModel:
    lang: Lang
    made_on: date  # the company's local date
    timezone: str
    company: str
    standard: str  # the current edition's full title
    phase: str
    progress_pct: int  # share of journey steps done
    overall: int | None  # overall readiness, None before any applicable answer
    answered: int
    total: int
    weak_pct: int  # chapters under this are priority gaps
    chapters: tuple[ChapterScore, ...]
    gaps: tuple[GapLine, ...]
    plan: tuple[PlanLine, ...]
    target_date: date | None
    certificate: bool  # a certificate is recorded (its dates are among ``dates``)
    dates: tuple[DateLine, ...]
    clarify: tuple[ClarifyLine, ...]
    summary: tuple[tuple[str, str], ...]  # (label, value) rows of the first page
    caption: str  # the message the PDF is sent with
    chart_caption: str  # the message the chart image is sent with
    # Headings, column names and notes; "rp_page" keeps its {page}/{pages} placeholders.
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        return self.labels[key]

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.plan if a.done_on is None)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.plan if a.overdue)
