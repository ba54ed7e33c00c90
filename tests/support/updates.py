"""Telegram-shaped update dicts (what Telegram posts to a webhook or returns by polling)."""

from __future__ import annotations

import time
from typing import Any

from tests.support.fake_bot_api import BOT_USER


def tg_user(user_id: int, lang: str | None) -> dict[str, Any]:
    u: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Li", "last_name": "Wei"}
    return u | ({"language_code": lang} if lang else {})


def message_update(
    update_id: int,
    *,
    text: str | None = None,
    user_id: int,
    lang: str | None = "zh-hans",
    chat_type: str = "private",
    key: str = "message",
    **content: Any,
) -> dict[str, Any]:
    chat_id = user_id if chat_type == "private" else -100123
    msg: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "from": tg_user(user_id, lang),
        "chat": {"id": chat_id, "type": chat_type},
        **content,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if key == "edited_message":
        msg["edit_date"] = int(time.time())
    return {"update_id": update_id, key: msg}


def callback_update(
    update_id: int,
    data: str,
    message_id: int,
    *,
    text: str = "",
    user_id: int,
    lang: str | None = "zh-hans",
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": tg_user(user_id, lang),
            "chat_instance": f"ci-{user_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {"id": user_id, "type": "private"},
                "text": text,
            },
        },
    }
