"""WhatsApp Cloud API message shapes (pure, standard library only): webhook signatures, incoming
messages, and Rasa responses as Graph API message bodies. The channel (`whatsapp.py`) does the I/O."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from bot.rasa_addons.channel_messages import cut as _cut
from bot.rasa_addons.channel_messages import hub_signature_ok, plain

MAX_TEXT = 4096  # a text message's body
MAX_INTERACTIVE_BODY = 1024
MAX_BUTTONS, MAX_BUTTON_TITLE = 3, 20  # reply buttons
MAX_ROWS, MAX_ROW_TITLE, MAX_ROW_DESCRIPTION, MAX_ROW_ID = 10, 24, 72, 200  # a list message


def valid_signature(app_secret: Text, body: bytes, header: Optional[Text]) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`; no secret
    configured or no header: not valid."""
    return hub_signature_ok(app_secret, body, header)


def incoming_messages(payload: Any) -> List[Tuple[Text, Text, Dict[Text, Any]]]:
    """(sender wa_id, text, metadata) of each customer message in a webhook payload. A tapped reply
    button or list row gives its id (the Rasa payload); statuses and unsupported types give nothing.
    Raises ValueError when the payload is not a WhatsApp webhook object."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise ValueError("not a WhatsApp webhook payload: no 'entry' list")
    out = []
    for entry in payload["entry"]:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            for m in value.get("messages") or []:
                sender, kind = m.get("from"), m.get("type")
                if not isinstance(sender, str) or not sender:
                    continue
                text = None
                if kind == "text":
                    text = (m.get("text") or {}).get("body")
                elif kind == "interactive":
                    reply = (m.get("interactive") or {})
                    text = ((reply.get("button_reply") or reply.get("list_reply")) or {}).get("id")
                elif kind == "button":  # a template's quick-reply button
                    text = (m.get("button") or {}).get("payload")
                if isinstance(text, str) and text.strip():
                    out.append((sender, text, {"whatsapp_message_id": m.get("id"), "whatsapp_type": kind}))
    return out


def _text(to: Text, body: Text) -> List[Dict[Text, Any]]:
    body = plain(body)
    return [{"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body[i:i + MAX_TEXT]}}
            for i in range(0, len(body), MAX_TEXT)] if body else []


def _interactive(to: Text, kind: Text, body: Text, action: Dict[Text, Any]) -> Dict[Text, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "interactive",
            "interactive": {"type": kind, "body": {"text": _cut(plain(body), MAX_INTERACTIVE_BODY)}, "action": action}}


def _choices(to: Text, body: Text, buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Quick replies: up to 3 as reply buttons, up to 10 as a list, more as numbered text."""
    buttons = [b for b in buttons if b.get("title") and b.get("payload")]
    if len(buttons) <= MAX_BUTTONS:
        return [
            _interactive(
                to,
                "button",
                body,
                {
                    "buttons": [
                        {
                            "type": "reply",
                            "reply": {"id": str(b["payload"])[:256], "title": _cut(str(b["title"]), MAX_BUTTON_TITLE)},
                        }
                        for b in buttons
                    ]
                },
            )
        ]
    if len(buttons) <= MAX_ROWS:
        return [_interactive(to, "list", body, {"button": "Choose", "sections": [{"title": "Options", "rows": [
            {"id": str(b["payload"])[:MAX_ROW_ID], "title": _cut(str(b["title"]), MAX_ROW_TITLE)} for b in buttons]}]})]
    numbered = "\n".join(f"{n}. {b['title']}" for n, b in enumerate(buttons, 1))
    return _text(to, f"{body}\n\n{numbered}")


def _carousel(to: Text, custom: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Product suggestions as a list message (tapping one asks for more like it), with the links as text."""
    items = [i for i in custom.get("items") or [] if i.get("title")][:MAX_ROWS]
    if not items:
        return []
    rows = []
    for item in items:
        price = f"{item.get('price', 0):.2f} {item.get('currency', '')}".strip()
        rating = f" · {item['rating']}★" if item.get("rating") else ""
        payload = ((item.get("buttons") or [{}])[0].get("payload")) or f"more like {item['title']}"
        rows.append(
            {
                "id": str(payload)[:MAX_ROW_ID],
                "title": _cut(item["title"], MAX_ROW_TITLE),
                "description": _cut(f"{price}{rating} · {item.get('reason', '')}".rstrip(" ·"), MAX_ROW_DESCRIPTION),
            }
        )
    links = "\n".join(f"{n}. {i['title']}: {i.get('url', '')}" for n, i in enumerate(items, 1))
    return [
        _interactive(
            to,
            "list",
            "Tap one to see more like it.",
            {"button": "Products", "sections": [{"title": "Suggestions", "rows": rows}]},
        ),
        *_text(to, links),
    ]


def outgoing(to: Text, message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Graph API message bodies for one Rasa response (text, buttons, custom payload, image)."""
    text = message.get("text") or ""
    if message.get("from") == "agent" and text:
        text = f"*{message.get('agent_name') or 'Support'} (Support):* {text}"
    buttons = message.get("quick_replies") or message.get("buttons") or []
    bodies = _choices(to, text or "Choose one:", buttons) if buttons else _text(to, text)
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("type") == "carousel":
        bodies += _carousel(to, custom)
    if message.get("image"):
        bodies.append({"messaging_product": "whatsapp", "to": to, "type": "image", "image": {"link": message["image"]}})
    return bodies
