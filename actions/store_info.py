from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices


class ActionAnswerQuestion(UsesServices, Action):
    """Answer a store question from the knowledge base, citing the source."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        answer = self.services.answers.answer(tracker.latest_message.get("text"))
        if answer.found:
            dispatcher.utter_message(text=answer.text, json_message=answer.payload())
        else:
            dispatcher.utter_message(response="utter_knowledge_not_found")
        return []
