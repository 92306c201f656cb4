from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(text: str = "", intent: str = "inform", slots: dict | None = None,
                 active_loop: str | None = None, entities: list | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []}
    return Tracker(sender_id="test-user", slots={"requested_slot": None, **(slots or {})}, latest_message=latest,
                   events=[{"event": "user", "text": text, "parse_data": latest}], paused=False,
                   followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def run(action, tracker: Tracker, domain: dict | None = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher, events


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain():
    import yaml

    from tests.conftest import ROOT

    return yaml.safe_load((ROOT / "domain.yml").read_text())
