"""Collaborative filtering from purchase histories: popularity, item-kNN and user-kNN, and their blend.

Purchases are implicit feedback (bought = 1). User-kNN follows the mean-centred form
`Pred(u,i) = r_u + sum_v sim(u,v) (r_vi - r_v) / sum_v |sim(u,v)|` with r_v the share of the
catalogue that v bought (with binary data, the mean over bought items would always be 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class Interactions:
    """A users x items matrix of purchases, with the ids of its rows and columns."""

    users: list[str]
    items: list[str]
    matrix: sparse.csr_matrix

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "Interactions":
        users: dict[str, int] = {}
        items: dict[str, int] = {}
        rows, cols = [], []
        for u, i in pairs:
            rows.append(users.setdefault(u, len(users)))
            cols.append(items.setdefault(i, len(items)))
        m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(users), len(items)))
        m.sum_duplicates()
        m.data[:] = 1.0  # repeated purchases count once
        return cls(list(users), list(items), m)


def _row_normalise(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


class Popularity:
    name = "popularity"

    def fit(self, m: sparse.csr_matrix) -> "Popularity":
        self.counts = np.asarray(m.sum(axis=0)).ravel()
        return self

    def score(self, user: int, items: Sequence[int]) -> np.ndarray:
        return self.counts[np.asarray(items)].astype(np.float64)


class ItemKNN:
    """score(u, i) = sum over the items j that u bought of w_j cos(i, j), each item keeping its k nearest.

    With purchase order known (`sequences`), w_j = decay ** (purchases since j): recent purchases count
    more; otherwise every w_j is 1."""

    name = "item_knn"

    def __init__(self, k: int = 200, decay: float = 1.0):
        self.k = k
        self.decay = decay
        self.sequences: dict[int, list[int]] = {}

    def fit(self, m: sparse.csr_matrix, sequences: dict[int, list[int]] | None = None) -> "ItemKNN":
        self.m = m
        self.sequences = sequences or {}
        cols = _row_normalise(m.T.tocsr())
        sim = (cols @ cols.T).tocsr()
        sim.setdiag(0)
        sim.eliminate_zeros()
        self.sim = _top_k_per_row(sim, self.k)
        return self

    def score(self, user: int, items: Sequence[int]) -> np.ndarray:
        history = self.sequences.get(user)
        if history is None:
            history = list(self.m.indices[self.m.indptr[user]:self.m.indptr[user + 1]])
            weights = np.ones(len(history))
        else:
            weights = self.decay ** np.arange(len(history) - 1, -1, -1, dtype=np.float64)
        if len(history) == 0:
            return np.zeros(len(items))
        block = self.sim[np.asarray(items)][:, np.asarray(history)]
        return np.asarray(block @ weights).ravel()


class UserKNN:
    """Mean-centred user-based prediction from the k most similar users (cosine)."""

    name = "user_knn"

    def __init__(self, k: int = 100):
        self.k = k

    def fit(self, m: sparse.csr_matrix) -> "UserKNN":
        self.m = m
        self.rows = _row_normalise(m)
        self.mean = np.asarray(m.sum(axis=1)).ravel() / m.shape[1]
        return self

    def score(self, user: int, items: Sequence[int]) -> np.ndarray:
        sims = (self.rows @ self.rows[user].T).toarray().ravel()
        sims[user] = 0.0
        k = min(self.k, int((sims > 0).sum()))
        items = np.asarray(items)
        if k == 0:
            return np.full(len(items), self.mean[user])
        neighbours = np.argpartition(-sims, k - 1)[:k]
        w = sims[neighbours]
        bought = self.m[neighbours][:, items].toarray()  # k x len(items)
        centred = bought - self.mean[neighbours][:, None]
        return self.mean[user] + (w @ centred) / np.abs(w).sum()


class Transitions:
    """What people bought next: score(u, i) = sum over u's last purchases j of decay**age * P(next = i | j),
    from consecutive purchases in the histories (a first-order Markov chain)."""

    name = "transitions"

    def __init__(self, window: int = 3, decay: float = 0.5):
        self.window = window
        self.decay = decay

    def fit(self, m: sparse.csr_matrix, sequences: dict[int, list[int]]) -> "Transitions":
        rows, cols = [], []
        for seq in sequences.values():
            rows.extend(seq[:-1])
            cols.extend(seq[1:])
        n = m.shape[1]
        counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))
        out = np.asarray(counts.sum(axis=1)).ravel()
        out[out == 0] = 1.0
        self.next = (sparse.diags(1.0 / out) @ counts).tocsr()
        self.sequences = sequences
        return self

    def score(self, user: int, items: Sequence[int]) -> np.ndarray:
        recent = self.sequences.get(user, [])[-self.window:]
        if not recent:
            return np.zeros(len(items))
        weights = self.decay ** np.arange(len(recent) - 1, -1, -1, dtype=np.float64)
        block = self.next[np.asarray(recent)][:, np.asarray(items)]  # recent x items
        return np.asarray(block.T @ weights).ravel()


def _top_k_per_row(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r in range(m.shape[0]):
        start, end = m.indptr[r], m.indptr[r + 1]
        if end - start == 0:
            continue
        data, idx = m.data[start:end], m.indices[start:end]
        if end - start > k:
            keep = np.argpartition(-data, k - 1)[:k]
            data, idx = data[keep], idx[keep]
        rows.append(np.full(len(idx), r))
        cols.append(idx)
        vals.append(data)
    if not rows:
        return sparse.csr_matrix(m.shape, dtype=np.float32)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=m.shape)


@dataclass(frozen=True)
class BlendWeights:
    item_knn: float = 0.3
    user_knn: float = 0.3
    popularity: float = 0.4
    transitions: float = 0.0


class Blend:
    """The project's collaborative score: each signal scaled to 0..1 over the candidates, then weighted."""

    name = "ranker"

    def __init__(self, item_knn: ItemKNN, user_knn: UserKNN, popularity: Popularity,
                 weights: BlendWeights = BlendWeights(), transitions: Transitions | None = None):
        self.parts = [(item_knn, weights.item_knn), (user_knn, weights.user_knn), (popularity, weights.popularity)]
        if transitions is not None:
            self.parts.append((transitions, weights.transitions))

    def fit(self, m: sparse.csr_matrix) -> "Blend":
        for model, _ in self.parts:
            model.fit(m)
        return self

    def score(self, user: int, items: Sequence[int]) -> np.ndarray:
        total = np.zeros(len(items))
        for model, weight in self.parts:
            s = model.score(user, items)
            lo, hi = s.min(), s.max()
            total += weight * ((s - lo) / (hi - lo) if hi > lo else np.zeros_like(s))
        return total
