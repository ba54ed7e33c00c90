"""Schema of the curated knowledge data (YAML files under ``knowledge/data``).

Every user-facing text is a ``Text`` with both languages. Clause ids look like
``2023:8.2`` or ``2013:7.6`` and must exist in ``clauses.yaml``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.text import CJK_RE

Confidence = Literal["H", "M", "L"]
PhaseId = Literal["prep", "impl", "appl", "audit", "dec", "maint"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    zh: str
    en: str

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must not be blank")
        return v.strip()

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class TextList(Strict):
    zh: list[str]
    en: list[str]

    def get(self, lang: str) -> list[str]:
        return self.zh if lang == "zh" else self.en


# --- clauses.yaml -------------------------------------------------------------------------


class Edition(Strict):
    id: Literal["2023", "2013"]
    title: Text
    current: bool
    note: Text


class Clause(Strict):
    id: str  # "2023:8.2"
    edition: Literal["2023", "2013"]
    number: str  # "8.2"
    chapter: str  # "8"
    title: Text
    summary: Text  # plain-language, our own words
    evidence: TextList  # typical records an auditor asks for
    maps_to: list[str] = Field(default_factory=list)  # clause ids in the other edition
    confidence: Confidence


class ClauseCatalogue(Strict):
    editions: list[Edition]
    clauses: list[Clause]


# --- assessment.yaml ----------------------------------------------------------------------


class Question(Strict):
    id: str  # "A01"
    chapter: str  # 2023 chapter used for per-chapter readiness: "4".."10"
    clauses: list[str]  # 2023 clause ids (first one is the primary)
    clauses_2013: list[str] = Field(default_factory=list)
    showstopper: bool = False
    quick: bool = False  # asked in the quick assessment (the first readiness in ~10 minutes)
    negated: bool = False  # asks about something to avoid: answering "no" meets the requirement
    requires_running: bool = False  # only a running system can meet it (not asked before that)
    # Answered by what the company told us: "months" = the start date shows 3 months of operation.
    answered_by: Literal["months"] | None = None
    text: Text
    why: Text  # purpose of the requirement
    evidence: Text  # what an auditor wants to see
    action: Text  # how to close the gap (becomes the plan action title)
    # What owners call the action's outcome ("方针", "the org chart"): said alone, it names
    # this action even where other titles hold the same word ("方针宣贯", "reward policy").
    called: TextList | None = None
    # Words that tell the very failure the question asks about ("专利忘交年费掉了", "lapsed"):
    # said beside a "yes", the answer is partly at most.
    fails: TextList | None = None
    owner_role: Text  # suggested owner role
    effort_days: int = Field(ge=1, le=120)  # rough effort used for back-scheduling


class Assessment(Strict):
    questions: list[Question]


# --- journey.yaml -------------------------------------------------------------------------


class CheckItem(Strict):
    id: str  # unique within the step
    text: Text
    # Ticks itself when every condition holds (flows/known.py), e.g. "answer:B01" (met in the
    # assessment or its plan action done), "done:internal_audit", "date:operate", "plan".
    known: list[str] = Field(default_factory=list)
    # An application precondition (checked before applying, also at onboarding).
    precondition: bool = False


class Step(Strict):
    id: str  # "prep.learn"
    title: Text
    what: Text  # what this step is
    todo: Text  # what to do
    records: TextList  # records an auditor will ask for
    checklist: list[CheckItem]
    clauses: list[str] = Field(default_factory=list)
    # Special behaviour wired in flows: "assessment", "plan", "choose_cb", "dates", "audit",
    # "nonconformities", "certificate", "maintenance" or "" for a plain checklist step.
    kind: str = ""
    # The dated event this step asks the user for (a rules.yaml reminder kind such as
    # "internal_audit" or "stage2"); None when the step records no date.
    event_kind: str | None = None
    # How owners say the step is finished ("合同签了", "the CB accepted our application"):
    # regular expressions per language, read back for one-tap confirmation (flows.steps_told).
    told: TextList | None = None
    # Shorter ways that are only clear while this is the current step ("合同签了" in application).
    told_when_current: TextList | None = None

    @field_validator("told", "told_when_current")
    @classmethod
    def _patterns_compile(cls, v: TextList | None) -> TextList | None:
        for pattern in [*(v.zh if v else []), *(v.en if v else [])]:
            re.compile(pattern)  # a bad pattern fails the data check, not a user's message
        return v


class Phase(Strict):
    id: PhaseId
    title: Text
    goal: Text
    steps: list[Step]


class Theme(Strict):
    """A group of plan actions: all of a theme's actions are due before the next theme's."""

    id: str
    step: str  # the journey step the actions belong to: completing it completes them
    title: Text
    how: TextList  # how to do an action of this theme, step by step (evidence is apart)
    questions: list[str]  # gap questions whose actions fall in this theme
    # Actions that are not done like the rest of their theme, with their own steps.
    how_for: dict[str, TextList] = Field(default_factory=dict)
    # A milestone the theme's actions follow ("operate": records are kept once the system
    # runs; "internal_audit": findings are closed after the audit). None: the previous theme.
    after: str | None = None


class Journey(Strict):
    phases: list[Phase]
    themes: list[Theme] = Field(default_factory=list)  # in dependency order
    # Gap questions a milestone closes (no separate action): {"internal_audit": ["F01"]}.
    milestones: dict[str, list[str]] = Field(default_factory=dict)


# --- rules.yaml: certification rules, one source of truth for flows and reminders -------------


class ReminderKind(Strict):
    id: str  # "internal_audit", "surveillance", "expiry", "action", ...
    title: Text
    lead_days: list[int]  # days before the date, e.g. [30, 7, 1]
    overdue: bool = True  # also alert once the date has passed
    prepare: Text  # what to prepare, shown in the reminder
    step_id: str | None = None  # journey step opened from the reminder
    # Run by the certification body: after the date the outcome is asked for, no alarm.
    external: bool = False
    # A risk to the certificate, sent as its own message instead of in the daily digest:
    # "overdue" once the date has passed, "always" for every reminder of the kind.
    risk: Literal["never", "overdue", "always"] = "never"
    missed: Text | None = None  # what to do today once the date has passed without it
    # A point in time, nothing to do ("system running for 3 months"): no done button; on
    # its day the reminder says ``news`` ("from today you can apply").
    point: bool = False
    news: Text | None = None
    # FAQ answers under which the company's own date of this kind is shown ("when is the
    # first surveillance audit?" -> "yours: 2026-12-18, in 16 days").
    faq: list[str] = Field(default_factory=list)


class Capacity(Strict):
    max_headcount: int  # this row applies up to this headcount
    per_week: int = Field(ge=1, le=20)
    # Small companies: one person wears every hat but top management's (one shared lane).
    shared_roles: bool = False


class PlanningPractice(Strict):
    """Lead times that place plan milestones (typical practice [M], not rules)."""

    application_to_certificate_months: int  # CB review, stage 1, stage 2, decision
    review_before_apply_days: int  # management review shortly before applying
    audit_before_review_days: int  # the review takes the internal audit's results as input
    min_setup_days: int  # documents and training before the system can run with records
    # Plan actions one responsible person carries a week, by company size (smallest first).
    capacity: list[Capacity] = Field(default_factory=list)
    top_role: str = "Top management"  # English owner role that never shares a lane
    # Up to this headcount there is no HR, sales or purchasing department to own an action:
    # the IP manager owns every action but top management's and the internal auditor's.
    one_team_max_headcount: int = 0
    one_team_kept_roles: list[str] = Field(default_factory=list)  # English owner roles


class ReminderPractice(Strict):
    default_timezone: str  # IANA name given to new companies
    default_hour: int  # local hour reminders go out at
    earliest_hour: int  # never remind at night: hours are clamped to this window
    latest_hour: int
    # The recertification audit date is not known up front; CBs audit between the latest
    # application and the closure check, so the yearly cycle is anchored this long before expiry.
    recert_audit_months_before_expiry: int
    yearly_internal_audit_months_before: int  # before each external audit
    yearly_review_months_before: int
    # Recertification: the yearly audit and review come before the application, not the audit.
    recert_internal_audit_days_before_apply: int = 42
    recert_review_days_before_apply: int = 14


class ScoringPractice(Strict):
    points: dict[str, int]  # answer value -> points; "na" answers are left out
    weak_chapter_pct: int  # a chapter under this is a priority gap


class Practice(Strict):
    planning: PlanningPractice
    reminders: ReminderPractice
    scoring: ScoringPractice


class Rules(Strict):
    certificate_validity_years: int
    min_operation_months: int
    first_surveillance_within_months: int
    surveillance_interval_max_months: int
    recert_milestones_months: dict[str, int]  # name -> months before expiry
    transition: dict[str, str]  # name -> ISO date (2013 -> 2023 transition)
    nc_correction_days: int
    nc_evidence_days: int
    facts: dict[str, Text] = Field(default_factory=dict)  # short explanations with confidence
    reminder_kinds: list[ReminderKind]
    practice: Practice


# --- glossary.yaml ------------------------------------------------------------------------


class Term(Strict):
    id: str
    zh: str
    en: str
    # Variants (abbreviations, colloquial forms, typos) in either language. The matcher
    # rewrites each variant to the canonical ``zh`` / ``en`` forms before scoring.
    variants: list[str] = Field(default_factory=list)
    note: Text | None = None


class Glossary(Strict):
    terms: list[Term]


# --- faq/*.yaml ---------------------------------------------------------------------------


class FaqEntry(Strict):
    id: str  # "faq.what-is-guanbiao"
    phase: PhaseId
    clauses: list[str] = Field(default_factory=list)  # 2023 (and 2013) clause ids
    confidence: Confidence
    questions: TextList  # at least 3 phrasings per language
    answer: Text
    related: list[str] = Field(default_factory=list)  # other FAQ ids
    # Who decides the details, named in the footer of a medium/low-confidence answer
    # ("请向国家知识产权局确认"); None = the certification body.
    authority: Text | None = None

    def title(self, lang: str) -> str:
        """How the entry is named on a button or in a list: its first phrasing; in English the
        first phrasing said in English ("What is IPMS certification?", not "What is 贯标?")."""
        first = self.questions.get(lang)[0]
        if lang != "en" or not CJK_RE.search(first):
            return first
        named = first.replace("贯标", "IPMS certification").replace(" a IPMS", " an IPMS")
        if not CJK_RE.search(named):
            return named
        clean = [q for q in self.questions.en if not CJK_RE.search(q)]
        return clean[0] if clean else first

    @field_validator("questions")
    @classmethod
    def _three_each(cls, v: TextList) -> TextList:
        if len(v.zh) < 3 or len(v.en) < 3:
            raise ValueError("at least 3 phrasings per language")
        return v


class FaqFile(Strict):
    entries: list[FaqEntry]
