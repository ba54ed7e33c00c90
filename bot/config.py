"""Configuration from environment variables (prefix ``IPMS_``) and an optional ``.env``."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IPMS_", env_file=".env", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None  # e.g. http://127.0.0.1:9001/bot (emulator)
    database_url: str = ""  # empty: SQLite file in the per-user data directory
    timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    auto_migrate: bool = False
    reminder_hour: int = Field(default=9, ge=8, le=20)
    reminder_interval_seconds: float = Field(default=30, gt=0)
    webhook_url: str | None = None  # public URL Telegram posts to; enables webhook mode
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    operator_contact: str | None = None  # e.g. @ipms_support; offered for unknown questions
    operator_chat_id: int | None = None  # Telegram chat that receives forwarded questions
    log_level: str = "INFO"

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
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {v!r}") from exc
        return v

    def resolved_database_url(self) -> str:
        from storage.db import default_database_url, normalize_database_url

        return (
            normalize_database_url(self.database_url)
            if self.database_url
            else default_database_url()
        )
