"""The agent desk's side of Rasa's HTTP API (`rasa run --enable-api`): read a conversation, pause and
resume it, and put a message on the customer's channel. The only module that calls the Rasa server."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import aiohttp


# Rasa's server (Sanic 21) does not decode the conversation id in its URLs: characters that may stand in a
# path segment are sent as they are ("+15551230003" from SMS, "whatsapp:+1555..."), or Rasa would see
# "%2B15551230003", another conversation.
PATH_SAFE = "+@:!$&'()*,;=-._~"


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer or refused the call."""


@dataclass(frozen=True)
class Conversation:
    events: list[dict]
    slots: dict
    paused: bool


class RasaConversations:
    def __init__(self, base_url: str, token: str = "", timeout_s: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        """One connection pool, made on first use inside the running event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, method: str, conversation_id: str, path: str, params: dict | None = None,
                    body=None) -> dict:
        params = {**(params or {}), **({"token": self.token} if self.token else {})}
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe=PATH_SAFE)}{path}"
        try:
            async with self._client().request(method, url, params=params, json=body) as resp:
                if resp.status >= 400:
                    raise RasaUnavailable(f"Rasa server answered {resp.status} to {method} {path}: "
                                          f"{(await resp.text())[:200]}")
                return await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaUnavailable(f"Rasa server at {self.base_url}: {exc!r}") from exc

    async def conversation(self, conversation_id: str) -> Conversation:
        state = await self._call("GET", conversation_id, "/tracker", {"include_events": "ALL"})
        return Conversation(state.get("events") or [], state.get("slots") or {}, bool(state.get("paused")))

    async def append(self, conversation_id: str, events: list[dict], send: bool = False) -> None:
        """Append events; with `send`, bot messages among them also go out on the conversation's channel."""
        params = {"include_events": "NONE"}
        if send:
            params |= {"output_channel": "latest", "execute_side_effects": "true"}
        await self._call("POST", conversation_id, "/tracker/events", params, events)

    async def utter(self, conversation_id: str, response: str, slots: dict | None = None) -> None:
        """Send one of the domain's responses (filled from `slots`, which are set first) on the channel.

        Rasa's `/execute` runs the response as an action outside a turn; the `action_listen` after it puts
        the conversation back where a customer message is expected, as after any turn (without it the
        policies see an unfinished turn and fall back)."""
        if slots:
            await self.append(conversation_id, [{"event": "slot", "name": k, "value": v} for k, v in slots.items()])
        await self._call("POST", conversation_id, "/execute", {"output_channel": "latest", "include_events": "NONE"},
                         {"name": response})
        await self.append(conversation_id, [{"event": "action", "name": "action_listen"}])

    async def send_text(self, conversation_id: str, text: str, metadata: dict) -> None:
        """Put a person's message on the customer's channel, recorded in the conversation as said by them."""
        await self.append(conversation_id, [{"event": "bot", "text": text, "metadata": metadata}], send=True)

    async def pause(self, conversation_id: str) -> None:
        await self.append(conversation_id, [{"event": "pause"}])

    async def resume(self, conversation_id: str) -> None:
        await self.append(conversation_id, [{"event": "resume"}])
