"""WhatsApp Cloud API channel for Rasa (Rasa has none): `/webhooks/whatsapp/webhook`.

- GET: Meta's verification handshake (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`).
- POST: only bodies signed with the app secret (`X-Hub-Signature-256`) are taken; each customer message
  is handled in the background so the webhook answers at once (Meta retries slow webhooks).
- Replies go to `<graph_base_url>/<api_version>/<phone_number_id>/messages` (configurable, so tests use a
  fake Graph API): text, reply buttons or lists for quick replies, product suggestions as a list.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.rasa_addons.messaging import ApiOutput, Background, Call, meta_handshake
from bot.rasa_addons.whatsapp_messages import incoming_messages, outgoing, valid_signature


class WhatsAppOutput(ApiOutput):
    channel = "whatsapp"

    def __init__(self, messages_url: Text, access_token: Text) -> None:
        super().__init__()
        self.messages_url = messages_url
        self.access_token = access_token

    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        return [(self.messages_url, {"json": body, "headers": headers}) for body in outgoing(recipient_id, message)]


class WhatsAppInput(InputChannel, Background):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        c = credentials or {}
        return cls(str(c.get("verify_token") or ""), str(c.get("app_secret") or ""), str(c.get("access_token") or ""),
                   str(c.get("phone_number_id") or ""), str(c.get("graph_base_url") or "https://graph.facebook.com"),
                   str(c.get("api_version") or "v21.0"))

    def __init__(self, verify_token: Text, app_secret: Text, access_token: Text, phone_number_id: Text,
                 graph_base_url: Text = "https://graph.facebook.com", api_version: Text = "v21.0") -> None:
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.access_token = access_token
        self.messages_url = f"{graph_base_url.rstrip('/')}/{api_version}/{phone_number_id}/messages"

    def get_output_channel(self) -> OutputChannel:
        return WhatsAppOutput(self.messages_url, self.access_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("whatsapp_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            return meta_handshake(request, self.verify_token)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not valid_signature(self.app_secret, request.body, request.headers.get("x-hub-signature-256")):
                return response.json({"error": "missing or wrong X-Hub-Signature-256"}, status=403)
            try:
                messages = incoming_messages(json.loads(request.body or b"null"))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError too
                return response.json({"error": f"malformed body: {exc}"}, status=400)
            for sender, text, metadata in messages:
                self._spawn(on_new_message, UserMessage(text, self.get_output_channel(), sender,
                                                        input_channel=self.name(), metadata=metadata))
            return response.json({"status": "received", "messages": len(messages)})

        return hook
