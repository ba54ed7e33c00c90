from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import KnowledgeError, load_knowledge


def test_loads_fixture_with_lookups(mini_dir: Path) -> None:
    kb = load_knowledge(mini_dir)
    assert kb.step_order == ["impl.audit"]
    assert kb.phase_of("impl.audit").id == "impl"
    assert kb.question("A01").clauses == ["2023:9.2"]
    assert kb.reminder_kind("internal_audit").step_id == "impl.audit"
    assert set(kb.faq) == {"faq.internal-audit-how", "faq.surveillance-when"}
    assert kb.current_edition.id == "2023"
    with pytest.raises(KeyError, match="unknown journey step"):
        kb.phase_of("nope")


def test_schema_error_names_file_path_and_problem(mini_copy: Path) -> None:
    faq = mini_copy / "faq" / "part1.yaml"
    faq.write_text(faq.read_text("utf-8").replace(', "监督审核的时间?"]', "]"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(mini_copy)
    msg = str(exc.value)
    assert "faq/part1.yaml" in msg
    assert "entries[1] (id=faq.surveillance-when).questions" in msg
    assert "at least 3 phrasings per language" in msg
    assert "pydantic" not in msg.lower()


def test_missing_field_is_reported_with_its_path(mini_copy: Path) -> None:
    path = mini_copy / "journey.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "what: {zh: 做一次内审。, en: Run an internal audit.}", "what: {zh: 做一次内审。}"
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        KnowledgeError,
        match=r"journey\.yaml: phases\[0\] \(id=impl\)\.steps"
        r"\[0\] \(id=impl\.audit\)\.what\.en: Field required",
    ):
        load_knowledge(mini_copy)


def test_invalid_yaml_names_the_file(mini_copy: Path) -> None:
    (mini_copy / "glossary.yaml").write_text("terms: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^glossary\.yaml: invalid YAML"):
        load_knowledge(mini_copy)


def test_missing_file_is_reported(mini_copy: Path) -> None:
    (mini_copy / "rules.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"rules\.yaml: file not found"):
        load_knowledge(mini_copy)


def test_faq_files_are_merged_and_duplicate_ids_refused(mini_copy: Path) -> None:
    part1 = (mini_copy / "faq" / "part1.yaml").read_text("utf-8")
    extra = part1.replace("faq.internal-audit-how", "faq.other").replace(
        "  - id: faq.surveillance-when", "  - id: faq.surveillance-when"
    )
    (mini_copy / "faq" / "part2.yaml").write_text(extra, encoding="utf-8")
    msg = r"part2\.yaml: duplicate FAQ id 'faq\.surveillance-when'"
    with pytest.raises(KnowledgeError, match=msg):
        load_knowledge(mini_copy)


def test_packaged_data_is_cached_and_valid() -> None:
    first = load_knowledge()
    assert load_knowledge() is first
    assert first.faq and first.clauses and first.step_order
    assert not first.editions["2013"].current
