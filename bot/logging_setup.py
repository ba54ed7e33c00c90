"""Process-wide logging: level from settings, secrets scrubbed from every record."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.telegram_logging import install_secret_redaction, quiet_http_loggers


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install_secret_redaction(
        settings.telegram_token.get_secret_value() if settings.telegram_token else None,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
    )
    quiet_http_loggers()
