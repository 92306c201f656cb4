from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices

log = logging.getLogger(__name__)


class ActionEscalate(UsesServices, Action):
    """Hand the customer to a person (predicted by the Rasa-side EscalationPolicy, or on request): open a
    ticket with the whole story, say what happens next, and pause the assistant while a person answers."""

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        handoff = self.services.handoff
        decision = handoff.assess(tracker.events, tracker.get_slot("order_total"))
        reason = decision.reason or "explicit_request"  # run by a rule on request_human
        dispatcher.utter_message(response="utter_request_human" if reason == "explicit_request" else "utter_escalate")
        events: list = [SlotSet("escalation", {"reason": reason, "frustration": decision.frustration,
                                               "signals": decision.signals})]
        if tracker.active_loop.get("name"):
            events.append(ActiveLoop(None))
        try:
            opened = handoff.open(tracker.sender_id, tracker.events, tracker.current_slot_values(), decision, reason)
        except Exception:  # noqa: BLE001 - the handoff store is down: the customer still gets a way to reach us
            log.exception("could not open a handoff ticket for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return events
        events.append(SlotSet("handoff_ticket", opened.ticket))
        if opened.mode == "offline":
            if opened.email:
                dispatcher.utter_message(response="utter_handoff_offline", ticket=opened.ticket, email=opened.email)
            else:
                dispatcher.utter_message(response="utter_handoff_offline_ask_email", ticket=opened.ticket)
                events.append(SlotSet("handoff_awaiting_email", True))
            return events
        if opened.agent_free:
            dispatcher.utter_message(response="utter_handoff_joining")
        else:
            dispatcher.utter_message(response="utter_handoff_waiting", position=opened.position,
                                     wait_minutes=opened.wait_minutes)
        return events + [ConversationPaused()]


class ActionSaveHandoffContact(UsesServices, Action):
    """Keep the e-mail address an offline handoff ticket is answered at."""

    def name(self) -> str:
        return "action_save_handoff_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        ticket = tracker.get_slot("handoff_ticket")
        email = next(tracker.get_latest_entity_values("email"), None) or tracker.latest_message.get("text") or ""
        if ticket is None:
            return [SlotSet("handoff_awaiting_email", None)]
        if not self.services.handoff.save_contact(int(ticket), email):
            dispatcher.utter_message(response="utter_invalid_email")
            return []
        dispatcher.utter_message(response="utter_handoff_contact_saved", ticket=int(ticket), email=email.strip())
        return [SlotSet("handoff_awaiting_email", None)]
