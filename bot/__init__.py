"""The bot's processes: Telegram, the terminal, ``ipms serve`` and the CLI."""

from bot.http_client import import_httpx_without_cli

import_httpx_without_cli()  # before python-telegram-bot imports httpx with its CLI
