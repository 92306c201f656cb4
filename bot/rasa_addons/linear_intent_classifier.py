"""NLU component: intents from a multinomial logistic regression over the pipeline's sentence features, the
sparse ones (word and character n-gram counts, weighted by idf and L2-normalised per featurizer) beside the
dense E5 vector.

Rasa's own LogisticRegressionClassifier uses the raw counts and a fixed C of 1; on BANKING77's dev split the
same features with idf weighting, normalisation and C=10 score several points higher (reports/nlu.md). The
probabilities are a softmax, which suits the fallback threshold. Trained with scikit-learn (in Rasa's
environment); the model is stored as plain arrays (numpy .npz and JSON, no pickle) and predicting needs only
numpy."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 10.0, "dense_weight": 3.0, "max_iter": 1000, "ranking_length": 10, "random_seed": 42}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("C", 1)) <= 0 or float(config.get("dense_weight", 0)) < 0:
            raise ValueError("LinearIntentClassifier: C must be positive and dense_weight at least 0")

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self.classes: List[str] = []
        self.weights: Optional[np.ndarray] = None  # classes x features
        self.bias: Optional[np.ndarray] = None
        self.idf: Optional[np.ndarray] = None
        self.sparse_blocks: List[tuple[str, int]] = []  # (featurizer, width) in a fixed order
        self.dense_dim = 0

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    # --- features -----------------------------------------------------------------------------------------

    @staticmethod
    def _blocks(message: Message) -> tuple[Dict[str, Any], Optional[np.ndarray]]:
        """The message's sparse sentence features by featurizer, and its dense sentence vector."""
        sparse = {str(f.origin): f.features.tocsr() for f in message.features
                  if f.attribute == TEXT and f.type == "sentence" and f.is_sparse()}
        dense = message.get_dense_features(TEXT)[1]
        return sparse, (np.asarray(dense.features, dtype=np.float32).reshape(-1) if dense is not None else None)

    def _sparse_row(self, blocks: Dict[str, Any]):
        from scipy.sparse import csr_matrix, hstack

        parts = [blocks[o] if o in blocks and blocks[o].shape[1] == width else csr_matrix((1, width), dtype=np.float32)
                 for o, width in self.sparse_blocks]
        return hstack(parts).tocsr() if parts else csr_matrix((1, 0), dtype=np.float32)

    def _matrix(self, messages: List[Message]):
        """One row per message: each featurizer's counts as log(1 + count) x idf, L2-normalised block by block
        (words and character n-grams weigh the same), then the dense vector times dense_weight."""
        from scipy.sparse import csr_matrix, hstack, vstack

        raws = [self._blocks(m) for m in messages]
        if self.sparse_blocks:
            sparse = vstack([self._sparse_row(b) for b, _ in raws]).tocsr().astype(np.float32)
            sparse.data = np.log1p(np.abs(sparse.data))
            sparse = sparse.multiply(self.idf.reshape(1, -1)).tocsr()
            scaled, at = [], 0
            for _, width in self.sparse_blocks:
                block = sparse[:, at:at + width]
                norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).reshape(-1))
                scaled.append(block.multiply((1.0 / np.maximum(norms, 1e-12)).reshape(-1, 1)))
                at += width
            sparse = hstack(scaled).tocsr()
        else:
            sparse = csr_matrix((len(messages), 0), dtype=np.float32)
        dense = np.zeros((len(messages), self.dense_dim), dtype=np.float32)
        for i, (_, d) in enumerate(raws):
            if d is not None and d.shape[0] == self.dense_dim:
                dense[i] = d * float(self.config["dense_weight"])
        return hstack([sparse, csr_matrix(dense)]).tocsr()

    # --- training -------------------------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            log.warning("LinearIntentClassifier: fewer than two intents with examples; nothing to train")
            return self._resource
        raws = [self._blocks(e) for e in examples]
        widths: Dict[str, int] = {}
        for blocks, _ in raws:
            for origin, matrix in blocks.items():
                widths.setdefault(origin, matrix.shape[1])
        self.sparse_blocks = sorted(widths.items())
        self.dense_dim = next((d.shape[0] for _, d in raws if d is not None), 0)
        if self.sparse_blocks:
            df = np.zeros(sum(w for _, w in self.sparse_blocks), dtype=np.float64)
            for blocks, _ in raws:
                df[np.unique(self._sparse_row(blocks).indices)] += 1
            self.idf = (np.log((1 + len(examples)) / (1 + df)) + 1).astype(np.float32)
        x = self._matrix(examples)
        clf = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]),
                                 random_state=int(self.config["random_seed"]))
        clf.fit(x, labels)
        self.classes = [str(c) for c in clf.classes_]
        coef, intercept = clf.coef_, clf.intercept_
        if len(self.classes) == 2:  # binary: sklearn keeps one row for the second class
            coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
        self.weights, self.bias = coef.astype(np.float32), intercept.astype(np.float32)
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    # --- prediction -----------------------------------------------------------------------------------------

    def probabilities(self, messages: List[Message]) -> np.ndarray:
        logits = self._matrix(messages) @ self.weights.T + self.bias
        logits = np.asarray(logits) - np.max(logits, axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if self.weights is None or not todo:
            return messages
        for message, probs in zip(todo, self.probabilities(todo)):
            order = np.argsort(-probs)
            ranking = [{"name": self.classes[i], "confidence": float(probs[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:int(self.config["ranking_length"]) or None],
                        add_to_output=True)
        return messages

    # --- storage --------------------------------------------------------------------------------------------

    def persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / "linear.npz", weights=self.weights, bias=self.bias,
                     idf=self.idf if self.idf is not None else np.zeros(0, dtype=np.float32))
            (directory / "linear.json").write_text(json.dumps({"classes": self.classes,
                                                               "sparse_blocks": self.sparse_blocks,
                                                               "dense_dim": self.dense_dim}), encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "linear.json").read_text(encoding="utf-8"))
                with np.load(directory / "linear.npz") as arrays:
                    component.weights, component.bias = arrays["weights"], arrays["bias"]
                    component.idf = arrays["idf"] if arrays["idf"].size else None
            component.classes, component.dense_dim = meta["classes"], int(meta["dense_dim"])
            component.sparse_blocks = [(str(o), int(w)) for o, w in meta["sparse_blocks"]]
        except (ValueError, FileNotFoundError, KeyError):
            log.warning("LinearIntentClassifier: no trained model in storage; it will not set intents")
        return component
