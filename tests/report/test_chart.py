"""The readiness chart: a real PNG, drawn without a display, Chinese labels in a real font."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PIL import Image

from bot.chart import WEAK, chart_png
from bot.report_pdf import report_reply
from flows.report_model import ReportModel
from flows.types import SendReport

ROOT = Path(__file__).resolve().parents[2]


def _count(img: Image.Image, hex_colour: str) -> int:
    """Pixels of exactly this colour (the bars are flat fills)."""
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(n for n, colour in img.convert("RGB").getcolors(1 << 20) or [] if colour == rgb)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_is_a_png_with_a_bar_per_chapter(models: dict[str, ReportModel], lang: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would fail here
        png = chart_png(models[lang])
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.width >= 1000
        assert _count(img, WEAK) > 500  # chapter 10 (33%) is drawn as a priority bar
        assert len(img.convert("RGB").getcolors(1 << 20) or []) > 50  # text, not a flat image


def test_chart_reply_is_an_image_document(models: dict[str, ReportModel]) -> None:
    reply = report_reply(SendReport(models["zh"], chart_only=True))
    assert reply.document is not None and reply.document.mime_type == "image/png"
    assert reply.document.content.startswith(b"\x89PNG")
    assert reply.document.filename.endswith(".png")
    assert reply.text == models["zh"].chart_caption and "深圳市鑫源电子科技有限公司" in reply.text


def test_chart_is_drawn_without_a_display(tmp_path: Path) -> None:
    """No DISPLAY and a GUI backend requested: only the Agg canvas is used, never pyplot."""
    script = (
        "import sys, datetime\n"
        "from bot.chart import chart_png\n"
        "from flows.report_model import ChapterScore, ReportModel\n"
        "labels = {'rp_na': '尚未评估', 'rp_chart_title': '各章准备度',"
        " 'rp_chart_threshold': '低于 50% 须优先整改'}\n"
        "m = ReportModel('zh', datetime.date(2026, 11, 27), 'Asia/Shanghai', '测试公司',"
        " 'GB/T 29490-2023', '准备', 0, 40, 2, 67, 50,"
        " (ChapterScore('4', '第4章 企业所处环境', 40), ChapterScore('5', '第5章 领导作用', None)),"
        " (), (), None, False, (), (), (), '', '', labels)\n"
        f"open({str(tmp_path / 'c.png')!r}, 'wb').write(chart_png(m))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MPLBACKEND"] = "TkAgg"  # would need a display, if anything asked for a backend
    run = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    with Image.open(tmp_path / "c.png") as img:
        assert img.format == "PNG" and _count(img, WEAK) > 200
