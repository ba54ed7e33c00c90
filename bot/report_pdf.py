"""The readiness report as a PDF, laid out with ReportLab (no display, no system fonts).

The bundled CJK font (``bot.fonts``) is embedded as a subset of the glyphs used, so Chinese
reads the same in any viewer and the text can be searched and copied. ``report_reply`` is
what the service sends: the PDF (or the chart alone) as a document, or an apology.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from bot.chart import chart_png
from bot.fonts import CJK_FONT
from flows.report_model import ReportModel
from flows.types import Document, Reply, SendReport
from knowledge.texts import load_catalogue

log = logging.getLogger(__name__)

FONT = "IpmsCJK"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#2d6a8f")
ALERT_HEX = "#c8553d"
ALERT = colors.HexColor(ALERT_HEX)
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")
WIDTH = A4[0] - 36 * mm  # text width between the margins
_LOCK = threading.Lock()  # ReportLab keeps per-document font state: one report at a time


def _register_font() -> TTFont:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        font = TTFont(FONT, str(CJK_FONT))
        pdfmetrics.registerFont(font)
        # One face only: bold/italic markup falls back to it instead of failing.
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    font = pdfmetrics.getFont(FONT)
    assert isinstance(font, TTFont)
    return font


def _printable(text: str, glyphs: Mapping[int, int]) -> str:
    """Characters the font lacks (emoji) are left out rather than drawn as empty boxes."""
    return "".join(ch for ch in text if ch == "\n" or ord(ch) in glyphs)


class _Styles:
    def __init__(self, lang: str) -> None:
        wrap = "CJK" if lang == "zh" else None  # Chinese breaks between characters
        base = ParagraphStyle(
            "base", fontName=FONT, fontSize=9.5, leading=14, textColor=INK, wordWrap=wrap
        )
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8, leading=11, textColor=MUTED)
        self.cell = ParagraphStyle("cell", base, fontSize=8.5, leading=12)
        self.head = ParagraphStyle("head", base, fontSize=8.5, leading=12, textColor=colors.white)
        self.title = ParagraphStyle("title", base, fontSize=19, leading=26, spaceAfter=2)
        self.h2 = ParagraphStyle(
            "h2", base, fontSize=13, leading=18, textColor=ACCENT, spaceBefore=12, spaceAfter=6
        )
        self.alert = ParagraphStyle("alert", self.cell, textColor=ALERT)


class _Writer:
    """Builds the flowables of one report."""

    def __init__(self, model: ReportModel, font: TTFont) -> None:
        self.m = model
        self.s = _Styles(model.lang)
        self.glyphs = font.face.charToGlyph

    def text(self, value: str) -> str:
        """User and data text as Paragraph markup: escaped, line breaks kept."""
        return escape(_printable(value, self.glyphs)).replace("\n", "<br/>")

    def p(self, value: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(self.text(value), style or self.s.body)

    def table(self, rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # else Helvetica is referenced, unembedded
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), ACCENT))
        t.setStyle(TableStyle(style))
        return t

    def head_row(self, *keys: str) -> list[Paragraph]:
        return [self.p(self.m.label(k), self.s.head) for k in keys]

    # --- sections ------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        m, s = self.m, self.s
        rows = [[self.p(label, s.small), self.p(value, s.cell)] for label, value in m.summary]
        summary = self.table(rows, [38 * mm, WIDTH - 38 * mm], header=False)
        summary.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
        return [
            self.p(m.label("rp_title"), s.title),
            self.p(m.label("rp_made"), s.small),
            Spacer(1, 8),
            summary,
        ]

    def readiness(self) -> list[Flowable]:
        m, s = self.m, self.s
        out: list[Flowable] = [self.p(m.label("rp_h_readiness"), s.h2)]
        if m.overall is not None:  # before any answer the chart would be empty bars
            img = Image(io.BytesIO(chart_png(m, width_in=7.0, dpi=200)))
            img.drawWidth, img.drawHeight = WIDTH, WIDTH * img.imageHeight / img.imageWidth
            out.append(img)
        rows: list[list[Any]] = [
            self.head_row("rp_col_chapter", "rp_col_readiness", "rp_col_status")
        ]
        for c in m.chapters:
            if c.pct is None:
                pct, status, style = "—", m.label("rp_na"), s.cell
            elif c.pct < m.weak_pct:
                pct, status, style = f"{c.pct}%", m.label("rp_weak"), s.alert
            else:
                pct, status, style = f"{c.pct}%", m.label("rp_ok"), s.cell
            rows.append([self.p(c.title, s.cell), self.p(pct, style), self.p(status, style)])
        out.append(self.table(rows, [WIDTH - 72 * mm, 22 * mm, 50 * mm]))
        return out

    def gaps(self) -> list[Flowable]:
        m, s = self.m, self.s
        out: list[Flowable] = [self.p(m.label("rp_h_gaps"), s.h2)]
        if not m.gaps:
            return [*out, self.p(m.label("rp_no_gaps"))]
        out.append(self.p(m.label("rp_gaps_intro"), s.small))
        out.append(Spacer(1, 4))
        rows: list[list[Any]] = [self.head_row("rp_col_gap", "rp_col_gap", "rp_col_evidence")]
        rows[0][0] = self.p("#", s.head)
        for i, g in enumerate(m.gaps, 1):
            what = (
                f"{self.text(g.chapter)} · {self.text(g.clauses)}<br/>"
                f"{self.text(g.requirement)} <font color='{ALERT_HEX}'>"
                f"{self.text(g.status)}</font><br/>{self.text(g.todo)}"
            )
            rank = self.p(f"{i}\n{g.priority_label}", s.alert if g.priority == 1 else s.cell)
            rows.append([rank, Paragraph(what, s.cell), self.p(g.evidence, s.cell)])
        out.append(self.table(rows, [24 * mm, WIDTH - 84 * mm, 60 * mm]))
        return out

    def plan(self) -> list[Flowable]:
        m, s = self.m, self.s
        out: list[Flowable] = [self.p(m.label("rp_h_plan"), s.h2)]
        if not m.plan:
            return [*out, self.p(m.label("rp_no_plan"))]
        rows: list[list[Any]] = [
            self.head_row("rp_col_due", "rp_col_action", "rp_col_owner", "rp_col_state")
        ]
        for a in m.plan:
            style = s.alert if a.overdue else s.cell
            title = ("★ " if a.priority == 1 else "") + a.title
            rows.append(
                [
                    self.p(a.due.isoformat(), style),
                    self.p(title, s.cell),
                    self.p(a.who, s.cell),
                    self.p(a.state, style),
                ]
            )
        out.append(self.table(rows, [22 * mm, WIDTH - 94 * mm, 42 * mm, 30 * mm]))
        return out

    def dates(self) -> list[Flowable]:
        m, s = self.m, self.s
        out: list[Flowable] = [self.p(m.label("rp_h_dates"), s.h2)]
        if not m.dates:
            return [*out, self.p(m.label("rp_no_dates"))]
        rows: list[list[Any]] = [self.head_row("rp_col_date", "rp_col_event")]
        for d in m.dates:
            style = s.alert if d.overdue else s.cell
            rows.append([self.p(d.on.isoformat(), style), self.p(d.text, style)])
        out.append(self.table(rows, [26 * mm, WIDTH - 26 * mm]))
        return out

    def clarify(self) -> list[Flowable]:
        m, s = self.m, self.s
        out: list[Flowable] = [self.p(m.label("rp_h_clarify"), s.h2)]
        if not m.clarify:
            return [*out, self.p(m.label("rp_no_clarify"))]
        out.append(self.p(m.label("rp_clarify_intro"), s.small))
        for i, c in enumerate(m.clarify, 1):
            out.append(Spacer(1, 4))
            out.append(self.p(f"{i}. {c.text}", s.cell))
            out.append(self.p(c.why, s.small))
        return out

    def flowables(self) -> list[Flowable]:
        parts: Iterable[list[Flowable]] = (
            self.cover(),
            self.readiness(),
            self.gaps(),
            self.plan(),
            self.dates(),
            self.clarify(),
        )
        out = [f for part in parts for f in part]
        return [*out, Spacer(1, 14), self.p(self.m.label("rp_disclaimer"), self.s.small)]


def _numbered_canvas(model: ReportModel, font: TTFont) -> type[Canvas]:
    """A canvas that writes "page N of M" once the page count is known (at save)."""
    footer = _printable(f"{model.label('rp_title')} · {model.company}", font.face.charToGlyph)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                page = model.label("rp_page").format(page=self._pageNumber, pages=len(self._pages))
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(18 * mm, 10 * mm, footer)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, page)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(model: ReportModel) -> bytes:
    """The report as PDF bytes (A4, the CJK font embedded as a subset)."""
    with _LOCK:
        font = _register_font()
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
            title=f"{model.label('rp_title')} · {model.company}",
            author="ipms-bot",
            subject=model.standard,
            lang="zh-CN" if model.lang == "zh" else "en",
            initialFontName=FONT,  # no reference to an unembedded standard font
        )
        doc.build(_Writer(model, font).flowables(), canvasmaker=_numbered_canvas(model, font))
    return buf.getvalue()


def report_reply(effect: SendReport) -> Reply:
    """What the user receives for /report or the chart button (never a traceback)."""
    model = effect.model
    try:
        if effect.chart_only:
            doc = Document(
                f"readiness-{model.made_on}.png", chart_png(model), "image/png", model.chart_caption
            )
        else:
            doc = Document(
                f"readiness-report-{model.made_on}.pdf",
                render_pdf(model),
                "application/pdf",
                model.caption,
            )
    except Exception:  # a broken report must not cost the user their answer
        log.exception("rendering the readiness report failed")
        return Reply(load_catalogue().t(model.lang, "report_failed"))
    return Reply(doc.caption, document=doc)
