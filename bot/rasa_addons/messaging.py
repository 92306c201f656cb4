"""Rasa's Telegram, Slack, Facebook Messenger and Twilio connectors, as Concierge runs them.

Each class subclasses Rasa's own connector (same channel name, same webhook URL
`/webhooks/<name>/webhook`, Rasa's credential keys) and replaces what does not hold up in Rasa 3.6:

- an unconfigured channel stays off instead of failing the server's start (Rasa's Telegram connector
  calls Telegram at start-up and stops the server when it can't; Slack's refuses to start without a
  secret), and its webhook answers 503;
- every post is authenticated: Telegram's secret-token header, Slack's signing secret, Meta's
  `X-Hub-Signature-256`, Twilio's `X-Twilio-Signature` (Rasa checks none for Telegram and Twilio);
  malformed bodies get a 400, never a 500;
- replies render Concierge's payloads natively (`channel_messages.py`): buttons, product cards,
  citations as links, agents' messages marked; Rasa's connectors pass custom payloads to the APIs as
  they are, which the APIs refuse;
- agents' replies reach the customer: every connector builds its output channel outside a turn (Rasa's
  Messenger connector has none, and Telegram's cannot be built inside the running server);
- API base URLs are settings, so the tests talk to a fake upstream; HTTP calls are asynchronous.

Customer messages are handled in the background, so the webhook answers at once (the platforms retry
slow webhooks)."""
from __future__ import annotations

import asyncio
import hmac
import json
from abc import ABC, abstractmethod
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput
from rasa.core.channels.slack import SlackInput
from rasa.core.channels.telegram import TelegramInput
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.rasa_addons.channel_messages import (hub_signature_ok, messenger_calls, messenger_messages, slack_calls,
                                              slack_signature_ok, sms_bodies, telegram_calls, telegram_update,
                                              twilio_signature_ok)

log = logging.getLogger(__name__)
Call = Tuple[Text, Dict[Text, Any]]  # (URL, keyword arguments of aiohttp's post)


class ApiOutput(OutputChannel, ABC):
    """Sends each response as the HTTP calls `calls` gives, in order (each channel says what `calls` are)."""

    channel = "api"

    @classmethod
    def name(cls) -> Text:
        return cls.channel

    def __init__(self, timeout_s: float = 15.0) -> None:
        self.timeout_s = timeout_s

    @abstractmethod
    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        """The HTTP calls that deliver one Rasa response to `recipient_id`."""

    def failed(self, status: int, body: Text) -> bool:
        return status >= 400

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.post_all(self.calls(recipient_id, message))

    async def post_all(self, calls: List[Call]) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s)) as session:
            for url, kwargs in calls:
                try:
                    async with session.post(url, **kwargs) as resp:
                        body = await resp.text()
                        if self.failed(resp.status, body):
                            log.error("%s refused a message (%s): %s", self.name(), resp.status, body[:300])
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    log.error("%s could not be reached: %r", self.name(), exc)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class Background:
    """Runs customer turns as tasks so a webhook answers at once; a failed turn is logged, not raised."""

    def _spawn(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
        self._background(on_new_message(message), f"{message.input_channel} message from {message.sender_id}")

    def _background(self, work: Awaitable[Any], what: Text) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:  # noqa: BLE001 - one failure must not stop the channel
                log.exception("%s failed", what)

        tasks: Set[asyncio.Task] = self.__dict__.setdefault("_tasks", set())
        task = asyncio.create_task(run())
        tasks.add(task)
        task.add_done_callback(tasks.discard)


def _not_configured(name: Text) -> response.HTTPResponse:
    return response.json({"error": f"the {name} channel is not configured on this server"}, status=503)


def meta_handshake(request: Request, verify_token: Text) -> response.HTTPResponse:
    """Meta's webhook verification (Messenger, WhatsApp): echo `hub.challenge` for the right token."""
    if request.args.get("hub.mode") == "subscribe" and verify_token and \
            request.args.get("hub.verify_token") == verify_token:
        return response.text(request.args.get("hub.challenge", ""))
    return response.text("verification failed", status=403)


def _json_body(request: Request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


# --- Telegram ---------------------------------------------------------------------------------------
class TelegramApiOutput(ApiOutput):
    channel = "telegram"

    def __init__(self, api_url: Text, token: Text) -> None:
        super().__init__()
        self.base = f"{api_url.rstrip('/')}/bot{token}"

    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        return [(f"{self.base}/{method}", {"json": body}) for method, body in telegram_calls(recipient_id, message)]

    async def answer_callback(self, callback_id: Text) -> None:
        """Tell Telegram a button tap was taken (the app shows it as pending until then)."""
        await self.post_all([(f"{self.base}/answerCallbackQuery", {"json": {"callback_query_id": callback_id}})])


class TelegramChannel(TelegramInput, Background):
    """Credentials: `access_token`, `verify` (the bot's username), `webhook_url` (this server's public
    webhook URL), `secret_token` (sent by Telegram in `X-Telegram-Bot-Api-Secret-Token`; required),
    `api_url`. `POST /webhooks/telegram/set_webhook` registers the webhook with Telegram."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramChannel":
        c = credentials or {}
        return cls(str(c.get("access_token") or ""), str(c.get("verify") or ""), str(c.get("webhook_url") or ""),
                   str(c.get("secret_token") or ""), str(c.get("api_url") or "https://api.telegram.org"))

    def __init__(self, access_token: Text, verify: Text, webhook_url: Text, secret_token: Text = "",
                 api_url: Text = "https://api.telegram.org") -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_url = api_url

    def get_output_channel(self) -> TelegramApiOutput:
        return TelegramApiOutput(self.api_url, self.access_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.access_token)})

        @hook.route("/set_webhook", methods=["POST"])
        async def set_webhook(_: Request) -> response.HTTPResponse:
            if not (self.access_token and self.webhook_url and self.secret_token):
                return _not_configured("telegram")
            url = f"{self.api_url.rstrip('/')}/bot{self.access_token}/setWebhook"
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
                async with session.post(url, json={"url": self.webhook_url, "secret_token": self.secret_token}) as r:
                    return response.json({"telegram_status": r.status, "telegram": _json_body_text(await r.text())},
                                         status=200 if r.status < 400 else 502)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not self.access_token:
                return _not_configured("telegram")
            header = request.headers.get("x-telegram-bot-api-secret-token") or ""
            if not self.secret_token or not hmac.compare_digest(header.encode(), self.secret_token.encode()):
                return response.json({"error": "missing or wrong X-Telegram-Bot-Api-Secret-Token"}, status=403)
            try:
                incoming = telegram_update(_json_body(request))
            except ValueError as exc:
                return response.json({"error": f"malformed body: {exc}"}, status=400)
            if incoming is None:
                return response.json({"status": "ignored"})
            chat_id, text, metadata = incoming
            out = self.get_output_channel()
            if metadata.get("telegram_callback_id"):
                self._background(out.answer_callback(metadata["telegram_callback_id"]), "answering a Telegram tap")
            self._spawn(on_new_message, UserMessage(text, out, chat_id, input_channel=self.name(), metadata=metadata))
            return response.json({"status": "received"})

        return hook


def _json_body_text(text: Text) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text[:300]


# --- Slack ------------------------------------------------------------------------------------------
class SlackApiOutput(ApiOutput):
    channel = "slack"

    def __init__(self, api_url: Text, token: Text, slack_channel: Optional[Text] = None,
                 thread_id: Optional[Text] = None) -> None:
        super().__init__()
        self.url = api_url.rstrip("/") + "/chat.postMessage"
        self.token = token
        self.slack_channel = slack_channel
        self.thread_id = thread_id

    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        headers = {"Authorization": f"Bearer {self.token}"}
        return [(self.url, {"json": body, "headers": headers})
                for body in slack_calls(self.slack_channel or recipient_id, message, self.thread_id)]

    def failed(self, status: int, body: Text) -> bool:  # Slack answers 200 with {"ok": false} on errors
        parsed = _json_body_text(body)
        return status >= 400 or (isinstance(parsed, dict) and parsed.get("ok") is False)


class SlackChannel(SlackInput, Background):
    """Credentials as Rasa's (`slack_token`, `slack_channel`, `slack_signing_secret`, `use_threads`,
    `conversation_granularity`) plus `api_url`."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackChannel":
        c = credentials or {}
        return cls(str(c.get("slack_token") or ""), str(c.get("slack_channel") or "") or None,
                   str(c.get("slack_signing_secret") or ""), bool(c.get("use_threads", False)),
                   str(c.get("conversation_granularity") or "sender"), str(c.get("api_url") or "https://slack.com/api/"))

    def __init__(self, slack_token: Text, slack_channel: Optional[Text], slack_signing_secret: Text,
                 use_threads: bool = False, conversation_granularity: Text = "sender",
                 api_url: Text = "https://slack.com/api/") -> None:
        # Rasa's __init__ refuses to start without a signing secret; without one this channel stays off
        self.slack_token = slack_token
        self.slack_channel = slack_channel
        self.slack_signing_secret = slack_signing_secret
        self.use_threads = use_threads
        self.conversation_granularity = conversation_granularity
        self.api_url = api_url
        self.proxy = None
        self.errors_ignore_retry = ("http_timeout",)
        self.retry_reason_header = "x-slack-retry-reason"
        self.retry_num_header = "x-slack-retry-num"

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> SlackApiOutput:
        return SlackApiOutput(self.api_url, self.slack_token, channel or self.slack_channel, thread_id)

    def _incoming(self, request: Request) -> Optional[Tuple[Text, Text, Dict[Text, Any]]]:
        """(conversation id, text, metadata) of a customer's message or button click; None for other
        events. Raises ValueError for a malformed body."""
        if "application/x-www-form-urlencoded" in (request.headers.get("content-type") or ""):
            raw = request.form.get("payload")
            payload = _json_body_text(raw) if isinstance(raw, str) else None
            if not isinstance(payload, dict):
                raise ValueError("an interactive post needs a JSON object in the 'payload' field")
            actions = payload.get("actions")
            user = (payload.get("user") or {}).get("id")
            if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict) or not user:
                raise ValueError("an interactive payload needs 'user.id' and 'actions'")
            text = self._get_interactive_response(actions[0]) if self._is_interactive_message(payload) else None
            message = payload.get("message") or {}
            metadata = {"out_channel": (payload.get("channel") or {}).get("id"),
                        "thread_id": message.get("thread_ts", message.get("ts")), "users": [user]}
        else:
            body = _json_body(request)
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
            event = body.get("event")
            if not isinstance(event, dict) or not self._is_user_message(body):
                return None
            user = event.get("user")
            users = body.get("authed_users") or [a.get("user_id") for a in (body.get("authorizations") or [])[:1]]
            metadata = {"out_channel": event.get("channel"), "thread_id": event.get("thread_ts", event.get("ts")),
                        "users": users}
            if not self._is_supported_channel(body, metadata):
                return None
            text = self._sanitize_user_message(event.get("text") or "", users)
        if not isinstance(text, str) or not text.strip() or not user:
            return None
        conversation = self._get_conversation_id(user, metadata["out_channel"], metadata["thread_id"])
        return conversation, text, metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("slack_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.slack_token and self.slack_signing_secret)})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not (self.slack_token and self.slack_signing_secret):
                return _not_configured("slack")
            if not slack_signature_ok(self.slack_signing_secret, request.headers.get("x-slack-request-timestamp"),
                                      request.body, request.headers.get("x-slack-signature"), time.time()):
                return response.json({"error": "missing, stale or wrong X-Slack-Signature"}, status=401)
            body = _json_body(request)
            if isinstance(body, dict) and body.get("type") == "url_verification":
                return response.json({"challenge": body.get("challenge")})
            if request.headers.get(self.retry_num_header) and \
                    request.headers.get(self.retry_reason_header) in self.errors_ignore_retry:
                return response.text("", status=201, headers={"X-Slack-No-Retry": "1"})
            try:
                incoming = self._incoming(request)
            except ValueError as exc:
                return response.json({"error": f"malformed body: {exc}"}, status=400)
            if incoming is None:
                return response.json({"status": "ignored"})
            conversation, text, metadata = incoming
            out = self.get_output_channel(metadata["out_channel"], metadata["thread_id"] if self.use_threads else None)
            self._spawn(on_new_message, UserMessage(text, out, conversation, input_channel=self.name(),
                                                    metadata=metadata))
            return response.json({"status": "received"})

        return hook


# --- Facebook Messenger --------------------------------------------------------------------------------
class MessengerApiOutput(ApiOutput):
    channel = "facebook"

    def __init__(self, messages_url: Text, page_token: Text) -> None:
        super().__init__()
        self.messages_url = messages_url
        self.page_token = page_token

    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        return [(self.messages_url, {"json": body, "params": {"access_token": self.page_token}})
                for body in messenger_calls(recipient_id, message)]


class MessengerChannel(FacebookInput, Background):
    """Credentials as Rasa's (`verify`, `secret`, `page-access-token`) plus `graph_url` and `api_version`."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MessengerChannel":
        c = credentials or {}
        return cls(str(c.get("verify") or ""), str(c.get("secret") or ""), str(c.get("page-access-token") or ""),
                   str(c.get("graph_url") or "https://graph.facebook.com"), str(c.get("api_version") or "v21.0"))

    def __init__(self, fb_verify: Text, fb_secret: Text, fb_access_token: Text,
                 graph_url: Text = "https://graph.facebook.com", api_version: Text = "v21.0") -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.messages_url = f"{graph_url.rstrip('/')}/{api_version}/me/messages"

    def get_output_channel(self) -> MessengerApiOutput:
        return MessengerApiOutput(self.messages_url, self.fb_access_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("fb_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.fb_access_token and self.fb_secret)})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            return meta_handshake(request, self.fb_verify)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not (self.fb_access_token and self.fb_secret):
                return _not_configured("facebook")
            if not hub_signature_ok(self.fb_secret, request.body, request.headers.get("x-hub-signature-256"),
                                    request.headers.get("x-hub-signature")):
                return response.json({"error": "missing or wrong X-Hub-Signature-256"}, status=403)
            try:
                messages = messenger_messages(_json_body(request))
            except ValueError as exc:
                return response.json({"error": f"malformed body: {exc}"}, status=400)
            for sender, text, metadata in messages:
                self._spawn(on_new_message, UserMessage(text, self.get_output_channel(), sender,
                                                        input_channel=self.name(), metadata=metadata))
            return response.json({"status": "received", "messages": len(messages)})

        return hook


# --- Twilio (SMS) -------------------------------------------------------------------------------------
class TwilioApiOutput(ApiOutput):
    channel = "twilio"

    def __init__(self, api_url: Text, account_sid: Text, auth_token: Text, number: Text) -> None:
        super().__init__()
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.number = number

    def calls(self, recipient_id: Text, message: Dict[Text, Any]) -> List[Call]:
        return [
            (self.url, {"data": body, "auth": self.auth}) for body in sms_bodies(recipient_id, self.number, message)
        ]


class TwilioChannel(TwilioInput, Background):
    """Credentials as Rasa's (`account_sid`, `auth_token`, `twilio_number`) plus `webhook_url` (the public
    URL Twilio posts to, which its signature covers) and `api_url`."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TwilioChannel":
        c = credentials or {}
        return cls(str(c.get("account_sid") or ""), str(c.get("auth_token") or ""), str(c.get("twilio_number") or ""),
                   str(c.get("webhook_url") or ""), str(c.get("api_url") or "https://api.twilio.com"))

    def __init__(self, account_sid: Text, auth_token: Text, twilio_number: Text, webhook_url: Text = "",
                 api_url: Text = "https://api.twilio.com") -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.webhook_url = webhook_url
        self.api_url = api_url

    def get_output_channel(self) -> TwilioApiOutput:
        return TwilioApiOutput(self.api_url, self.account_sid, self.auth_token, self.twilio_number)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("twilio_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.account_sid and self.auth_token)})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not (self.account_sid and self.auth_token and self.twilio_number):
                return _not_configured("twilio")
            form = request.form if "x-www-form-urlencoded" in (request.headers.get("content-type") or "") else {}
            params = {name: list(form.getlist(name)) for name in form} if form else {}
            if not twilio_signature_ok(self.auth_token, self.webhook_url or request.url, params,
                                       request.headers.get("x-twilio-signature")):
                return response.json({"error": "missing or wrong X-Twilio-Signature"}, status=403)
            sender, text = (params.get("From") or [None])[0], (params.get("Body") or [None])[0]
            if not sender or not isinstance(text, str):
                return response.json({"error": "malformed body: a form with 'From' and 'Body' is expected"},
                                     status=400)
            if text.strip():
                self._spawn(on_new_message, UserMessage(text.replace("¡", "@"), self.get_output_channel(), sender,
                                                        input_channel=self.name(),
                                                        metadata={"twilio_sid": (params.get("MessageSid") or [""])[0]}))
            # replies go through the REST API; an empty TwiML answer sends nothing itself
            return response.text("<Response></Response>", content_type="text/xml")

        return hook
