"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, OpenAI) over HTTP."""
from __future__ import annotations

import json
import time
from typing import Iterator

import httpx

from bot.llm.base import ChatModelError, Message

RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class OpenAICompatibleChatModel:
    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 20.0,
                 retries: int = 2, backoff_s: float = 0.5, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = f"openai:{model}@{self.base_url}"
        self.retries = retries
        self.backoff_s = backoff_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, transport=transport,
                                    timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)))

    def _body(self, messages: list[Message], max_tokens: int, stream: bool) -> dict:
        return {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0,
                "stream": stream}

    def _attempts(self):
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            yield attempt == self.retries

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        error = "no attempt"
        for last in self._attempts():
            try:
                r = self._client.post("/chat/completions", json=self._body(messages, max_tokens, False))
            except httpx.HTTPError as e:
                error = f"{type(e).__name__}: {e}"
                continue
            if r.status_code in RETRY_STATUS and not last:
                error = f"HTTP {r.status_code}"
                continue
            if r.status_code != 200:
                raise ChatModelError(f"LLM endpoint answered HTTP {r.status_code}: {r.text[:200]}")
            try:
                content = r.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError):
                raise ChatModelError(f"malformed reply from the LLM endpoint: {r.text[:200]}") from None
            if not isinstance(content, str):
                raise ChatModelError("the LLM endpoint returned no text")
            return content
        raise ChatModelError(f"LLM endpoint failed after {self.retries + 1} attempts: {error}")

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Server-sent events; retries only before the first delta has been produced."""
        error = "no attempt"
        for last in self._attempts():
            produced = False
            try:
                with self._client.stream("POST", "/chat/completions",
                                         json=self._body(messages, max_tokens, True)) as r:
                    if r.status_code in RETRY_STATUS and not last:
                        error = f"HTTP {r.status_code}"
                        continue
                    if r.status_code != 200:
                        raise ChatModelError(f"LLM endpoint answered HTTP {r.status_code}")
                    for line in r.iter_lines():
                        if not line.startswith("data:"):
                            continue
                        data = line[5:].strip()
                        if data == "[DONE]":
                            return
                        try:
                            delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                            raise ChatModelError(f"malformed stream event: {data[:200]}") from None
                        if delta:
                            produced = True
                            yield delta
                    return
            except httpx.HTTPError as e:
                if produced:
                    raise ChatModelError(f"stream broke off: {e}") from e
                error = f"{type(e).__name__}: {e}"
        raise ChatModelError(f"LLM endpoint failed after {self.retries + 1} attempts: {error}")
