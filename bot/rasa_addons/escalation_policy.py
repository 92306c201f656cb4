"""Dialogue policy that hands the conversation to a person when `bot.escalation.decide` says so.

Evaluated after every user message, before the other policies win (priority above RulePolicy's):
it predicts the handoff action with confidence 1 when the decision escalates and abstains otherwise.
Right after the handoff action it predicts `action_listen`, so nothing else is said.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.escalation import EscalationConfig, decide, turns_from_events

log = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class EscalationPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 5, "config_file": None}  # RulePolicy has 4; None: $ESCALATION_CONFIG or escalation.yml

    def __init__(self, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        path = config.get("config_file") or os.environ.get("ESCALATION_CONFIG") or "escalation.yml"
        self.escalation = EscalationConfig.load(path)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        handoff = self.escalation.handoff_action
        if tracker.latest_action_name == handoff:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities)
        if tracker.latest_action_name != ACTION_LISTEN_NAME or handoff not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        turns, since = turns_from_events([e.as_dict() for e in tracker.events], self.escalation)
        total = tracker.get_slot("order_total")
        decision = decide(turns, self.escalation, order_value=float(total) if isinstance(total, (int, float)) else None,
                          turns_since_handoff=since)
        if decision.escalate:
            log.info("escalating %s: %s", tracker.sender_id, decision.explain())
            probabilities[domain.index_for_action(handoff)] = 1.0
        return self._prediction(probabilities)
