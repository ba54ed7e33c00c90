"""Configuration from environment variables (prefix ``IPMS_``) and an optional ``.env``.

Every value is checked when the settings are read, so a mistake is one clear line at
start-up (``ConfigError`` / ``describe_validation_error``), never a traceback later.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# BotFather tokens are "<bot id>:<secret>"; tests and local Bot API servers use short ones.
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# What Telegram accepts as ``secret_token`` (setWebhook).
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MIN_SECRET_LEN = 16  # shorter secrets are guessable; required by ``ipms serve``


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line that says what to do."""


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_iana_zone(name: str) -> bool:
    """True for IANA zone names ("Asia/Shanghai", "UTC"); False for "Asia" or junk.

    ``ZoneInfo("Asia")`` raises ``IsADirectoryError`` rather than a ``ValueError``, and long
    names raise ``OSError``: looking the name up in the list avoids both.
    """
    return name in _zones()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IPMS_", env_file=".env", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None  # e.g. http://127.0.0.1:9001/bot (emulator)
    # Telegram's 30 messages/s per bot, applied per process; off only for emulators/benchmarks
    telegram_rate_limit: bool = True
    database_url: str = ""  # empty: SQLite file in the per-user data directory
    timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    auto_migrate: bool = False
    reminder_hour: int = Field(default=9, ge=8, le=20)
    reminder_interval_seconds: float = Field(default=30, gt=0)
    webhook_url: str | None = None  # public URL Telegram posts to; enables webhook mode
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    operator_contact: str | None = None  # e.g. @ipms_support; offered for unknown questions
    operator_chat_id: int | None = None  # Telegram chat that receives forwarded questions
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    shutdown_timeout_seconds: float = Field(default=25, gt=0)  # in-flight updates may finish

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        if isinstance(v, str):
            return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
        if isinstance(v, int):
            return [v]
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        if not is_iana_zone(v):
            shown = v if len(v) <= 40 else v[:40] + "…"
            raise ValueError(f"unknown timezone {shown!r}: use an IANA name such as Asia/Shanghai")
        return v

    @field_validator("telegram_token", mode="before")
    @classmethod
    def _token_format(cls, v: object) -> object:
        raw = v.get_secret_value() if isinstance(v, SecretStr) else v
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str) or not _TOKEN_RE.match(raw.strip()):
            # Never echo the value: it is (or is meant to be) a secret.
            raise ValueError("not a bot token: expected '<digits>:<letters, digits, _ or ->'")
        return raw.strip()

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_format(cls, v: object) -> object:
        raw = v.get_secret_value() if isinstance(v, SecretStr) else v
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str) or not _SECRET_RE.match(raw):
            raise ValueError("may only hold A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return raw

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str | None) -> str | None:
        if not v:
            return None
        parts = urlsplit(v)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("must be an absolute URL such as https://bot.example.com/telegram")
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return v.upper()

    def resolved_database_url(self) -> str:
        from storage.db import default_database_url, normalize_database_url

        return (
            normalize_database_url(self.database_url)
            if self.database_url
            else default_database_url()
        )

    def token(self) -> str:
        """The bot token, or ``ConfigError`` saying how to get one."""
        if self.telegram_token is None:
            raise ConfigError(
                "IPMS_TELEGRAM_TOKEN is not set: get a token from @BotFather (or try `ipms chat`)"
            )
        return self.telegram_token.get_secret_value()

    def webhook(self) -> tuple[str, str, str]:
        """(public URL, path to serve, secret) for webhook serving, or ``ConfigError``."""
        if not self.webhook_url:
            raise ConfigError(
                "IPMS_WEBHOOK_URL is not set: webhook mode needs the public HTTPS URL "
                "Telegram posts to, e.g. https://bot.example.com/telegram"
            )
        if self.webhook_secret is None:
            raise ConfigError(
                "IPMS_WEBHOOK_SECRET is not set: webhook mode needs a secret of "
                f"{MIN_SECRET_LEN}-256 characters (A-Z, a-z, 0-9, _ and -), "
                'e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        secret = self.webhook_secret.get_secret_value()
        if len(secret) < MIN_SECRET_LEN:
            raise ConfigError(
                f"IPMS_WEBHOOK_SECRET is too short: use at least {MIN_SECRET_LEN} characters"
            )
        path = "/" + urlsplit(self.webhook_url).path.strip("/")
        return self.webhook_url, path, secret


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad variable and why (values are not echoed: some are secrets)."""
    problems = []
    for error in exc.errors():
        name = "IPMS_" + "_".join(map(str, error["loc"])).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {message}")
    return "Configuration error: " + "; ".join(problems)


def load_settings() -> Settings:
    """Settings from the environment, or ``ConfigError`` with one clear line."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None
