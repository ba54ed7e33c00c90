"""Crash-test hook: ``kill -9`` this process at a named step of handling an update.

``IPMS_TEST_KILL_AT=<step>`` (read once, at import) makes ``checkpoint(<step>)`` send SIGKILL
to the process, as a power cut or an OOM kill would, so tests can prove what survives.
Steps: ``claim`` (update id recorded, uncommitted), ``load`` (conversation loaded),
``flows`` (flows ran), ``save`` (state written, uncommitted), ``commit`` (committed, nothing
sent yet). Unset (always, outside ``tests/crash``), a checkpoint is one comparison.
"""

from __future__ import annotations

import os
import signal

KILL_ENV = "IPMS_TEST_KILL_AT"
STEPS = ("claim", "load", "flows", "save", "commit")

_kill_at = os.environ.get(KILL_ENV) or None


def checkpoint(step: str) -> None:
    if _kill_at is not None and step == _kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
