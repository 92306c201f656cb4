"""A chat model that is never waited for: phrasing is an extra, the checked evidence is the answer.

Answers are retrieval-first, so a customer should not queue behind other customers' generations. A
`BudgetedChatModel` runs at most `slots` generations at once and refuses a request when they are all taken
(`ChatModelBusy`), and gives up on a generation that runs past `budget_s` (`ChatModelBusy` too; the generation
is drained in the background and its slot freed when it ends). The caller then sends the extractive answer at once.
A model that ran past its budget is not asked again for `cooldown_s` (it is too slow for the budget on this machine
now; asking again would only take the cores from the other conversations), then it is tried again.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Iterator

from bot.llm.base import ChatModel, ChatModelError, Message


class ChatModelBusy(ChatModelError):
    """Every generation slot is taken, or the generation ran past the time budget: the caller answers without
    the model."""


class BudgetedChatModel:
    def __init__(self, model: ChatModel, slots: int = 1, budget_s: float = 3.0, cooldown_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic):
        if slots < 1 or budget_s <= 0:
            raise ValueError("a budgeted chat model needs at least one slot and a positive time budget")
        self.model = model
        self.name = model.name
        self.budget_s = budget_s
        self.cooldown_s = cooldown_s
        self._rested_at = 0.0  # when a model that ran past its budget may be asked again
        self._slots = threading.BoundedSemaphore(slots)
        self._clock = clock

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        if self._clock() < self._rested_at:
            raise ChatModelBusy(f"the chat model needed more than {self.budget_s:g} s lately")
        if not self._slots.acquire(blocking=False):
            raise ChatModelBusy("the chat model is busy with another answer")
        handed_over = False
        try:
            pieces: list[str] = []
            deadline = self._clock() + self.budget_s
            stream = self.model.stream(messages, max_tokens)
            for piece in stream:
                pieces.append(piece)
                if self._clock() > deadline:
                    self._rested_at = self._clock() + self.cooldown_s
                    threading.Thread(target=self._drain, args=(stream,), name="llm-drain", daemon=True).start()
                    handed_over = True
                    raise ChatModelBusy(f"no whole answer within {self.budget_s:g} s")
            return "".join(pieces)
        finally:
            if not handed_over:
                self._slots.release()

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Unbudgeted streaming (time to first token in `make bench-kb`)."""
        return self.model.stream(messages, max_tokens)

    def _drain(self, stream: Iterator[str]) -> None:
        try:
            for _ in stream:
                pass
        except ChatModelError:
            pass
        finally:
            self._slots.release()
