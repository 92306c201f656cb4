"""Handing a conversation to a person: why, from the conversation's events (tickets and the agent loop
build on this)."""
from __future__ import annotations

from bot.escalation import Decision, EscalationConfig, decide, turns_from_events


class HandoffService:
    def __init__(self, config: EscalationConfig):
        self.config = config

    def assess(self, events: list[dict], order_value: float | None = None) -> Decision:
        """The escalation decision after the last user message, with its reason and signals.

        `order_value`: the total of the order looked up in the conversation, if any."""
        turns, since = turns_from_events(events, self.config)
        value = float(order_value) if isinstance(order_value, (int, float)) else None
        return decide(turns, self.config, order_value=value, turns_since_handoff=since)
