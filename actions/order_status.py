from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices
from bot.orders.service import normalize_email, normalize_order_id


class ValidateOrderStatusForm(UsesServices, FormValidationAction):
    def name(self) -> str:
        return "validate_order_status_form"

    @staticmethod
    def _normalized(slot: str, value: Any, normalize, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        normalized = normalize(value if isinstance(value, str) else None)
        if normalized is None:
            dispatcher.utter_message(response=f"utter_invalid_{slot}")
        return {slot: normalized}

    def validate_order_id(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: dict[str, Any]) -> dict[str, Any]:
        return self._normalized("order_id", value, normalize_order_id, dispatcher)

    def validate_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: dict[str, Any]) -> dict[str, Any]:
        return self._normalized("email", value, normalize_email, dispatcher)


class ActionCheckOrderStatus(UsesServices, Action):
    """Show the order's status to the e-mail on the order; refuse anyone else."""

    def name(self) -> str:
        return "action_check_order_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        order_id, email = tracker.get_slot("order_id"), tracker.get_slot("email")
        result = self.services.orders.lookup(order_id, email)
        if not result.found:
            dispatcher.utter_message(response="utter_order_not_found", order_id=order_id or "")
            # the order number is kept: a corrected e-mail address alone runs the look-up again
            return [SlotSet("email", None)]
        dispatcher.utter_message(response=result.order.response, **result.order.template_vars)
        return [SlotSet("order_id", None), SlotSet("order_total", result.order.total)]
