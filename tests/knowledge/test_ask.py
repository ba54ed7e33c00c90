from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from knowledge.ask import add_ask_arguments, run_ask

KEYS = {"question", "status", "entry_id", "score", "answer", "clauses", "suggestions"}


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_ask_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(["ask", *argv])


def test_batch_json_prints_one_object_per_question_and_nothing_else(
    mini_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text(
        "内审怎么搞？\n\nhow often is the annual audit\nhow do I renew my passport\n",
        encoding="utf-8",
    )
    assert run_ask(_args("--batch", str(batch), "--json", "--data-dir", str(mini_dir))) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]  # every stdout line is JSON
    assert [r["question"] for r in rows] == [
        "内审怎么搞？",
        "how often is the annual audit",
        "how do I renew my passport",
    ]
    assert all(set(r) == KEYS for r in rows)
    first, second, third = rows
    assert first["status"] == "answered"
    assert first["entry_id"] == "faq.internal-audit-how"
    assert first["answer"] == "先制定计划，再按计划检查并记录。"  # language detected: zh
    assert first["clauses"] == ["2023:9.2"]
    assert second["entry_id"] == "faq.surveillance-when"
    assert second["answer"] == "Usually once a year."
    assert third["status"] == "unknown"
    assert third["entry_id"] is None and third["answer"] is None


def test_human_answer_shows_clause_and_related(
    mini_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_ask(_args("how do I run an internal audit", "--data-dir", str(mini_dir))) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan it, check against the plan and record findings.")
    assert "Clause: GB/T 29490-2023 9.2 Internal audit" in out
    assert "Related questions:\n- When is the surveillance audit?" in out


def test_lang_flag_overrides_detection(mini_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_ask(_args("how do I run an internal audit", "--lang", "zh", "--data-dir", str(mini_dir)))
    out = capsys.readouterr().out
    assert "条款：GB/T 29490-2023 9.2 内部审核" in out


def test_unknown_is_honest_and_points_to_help(
    mini_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_ask(_args("明天天气怎么样", "--data-dir", str(mini_dir)))
    out = capsys.readouterr().out
    assert "答不上来" in out and "/help" in out
    run_ask(_args("how do I renew my passport", "--data-dir", str(mini_dir)))
    out = capsys.readouterr().out
    assert "I don't know this one" in out and "/help" in out


def test_missing_question_is_a_usage_error(
    mini_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_ask(_args("--data-dir", str(mini_dir))) == 2
    assert capsys.readouterr().out == ""
