"""Handing a conversation to a person, on the assistant's side: why (the escalation decision), and the
ticket that carries the whole story to the agent desk."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

from bot.escalation import Decision, EscalationConfig, decide, turns_from_events
from bot.handoff.queue import expected_wait_minutes
from bot.handoff.store import HandoffStore, NewHandoff
from bot.handoff.tickets import build_ticket

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class HandoffOpened:
    """What the customer is told: `live` (stay in the chat: `agent_free`, or queue `position` and
    `wait_minutes`) or an offline ticket answered by e-mail (`email` None: ask for it)."""
    ticket: int
    mode: str  # live | offline
    new: bool  # False: the conversation already had an open ticket
    position: int = 0
    wait_minutes: int = 0
    agent_free: bool = False
    email: str | None = None


@dataclass(frozen=True)
class HandoffPolicy:
    online_window_s: float
    minutes_per_ticket: float


class HandoffService:
    def __init__(self, config: EscalationConfig, store: Callable[[], HandoffStore] | None = None,
                 policy: HandoffPolicy | None = None, clock: Callable[[], float] = time.time):
        self.config = config
        self._store = store
        self.policy = policy or HandoffPolicy(120.0, 4.0)
        self.clock = clock

    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            raise RuntimeError("no handoff store configured")
        return self._store()

    def assess(self, events: list[dict], order_value: float | None = None) -> Decision:
        """The escalation decision after the last user message, with its reason and signals.

        `order_value`: the total of the order looked up in the conversation, if any."""
        turns, since = turns_from_events(events, self.config)
        value = float(order_value) if isinstance(order_value, (int, float)) else None
        return decide(turns, self.config, order_value=value, turns_since_handoff=since)

    def open(self, conversation_id: str, events: list[dict], slots: dict, decision: Decision,
             reason: str) -> HandoffOpened:
        """Open a ticket for the conversation (or find its open one) and say what happens next."""
        now = self.clock()
        online = self.store.agents_online(now - self.policy.online_window_s, now)
        content = build_ticket(events, slots)
        email = next((v for v in (slots.get("email"), slots.get("contact_email")) if isinstance(v, str)
                      and EMAIL.match(v.strip())), None)
        ticket, new = self.store.open_handoff(NewHandoff(
            conversation_id=conversation_id, channel=content.channel, mode="live" if online else "offline",
            reason=reason, signals=decision.signals, frustration=decision.frustration, summary=content.summary,
            transcript=content.transcript, sentiment=content.sentiment, sources=content.sources,
            customer_email=email, created_at=now, feed_cursor=content.last_event_at))
        if new:
            self.store.add_activity(ticket.id, "handoff_created", {"reason": reason, "mode": ticket.mode,
                                                                   "frustration": decision.frustration}, now)
        if ticket.mode == "offline":
            return HandoffOpened(ticket.id, "offline", new, email=ticket.customer_email)
        position = self.store.queue_position(ticket.id)
        free = online - self.store.count("active")  # agents without a conversation
        if ticket.status == "active" or position <= free:
            return HandoffOpened(ticket.id, "live", new, position=position, agent_free=True)
        wait = expected_wait_minutes(position - max(free, 0), online, self.policy.minutes_per_ticket)
        return HandoffOpened(ticket.id, "live", new, position=position, wait_minutes=wait)

    def save_contact(self, ticket: int, email: str) -> bool:
        """Keep the e-mail address an offline ticket is answered at; False when it is not an address."""
        email = email.strip()
        if not EMAIL.match(email):
            return False
        self.store.set_customer_email(ticket, email)
        self.store.add_activity(ticket, "contact_added", {"email": email}, self.clock())
        return True
