"""Handing a conversation to a person: why, from the conversation's events (tickets and the agent loop
build on this)."""
from __future__ import annotations

from bot.escalation import Decision, EscalationConfig, decide, turns_from_events


class HandoffService:
    def __init__(self, config: EscalationConfig):
        self.config = config

    def assess(self, events: list[dict]) -> Decision:
        """The escalation decision after the last user message, with its reason and signals."""
        turns, since = turns_from_events(events, self.config)
        return decide(turns, self.config, turns_since_handoff=since)
