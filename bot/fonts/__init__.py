"""The CJK font bundled for the PDF report and the readiness chart (see README.md here).

A font file shipped with the package renders Chinese the same everywhere (a phone, a
desktop viewer, CI) without a system font; the PDF embeds only the glyphs it uses.
"""

from __future__ import annotations

from pathlib import Path

CJK_FONT = Path(__file__).parent / "wqy-microhei-nohangul.ttf"
CJK_FONT_NAME = "WenQuanYi Micro Hei"
