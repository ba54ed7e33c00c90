"""``ipms kb embed``: compute and store the FAQ phrasing vectors (see ``knowledge.semantic``)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from knowledge.faq_words import write_words
from knowledge.loader import KnowledgeError, load_knowledge
from knowledge.semantic import SEMANTIC_MODELS, write_index


def add_embed_arguments(kb_sub: Any) -> None:
    """Register ``embed [--data-dir DIR]`` on the ``kb`` subparsers object."""
    embed = kb_sub.add_parser("embed", help="compute the FAQ phrasing vectors (after FAQ edits)")
    embed.add_argument("--data-dir", type=Path, default=None, help="data directory")


def run_embed(args: argparse.Namespace) -> int:
    try:
        kb = load_knowledge(getattr(args, "data_dir", None))
    except KnowledgeError as exc:
        print(exc)
        return 1
    entries = list(kb.faq.values())
    print(f"Chinese word list -> {write_words(entries, kb.glossary, kb.data_dir)}")
    for name in SEMANTIC_MODELS:
        start = time.perf_counter()
        path = write_index(entries, kb.data_dir, name)
        took = time.perf_counter() - start
        print(f"{name}: {len(entries)} entries embedded in {took:.1f} s -> {path}")
    return 0
