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


class Personaliser:
    """Scores catalog products for a customer, identified by the e-mail verified in the conversation."""

    def __init__(self, purchases: Callable[[], list[Purchase]], weights: PersonalWeights = PersonalWeights()):
        self._purchases = purchases  # read once, on first use
        self.weights = weights

    @cached_property
    def _fitted(self) -> tuple[Interactions, dict[str, int], ItemKNN, UserKNN]:
        rows = self._purchases()
        customer_of = {p.email.lower(): p.customer_id for p in rows}
        data = Interactions.from_pairs((p.customer_id, p.product_id) for p in rows)
        users = {u: n for n, u in enumerate(data.users)}
        items = {i: n for n, i in enumerate(data.items)}
        sequences: dict[int, list[int]] = {}
        for p in rows:  # oldest first
            seq = sequences.setdefault(users[p.customer_id], [])
            if items[p.product_id] not in seq:
                seq.append(items[p.product_id])
        item_knn = ItemKNN(decay=self.weights.decay).fit(data.matrix, sequences)
        user_knn = UserKNN().fit(data.matrix)
        self._customer_of = customer_of
        self._users = users
        return data, items, item_knn, user_knn

    def history(self, email: str | None) -> list[str]:
        """Product ids the customer bought, oldest first."""
        data, _, item_knn, _ = self._fitted
        user = self._users.get(self._customer_of.get((email or "").lower(), ""))
        if user is None:
            return []
        return [data.items[i] for i in item_knn.sequences.get(user, [])]

    def scores(self, email: str | None, product_ids: list[str]) -> dict[str, float]:
        """0..1 per product for this customer; empty when the customer is unknown or has no history."""
        data, items, item_knn, user_knn = self._fitted
        user = self._users.get(self._customer_of.get((email or "").lower(), ""))
        known = [p for p in product_ids if p in items]
        if user is None or not known:
            return {}
        idx = [items[p] for p in known]
        total = np.zeros(len(idx))
        for model, weight in ((item_knn, self.weights.item_knn), (user_knn, self.weights.user_knn)):
            s = model.score(user, idx)
            lo, hi = float(s.min()), float(s.max())
            if hi > lo:
                total += weight * (s - lo) / (hi - lo)
        return {p: float(v) for p, v in zip(known, total)}
