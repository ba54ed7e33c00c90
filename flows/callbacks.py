"""Callback data of buttons: one typed, versioned codec.

``encode("as.answer", "A03", "y")`` gives ``"2|as.answer|A03|y"``. ``decode`` returns ``None``
for anything that is not this version's format, so a button from an older release (or forged
garbage) is recognised as stale instead of being half-understood. Whether the verb exists and
takes that many arguments is checked by the engine against the flows' declarations.

Buttons are bound to the company whose message carries them: ``scope(data, 12)`` gives
``"2@c|as.answer|A03|y"`` (the id in base 36). The service loads that company, if the user
belongs to it, before the flows run; unscoped data acts on the user's current company.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flows.types import Button

VERSION = "2"
SEP = "|"
MAX_BYTES = 64  # Telegram's limit for callback data


SCOPE = "@"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_B36_DIGITS = frozenset(_B36)


@dataclass(frozen=True)
class Callback:
    verb: str
    args: tuple[str, ...]
    company: int | None = None  # the company the button belongs to (None: the current one)


class CallbackTooLong(ValueError):
    """A button's data would not fit Telegram's 64-byte limit (a bug in the caller)."""


def _size(data: str) -> int:
    """``len(data.encode())``, without encoding ASCII (every button's data, nearly)."""
    return len(data) if data.isascii() else len(data.encode())


# Encoding and decoding are pure functions of their arguments, cached (``typed``: ``True``
# and ``1`` are different arguments that compare equal; a cached ``Callback`` is frozen;
# errors are raised again on every call, ``lru_cache`` keeps none). The same buttons come
# back in every reply (the answer buttons, "what's next"), and one update decodes the
# pressed button's data three to five times (the service, the engine's checks, the route).
# Small caches: what they hold stays in memory.
def encode(verb: str, *args: str | int) -> str:
    return _encode(verb, *args)


@lru_cache(maxsize=512, typed=True)
def _encode(verb: str, *args: str | int) -> str:
    parts = [VERSION, verb, *map(str, args)]
    data = SEP.join(parts)
    if data.count(SEP) != len(parts) - 1:  # a part contains SEP (VERSION holds none)
        raise ValueError(f"callback part contains {SEP!r}: {parts!r}")
    if _size(data) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


@lru_cache(maxsize=16)  # every button of one reply is bound to the same company
def _base36(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = _B36[r] + digits
        if n == 0:
            return digits


def scope(data: str, company_id: int) -> str:
    """``data`` bound to ``company_id``; unchanged if it is not ours, already bound, or the
    binding would not fit in 64 bytes (then it acts on the current company, as before)."""
    version, sep, rest = data.partition(SEP)
    if version != VERSION or not sep or company_id < 0:
        return data
    scoped = f"{VERSION}{SCOPE}{_base36(company_id)}{SEP}{rest}"
    return scoped if _size(scoped) <= MAX_BYTES else data


def bind(buttons: list[list[Button]], company_id: int) -> list[list[Button]]:
    """The same buttons, each bound to ``company_id`` (``scope``)."""
    return [[Button(b.label, scope(b.data, company_id)) for b in row] for row in buttons]


def _company(tag: str) -> tuple[bool, int | None]:
    """(valid, company id) of a version tag: ``2`` is unscoped, ``2@<base 36>`` bound."""
    if tag == VERSION:
        return True, None
    version, sep, digits = tag.partition(SCOPE)
    if version != VERSION or not sep or not 0 < len(digits) <= 12 or set(digits) - _B36_DIGITS:
        return False, None
    return True, int(digits, 36)


def decode(data: str) -> Callback | None:
    return _decode(data)


@lru_cache(maxsize=64, typed=True)
def _decode(data: str) -> Callback | None:
    if _size(data) > MAX_BYTES:
        return None
    tag, _, rest = data.partition(SEP)
    valid, company = _company(tag)
    if not valid or not rest:
        return None
    verb, *args = rest.split(SEP)
    return Callback(verb, tuple(args), company) if verb else None
