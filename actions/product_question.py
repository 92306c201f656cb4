from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices, latest_metadata


class ActionAnswerProductQuestion(UsesServices, Action):
    """Answer a question about a product from its catalog data: "is the Trailblazer boot waterproof?"."""

    def name(self) -> str:
        return "action_answer_product_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        # "it": the product page the question was asked from, else the last product talked about
        context = [latest_metadata(tracker).get("product_id"), tracker.get_slot("product_in_view")]
        answer = self.services.product_questions.answer(tracker.latest_message.get("text"),
                                                        tracker.get_slot("shown_products"),
                                                        [c for c in context if isinstance(c, str)])
        if answer.status == "not_found":
            dispatcher.utter_message(response="utter_product_not_found")
        elif answer.status == "ambiguous":
            dispatcher.utter_message(response="utter_product_which_one", buttons=answer.choices)
        else:
            dispatcher.utter_message(text=answer.text)
            if not answer.covered:
                dispatcher.utter_message(response="utter_product_detail_unknown")
        return [SlotSet("product_in_view", answer.products[0])] if len(answer.products) == 1 else []
