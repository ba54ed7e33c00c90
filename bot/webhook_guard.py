"""The webhook refuses before it reads: secret and size are checked on the headers alone.

A request without the right ``X-Telegram-Bot-Api-Secret-Token`` gets 403 and its body is
never read (the connection is closed, so the server doesn't drain it either); a declared
``Content-Length`` over the limit gets 413 the same way; a body sent without a length is read
only up to the limit. The presented secret is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_BODY_BYTES = 1024 * 1024  # Telegram's updates are far smaller; 1 MiB leaves room
MAX_UPDATE_ID = 2**63  # the processed-updates table stores a signed 64-bit id


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str  # metrics label: secret, too_large, malformed
    detail: str


FORBIDDEN = Refusal(403, "secret", "forbidden")
TOO_LARGE = Refusal(413, "too_large", "body too large")


def check_headers(request: Request, secret: str, limit: int = MAX_BODY_BYTES) -> Refusal | None:
    """The refusal the headers alone justify, if any (nothing of the body is read)."""
    presented = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(presented.encode(), secret.encode()):
        return FORBIDDEN
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            return Refusal(400, "malformed", "bad content-length")
        if int(length) > limit:
            return TOO_LARGE
    return None


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes | Refusal:
    """The body, read in chunks and abandoned as soon as it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return TOO_LARGE
        chunks.append(chunk)
    return b"".join(chunks)


def parse_update(body: bytes) -> dict[str, Any] | Refusal:
    """The update as a dict, or 400 when it is not a JSON object with an integer update_id."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Refusal(400, "malformed", "not JSON")
    if not isinstance(data, dict):
        return Refusal(400, "malformed", "not an update")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return Refusal(400, "malformed", "no update_id")
    if not 0 <= update_id < MAX_UPDATE_ID:
        # Acknowledged (200) so it is not re-sent, but never processed: no column holds it.
        return Refusal(200, "out_of_range", "ignored")
    return data
