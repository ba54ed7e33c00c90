"""Keep the bot token (and the webhook secret) out of every log line.

PTB's HTTP client (httpx) logs request URLs, and Bot API URLs contain the token. Quieting the
``httpx`` logger is not enough on its own: a DEBUG run or an exception message can still carry
the URL. Logger filters only see records logged on their own logger and handler filters only
the handlers they are attached to, so secrets are scrubbed in a log-record factory instead:
every record of every logger is cleaned once, when it is created, before any handler (pytest's
caplog included) formats it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

REDACTED = "[REDACTED]"
_MIN_SECRET_LEN = 8  # shorter strings would redact ordinary words
# DEBUG records (PTB logs whole updates there, message texts included) are cut to this size.
MAX_DEBUG_CHARS = 2000
_secrets: set[str] = set()
_installed = False
_formatter = logging.Formatter()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``[REDACTED]``."""
    for secret in sorted(_secrets, key=len, reverse=True):  # longest first: URL-quoted forms
        text = text.replace(secret, REDACTED)
    return text


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is the logging module's problem to report
        return
    clean = redact(message) if _secrets else message
    if record.levelno <= logging.DEBUG and len(clean) > MAX_DEBUG_CHARS:
        clean = f"{clean[:MAX_DEBUG_CHARS]}… [{len(clean)} characters, cut]"
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None and _secrets:
        # Formatters reuse exc_text when it is set, so the traceback is printed redacted.
        record.exc_text = redact(_formatter.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_secret_redaction(*secrets: str | None) -> None:
    """Register secrets to scrub from all log records and bound DEBUG records (idempotent)."""
    global _installed
    for secret in secrets:
        if secret and len(secret) >= _MIN_SECRET_LEN:
            _secrets.update({secret, quote(secret, safe="")})
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def quiet_http_loggers() -> None:
    """httpx logs every request URL (with the token) at INFO: keep it to warnings."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
