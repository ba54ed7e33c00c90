"""House rules for the text catalogue, checked by ``ipms kb check``.

Both languages hold the same keys with the same placeholders; Chinese addresses the user as
您 and uses full-width punctuation; neither language leaks the other (names of standards,
commands and placeholders aside).
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.texts import TEXTS_DIR, placeholders, read_catalogue

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
# ASCII punctuation touching a Chinese character: "阶段:{phase}" should read "阶段：{phase}".
_ASCII_BY_CJK = re.compile(f"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
# Latin words allowed inside Chinese: standard names, acronyms, commands, file types.
_LATIN_OK = re.compile(
    r"GB/T|ISO(/IEC)?|IEC|CNCA|CNAS|CNIPA|IPMS|FTO|PDF|JSON|Telegram|English"
    r"|/[a-z_]+( all)?|\.ics|[A-Z][a-z]+/[A-Za-z_]+|UTC|GMT",
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z/_.]*")
# Chinese allowed inside English: the language button and the name people search for.
_EN_CJK_OK = re.compile(r"中文|贯标|《[^》]*》")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _zh_problems(key: str, text: str) -> list[str]:
    problems = []
    if "你" in text:
        problems.append(f"texts/zh: {key}: use 您, not 你")
    bare = _PLACEHOLDER.sub("", text)
    if m := _ASCII_BY_CJK.search(bare):
        problems.append(f"texts/zh: {key}: ASCII {m.group()!r} next to Chinese; use full-width")
    latin = _LATIN_WORD.findall(_LATIN_OK.sub(" ", bare))
    if latin:
        problems.append(f"texts/zh: {key}: English inside Chinese: {' '.join(latin[:3])}")
    return problems


def _en_problems(key: str, text: str) -> list[str]:
    rest = _EN_CJK_OK.sub("", _PLACEHOLDER.sub("", text))
    if re.search(f"[{_CJK}]", rest):
        return [f"texts/en: {key}: Chinese inside English"]
    return []


def check_texts(texts_dir: Path = TEXTS_DIR) -> list[str]:
    """Problems in the catalogue (empty when it is clean)."""
    catalogue, problems = read_catalogue(texts_dir)
    zh, en = catalogue.texts["zh"], catalogue.texts["en"]
    problems += [f"texts/en: {k} is missing (it is in texts/zh)" for k in sorted(set(zh) - set(en))]
    problems += [f"texts/zh: {k} is missing (it is in texts/en)" for k in sorted(set(en) - set(zh))]
    for key in sorted(set(zh) & set(en)):
        if placeholders(zh[key]) != placeholders(en[key]):
            problems.append(
                f"texts: {key}: placeholders differ: zh {sorted(placeholders(zh[key]))}, "
                f"en {sorted(placeholders(en[key]))}"
            )
        problems += _zh_problems(key, zh[key]) + _en_problems(key, en[key])
    return problems
