"""The PDF in both languages: what a reader finds in it, and that it draws (two renderers)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.report_pdf import render_pdf, report_reply
from flows.report_model import ReportModel
from flows.types import SendReport
from knowledge.loader import Knowledge
from tests.conftest import skip_or_fail
from tests.report.conftest import (
    GAP_ORDER,
    NAMES,
    TO_CLARIFY,
    assessed,
    finder,
    pdf_text,
    report_of,
)

LANGS = ["zh", "en"]


@pytest.fixture(scope="module")
def pdfs(models: dict[str, ReportModel]) -> dict[str, bytes]:
    return {lang: render_pdf(m) for lang, m in models.items()}


def _ink(img: Image.Image) -> float:
    """Share of dark pixels: 0 for a blank page."""
    hist = img.convert("L").histogram()
    return sum(hist[:160]) / (img.width * img.height)


@pytest.mark.parametrize("lang", LANGS)
def test_report_reads_what_the_user_needs(
    pdfs: dict[str, bytes], models: dict[str, ReportModel], kb: Knowledge, lang: str
) -> None:
    m, find = models[lang], finder(pdf_text(pdfs[lang]))
    find(m.label("rp_title"))
    find(NAMES[lang])
    find(kb.editions["2023"].title.get(lang))  # standard and edition, in the reader's language
    find(m.phase)
    for c in m.chapters:  # readiness per chapter: name and percentage side by side
        find(f"{c.title}{c.pct}%")
    where = [find(kb.question(q).text.get(lang)) for q in GAP_ORDER]
    assert where == sorted(where), "gaps are not in priority order"
    for q in GAP_ORDER:
        find(kb.question(q).evidence.get(lang))  # the evidence auditors expect
    audit = next(a for a in m.plan if a.owner_role in ("内审员", "Internal auditor"))
    star = "★" if audit.priority == 1 else ""  # plan: date, action, owner
    find(f"{audit.due.isoformat()}{star}{audit.title}{audit.owner_role}{audit.state}")
    target = m.dates[-1]
    find(f"{target.on.isoformat()}{target.text}")  # upcoming dates: the target comes last
    for q in TO_CLARIFY:
        find(kb.question(q).text.get(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_the_2013_edition_is_never_presented_as_current(
    pdfs: dict[str, bytes], kb: Knowledge, lang: str
) -> None:
    text = pdf_text(pdfs[lang])
    old_title = kb.editions["2013"].title.get(lang).split("29490-2013")[1].strip(" 《》")
    assert old_title and old_title not in text
    find = finder(text)
    assert find("GB/T 29490-2023") < find("GB/T 29490-2013")  # only named as the replaced one


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_numbered_and_every_font_embedded(pdfs: dict[str, bytes], lang: str) -> None:
    reader = PdfReader(io.BytesIO(pdfs[lang]))
    pages = len(reader.pages)
    assert pages >= 3
    last = reader.pages[-1].extract_text()
    assert (f"第 {pages} 页，共 {pages} 页" if lang == "zh" else f"Page {pages} of {pages}") in last
    fonts = {
        str(font["/BaseFont"]): font
        for page in reader.pages
        for font in (f.get_object() for f in page["/Resources"]["/Font"].values())
    }
    assert fonts and all("WenQuanYi" in name for name in fonts), list(fonts)
    for name, font in fonts.items():  # readers need no Chinese font of their own
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{name} is not embedded"
        assert "/ToUnicode" in font, f"{name}: text could not be searched or copied"
    assert reader.metadata is not None and reader.metadata.title is not None
    assert NAMES[lang] in reader.metadata.title


@pytest.mark.parametrize("lang", LANGS)
def test_pages_draw_with_pdfium(pdfs: dict[str, bytes], lang: str) -> None:
    doc = pdfium.PdfDocument(pdfs[lang])
    pages = [doc[i].render(scale=1).to_pil() for i in range(len(doc))]
    for i, img in enumerate(pages, 1):
        assert img.height == 842 and img.width in (595, 596)  # A4 at 72 dpi
        assert 0.002 < _ink(img) < 0.5, f"page {i} looks blank or black"
    assert _ink(pages[0]) > 0.03  # summary, chart and table
    assert _ink(pages[0].crop((40, 40, 555, 80))) > 0.03  # the title is drawn


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_turns_into_png_with_pdftoppm(
    pdfs: dict[str, bytes], lang: str, tmp_path: Path
) -> None:
    tool = shutil.which("pdftoppm")
    if tool is None:
        skip_or_fail("pdftoppm not installed (Debian package poppler-utils)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdfs[lang])
    run = subprocess.run(
        [str(tool), "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and "font" not in run.stderr.lower(), run.stderr
    [png] = tmp_path.glob("p*.png")
    with Image.open(png) as img:
        assert img.format == "PNG" and 0.01 < _ink(img) < 0.5


def test_user_text_is_shown_as_typed(kb: Knowledge) -> None:
    """Markup characters are text, not layout; emoji the font lacks are left out."""
    d = assessed(kb, "en", name="<b>Smith & Sons</b> 🚀 R&D")
    d.cmd("plan")
    d.press("2|pl.add")
    d.text("Check <para> tags & 😀 emoji")
    d.text("2027-03-01")
    text = pdf_text(render_pdf(report_of(d)))
    assert "<b>Smith & Sons</b> R&D · 45 employees" in text  # the summary's company line
    assert "Check <para> tags & emoji" in text  # the user's own plan action


def test_an_empty_company_still_gets_a_report(kb: Knowledge) -> None:
    from tests.flows.conftest import Driver

    d = Driver(kb, "zh")
    d.onboard(name="新公司")
    m = report_of(d)
    assert m.overall is None and not m.gaps and not m.plan
    assert m.caption.endswith("总体准备度 尚未评估。")
    pdf = render_pdf(m)
    find = finder(pdf_text(pdf))
    for key in ("rp_no_gaps", "rp_no_plan", "rp_no_clarify", "rp_na"):
        find(m.label(key))
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in first["/Resources"]  # no chart of empty bars


def test_the_chart_is_in_the_report(pdfs: dict[str, bytes]) -> None:
    first = PdfReader(io.BytesIO(pdfs["zh"])).pages[0]
    [image] = first["/Resources"]["/XObject"].values()
    assert image.get_object()["/Subtype"] == "/Image" and image.get_object()["/Width"] >= 1000


def test_a_failed_rendering_gets_an_apology_not_a_traceback(
    models: dict[str, ReportModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: ReportModel) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr("bot.report_pdf.render_pdf", broken)
    reply = report_reply(SendReport(models["zh"]))
    assert reply.document is None and reply.text == "抱歉，报告暂时无法生成，请稍后再试。"


@pytest.mark.parametrize("lang", LANGS)
def test_the_reply_carries_the_pdf(
    models: dict[str, ReportModel], pdfs: dict[str, bytes], lang: str
) -> None:
    reply = report_reply(SendReport(models[lang]))
    assert reply.document is not None
    assert reply.document.mime_type == "application/pdf"
    assert reply.document.filename == "readiness-report-2026-11-27.pdf"
    assert reply.document.content.startswith(b"%PDF-")
    assert NAMES[lang] in reply.document.caption and "%" in reply.document.caption
    assert len(reply.document.content) < 400_000  # the font is embedded as a subset only
