from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices
from bot.recommend.present import QUICK_REPLIES, carousel, numbered_text


class ActionRecommendProducts(UsesServices, Action):
    """Recommend catalog products that fit the request, or refine the last recommendations."""

    def name(self) -> str:
        return "action_recommend_products"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        refine = tracker.latest_message.get("intent", {}).get("name") == "refine_recommendation"
        # the e-mail slot survives only a verified order look-up: then the shopper is a known customer
        turn = await asyncio.to_thread(self.services.recommendations.turn, tracker.latest_message.get("text"),
                                       tracker.get_slot("shopping_request"), tracker.get_slot("shown_products"),
                                       refine, customer=tracker.get_slot("email"))
        recs = turn.recommendations
        # a new carousel: "it" is no longer the product talked about before
        events = [SlotSet("shopping_request", turn.state), SlotSet("shown_products", turn.shown),
                  SlotSet("product_in_view", None)]
        if recs.clarify:
            dispatcher.utter_message(response="utter_ask_shopping_details")
        elif not recs.items:
            dispatcher.utter_message(response="utter_no_recommendations")
        else:
            dispatcher.utter_message(response="utter_recommendation_alternatives" if recs.alternatives
                                     else "utter_recommendations")
            dispatcher.utter_message(text=numbered_text(recs), json_message=carousel(recs), buttons=QUICK_REPLIES)
        return events
