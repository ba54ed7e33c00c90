"""The FAQ's part of ``ipms kb check``: house style of texts and the stored phrasing vectors."""

from __future__ import annotations

from knowledge.faq_style import style_problems
from knowledge.loader import RawData
from knowledge.semantic import index_problems


def faq_problems(raw: RawData) -> list[str]:
    entries = [e for faq_file in raw.faq_files.values() for e in faq_file.entries]
    authority = [
        f"{e.id}: authority given for a high-confidence answer (it is never shown)"
        for e in entries
        if e.authority is not None and e.confidence == "H"
    ]
    return style_problems(raw) + authority + index_problems(entries, raw.data_dir)
