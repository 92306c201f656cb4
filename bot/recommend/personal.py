"""Personalisation for a known customer: collaborative filtering over the store's purchase histories.

`score = item weight x item-kNN + user weight x user-kNN`, each scaled to 0..1 over the candidates
(the same models `make bench-rec` measures on the Video Games histories). Customers without a
history, and products nobody bought, get no personal score: ranking then falls back to the match
and the rating prior.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np

from bot.recommend.collaborative import Interactions, ItemKNN, UserKNN
from bot.store.models import Purchase


@dataclass(frozen=True)
class PersonalWeights:
    item_knn: float = 0.5
    user_knn: float = 0.5
    decay: float = 0.8  # recent purchases count more in item-kNN


@dataclass(frozen=True)
class _Fitted:
    data: Interactions
    items: dict[str, int]  # product id -> column
    user_of: dict[str, int]  # lower-cased e-mail -> row
    item_knn: ItemKNN
    user_knn: UserKNN


class Personaliser:
    """Scores catalog products for a customer, identified by the e-mail verified in the conversation."""

    def __init__(self, purchases: Callable[[], list[Purchase]], weights: PersonalWeights = PersonalWeights()):
        self._purchases = purchases  # read once, on first use
        self.weights = weights

    @cached_property
    def _fitted(self) -> "_Fitted":
        rows = self._purchases()
        data = Interactions.from_pairs((p.customer_id, p.product_id) for p in rows)
        users = {u: n for n, u in enumerate(data.users)}
        items = {i: n for n, i in enumerate(data.items)}
        sequences: dict[int, list[int]] = {}
        for p in rows:  # oldest first
            seq = sequences.setdefault(users[p.customer_id], [])
            if items[p.product_id] not in seq:
                seq.append(items[p.product_id])
        return _Fitted(data, items, {p.email.lower(): users[p.customer_id] for p in rows},
                       ItemKNN(decay=self.weights.decay).fit(data.matrix, sequences), UserKNN().fit(data.matrix))

    def history(self, email: str | None) -> list[str]:
        """Product ids the customer bought, oldest first."""
        f = self._fitted
        user = f.user_of.get((email or "").lower())
        return [] if user is None else [f.data.items[i] for i in f.item_knn.sequences.get(user, [])]

    def scores(self, email: str | None, product_ids: list[str]) -> dict[str, float]:
        """0..1 per product for this customer; empty when the customer is unknown or has no history."""
        f = self._fitted
        user = f.user_of.get((email or "").lower())
        known = [p for p in product_ids if p in f.items]
        if user is None or not known:
            return {}
        idx = [f.items[p] for p in known]
        total = np.zeros(len(idx))
        for model, weight in ((f.item_knn, self.weights.item_knn), (f.user_knn, self.weights.user_knn)):
            s = model.score(user, idx)
            lo, hi = float(s.min()), float(s.max())
            if hi > lo:
                total += weight * (s - lo) / (hi - lo)
        return {p: float(v) for p, v in zip(known, total)}
