"""Fakes for the handoff tests: a Rasa HTTP API that records what the desk asks of it."""
from __future__ import annotations

from bot.handoff.rasa_client import Conversation, RasaUnavailable


class FakeRasa:
    def __init__(self):
        self.events: dict[str, list[dict]] = {}
        self.calls: list[tuple] = []
        self.down = False

    def customer_says(self, conversation_id: str, text: str, at: float, intent: str = "inform",
                      confidence: float = 0.9, sentiment: float = -0.2) -> None:
        self.events.setdefault(conversation_id, []).append(
            {"event": "user", "text": text, "timestamp": at, "input_channel": "socketio",
             "parse_data": {"intent": {"name": intent, "confidence": confidence},
                            "sentiment": {"intensity": sentiment}}})

    def _check(self):
        if self.down:
            raise RasaUnavailable("down")

    async def conversation(self, conversation_id):
        self._check()
        return Conversation(list(self.events.get(conversation_id, [])), {}, True)

    async def utter(self, conversation_id, response, slots=None):
        self._check()
        self.calls.append(("utter", conversation_id, response, slots))

    async def send_text(self, conversation_id, text, metadata):
        self._check()
        self.calls.append(("send_text", conversation_id, text, metadata))

    async def pause(self, conversation_id):
        self._check()
        self.calls.append(("pause", conversation_id))

    async def resume(self, conversation_id):
        self._check()
        self.calls.append(("resume", conversation_id))
