"""httpx is imported without its command-line client, and nothing else about it changes."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{first}
import telegram, httpx
print(json.dumps({{
    "cli": [m for m in ("httpx._main", "click", "pygments") if m in sys.modules],
    "main": getattr(httpx.main, "__module__", ""),
    "names": sorted(n for n in dir(httpx) if not n.startswith("_")),
    "blocked": sys.modules.get("httpx._main", 0) is None,
}}))
"""


def _probe(first: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def test_bot_imports_httpx_without_its_cli_and_the_same_names() -> None:
    ours, plain = _probe("import bot"), _probe("")
    assert ours["cli"] == [] and not ours["blocked"]  # unblocked after the import
    assert ours["names"] == plain["names"]
    # Where the CLI's own dependencies are missing (rich), httpx makes the same stand-in.
    if "httpx._main" not in plain["cli"]:
        assert ours["main"] == plain["main"]


def test_the_cli_module_still_imports_on_request() -> None:
    script = "import bot, httpx, importlib.util as u; print(u.find_spec('httpx._main') is not None)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
