"""The catalogue of user-facing texts: one directory per language under ``data/texts``.

Every fixed sentence the assistant says (prompts, buttons, errors, reminders) is data, so a
reviewer reads and corrects it like the rest of the knowledge. ``data/texts/<lang>/*.yaml``
are flat ``key: text`` maps; the files only group keys by topic, a key lives in one file.
Placeholders use ``str.format`` syntax (``{company}``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import Lang

LANGS: tuple[Lang, ...] = ("zh", "en")
TEXTS_DIR = Path(__file__).parent / "data" / "texts"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(Exception):
    """The text catalogue is missing, malformed or inconsistent."""


class _Value:
    """A value as a template formats it: ``{n:~day|days}`` is "day" when n is 1, else "days"
    (English plurals, kept in the data); any other spec as usual. Through ``str.format_map``,
    in C, rather than ``string.Formatter``'s Python parser on every call."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, format_spec: str) -> str:
        if format_spec.startswith("~") and "|" in format_spec:
            one, many = format_spec[1:].split("|", 1)
            return one if self.value == 1 else many
        return format(self.value, format_spec)


@cache
def _plain(text: str) -> bool:
    """Whether ``text`` formats the same with its values as they are: every field a bare
    name with no conversion and a spec without "~" (``_Value`` formats those specs with
    ``format(value, spec)``, as ``str.format_map`` does). Decided once per template (a few
    hundred); ~1,100 of the catalogue's ~1,150 fields are plain, and wrapping every value
    cost more than the formatting."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return False  # malformed: formatted as before, which raises as before
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if conversion or not name.isidentifier() or "~" in (spec or "") or "{" in (spec or ""):
            return False
    return True


def _format(text: str, values: dict[str, object]) -> str:
    if _plain(text):
        return text.format_map(values)
    return text.format_map({k: _Value(v) for k, v in values.items()})


@dataclass(frozen=True)
class Catalogue:
    texts: Mapping[Lang, Mapping[str, str]]

    def t(self, lang: Lang, key: str, **values: object) -> str:
        text = self.texts[lang][key]
        return _format(text, values) if values else text

    def both(self, key: str, sep: str = "\n", **values: object) -> str:
        """The text in every language, for when the user's language is not known yet."""
        return sep.join(self.t(lang, key, **values) for lang in LANGS)

    def keys(self, lang: Lang) -> set[str]:
        return set(self.texts[lang])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def read_language(directory: Path) -> tuple[dict[str, str], list[str]]:
    """One language's texts and the problems found (duplicate keys, non-text values)."""
    texts: dict[str, str] = {}
    where: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        except yaml.YAMLError as exc:  # reported like any other problem, never a traceback
            problems.append(f"{path.name}: not valid YAML: {str(exc).splitlines()[0]}")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{path.name}: expected a mapping of key: text")
            continue
        for key, value in doc.items():
            if not isinstance(value, str):
                problems.append(f"{path.name}: {key}: expected text")
            elif key in texts:
                problems.append(f"{path.name}: {key} is also defined in {where[key]}")
            else:
                texts[str(key)], where[str(key)] = value, path.name
    return texts, problems


def read_catalogue(texts_dir: Path = TEXTS_DIR) -> tuple[Catalogue, list[str]]:
    texts: dict[Lang, dict[str, str]] = {}
    problems: list[str] = []
    for lang in LANGS:
        directory = texts_dir / lang
        if not directory.is_dir():
            problems.append(f"texts/{lang}: directory not found")
            texts[lang] = {}
            continue
        texts[lang], found = read_language(directory)
        problems += [f"texts/{lang}/{p}" for p in found]
    return Catalogue(texts), problems


@lru_cache(maxsize=4)
def load_catalogue(texts_dir: Path = TEXTS_DIR) -> Catalogue:
    catalogue, problems = read_catalogue(texts_dir)
    if problems:
        raise CatalogueError("\n".join(problems))
    return catalogue


def t(lang: Lang, key: str, **values: object) -> str:
    """A text of the packaged catalogue."""
    return load_catalogue().t(lang, key, **values)
