from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import UsesServices

HISTORY_TURNS = 3


def previous_user_texts(tracker: Tracker, turns: int = HISTORY_TURNS) -> list[str]:
    """The customer's messages before the latest one, oldest first (for follow-up questions)."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return [t for t in texts[:-1] if t and not t.startswith("/")][-turns:]


class ActionAnswerQuestion(UsesServices, Action):
    """Answer a store question from the knowledge base, citing the source."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        # retrieval and generation block for up to seconds: keep the action server's event loop free
        answer = await asyncio.to_thread(self.services.answers.answer, tracker.latest_message.get("text"),
                                         previous_user_texts(tracker), tracker.sender_id)
        if answer.found:
            dispatcher.utter_message(text=answer.text, json_message=answer.payload())
            for part in answer.unanswered:  # a message with several questions: say which one has no answer
                dispatcher.utter_message(response="utter_knowledge_part_not_found", question=part)
        elif answer.reason == "knowledge_unavailable":
            dispatcher.utter_message(response="utter_knowledge_unavailable")
        else:
            dispatcher.utter_message(response="utter_knowledge_not_found")
        return []
