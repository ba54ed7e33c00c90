"""httpx without its command-line client, imported before python-telegram-bot imports it.

httpx's package ``__init__`` imports ``httpx._main`` (click and pygments, ~1.5 MB resident)
only to export ``httpx.main``, the entry point of the ``httpx`` console script, which runs
in a process of its own. When that import fails httpx defines a stand-in ``main`` instead,
and nothing else changes. The bot never runs the CLI, so ``httpx._main`` is blocked while
httpx is imported and unblocked afterwards: a later ``import httpx._main`` loads it as usual.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["import_httpx_without_cli"]

_CLI = "httpx._main"


def import_httpx_without_cli() -> None:
    """Import httpx (if nothing has yet) without ``httpx._main``."""
    if "httpx" in sys.modules:
        return
    blocked = _CLI not in sys.modules
    if blocked:
        sys.modules[_CLI] = None  # type: ignore[assignment]  # "import fails", by the docs
    try:
        importlib.import_module("httpx")
    finally:
        if blocked and sys.modules.get(_CLI, False) is None:
            del sys.modules[_CLI]
