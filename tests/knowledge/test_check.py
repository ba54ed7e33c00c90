from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from knowledge.check import add_kb_arguments, check_knowledge, run_kb


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_is_clean(mini_dir: Path) -> None:
    assert check_knowledge(mini_dir) == []


def test_real_data_is_clean() -> None:
    assert check_knowledge() == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (  # the same phrasing claimed by two entries (after normalisation)
            "faq/part1.yaml",
            '"监督审核的时间?"',
            '"内审怎么做？"',
            "faq.surveillance-when: phrasing '内审怎么做？' is also a phrasing of "
            "faq.internal-audit-how",
        ),
        (
            "faq/part1.yaml",
            'clauses: ["2023:9.2"]',
            'clauses: ["2023:9.9"]',
            "faq/part1.yaml: faq.internal-audit-how: clauses: unknown clause '2023:9.9'",
        ),
        (  # an English sentence in the zh list
            "faq/part1.yaml",
            '"如何开展内部审核?"',
            '"How is an internal audit run?"',
            "entries[faq.internal-audit-how].questions.zh[1]: has no Chinese text",
        ),
        (
            "faq/part1.yaml",
            "related: [faq.surveillance-when]",
            "related: [faq.missing]",
            "faq.internal-audit-how: related id 'faq.missing' does not exist",
        ),
        (
            "clauses.yaml",
            'maps_to: ["2023:9.2"]',
            "maps_to: []",
            "clause 2023:9.2: maps_to '2013:8.2' but 2013:8.2 does not map back",
        ),
        (
            "assessment.yaml",
            'clauses: ["2023:9.2"]',
            'clauses: ["2013:8.2"]',
            "question A01: clauses: '2013:8.2' is not a 2023 clause",
        ),
        (
            "rules.yaml",
            "step_id: impl.audit",
            "step_id: impl.gone",
            "reminder kind internal_audit: unknown step_id 'impl.gone'",
        ),
        (
            "journey.yaml",
            "event_kind: internal_audit",
            "event_kind: stage9",
            "step impl.audit: event_kind 'stage9' is not a rules.yaml reminder kind",
        ),
        (
            "glossary.yaml",
            "variants: [年审,",
            "variants: [内审, 年审,",
            "term surveillance: form/variant '内审' also belongs to internal_audit",
        ),
        (
            "clauses.yaml",
            "    current: false",
            "    current: true",
            "edition 2013 must have current: false",
        ),
        (
            "faq/part1.yaml",
            'answer: {zh: "一般每年一次。"',
            'answer: {zh: "GB/T 29490-2013是现行认证标准,一般每年一次。"',
            "presents the 2013 edition as current",
        ),
        (
            "journey.yaml",
            "          - id: plan\n",
            "          - id: plan\n            text: {zh: 甲, en: A}\n          - id: plan\n",
            "step impl.audit checklist item: duplicate id 'plan'",
        ),
        (  # Chinese prose quotes with full-width marks
            "faq/part1.yaml",
            'answer: {zh: "一般每年一次。"',
            "answer: {zh: '一般\"每年\"一次。'",
            "ASCII quotes",
        ),
    ],
)
def test_planted_problems_are_reported(
    mini_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(mini_copy / file, old, new)
    problems = check_knowledge(mini_copy)
    assert any(expected in p for p in problems), problems


def test_missing_language_is_a_schema_problem(mini_copy: Path) -> None:
    _edit(mini_copy / "faq/part1.yaml", ', en: "Usually once a year."}', "}")
    problems = check_knowledge(mini_copy)
    assert any(
        "faq/part1.yaml: entries[1] (id=faq.surveillance-when).answer.en: Field required" in p
        for p in problems
    ), problems


def _kb_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_kb_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(["kb", "check", *argv])


def test_kb_check_cli_ok(mini_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _kb_args("--data-dir", str(mini_dir))
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == (
        "OK: 2 clauses, 1 questions, 1 steps, 2 FAQ entries, 2 glossary terms"
    )


def test_kb_check_cli_reports_problems(mini_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(mini_copy / "faq/part1.yaml", "related: [faq.surveillance-when]", "related: [faq.x]")
    assert run_kb(_kb_args("--data-dir", str(mini_copy))) == 1
    out = capsys.readouterr().out
    assert "related id 'faq.x' does not exist" in out
    assert not out.startswith("OK")
