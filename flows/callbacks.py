"""Callback data of buttons: one typed, versioned codec.

``encode("as.answer", "A03", "y")`` gives ``"2|as.answer|A03|y"``. ``decode`` returns ``None``
for anything that is not this version's format, so a button from an older release (or forged
garbage) is recognised as stale instead of being half-understood. Whether the verb exists and
takes that many arguments is checked by the engine against the flows' declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "2"
SEP = "|"
MAX_BYTES = 64  # Telegram's limit for callback data


@dataclass(frozen=True)
class Callback:
    verb: str
    args: tuple[str, ...]


class CallbackTooLong(ValueError):
    """A button's data would not fit Telegram's 64-byte limit (a bug in the caller)."""


def encode(verb: str, *args: str | int) -> str:
    parts = [VERSION, verb, *(str(a) for a in args)]
    if any(SEP in p for p in parts[1:]):
        raise ValueError(f"callback part contains {SEP!r}: {parts!r}")
    data = SEP.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def decode(data: str) -> Callback | None:
    if len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(SEP)
    if version != VERSION or not rest:
        return None
    verb, *args = rest.split(SEP)
    return Callback(verb, tuple(args)) if verb else None
