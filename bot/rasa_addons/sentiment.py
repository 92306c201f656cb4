"""NLU component: every user message gets a sentiment in its parse data (`sentiment`).

Runs the project's sentiment model (`bot.sentiment.model`, numpy only: no torch in this environment)
from SENTIMENT_MODEL_DIR, or VADER when no trained model is there.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.sentiment.model import SentimentClassifier

log = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SentimentAnalyzer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"model_dir": None}  # None: $SENTIMENT_MODEL_DIR, else var/models/sentiment-en

    def __init__(self, config: Dict[Text, Any]) -> None:
        model_dir: Optional[str] = config.get("model_dir") or os.environ.get("SENTIMENT_MODEL_DIR") \
            or "var/models/sentiment-en"
        self.classifier = SentimentClassifier(model_dir)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentimentAnalyzer":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text")
            if not text:
                continue
            try:
                s = self.classifier.score_one(text)
            except Exception:  # noqa: BLE001 - a sentiment failure must never lose the message
                log.warning("sentiment failed; the message goes on without it", exc_info=True)
                continue
            message.set("sentiment", {"label": s.label, "score": s.score, "intensity": round(s.intensity, 4),
                                      "model": s.model}, add_to_output=True)
        return messages
