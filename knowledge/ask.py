"""``ipms ask``: answer one FAQ question, or a batch of them, from the command line.

``ipms ask "QUESTION" [--lang zh|en] [--json]`` prints the answer (or suggestions, or an
honest "I don't know"); ``ipms ask --batch FILE --json`` reads one question per line and
writes one JSON object per line, nothing else. The renderers ``format_match`` and
``format_answer`` are reusable by chat flows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from knowledge.answers import cited_number, confidence_note
from knowledge.loader import Knowledge, load_knowledge
from knowledge.matcher import Match
from knowledge.schema import FaqEntry, Text
from knowledge.text import Lang, detect_lang

MSG: dict[str, Text] = {
    "clause": Text(zh="条款：", en="Clause:"),
    "related": Text(zh="相关问题：", en="Related questions:"),
    "did_you_mean": Text(zh="您是不是想问：", en="Did you mean:"),
    "pick_one": Text(
        zh="请用其中一个问法再问一次，或换个说法。",
        en="Ask again with one of these, or rephrase your question.",
    ),
    "unknown": Text(
        zh="这个问题我暂时答不上来。可以换个说法再问，或发送 /help 看看我能帮您做什么。",
        en="I don't know this one yet. Try rephrasing it, or send /help to see what I can do.",
    ),
    "withdrawn": Text(
        zh="（2013版，已不再作为认证依据）", en="(2013 edition, no longer a certification basis)"
    ),
}


def clause_label(kb: Knowledge, clause_id: str, lang: Lang) -> str:
    """ "GB/T 29490-2023 8.2 <title>"; unknown ids are shown as they are."""
    clause = kb.clauses.get(clause_id)
    if clause is None:
        return clause_id
    number = cited_number(clause, lang)
    if number != clause.number:  # an uncertain sub-clause is cited as its chapter
        clause = kb.clauses.get(f"{clause.edition}:{clause.chapter}", clause)
    label = f"GB/T 29490-{clause.edition} {number} {clause.title.get(lang)}"
    edition = kb.editions.get(clause.edition)
    if edition is not None and not edition.current:
        label += " " + MSG["withdrawn"].get(lang)
    return label


def format_answer(kb: Knowledge, entry: FaqEntry, lang: Lang) -> str:
    lines = [entry.answer.get(lang)]
    if note := confidence_note(entry, lang):
        lines.append(note)
    if entry.clauses:
        lines.append("")
        prefix = MSG["clause"].get(lang) + ("" if lang == "zh" else " ")
        lines.extend(prefix + clause_label(kb, c, lang) for c in entry.clauses)
    related = [kb.faq[r] for r in entry.related if r in kb.faq]
    if related:
        lines.append("")
        lines.append(MSG["related"].get(lang))
        lines.extend(f"- {r.title(lang)}" for r in related)
    return "\n".join(lines)


def format_match(kb: Knowledge, match: Match, lang: Lang) -> str:
    if match.status == "answered" and match.entry is not None:
        return format_answer(kb, match.entry, lang)
    if match.status == "suggest":
        lines = [MSG["did_you_mean"].get(lang)]
        lines.extend(f"{i}) {e.title(lang)}" for i, e in enumerate(match.suggestions, start=1))
        lines.append(MSG["pick_one"].get(lang))
        return "\n".join(lines)
    return MSG["unknown"].get(lang)


def match_record(question: str, match: Match, lang: Lang) -> dict[str, Any]:
    """The JSON object ``--json`` prints for one question."""
    entry = match.entry if match.status == "answered" else None
    return {
        "question": question,
        "status": match.status,
        "entry_id": entry.id if entry else None,
        "score": match.score,
        "answer": entry.answer.get(lang) if entry else None,
        "clauses": list(entry.clauses) if entry else [],
        "suggestions": [e.id for e in match.suggestions],
    }


def add_ask_arguments(subparsers: Any) -> None:
    """Register ``ask`` on an argparse subparsers object."""
    ask = subparsers.add_parser("ask", help="ask the FAQ a question")
    ask.add_argument("question", nargs="*", help="the question (quote it)")
    ask.add_argument("--lang", choices=["zh", "en"], default=None, help="answer language")
    ask.add_argument("--json", action="store_true", help="print JSON instead of text")
    ask.add_argument("--batch", type=Path, default=None, help="file with one question per line")
    ask.add_argument("--data-dir", type=Path, default=None, help=argparse.SUPPRESS)
    ask.set_defaults(func=run_ask)


def _answer_one(kb: Knowledge, question: str, args: argparse.Namespace, out: TextIO) -> None:
    lang: Lang = args.lang or detect_lang(question)
    match = kb.matcher.match(question, lang)
    if args.json:
        out.write(json.dumps(match_record(question, match, lang), ensure_ascii=False) + "\n")
    else:
        out.write(format_match(kb, match, lang) + "\n")


def run_ask(args: argparse.Namespace) -> int:
    out = sys.stdout
    kb = load_knowledge(getattr(args, "data_dir", None))
    if args.batch is not None:
        try:
            lines = args.batch.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(f"cannot read {args.batch}: {exc}", file=sys.stderr)
            return 2
        for i, line in enumerate(q.strip() for q in lines if q.strip()):
            if i and not args.json:
                out.write("\n")
            _answer_one(kb, line, args, out)
        return 0
    question = " ".join(args.question).strip()
    if not question:
        print('usage: ipms ask "QUESTION" [--lang zh|en] [--json]', file=sys.stderr)
        return 2
    _answer_one(kb, question, args, out)
    return 0
