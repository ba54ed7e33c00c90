"""Text normalisation shared by the FAQ matcher and the intent detector.

Chinese and English are handled differently: Chinese has no spaces, so the matcher works on
character unigrams/bigrams of CJK runs; English is split into words and lightly stemmed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Lang = Literal["zh", "en"]

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{_CJK_CLASS}]")
# A marker the matcher inserts for a glossary concept: "§term-id§". "§" is punctuation, so
# it can never survive ``normalize`` and cannot collide with user text.
CONCEPT_MARK = "§"
TOKEN_RE = re.compile(
    f"{CONCEPT_MARK}([^{CONCEPT_MARK}]+){CONCEPT_MARK}|([{_CJK_CLASS}]+)|([a-z0-9]+)"
)

# Apostrophes join ("what's" -> "whats", "company's" -> "companys" -> stem "company").
_JOINERS = {"'", "’", "‘", "`"}


def _is_separator(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PSZC"


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), lowercase, punctuation -> space, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    out = []
    for ch in text:
        if ch in _JOINERS:
            continue
        out.append(" " if _is_separator(ch) else ch)
    return " ".join("".join(out).split())


def cjk_count(text: str) -> int:
    return len(CJK_RE.findall(text))


def detect_lang(text: str) -> Lang:
    """ "zh" when the text has at least as many Chinese characters as Latin words."""
    norm = normalize(text)
    cjk = cjk_count(norm)
    if cjk == 0:
        return "en"
    latin_words = len(re.findall(r"[a-z]{2,}", norm))
    return "zh" if cjk >= latin_words else "en"


# Function words that say nothing about which FAQ entry is meant. Question words ("when",
# "how", "who", "cost") are kept: they separate "when is X" from "what is X".
_EN_STOP_TEXT = """a an the and or of to in on at for with by from as is are was were be been
being am do does did i me my we our us you your it its this that these those there here can could
should would will shall may might must have has had get got any some please just about into than
then so if also really very s t"""
EN_STOPWORDS = frozenset(_EN_STOP_TEXT.split())
ZH_STOPCHARS = frozenset("的了吗呢吧啊呀么嘛哦哈我们你您是在和与及或就都也还又")


# Colloquial spellings rewritten before matching (generic chat language, not domain terms;
# domain synonyms live in glossary.yaml).
ZH_COLLOQUIAL = {
    "啥时候": "什么时候",
    "多会儿": "什么时候",
    "干嘛": "做什么",
    "干啥": "做什么",
    "咋办": "怎么办",
    "咋整": "怎么办",
    "咋弄": "怎么做",
    "咋搞": "怎么做",
    "咋": "怎么",
    "啥": "什么",
    "木有": "没有",
}
EN_COLLOQUIAL = {
    "cert": "certificate",
    "certs": "certificates",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "isnt": "is not",
    "dont": "do not",
    "doesnt": "does not",
    "cant": "can not",
    "wont": "will not",
    "whats": "what is",
    "hows": "how is",
    "wanna": "want to",
    "gonna": "going to",
}
_ZH_COLLOQUIAL_RE = re.compile("|".join(sorted(ZH_COLLOQUIAL, key=len, reverse=True)))
_EN_COLLOQUIAL_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(EN_COLLOQUIAL) + r")(?![a-z0-9])")


def decolloquialize(norm: str) -> str:
    """Rewrite colloquial forms in normalised text ("啥时候" -> "什么时候", "cert")."""
    norm = _ZH_COLLOQUIAL_RE.sub(lambda m: ZH_COLLOQUIAL[m.group(0)], norm)
    return _EN_COLLOQUIAL_RE.sub(lambda m: EN_COLLOQUIAL[m.group(0)], norm)
