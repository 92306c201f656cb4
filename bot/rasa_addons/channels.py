"""REST channel that answers bad requests with a 4xx and a clear message instead of a 500."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
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
