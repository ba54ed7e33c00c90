"""Process-wide logging: level and format from settings, secrets scrubbed from every record.

``IPMS_LOG_FORMAT=json`` writes one JSON object per line (time, level, logger, message and
any ``extra`` fields such as ``update_id``, ``user``, ``kind``, ``latency_ms``) for log
collectors; the default is plain text for a terminal.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from bot.config import Settings
from bot.telegram_logging import install_secret_redaction, quiet_http_loggers

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "ipms"


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        json_ensure_ascii=False,
    )


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)  # configuring again replaces our handler, keeps others
    root.addHandler(handler)
    root.setLevel(getattr(logging, settings.log_level.upper(), logging.INFO))
    install_secret_redaction(
        settings.telegram_token.get_secret_value() if settings.telegram_token else None,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
    )
    quiet_http_loggers()
    # The webhook server logs its own line per update (``bot.metrics``); uvicorn's access
    # log would repeat it with the client address, and its error log stays.
    logging.getLogger("uvicorn.access").disabled = True
