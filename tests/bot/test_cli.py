"""The ``ipms`` command as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _ipms(tmp: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "IPMS_DATA_DIR": str(tmp), **env}
    for key in ("IPMS_TELEGRAM_TOKEN", "IPMS_DATABASE_URL", "IPMS_AUTO_MIGRATE"):
        if key not in env:
            full.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )


def test_unmigrated_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'prod.db'}"
    done = _ipms(tmp_path, "chat", stdin="/start\n", IPMS_DATABASE_URL=url)
    assert done.returncode != 0
    assert "ipms migrate" in done.stderr and "Traceback" not in done.stderr
    assert _ipms(tmp_path, "migrate", IPMS_DATABASE_URL=url).returncode == 0
    ok = _ipms(tmp_path, "chat", stdin="/help\n", IPMS_DATABASE_URL=url)
    assert ok.returncode == 0 and "/next" in ok.stdout


def test_run_without_token_explains_what_to_do(tmp_path: Path) -> None:
    done = _ipms(tmp_path, "run")
    assert done.returncode == 2 and "IPMS_TELEGRAM_TOKEN" in done.stderr


def test_bad_configuration_is_reported_plainly(tmp_path: Path) -> None:
    done = _ipms(tmp_path, "chat", IPMS_TIMEZONE="Mars/Olympus")
    assert done.returncode != 0 and "IPMS_TIMEZONE" in done.stderr
    assert "Traceback" not in done.stderr


def test_kb_check_is_clean(tmp_path: Path) -> None:
    done = _ipms(tmp_path, "kb", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK")


def test_token_never_printed_in_logs(tmp_path: Path) -> None:
    token = "123456789:AAFakeTokenThatMustNeverAppear_xyz"
    done = _ipms(
        tmp_path,
        "run",
        IPMS_TELEGRAM_TOKEN=token,
        IPMS_TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",  # nothing listens: start-up fails
        IPMS_AUTO_MIGRATE="true",
        IPMS_LOG_LEVEL="DEBUG",
    )
    assert done.returncode == 4 and "Could not talk to the Telegram Bot API" in done.stderr
    assert "Traceback" not in done.stderr
    assert token not in done.stdout + done.stderr
    assert "AAFakeToken" not in done.stdout + done.stderr
