"""The lexicon of natural answers (``knowledge/data/lexicon.yaml``): schema and loader.

Answer words, approximation words, ordinals, option synonyms and place names are data, so a
data author can add "木有" or "Chengdu" without touching code. ``load_lexicon()`` validates the
file and returns every phrase folded (see ``fold``) so the parsers in ``flows.natural`` can
compare folded user text with plain ``==`` and ``in``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.loader import PACKAGED_DATA_DIR, parse_file

AnswerKindName = Literal["yes", "partly", "no", "na", "unsure"]
LEXICON_FILE = "lexicon.yaml"
_APOSTROPHES = str.maketrans("", "", "'’‘`")


def fold(text: str) -> str:
    """NFKC (full-width -> half-width), casefold, no apostrophes, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(text.split())


def _text(v: object) -> bool:
    if not isinstance(v, str):
        raise ValueError(f"{v!r} is not text: quote it in the YAML file")
    return True


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _folded(values: list[str]) -> tuple[str, ...]:
    out = []
    for v in values:
        if not isinstance(v, str):  # YAML turned a bare yes/no/on/off into a boolean
            raise ValueError(f"phrase {v!r} is not text: quote it in the YAML file")
        f = fold(v)
        if not f:
            raise ValueError("blank phrase")
        out.append(f)
    return tuple(dict.fromkeys(out))


class Words(_Strict):
    """Phrases in both languages (folded on load)."""

    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _fold(cls, v: list[str]) -> tuple[str, ...]:
        return _folded(list(v))

    @property
    def both(self) -> tuple[str, ...]:
        return self.zh + self.en


class AnswerWords(_Strict):
    kinds: dict[AnswerKindName, Words]
    question_markers: Words
    particles: Words
    fillers: Words
    connectives: Words
    # Anywhere in a "yes", these make it partly: "we do searches sometimes", "有时候做".
    qualifiers: Words

    @model_validator(mode="after")
    def _one_kind_per_phrase(self) -> AnswerWords:
        seen: dict[str, str] = {}
        for kind, words in self.kinds.items():
            for phrase in words.both:
                if phrase in seen and seen[phrase] != kind:
                    raise ValueError(f"{phrase!r} is listed under both {seen[phrase]} and {kind}")
                seen[phrase] = kind
        missing = {"yes", "partly", "no", "na", "unsure"} - set(self.kinds)
        if missing:
            raise ValueError(f"answer kinds missing: {sorted(missing)}")
        return self


class NumberWords(_Strict):
    approximate: Words
    en_words: dict[str, int]

    @field_validator("en_words", mode="before")
    @classmethod
    def _fold_keys(cls, v: dict[str, int]) -> dict[str, int]:
        return {fold(k): n for k, n in v.items() if _text(k)}


class Ordinals(_Strict):
    """Position words; -1 means the last option."""

    zh: dict[str, int] = Field(default_factory=dict)
    en: dict[str, int] = Field(default_factory=dict)

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _fold_keys(cls, v: dict[str, int]) -> dict[str, int]:
        return {fold(k): n for k, n in v.items() if _text(k)}


def _check_zone(zone: str) -> str:
    if zone not in _zones():
        raise ValueError(f"unknown time zone {zone!r}")
    return zone


class _Named(_Strict):
    names: tuple[str, ...]

    @field_validator("names", mode="before")
    @classmethod
    def _fold(cls, v: list[str]) -> tuple[str, ...]:
        return _folded(list(v))


class Place(_Named):
    zone: str

    @field_validator("zone")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_zone(v)


class AmbiguousPlace(_Named):
    zones: tuple[str, ...]

    @field_validator("zones")
    @classmethod
    def _known(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_zone(z) for z in v)


class TimezoneWords(_Strict):
    places: tuple[Place, ...]
    ambiguous: tuple[AmbiguousPlace, ...]
    offset_zones: dict[str, str]

    @field_validator("offset_zones")
    @classmethod
    def _known(cls, v: dict[str, str]) -> dict[str, str]:
        return {k: _check_zone(z) for k, z in v.items()}

    @model_validator(mode="after")
    def _one_zone_per_name(self) -> TimezoneWords:
        seen: dict[str, str] = {}
        entries = [(p.names, p.zone) for p in self.places]
        entries += [(a.names, "|".join(a.zones)) for a in self.ambiguous]
        for names, zone in entries:
            for name in names:
                if seen.setdefault(name, zone) != zone:
                    raise ValueError(f"place {name!r} maps to {seen[name]} and {zone}")
        return self


class Lexicon(_Strict):
    answers: AnswerWords
    numbers: NumberWords
    ordinals: Ordinals
    choices: dict[str, dict[str, tuple[str, ...]]]
    timezones: TimezoneWords

    @field_validator("choices", mode="before")
    @classmethod
    def _fold_synonyms(cls, v: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, tuple]]:
        out: dict[str, dict[str, tuple]] = {}
        for group, values in v.items():
            seen: dict[str, str] = {}
            out[group] = {}
            for value, synonyms in values.items():
                out[group][value] = _folded(synonyms)
                for s in out[group][value]:
                    if seen.setdefault(s, value) != value:
                        raise ValueError(f"{group}: {s!r} is a synonym of {seen[s]} and {value}")
        return out

    def synonyms(self, group: str, value: str) -> tuple[str, ...]:
        """Synonyms of one option value in a choice list (empty when none are listed)."""
        return self.choices.get(group, {}).get(value, ())


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=4)
def _load(path: Path) -> Lexicon:
    return parse_file(Lexicon, path, path.parent)


def load_lexicon(data_dir: Path | None = None) -> Lexicon:
    """Load and validate the lexicon (cached); raises ``KnowledgeError`` with readable details."""
    base = Path(data_dir) if data_dir is not None else PACKAGED_DATA_DIR
    return _load((base / LEXICON_FILE).resolve())
