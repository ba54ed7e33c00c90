"""The readiness-per-chapter chart as a PNG, drawn headless with matplotlib.

Only the object API (``Figure`` + the Agg canvas) is used: no pyplot, so no display, no GUI
backend and no global figure state. Chinese labels use the bundled CJK font (``bot.fonts``),
passed to each text explicitly rather than through the global rcParams.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.fonts import CJK_FONT
from flows.report_model import ReportModel

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

WEAK = "#c8553d"  # a chapter under the weak-chapter threshold: a priority
FINE = "#2d6a8f"
NONE = "#b8b8b8"
# matplotlib's font cache and text layout are shared between figures: one chart at a time.
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _font() -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(CJK_FONT))


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(CJK_FONT)).get_charmap())


def _printable(text: str) -> str:
    """Characters the font lacks (emoji in a company name) are left out, not drawn as boxes."""
    covered = _covered()
    return "".join(ch for ch in text if ord(ch) in covered)


def chart_png(model: ReportModel, width_in: float = 8.0, dpi: int = 150) -> bytes:
    """A horizontal bar per chapter (0–100 %), the threshold marked, labels in the language."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        font = _font()
        chapters = list(model.chapters)
        height = 1.3 + 0.42 * max(len(chapters), 1)
        fig = Figure(figsize=(width_in, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        rows = range(len(chapters))
        values = [c.pct or 0 for c in chapters]
        colours = [_colour(c.pct, model.weak_pct) for c in chapters]
        ax.barh(rows, values, color=colours, height=0.62)
        ax.set_yticks(
            rows, labels=[_printable(c.title) for c in chapters], fontproperties=font, fontsize=9
        )
        ax.invert_yaxis()  # chapter 4 on top, as in the standard
        ax.set_xlim(0, 100)
        ax.set_xticks(range(0, 101, 25), labels=[f"{x}%" for x in range(0, 101, 25)])
        for row, c in zip(rows, chapters, strict=True):
            text = f"{c.pct}%" if c.pct is not None else model.label("rp_na")
            ax.text(
                min(c.pct or 0, 88) + 1.5, row, text, va="center", fontproperties=font, fontsize=9
            )
        ax.axvline(model.weak_pct, color=WEAK, linestyle="--", linewidth=1)
        ax.text(
            model.weak_pct + 1,
            -0.75,
            model.label("rp_chart_threshold"),
            color=WEAK,
            fontproperties=font,
            fontsize=8,
            va="bottom",
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        title = f"{model.label('rp_chart_title')} · {model.company} · {model.made_on.isoformat()}"
        ax.set_title(_printable(title), fontproperties=font, fontsize=11, loc="left", pad=18)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _colour(pct: int | None, weak: int) -> str:
    if pct is None:
        return NONE
    return WEAK if pct < weak else FINE
