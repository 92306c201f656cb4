"""The project's Rasa channels: REST that answers bad requests with a 4xx and a clear message instead
of a 500, and socket.io that sends each response as one message (custom payloads included) and takes each
widget message exactly once."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from bot.rasa_addons.delivery import RecentMessageIds

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 255  # the tracker stores sender ids in a VARCHAR(255)
MAX_MESSAGE_CHARS = 100_000
USAGE = 'send a JSON object: {"sender": "<conversation id>", "message": "<text>"}'


def _body(request: Request) -> Dict[Text, Any]:
    try:
        data = request.json
    except Exception:  # noqa: BLE001 - any parse failure is the client's
        raise InvalidUsage(f"The body is not valid JSON; {USAGE}") from None
    if not isinstance(data, dict):
        raise InvalidUsage(f"The body must be a JSON object; {USAGE}")
    return data


class ValidatingRestInput(RestInput):
    """Rasa's REST channel (same URL, /webhooks/rest/webhook) with input validation."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidUsage(f"'sender' must be a non-empty string; {USAGE}")
        if len(sender) > MAX_SENDER_CHARS:
            raise InvalidUsage(f"'sender' is longer than {MAX_SENDER_CHARS} characters")
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage(f"'message' must be a string; {USAGE}")
        if len(message) > MAX_MESSAGE_CHARS:
            raise PayloadTooLarge(f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
        return message

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None


class ConciergeSocketIOOutput(SocketIOOutput):
    """One `bot_uttered` event per response, holding everything in it: `text`, `quick_replies`, `custom`
    (citations, carousels), `image`, `attachment`, and `from: "agent"` with `agent_name` when a person
    wrote it.

    Rasa's own socket.io output splits text at blank lines into several events and emits a custom payload
    as keyword arguments of `emit`, which raises for any payload but `{"data": ...}`: the turn then fails
    before the tracker is saved, and the conversation loses it."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        out: Dict[Text, Any] = {}
        if message.get("text"):
            out["text"] = message["text"]
        buttons = message.get("quick_replies") or message.get("buttons")
        if buttons:
            out["quick_replies"] = [{"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                                    for b in buttons]
        for key in ("custom", "image", "attachment", "elements"):
            if message.get(key):
                out[key] = message[key]
        if message.get("from") == "agent":
            out["from"], out["agent_name"] = "agent", message.get("agent_name")
        if out:
            await self._send_message(recipient_id, out)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class ConciergeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (same events, same `socketio` name, session persistence) with the output
    above, for replies to messages and for messages pushed through the HTTP API (agents' replies).

    A user message is acknowledged (socket.io ack) once its turn is processed: `{"ok": true}`, or
    `{"ok": false, "error": ..., "retry": bool}`. A message whose `metadata.message_id` was already taken in
    the conversation is acknowledged as a duplicate and not processed again (the widget resends messages
    whose acknowledgement it did not get). Malformed events get an error instead of an exception."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent = RecentMessageIds()

    def get_output_channel(self) -> Optional[ConciergeSocketIOOutput]:
        return None if self.sio is None else ConciergeSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio

        async def handle_message(sid: Text, data: Any) -> Dict[Text, Any]:
            if not isinstance(data, dict):
                return {"ok": False, "retry": False, "error": "send an object: {message, session_id, metadata}"}
            sender = data.get("session_id") if self.session_persistence else sid
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
                return {"ok": False, "retry": False,
                        "error": f"'session_id' must be a non-empty string of up to {MAX_SENDER_CHARS} characters"}
            text = data.get("message", "")
            if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
                return {"ok": False, "retry": False,
                        "error": f"'message' must be a string of up to {MAX_MESSAGE_CHARS} characters"}
            metadata = data.get(self.metadata_key)
            metadata = metadata if isinstance(metadata, dict) else {}
            message_id = metadata.get("message_id")
            if isinstance(message_id, str) and message_id:
                if not self.recent.first_time(sender, message_id):
                    return {"ok": True, "duplicate": True}
            else:
                message_id = None
            message = UserMessage(text, ConciergeSocketIOOutput(sio, self.bot_message_evt), sender,
                                  input_channel=self.name(), metadata=metadata)
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - the widget keeps the message and sends it again
                logger.exception("could not process a socket.io message for %s", sender)
                if message_id:
                    self.recent.forget(sender, message_id)
                return {"ok": False, "retry": True, "error": "the message could not be processed; it will be retried"}
            return {"ok": True}

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)  # replaces Rasa's handler
        return socketio_webhook
