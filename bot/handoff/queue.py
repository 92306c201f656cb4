"""The handoff queue's arithmetic (pure): which ticket an agent should take first, and how long a
customer can expect to wait."""
from __future__ import annotations

import math

# a reason that makes a ticket more urgent than its frustration score alone says
REASON_URGENCY = {"sensitive_topic": 0.5, "high_value_order": 0.3, "repeated_failure": 0.1}


def priority(frustration: float, waited_s: float, reason: str, wait_weight_s: float) -> float:
    """Frustration (0..1), plus 1 for every `wait_weight_s` waited, plus the reason's urgency."""
    return round(frustration + max(0.0, waited_s) / wait_weight_s + REASON_URGENCY.get(reason, 0.0), 4)


def expected_wait_minutes(position: int, agents_online: int, minutes_per_ticket: float) -> int:
    """Minutes until an agent is free for the ticket at `position` (1 = next) in the queue."""
    if agents_online <= 0:
        raise ValueError("no agent is online: the wait cannot be estimated")
    return max(1, math.ceil(position * minutes_per_ticket / agents_online))
