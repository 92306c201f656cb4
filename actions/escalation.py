from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices


class ActionEscalate(UsesServices, Action):
    """Hand the customer to a person (predicted by the Rasa-side EscalationPolicy, or on request)."""

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        decision = self.services.handoff.assess(tracker.events, tracker.get_slot("order_total"))
        reason = decision.reason or "explicit_request"  # run by a rule on request_human
        dispatcher.utter_message(response="utter_request_human" if reason == "explicit_request" else "utter_escalate")
        events: list = [SlotSet("escalation", {"reason": reason, "frustration": decision.frustration,
                                               "signals": decision.signals})]
        if tracker.active_loop.get("name"):
            events.append(ActiveLoop(None))
        return events
