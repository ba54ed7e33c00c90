"""The ids of the knowledge data that the flows name in code (checked by ``ipms kb check``).

A test scans ``flows/`` for step and question ids written in code and fails when one is
missing here, so this list cannot drift from the code.
"""

from __future__ import annotations

from knowledge.contract import Contract

STEPS = frozenset(
    {
        "prep.learn", "prep.assess", "prep.plan",
        "impl.establish", "impl.operate", "impl.internal_audit", "impl.management_review",
        "appl.choose_cb", "appl.review", "appl.submit",
        "audit.report", "audit.nonconformities",
        "dec.certificate",
        "maint.improve", "maint.surveillance", "maint.recert",
    }
)  # fmt: skip
QUESTIONS = frozenset({"A03", "D03", "F01", "F02", "F03", "F05", "F06"})
REMINDER_KINDS = frozenset(
    {
        "action", "operate", "eligible", "internal_audit", "management_review", "apply",
        "stage1", "stage2", "surveillance", "surveillance_audit",
        "expiry", "yearly_internal_audit", "yearly_management_review",
        "nc_correction", "nc_evidence",
    }
)  # fmt: skip
CHAPTERS = frozenset(f"2023:{n}" for n in range(4, 11))  # chapter names on readiness bars
STEP_KINDS = frozenset(
    {"", "assessment", "plan", "choose_cb", "dates", "audit", "nonconformities", "certificate",
     "maintenance"}
)  # fmt: skip

CONTRACT = Contract(
    steps=STEPS,
    questions=QUESTIONS,
    reminder_kinds=REMINDER_KINDS,
    clauses=CHAPTERS,
    step_kinds=STEP_KINDS,
)
