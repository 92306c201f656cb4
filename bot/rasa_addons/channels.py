"""The project's Rasa channels: REST that answers bad requests with a 4xx and a clear message instead
of a 500, and socket.io that sends each response as one message (custom payloads included)."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

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
    above, for replies to messages and for messages pushed through the HTTP API (agents' replies)."""

    def get_output_channel(self) -> Optional[ConciergeSocketIOOutput]:
        return None if self.sio is None else ConciergeSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_our_output(message: UserMessage) -> Any:
            message.output_channel = ConciergeSocketIOOutput(self.sio, self.bot_message_evt)
            return await on_new_message(message)

        return super().blueprint(with_our_output)
