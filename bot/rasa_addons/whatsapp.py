"""WhatsApp Cloud API channel for Rasa (Rasa has none): `/webhooks/whatsapp/webhook`.

- GET: Meta's verification handshake (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`).
- POST: only bodies signed with the app secret (`X-Hub-Signature-256`) are taken; each customer message
  is handled in the background so the webhook answers at once (Meta retries slow webhooks).
- Replies go to `<graph_base_url>/<api_version>/<phone_number_id>/messages` (configurable, so tests use a
  fake Graph API): text, reply buttons or lists for quick replies, product suggestions as a list.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.rasa_addons.whatsapp_messages import incoming_messages, outgoing, valid_signature

log = logging.getLogger(__name__)


class WhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, messages_url: Text, access_token: Text, timeout_s: float = 15.0) -> None:
        self.messages_url = messages_url
        self.access_token = access_token
        self.timeout_s = timeout_s

    async def _post(self, body: Dict[Text, Any]) -> None:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s)) as session:
            async with session.post(self.messages_url, json=body, headers=headers) as resp:
                if resp.status >= 400:
                    log.error("WhatsApp Graph API refused a message (%s): %s", resp.status, (await resp.text())[:300])

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        for body in outgoing(recipient_id, message):
            await self._post(body)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WhatsAppInput(InputChannel):
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
        self._tasks: Set[asyncio.Task] = set()

    def get_output_channel(self) -> OutputChannel:
        return WhatsAppOutput(self.messages_url, self.access_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("whatsapp_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            mode, token = request.args.get("hub.mode"), request.args.get("hub.verify_token")
            if mode == "subscribe" and self.verify_token and token == self.verify_token:
                return response.text(request.args.get("hub.challenge", ""))
            return response.text("verification failed", status=403)

        async def handle(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - one failed turn must not stop the channel
                log.exception("WhatsApp message from %s failed", message.sender_id)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not valid_signature(self.app_secret, request.body, request.headers.get("x-hub-signature-256")):
                return response.json({"error": "missing or wrong X-Hub-Signature-256"}, status=403)
            try:
                messages = incoming_messages(json.loads(request.body or b"null"))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError too
                return response.json({"error": f"malformed body: {exc}"}, status=400)
            for sender, text, metadata in messages:
                task = asyncio.create_task(handle(UserMessage(text, self.get_output_channel(), sender,
                                                              input_channel=self.name(), metadata=metadata)))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.json({"status": "received", "messages": len(messages)})

        return hook
