"""Questions about a clause number, answered from the clause catalogue.

"9.2条款要求什么", "what does clause 7.3 require?", "2013版的5.3对应新版哪条": the answer is
the catalogue's own summary, the records an auditor asks for and the mapping to the other
edition, with the catalogue's confidence (an uncertain number says so). The answer is a
synthesized ``FaqEntry`` (id ``clause.<clause id>``), so every renderer of FAQ answers shows
it unchanged. A text that merely mentions a clause while asking something else ("内审对应
9.2条款，一年要做几次") is left to the FAQ.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.schema import Clause, Confidence, Edition, FaqEntry, Text, TextList

__all__ = ["CLAUSE_ENTRY_PREFIX", "clause_entry", "names_edition", "parse_clause_question"]

CLAUSE_ENTRY_PREFIX = "clause."
_NUM = r"(\d{1,2}(?:\.\d{1,2}){0,2}|附录\s*b|annex\s*b|appendix\s*b)"
_ED = r"(?:gb\s*t\s*)?(?:29490\s*)?(2013|2023)\s*(?:版|年版|edition|version|standard)?"
# Words that only say "tell me about this clause" in either language.
_ABOUT = re.compile(
    r"要求什么|要求了什么|要求|讲什么|讲的是什么|讲的什么|讲了什么|说什么|说的是什么|写的什么|是什么|什么"
    r"|内容|是啥|啥|主要|有哪些|哪些|具体|条款|标准|里面|里|中|对应|新版|旧版|老版|哪条|哪一条|哪个"
    r"|规定|解释|介绍|一下|请问|的|是|了|吗|呢|版|第|条|款|章|节"
    r"|\b(?:what|whats|does|do|is|are|the|clause|section|chapter|sub clause|subclause|require"
    r"|requires|requirement|requirements|say|says|about|mean|means|cover|covers|in|of|for"
    r"|standard|edition|version|new|old|current|correspond|corresponds|to|map|maps|mapped"
    r"|which|equivalent|explain|tell|me|please|a|an|gb|t|29490|iso|ask|asks|needed|need|needs)\b"
)
_MAPPING = re.compile(r"对应|映射|新版|旧版|老版|correspond|map|equivalent|new edition|old edition")
_OLD = re.compile(r"2013|旧版|老版|old edition|old version")
# An edition named without its year ("新版10.2要求什么", "what does 10.2 require in the new
# edition"): as good as a clause word (round 12).
_EDITION_WORD = re.compile(
    r"新版|旧版|老版|(?:new|old|current|latest|previous) (?:edition|version)"
)
_CLAUSE_WORD = re.compile(r"条款|第\s*\d|\d\s*(?:条|款|章|节)|clause|section|chapter|§")
_NUM_RE = re.compile(rf"(?<![\d.]){_NUM}(?![\d.]|\s*(?:年|月|日|天|万|元|%|个|人|次|倍))")


def parse_clause_question(text: str) -> tuple[str, str, bool] | None:
    """(edition, number, asks for the mapping) when the text asks about one clause."""
    norm = _light_normalize(text)
    nums = [m for m in _NUM_RE.finditer(norm)]
    editions = re.findall(_ED, norm)
    # The number that is not an edition year.
    cands = [m for m in nums if m.group(1) not in ("2013", "2023", "29490")]
    if len(cands) != 1:
        return None
    number_match = cands[0]
    has_clause_word = bool(_CLAUSE_WORD.search(norm))
    if not has_clause_word and not editions and not _EDITION_WORD.search(norm):
        return None
    rest = norm[: number_match.start()] + " " + norm[number_match.end() :]
    rest = re.sub(_ED, " ", rest)
    residue = _ABOUT.sub(" ", rest)
    if len(residue.replace(" ", "")) > 2:
        return None
    number = _canonical_number(number_match.group(1))
    edition = "2013" if _OLD.search(norm) and "2023" not in editions else "2023"
    if editions and len(set(editions)) == 1:
        edition = editions[0]
    elif preceding := re.findall(_ED, norm[: number_match.start()]):
        edition = preceding[-1]  # "2013版5.3条对应2023版的什么": the edition the number is of
    return edition, number, bool(_MAPPING.search(norm))


def names_edition(text: str) -> bool:
    """The text names an edition (a year, 新版 / 旧版, "the new edition"): a bare clause number
    ("what does clause 7.3 require") does not (round 12)."""
    norm = _light_normalize(text)
    return bool(re.search(_ED, norm) or _EDITION_WORD.search(norm))


def _light_normalize(text: str) -> str:
    """NFKC and lowercase; punctuation becomes space except a dot inside a number."""
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", norm)
    return " ".join(re.sub(r"[^\w.§]", " ", norm).replace("§", " § ").split())


def _canonical_number(raw: str) -> str:
    return "B" if raw[-1] in "bB" else raw


def clause_entry(
    clause: Clause,
    edition: Edition,
    mapped: list[Clause],
    mapping: bool,
    same_number: Clause | None = None,
) -> FaqEntry:
    """A synthesized FAQ entry answering a question about ``clause``; ``same_number`` is the
    other edition's clause of that number when the question named no edition and the two
    differ (round 12: "clause 7.3" is awareness in 2023, exploitation in 2013)."""
    confidence: Confidence = _weakest([clause, *mapped] if mapping else [clause])
    zh = [f"GB/T 29490-{clause.edition} {clause.number}「{clause.title.zh}」：{clause.summary.zh}"]
    en = [f"GB/T 29490-{clause.edition} {clause.number} ({clause.title.en}): {clause.summary.en}"]
    if clause.evidence.zh:
        zh.append("审核员通常会看：" + "、".join(clause.evidence.zh) + "。")
        en.append("Auditors usually ask for: " + "; ".join(clause.evidence.en) + ".")
    if mapping or not edition.current:
        zh.append(_mapping_text(clause, mapped, "zh"))
        en.append(_mapping_text(clause, mapped, "en"))
    if not edition.current:
        zh.append(edition.note.zh)
        en.append(edition.note.en)
    if same_number is not None:
        zh.append(
            f"（{same_number.edition}版的{same_number.number}是「{same_number.title.zh}」，"
            f"要问那一条请写明“{same_number.edition}版{same_number.number}”。）"
        )
        en.append(
            f"(In the {same_number.edition} edition, {same_number.number} is "
            f'{same_number.title.en}; ask about "{same_number.edition} edition '
            f'{same_number.number}" for that one.)'
        )
    if clause.confidence == "L":
        zh.append("（本条的编号是按公开资料推断的，可能与标准原文不同，请以标准原文为准。）")
        en.append(
            "(This clause number is inferred from public material and may differ from the "
            "standard's text: check the standard itself.)"
        )
    label = f"{clause.number}"
    return FaqEntry(
        id=f"{CLAUSE_ENTRY_PREFIX}{clause.id}",
        phase="impl",
        clauses=[clause.id, *(c.id for c in mapped)] if mapping else [clause.id],
        confidence=confidence,
        questions=TextList(
            zh=[f"{label}条款要求什么", f"{clause.title.zh}的要求", f"{label}条款的内容"],
            en=[
                f"What does clause {label} require?",
                f"Requirements of {clause.title.en}",
                f"What is in clause {label}?",
            ],
        ),
        answer=Text(zh="\n".join(zh), en="\n".join(en)),
    )


def _mapping_text(clause: Clause, mapped: list[Clause], lang: str) -> str:
    other = "2023" if clause.edition == "2013" else "2013"
    if not mapped:
        if lang == "zh":
            return f"{other}版没有与之直接对应的条款。"
        return f"The {other} edition has no directly corresponding clause."
    if lang == "zh":
        items = "、".join(f"{c.number}「{c.title.zh}」" for c in mapped)
        return f"对应{other}版：{items}。"
    items = "; ".join(f"{c.number} ({c.title.en})" for c in mapped)
    return f"Corresponds to the {other} edition: {items}."


def _weakest(clauses: list[Clause]) -> Confidence:
    order: dict[Confidence, int] = {"H": 0, "M": 1, "L": 2}
    return max((c.confidence for c in clauses), key=lambda c: order[c])
