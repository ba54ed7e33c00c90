"""Database URLs: normalisation, per-user default, password masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import default_database_url, normalize_database_url, safe_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/ipms.db", "sqlite+aiosqlite:///data/ipms.db"),
        ("sqlite:////abs/ipms.db", "sqlite+aiosqlite:////abs/ipms.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@db:5432/ipms", "postgresql+asyncpg://u:p@db:5432/ipms"),
        ("postgres://u@db/ipms", "postgresql+asyncpg://u@db/ipms"),
        ("postgresql+psycopg2://u@db/ipms", "postgresql+asyncpg://u@db/ipms"),
        ("postgresql+asyncpg://u@db/ipms", "postgresql+asyncpg://u@db/ipms"),
        ("postgres://u@db/ipms?sslmode=require", "postgresql+asyncpg://u@db/ipms?ssl=require"),
    ],
)
def test_urls_are_normalised_to_async_drivers(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_password_is_masked() -> None:
    masked = safe_url("postgresql+asyncpg://bot:s3cr%40t@db/ipms")
    assert "s3cr" not in masked and "***" in masked


def test_default_url_in_data_dir_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "nested" / "data"
    monkeypatch.setenv("IPMS_DATA_DIR", str(target))
    assert default_database_url() == f"sqlite+aiosqlite:///{target / 'ipms.db'}"
    assert target.is_dir()


def test_default_url_in_per_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPMS_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # platformdirs on Linux
    assert default_database_url() == f"sqlite+aiosqlite:///{tmp_path / 'ipms-bot' / 'ipms.db'}"
    assert (tmp_path / "ipms-bot").is_dir()
