"""What every action shares: access to the `bot/` services (injectable for tests)."""
from __future__ import annotations

from bot.services import Services, get_services


class UsesServices:
    """rasa-sdk builds actions with no arguments; tests pass their own `services`."""

    def __init__(self, services: Services | None = None):
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or get_services()


def latest_metadata(tracker) -> dict:
    """What the channel sent with the customer's latest message (the widget's `product_id` for "Ask about this")."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return metadata if isinstance(metadata, dict) else {}
    return {}
