"""The `ChatModel` seam: something that turns chat messages into text."""
from __future__ import annotations

from typing import Iterator, Protocol

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


class ChatModelError(RuntimeError):
    """The back end failed (timeout, refused connection, malformed reply); callers fall back."""


class ChatModel(Protocol):
    name: str

    def complete(self, messages: list[Message], max_tokens: int) -> str: ...

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Text deltas as they are generated."""
        ...
