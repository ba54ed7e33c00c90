"""jionlp's time parser is imported without the rest of jionlp (memory, banner)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from datetime import date
from flows.natural.dates_zh import read_zh, warm_up
warm_up()
first = read_zh("明年6月底", date(2026, 12, 3))
print("R", sorted(m for m in sys.modules if m.startswith("jionlp.gadget.")))
print("R", "jionlp" in sys.modules, "requests" in sys.modules)
import jionlp  # the whole package still imports afterwards
tuesday = jionlp.parse_time("下周二", time_base=1764763200)["time"][0][:10]
print("R", tuesday, first == read_zh("明年6月底", date(2026, 12, 3)))
"""


def test_only_the_time_parser_is_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    lines = [line[2:] for line in done.stdout.splitlines() if line.startswith("R ")]
    gadgets, absent, whole = lines  # jionlp's banner is printed among them
    assert "pinyin" not in gadgets and "time_parser" in gadgets
    assert absent == "False False"
    assert whole == "2025-12-09 True"
