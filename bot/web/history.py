"""A conversation's history for the chat widget, from the tracker's events (pure functions).

The widget restores a conversation from this after a reload or in another tab. Only what the customer
saw is returned: their messages and the messages sent to them (text, buttons, custom payloads, images),
never slots or internal events."""
from __future__ import annotations

from dataclasses import dataclass, field

RATING_SLOT = "csat_rating"
PAYLOAD_KEYS = ("quick_replies", "buttons", "custom", "image", "attachment", "elements")


@dataclass(frozen=True)
class History:
    messages: list[dict] = field(default_factory=list)
    agent_name: str | None = None  # the person chatting with the customer now, if any
    rated: bool = False  # the latest rating prompt has been answered


def _bot_message(event: dict) -> dict | None:
    data = event.get("data") or {}
    message = {"role": "bot", "text": event.get("text") or ""}
    for key in PAYLOAD_KEYS:
        if data.get(key):
            message[key] = data[key]
    meta = event.get("metadata") or {}
    if meta.get("from") == "agent":
        message["from"], message["agent_name"] = "agent", meta.get("agent_name") or "Support"
    return message if len(message) > 2 or message["text"] else None


def _asks_for_rating(message: dict) -> bool:
    custom = message.get("custom")
    return isinstance(custom, dict) and (custom.get("type") == "csat" or custom.get("rate") is True)


def history(events: list[dict], limit: int = 200) -> History:
    """The last `limit` messages, who from Support is in the chat, and whether the last rating prompt was
    answered."""
    messages: list[dict] = []
    agent: str | None = None
    rated = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            meta = event.get("metadata") or {}
            text = meta.get("display") if isinstance(meta.get("display"), str) else event.get("text")
            if text:
                message = {"role": "user", "text": text}
                if isinstance(meta.get("message_id"), str):
                    message["id"] = meta["message_id"]  # the widget's outbox id: sent, not to be sent again
                messages.append(message)
        elif kind == "bot":
            message = _bot_message(event)
            if message is None:
                continue
            messages.append(message)
            custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
            if custom.get("type") == "handoff":
                agent = custom.get("agent_name") if custom.get("state") == "joined" else None
            if message.get("from") == "agent":
                agent = message["agent_name"]
            if _asks_for_rating(message):
                rated = False
        elif kind == "slot" and event.get("name") == RATING_SLOT and event.get("value") is not None:
            rated = True
    return History(messages[-limit:], agent, rated)
