"""Message shapes of the messaging channels (pure, standard library only): webhook signatures, incoming
messages, and one Rasa response (text, buttons, custom payload, image, agent marking) as the API calls of
Telegram, Slack, Facebook Messenger and Twilio SMS. `messaging.py` does the I/O.

A response's `custom` payload is Concierge's own: `{"type": "carousel", "items": [...]}` (product
suggestions), `{"sources": [...]}` (citations, also written into the text as Markdown links),
`{"type": "handoff" | "csat"}` (for the chat widget; other channels have the text)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text, Tuple

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
Call = Tuple[Text, Dict[Text, Any]]  # (API method or path, body)


# --- text ----------------------------------------------------------------------------------------
def plain(text: Text) -> Text:
    """For channels without links: "[title](url)" becomes "title: url", "**bold**" becomes "bold"."""
    return BOLD.sub(r"\1", MARKDOWN_LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text or ""))


def telegram_html(text: Text) -> Text:
    """Telegram's HTML parse mode: everything escaped, Markdown links and bold made into tags."""
    out, last = [], 0
    for m in MARKDOWN_LINK.finditer(text or ""):
        out.append(_html_bold(text[last:m.start()]))
        out.append(f'<a href="{html.escape(m.group(2), quote=True)}">{html.escape(m.group(1), quote=False)}</a>')
        last = m.end()
    out.append(_html_bold((text or "")[last:]))
    return "".join(out)


def _html_bold(text: Text) -> Text:
    return BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def _slack_escape(text: Text) -> Text:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(text: Text) -> Text:
    """Slack's mrkdwn: `&<>` escaped, links as <url|title>, **bold** as *bold*."""
    out, last = [], 0
    for m in MARKDOWN_LINK.finditer(text or ""):
        out.append(_slack_escape(text[last:m.start()]))
        out.append(f"<{m.group(2)}|{_slack_escape(m.group(1)).replace('|', '/')}>")
        last = m.end()
    out.append(_slack_escape((text or "")[last:]))
    return BOLD.sub(r"*\1*", "".join(out))


def cut(text: Text, limit: int) -> Text:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def chunks(text: Text, limit: int) -> List[Text]:
    """Split at paragraph or line ends where possible, so no part is longer than `limit`."""
    parts: List[Text] = []
    text = (text or "").strip()
    while len(text) > limit:
        at = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        at = at if at > limit // 2 else limit
        parts.append(text[:at].rstrip())
        text = text[at:].lstrip()
    return parts + ([text] if text else [])


def _author(message: Mapping[Text, Any]) -> Optional[Text]:
    """A person's name when an agent wrote the message (the agent console puts it in the metadata)."""
    return (message.get("agent_name") or "Support") if message.get("from") == "agent" else None


def _buttons(message: Mapping[Text, Any]) -> List[Dict[Text, Text]]:
    buttons = message.get("quick_replies") or message.get("buttons") or []
    return [{"title": str(b["title"]), "payload": str(b.get("payload") or b["title"])}
            for b in buttons if isinstance(b, dict) and b.get("title")]


def _items(message: Mapping[Text, Any]) -> List[Dict[Text, Any]]:
    custom = message.get("custom")
    if not isinstance(custom, dict) or custom.get("type") != "carousel":
        return []
    return [i for i in custom.get("items") or [] if isinstance(i, dict) and i.get("title")]


def item_facts(item: Mapping[Text, Any]) -> Text:
    """"Salomon · 192.99 USD · ★ 4.3 (272)" for a product card."""
    facts = [str(item["brand"])] if item.get("brand") else []
    if isinstance(item.get("price"), (int, float)):
        facts.append(f"{item['price']:.2f} {item.get('currency') or ''}".strip())
    if isinstance(item.get("rating"), (int, float)):
        facts.append(f"★ {item['rating']:.1f} ({item.get('review_count') or 0})")
    return " · ".join(facts)


def _more_like(item: Mapping[Text, Any]) -> Dict[Text, Text]:
    button = (item.get("buttons") or [{}])[0]
    return {"title": str(button.get("title") or "More like this"),
            "payload": str(button.get("payload") or f"more like {item['title']}")}


def public_image(url: Any) -> Optional[Text]:
    """Messaging apps fetch images themselves: only absolute http(s) URLs of raster images will do."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or url.lower().endswith(".svg"):
        return None
    return url


# --- Telegram Bot API ------------------------------------------------------------------------------
TELEGRAM_TEXT, TELEGRAM_CAPTION, TELEGRAM_CALLBACK_BYTES = 4096, 1024, 64


def _callback(button: Mapping[Text, Text]) -> Text:
    """Telegram's callback data holds at most 64 bytes: a longer payload is replaced by the title."""
    for value in (button["payload"], button["title"]):
        if len(value.encode()) <= TELEGRAM_CALLBACK_BYTES:
            return value
    return button["title"].encode()[:TELEGRAM_CALLBACK_BYTES].decode(errors="ignore")


def telegram_calls(chat_id: Any, message: Mapping[Text, Any]) -> List[Call]:
    """Bot API calls for one response: HTML text with inline-keyboard buttons, one card per product."""
    calls: List[Call] = []
    text = message.get("text") or ""
    author = _author(message)
    items = _items(message)
    if text and not items:  # with product cards, the text is only their numbered fallback
        body = telegram_html(text)
        if author:
            body = f"<b>{html.escape(author)} (Support):</b> {body}"
        for part in chunks(body, TELEGRAM_TEXT):
            calls.append(("sendMessage", {"chat_id": chat_id, "text": part, "parse_mode": "HTML",
                                          "disable_web_page_preview": True}))
    buttons = _buttons(message)
    if buttons:
        keyboard = {"inline_keyboard": [[{"text": b["title"], "callback_data": _callback(b)}] for b in buttons]}
        if calls:
            calls[-1][1]["reply_markup"] = keyboard
        else:
            calls.append(("sendMessage", {"chat_id": chat_id, "text": "Choose one:", "reply_markup": keyboard}))
    for item in items:
        lines = [f"<b>{html.escape(item['title'])}</b>", html.escape(item_facts(item))]
        if item.get("reason"):
            lines.append(html.escape(str(item["reason"])))
        more = _more_like(item)
        row = [{"text": more["title"], "callback_data": _callback(more)}]
        if isinstance(item.get("url"), str) and item["url"].startswith(("https://", "http://")):
            row.append({"text": "View product", "url": item["url"]})
        card = {"chat_id": chat_id, "parse_mode": "HTML", "reply_markup": {"inline_keyboard": [row]}}
        image = public_image(item.get("image_url"))
        if image:
            calls.append(("sendPhoto", {**card, "photo": image, "caption": cut("\n".join(lines), TELEGRAM_CAPTION)}))
        else:
            calls.append(("sendMessage", {**card, "text": "\n".join(lines), "disable_web_page_preview": True}))
    if public_image(message.get("image")):
        calls.append(("sendPhoto", {"chat_id": chat_id, "photo": message["image"]}))
    return calls


def telegram_update(update: Any) -> Optional[Tuple[Text, Text, Dict[Text, Any]]]:
    """(chat id, text, metadata) of a customer's message or button tap; None for other updates.
    Raises ValueError when the body is not a Telegram update."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise ValueError("not a Telegram update: no integer 'update_id'")
    query = update.get("callback_query")
    if isinstance(query, dict):
        chat = ((query.get("message") or {}).get("chat") or {}).get("id")
        text = query.get("data")
        kind = "button"
    else:
        msg = update.get("message") or update.get("edited_message")
        if not isinstance(msg, dict):
            return None
        chat, text, kind = (msg.get("chat") or {}).get("id"), msg.get("text"), "text"
    if chat is None or not isinstance(text, str) or not text.strip():
        return None
    if text.strip() == "/start":  # what Telegram sends when a customer opens the bot
        text = "/greet"
    metadata = {"telegram_update_id": update["update_id"], "telegram_type": kind}
    if kind == "button" and isinstance(query.get("id"), str):
        metadata["telegram_callback_id"] = query["id"]  # answered, so the app stops showing the tap as pending
    return str(chat), text, metadata


# --- Slack Web API -------------------------------------------------------------------------------
SLACK_TEXT, SLACK_BUTTON_TEXT = 3000, 75


def _slack_button(button: Mapping[Text, Text], n: int) -> Dict[Text, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": cut(button["title"], SLACK_BUTTON_TEXT)},
            "value": button["payload"][:2000], "action_id": f"concierge_{n}"}


def slack_calls(channel: Text, message: Mapping[Text, Any], thread_ts: Optional[Text] = None) -> List[Dict[Text, Any]]:
    """`chat.postMessage` bodies for one response: mrkdwn text, buttons as an actions block, products as
    sections with an image and a "More like this" button."""
    bodies: List[Dict[Text, Any]] = []
    text = message.get("text") or ""
    author = _author(message)
    items = _items(message)
    base = {"channel": channel, **({"thread_ts": thread_ts} if thread_ts else {})}
    if text and not items:
        body = slack_mrkdwn(text)
        if author:
            body = f"*{_slack_escape(author)} (Support):* {body}"
        for part in chunks(body, SLACK_TEXT):
            bodies.append({**base, "text": part, "mrkdwn": True})
    buttons = _buttons(message)
    if buttons:
        if not bodies:
            bodies.append({**base, "text": "Choose one:"})
        last = bodies[-1]
        last["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": last["text"]}},
                          {"type": "actions", "elements": [_slack_button(b, n) for n, b in enumerate(buttons[:25])]}]
    if items:
        blocks: List[Dict[str, Any]] = []
        for n, item in enumerate(items[:10]):
            title = (
                slack_mrkdwn(f"[{item['title']}]({item['url']})") if item.get("url") else _slack_escape(item["title"])
            )
            section: Dict[Text, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": cut(
                f"*{title}*\n{_slack_escape(item_facts(item))}\n{_slack_escape(str(item.get('reason') or ''))}",
                SLACK_TEXT)}}
            image = public_image(item.get("image_url"))
            if image:
                section["accessory"] = {"type": "image", "image_url": image, "alt_text": item["title"]}
            blocks += [section, {"type": "actions", "elements": [_slack_button(_more_like(item), n)]}]
        fallback = "\n".join(f"{n}. {i['title']} ({item_facts(i)})" for n, i in enumerate(items, 1))
        bodies.append({**base, "text": fallback, "blocks": blocks})
    if public_image(message.get("image")):
        bodies.append({**base, "text": "image", "blocks": [
            {"type": "image", "image_url": message["image"], "alt_text": "image"}]})
    return bodies


def slack_signature_ok(secret: Text, timestamp: Optional[Text], body: bytes, signature: Optional[Text],
                       now: float, max_age_s: float = 300) -> bool:
    """`X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`, timestamp within five minutes."""
    if not secret or not timestamp or not signature:
        return False
    try:
        if abs(now - int(timestamp)) > max_age_s:
            return False
    except ValueError:
        return False
    expected = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


# --- Facebook Messenger Send API ---------------------------------------------------------------------
MESSENGER_TEXT, QUICK_REPLIES, QUICK_REPLY_TITLE, GENERIC_ELEMENTS, GENERIC_TITLE = 2000, 13, 20, 10, 80


def messenger_calls(psid: Text, message: Mapping[Text, Any]) -> List[Dict[Text, Any]]:
    """Send API bodies for one response: text with quick replies, products as a generic template."""
    bodies: List[Dict[Text, Any]] = []
    base = {"recipient": {"id": psid}, "messaging_type": "RESPONSE"}
    text = plain(message.get("text") or "")
    author = _author(message)
    items = _items(message)
    if text and not items:
        if author:
            text = f"{author} (Support): {text}"
        bodies += [{**base, "message": {"text": part}} for part in chunks(text, MESSENGER_TEXT)]
    buttons = _buttons(message)
    if buttons:
        if not bodies:
            bodies.append({**base, "message": {"text": "Choose one:"}})
        bodies[-1]["message"]["quick_replies"] = [
            {"content_type": "text", "title": cut(b["title"], QUICK_REPLY_TITLE), "payload": b["payload"][:1000]}
            for b in buttons[:QUICK_REPLIES]]
    if items:
        elements = []
        for item in items[:GENERIC_ELEMENTS]:
            more = _more_like(item)
            element: Dict[Text, Any] = {"title": cut(item["title"], GENERIC_TITLE),
                                        "subtitle": cut(f"{item_facts(item)}\n{item.get('reason') or ''}".strip(), 80),
                                        "buttons": [{"type": "postback", "title": cut(more["title"], 20),
                                                     "payload": more["payload"][:1000]}]}
            if isinstance(item.get("url"), str) and item["url"].startswith("https://"):
                element["default_action"] = {"type": "web_url", "url": item["url"]}
                element["buttons"].insert(0, {"type": "web_url", "url": item["url"], "title": "View product"})
            image = public_image(item.get("image_url"))
            if image:
                element["image_url"] = image
            elements.append(element)
        bodies.append({**base, "message": {"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements}}}})
    if public_image(message.get("image")):
        bodies.append({**base, "message": {"attachment": {"type": "image", "payload": {"url": message["image"]}}}})
    return bodies


def messenger_messages(payload: Any) -> List[Tuple[Text, Text, Dict[Text, Any]]]:
    """(sender PSID, text, metadata) of each customer message in a webhook payload: typed text, a quick
    reply's or postback's payload. Echoes and deliveries give nothing. Raises ValueError when the body is
    not a Messenger webhook object."""
    if not isinstance(payload, dict) or payload.get("object") != "page" or not isinstance(payload.get("entry"), list):
        raise ValueError("not a Messenger webhook payload: expected object 'page' with an 'entry' list")
    out = []
    for entry in payload["entry"]:
        for event in (entry or {}).get("messaging") or []:
            sender = ((event or {}).get("sender") or {}).get("id")
            msg, postback = event.get("message") or {}, event.get("postback") or {}
            if not isinstance(sender, str) or msg.get("is_echo"):
                continue
            text = (msg.get("quick_reply") or {}).get("payload") or msg.get("text") or postback.get("payload")
            if isinstance(text, str) and text.strip():
                out.append((sender, text, {"messenger_mid": msg.get("mid")}))
    return out


def hub_signature_ok(app_secret: Text, body: bytes, sha256_header: Optional[Text],
                     sha1_header: Optional[Text] = None) -> bool:
    """Meta's `X-Hub-Signature-256: sha256=<hex>` (or the older `X-Hub-Signature: sha1=<hex>`) of the raw
    body with the app secret; no secret configured or no header: not valid."""
    if not app_secret:
        return False
    for header, prefix, algorithm in ((sha256_header, "sha256=", hashlib.sha256), (sha1_header, "sha1=", hashlib.sha1)):
        if header and header.startswith(prefix):
            expected = hmac.new(app_secret.encode(), body, algorithm).hexdigest()
            return hmac.compare_digest(expected, header[len(prefix):].strip().lower())
    return False


# --- Twilio Programmable Messaging (SMS) ---------------------------------------------------------------
SMS_BODY = 1600


def sms_bodies(to: Text, sender: Text, message: Mapping[Text, Any]) -> List[Dict[Text, Text]]:
    """Form bodies of Twilio's Messages resource for one response: plain text; buttons and products as
    numbered text (an SMS has neither), links written out."""
    text = plain(message.get("text") or "")
    author = _author(message)
    if author and text:
        text = f"{author} (Support): {text}"
    items = _items(message)
    if items and not text:
        text = "\n".join(f"{n}. {i['title']} ({item_facts(i)}){': ' + i['url'] if i.get('url') else ''}"
                         for n, i in enumerate(items, 1))
    buttons = _buttons(message)
    if buttons:
        text = (text + "\n\n" if text else "") + "Reply with one of: " + " / ".join(b["title"] for b in buttons)
    bodies = [{"To": to, "From": sender, "Body": part} for part in chunks(text, SMS_BODY)]
    if public_image(message.get("image")):
        bodies.append({"To": to, "From": sender, "Body": "", "MediaUrl": message["image"]})
    return bodies


def twilio_signature_ok(auth_token: Text, url: Text, params: Mapping[Text, Sequence[Text]],
                        signature: Optional[Text]) -> bool:
    """`X-Twilio-Signature`: base64 HMAC-SHA1, with the auth token, of the webhook URL followed by each
    POST parameter's name and value, names sorted."""
    if not auth_token or not url or not signature:
        return False
    data = url + "".join(name + value for name in sorted(params) for value in params[name])
    expected = base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(expected, signature)
