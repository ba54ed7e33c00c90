"""Fixtures for knowledge tests: a tiny fixture data dir, temp copies and the real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import PACKAGED_DATA_DIR, Knowledge, load_knowledge

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini_dir() -> Path:
    return MINI_DIR


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data, for planting problems."""
    dest = tmp_path / "data"
    shutil.copytree(MINI_DIR, dest)
    return dest


@pytest.fixture
def mini_kb() -> Knowledge:
    return load_knowledge(MINI_DIR)


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The real, packaged knowledge data."""
    return load_knowledge()


@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(PACKAGED_DATA_DIR, dest)
    return dest
