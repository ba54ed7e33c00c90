"""Invitation codes: 16 characters of Crockford's base 32 (80 random bits).

No 0/O, 1/I/L or U to confuse: a code read aloud or typed in the terminal is forgiving
(case, spaces and dashes are ignored, O is read as 0 and I or L as 1). It is also the
Telegram deep link's payload (``/start <code>``), which allows only letters, digits, _ and -.
Codes are made by storage (``secrets``); only their hash is stored.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalize_code(text: str) -> str | None:
    """The code in ``text`` (as typed or from a deep link), or None if it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or set(code) - set(ALPHABET):
        return None
    return code


def format_code(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS``: easier to read out and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
