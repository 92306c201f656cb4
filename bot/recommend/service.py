"""Product recommendations that fit the request: hard constraints first, then ranking and diversity.

score = semantic weight x cosine(request, product text) + prior weight x rating prior (Bayesian
average of the rating, so 5 stars from 2 reviews do not beat 4.6 from 900). Products that break a
constraint are never returned as matches; when nothing fits, the nearest products are returned
and flagged as alternatives.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import Embedder
from bot.recommend.catalog import prefilter
from bot.recommend.preferences import Preferences, violations

CANDIDATES = 60
PRIOR_REVIEWS = 20  # the rating prior counts as this many reviews of PRIOR_RATING
PRIOR_RATING = 4.0
MAX_PER_BRAND = 2


@dataclass(frozen=True)
class RankWeights:
    semantic: float = 0.7
    prior: float = 0.3


@dataclass(frozen=True)
class Recommendation:
    product_id: str
    title: str
    brand: str
    price: float
    currency: str
    rating: float
    review_count: int
    image_url: str
    url: str
    reason: str  # one sentence built only from the product's own data
    score: float
    unmet: tuple[str, ...] = ()  # for alternatives: the constraints it does not meet


@dataclass(frozen=True)
class Recommendations:
    items: list[Recommendation]
    preferences: Preferences
    alternatives: bool = False  # nothing met every constraint: these are the nearest, labelled as such


def rating_prior(p: dict) -> float:
    n = p.get("review_count", 0)
    return ((p.get("rating", 0.0) * n + PRIOR_RATING * PRIOR_REVIEWS) / (n + PRIOR_REVIEWS)) / 5.0


def reason(p: dict, prefs: Preferences) -> str:
    """Why it fits, from catalog facts only: its tags, price, rating and the wanted variant in stock."""
    tags = sorted(p.get("tags", []), key=lambda t: (t.lower() not in prefs.text.lower(), t))[:3]
    kind = p["category"].replace("-", " ")
    parts = [f"{', '.join(tags)} {kind}" if tags else kind, f"${p['price']:.2f}",
             f"rated {p.get('rating', 0):.1f}/5 from {p.get('review_count', 0)} reviews"]
    variant = " ".join(x for x in (prefs.colour, f"size {prefs.size}" if prefs.size else None) if x)
    if variant:
        parts.append(f"{variant} in stock")
    return f"{p['title']}: " + ", ".join(parts) + "."


class RecommendationService:
    def __init__(self, products: list[dict], index: ChromaIndex, embedder: Embedder,
                 weights: RankWeights = RankWeights()):
        self.products = {p["id"]: p for p in products}
        self.index = index
        self.embedder = embedder
        self.weights = weights

    def recommend(self, prefs: Preferences, k: int = 5, exclude: tuple[str, ...] = ()) -> Recommendations:
        query = prefs.text or (prefs.category or "").replace("-", " ") or "popular outdoor gear"
        qvec = self.embedder.embed([query])[0]
        hits = self.index.query(qvec, CANDIDATES, where=prefilter(prefs))
        fits = [(h.similarity, self.products[h.id]) for h in hits
                if h.id in self.products and h.id not in exclude and not violations(self.products[h.id], prefs)]
        if fits:
            return Recommendations(self._rank(fits, prefs, k), prefs)
        # nothing fits: the nearest products, fewest broken constraints first, same kind of product first
        near = [(h.similarity, self.products[h.id]) for h in self.index.query(qvec, CANDIDATES)
                if h.id in self.products and h.id not in exclude]
        near.sort(key=lambda sp: (len(violations(sp[1], prefs)), "category" in violations(sp[1], prefs), -sp[0]))
        ranked = self._rank(near[: k * 3], prefs, k, keep_order=True)
        return Recommendations([Recommendation(**{**r.__dict__, "unmet": tuple(violations(self.products[r.product_id],
                                                                                          prefs))})
                                for r in ranked], prefs, alternatives=True)

    def _rank(self, scored: list[tuple[float, dict]], prefs: Preferences, k: int,
              keep_order: bool = False) -> list[Recommendation]:
        w = self.weights
        rows = [(w.semantic * sim + w.prior * rating_prior(p), p) for sim, p in scored]
        if not keep_order:
            rows.sort(key=lambda r: r[0], reverse=True)
        out, per_brand = [], {}
        for score, p in rows:
            if per_brand.get(p["brand"], 0) >= MAX_PER_BRAND:  # diversity: no five near-identical items
                continue
            per_brand[p["brand"]] = per_brand.get(p["brand"], 0) + 1
            out.append(Recommendation(p["id"], p["title"], p["brand"], float(p["price"]), p.get("currency", "USD"),
                                      float(p.get("rating", 0.0)), int(p.get("review_count", 0)),
                                      p.get("image_url", ""), p.get("url", ""), reason(p, prefs), round(score, 4)))
            if len(out) == k:
                break
        return out
