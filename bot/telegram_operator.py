"""The operator channel on Telegram: forwarded questions go to one operator chat."""

from __future__ import annotations

from typing import Any

from bot.service import Who


class TelegramOperator:
    def __init__(self, bot: Any, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def forward(self, who: Who, question: str) -> None:
        name = who.display_name or who.external_id
        text = (
            "📨 待人工回答的问题 / Question for a human\n"
            f"{name} (Telegram id {who.external_id})\n\n{question}"
        )
        await self.bot.send_message(chat_id=self.chat_id, text=text)
