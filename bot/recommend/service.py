"""Product recommendations that fit the request: hard constraints first, then ranking and diversity.

score = semantic weight x cosine(request, product text) + prior weight x rating prior (Bayesian
average of the rating, so 5 stars from 2 reviews do not beat 4.6 from 900) + feature weight x share
of the features asked for that the product's tags have + personal weight x
collaborative score for a known customer (`bot.recommend.personal`). Products that break a
constraint are never returned as matches; when nothing fits, the nearest products are returned
and flagged as alternatives. A request too vague to rank gets one clarifying question first.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import Embedder
from bot.recommend.catalog import prefilter
from bot.recommend.personal import Personaliser
from bot.recommend.reasons import ReasonWriter
from bot.recommend.preferences import SOFT_TAGS, Preferences, from_state, parse_preferences, to_state, violations

log = logging.getLogger(__name__)

CANDIDATES = 60
PRIOR_REVIEWS = 20  # the rating prior counts as this many reviews of PRIOR_RATING
PRIOR_RATING = 4.0
MAX_PER_BRAND = 2


@dataclass(frozen=True)
class RankWeights:
    semantic: float = 0.7
    prior: float = 0.3
    features: float = 0.3  # share of the features asked for ("waterproof", "hooded") that the product has
    personal: float = 0.25  # only for a known customer with a purchase history


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
    personalised: float = 0.0  # the customer's collaborative score (0 for anonymous shoppers)


@dataclass(frozen=True)
class Recommendations:
    items: list[Recommendation]
    preferences: Preferences
    alternatives: bool = False  # nothing met every constraint: these are the nearest, labelled as such
    clarify: bool = False  # too vague to rank: ask one clarifying question instead of showing items


def needs_clarification(prefs: Preferences, best_similarity: float, min_similarity: float) -> bool:
    """Too vague to rank: no kind of product, budget, size, colour or brand, and no product matches the words."""
    return not prefs.constrained and best_similarity < min_similarity


def rating_prior(p: dict) -> float:
    n = p.get("review_count", 0)
    return ((p.get("rating", 0.0) * n + PRIOR_RATING * PRIOR_REVIEWS) / (n + PRIOR_REVIEWS)) / 5.0


def feature_match(p: dict, prefs: Preferences) -> float:
    """Share of the features asked for that the product's tags have (0 when none were asked for)."""
    if not prefs.features:
        return 0.0
    return len(prefs.features & set(p.get("tags", []))) / len(prefs.features)


def reason(p: dict, prefs: Preferences) -> str:
    """Why it fits, from catalog facts only: its tags, price, rating and the wanted variant in stock."""
    text = prefs.text.lower()
    tags = sorted(p.get("tags", []), key=lambda t: (t not in prefs.features and t.lower() not in text, t))[:3]
    kind = p["category"].replace("-", " ")
    parts = [f"{', '.join(tags)} {kind}" if tags else kind, f"${p['price']:.2f}",
             f"rated {p.get('rating', 0):.1f}/5 from {p.get('review_count', 0)} reviews"]
    variant = " ".join(x for x in (prefs.colour, f"size {prefs.size}" if prefs.size else None) if x)
    if variant:
        parts.append(f"{variant} in stock")
    return f"{p['title']}: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class ShoppingTurn:
    """The result of one shopping message, with the state to keep for follow-ups."""

    recommendations: Recommendations
    state: dict  # the request so far (a Rasa slot)
    shown: list[str]  # product ids shown so far in this request


ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5}
SIMILAR_RE = re.compile(r"\b(?:like|similar to|similar|same as)\b.*?\b(?:the\s+)?(first|1st|second|2nd|third|3rd|"
                        r"fourth|4th|fifth|5th|last)\b|\b(?:like|similar to)\s+(?:number|no\.?|#)\s*([1-5])\b")


def similar_to(text: str, last: list[str]) -> str | None:
    """'something like the second one' -> the id of the second product shown last time."""
    m = SIMILAR_RE.search(text)
    if not m or not last:
        return None
    word, digit = m.group(1), m.group(2)
    n = len(last) if word == "last" else int(digit) if digit else ORDINALS[word]
    return last[n - 1] if 1 <= n <= len(last) else None


CHEAPER_WORDS = ("cheaper", "less expensive", "lower price", "more affordable")
MORE_WORDS = ("more", "other", "others", "else", "different")


class RecommendationService:
    def __init__(self, products: list[dict], index: ChromaIndex, embedder: Embedder,
                 weights: RankWeights = RankWeights(), personaliser: Personaliser | None = None,
                 min_similarity: float = 0.35, reasons: ReasonWriter | None = None):
        self.products = {p["id"]: p for p in products}
        self.index = index
        self.embedder = embedder
        self.weights = weights
        self.personaliser = personaliser
        self.min_similarity = min_similarity
        self.reasons = reasons  # None: the catalog-fact reason as is
        self.brands = sorted({p["brand"] for p in products})
        self.colours = sorted({c for p in products for c in p.get("colours", [])})
        self.tags = sorted({t for p in products for t in p.get("tags", [])})

    def turn(self, text: str | None, state: dict | None = None, shown: list[str] | None = None,
             refine: bool = False, k: int = 5, customer: str | None = None) -> ShoppingTurn:
        """A request, or a refinement of the last one ("cheaper", "in blue", "not Nike", "show more").

        `customer` is the e-mail verified earlier in the conversation, if any: it personalises the ranking."""
        said = parse_preferences((text or "")[:500], self.brands, self.colours, self.tags)
        low = (text or "").lower()
        cheaper = any(w in low for w in CHEAPER_WORDS)
        more = any(w in low.split() for w in MORE_WORDS)
        # NLU may call "something cheaper" a new request: a message that names no kind of product but
        # changes price, colour, size or brand, or asks for more, refines the last one
        last = list((state or {}).get("last") or []) if isinstance(state, dict) else []
        anchor = similar_to(low, last)
        asked = isinstance(state, dict) and bool(state.get("asked"))  # the last turn asked what they look for
        refine = refine or asked or anchor is not None or (said.category is None and (cheaper or more or any(
            (said.colour, said.size, said.brands, said.excluded_brands, said.max_price, said.min_price))))
        previous = from_state(state) if refine else None
        shown = list(shown or []) if previous else []
        if previous is None:
            prefs, exclude = said, ()
        else:
            # the answer to a clarifying question adds its words to the request; "cheaper" or "in blue" does not
            prefs = previous.refine(replace(said, text=said.text if asked else ""))
            if cheaper and shown:
                prefs = prefs.cheaper(min(self.products[i]["price"] for i in shown if i in self.products))
            exclude = tuple(shown) if more else ()
            if anchor is not None and anchor in self.products:  # "like the second one": its text is the query
                p = self.products[anchor]
                prefs = replace(prefs, text=f"{p['title']} {' '.join(p.get('tags', []))} {p['category']}")
                exclude = tuple(shown)
        if not asked and not prefs.constrained and needs_clarification(prefs, self.best_match(prefs.text),
                                                                       self.min_similarity):
            # at most one clarifying question: the answer is folded into this request and ranked
            return ShoppingTurn(
                Recommendations([], prefs, clarify=True), {**to_state(prefs), "last": [], "asked": True}, []
            )
        recs = self.recommend(prefs, k=k, exclude=exclude, customer=customer)
        ids = [r.product_id for r in recs.items]
        return ShoppingTurn(recs, {**to_state(prefs), "last": ids}, shown + ids)

    def best_match(self, text: str) -> float:
        """Cosine of the product that best matches the shopper's own words (0 for no words)."""
        if not text.strip():
            return 0.0
        hits = self.index.query(self.embedder.embed([text])[0], 1, where={"in_stock": True})
        return max((h.similarity for h in hits), default=0.0)

    def required(self, prefs: Preferences) -> frozenset[str]:
        """The features asked for that a fitting product must have: those that name a property (not a use such as
        "camping") and that some product of the kind asked for has; the others only rank."""
        kind = [p for p in self.products.values() if prefs.category is None or p["category"] == prefs.category]
        return frozenset(f for f in prefs.features - SOFT_TAGS if any(f in p.get("tags", []) for p in kind))

    def recommend(self, prefs: Preferences, k: int = 5, exclude: tuple[str, ...] = (),
                  customer: str | None = None) -> Recommendations:
        qvec = self.embedder.embed([prefs.query or "popular outdoor gear"])[0]
        hits = self.index.query(qvec, CANDIDATES, where=prefilter(prefs))
        need = self.required(prefs)
        fits = [(h.similarity, self.products[h.id]) for h in hits
                if h.id in self.products and h.id not in exclude and not violations(self.products[h.id], prefs, need)]
        personal: dict[str, float] = {}
        owned: set[str] = set()
        if fits and customer and self.personaliser is not None:
            try:
                personal = self.personaliser.scores(customer, [p["id"] for _, p in fits])
                owned = set(self.personaliser.history(customer))
            except Exception:  # the store is down: recommend without personalisation rather than fail
                log.warning("purchase histories unavailable; recommending without personalisation", exc_info=True)
        if fits:
            return Recommendations(self._phrased(self._rank(fits, prefs, k, personal=personal, owned=owned), prefs),
                                   prefs)
        # nothing fits: the nearest products, fewest broken constraints first, same kind of product first
        near = [(h.similarity, self.products[h.id]) for h in self.index.query(qvec, CANDIDATES)
                if h.id in self.products and h.id not in exclude]
        # the closest: those that break the fewest constraints, and the budget (what "cheaper" just asked for)
        # only when nothing within it comes as close
        broken = {p["id"]: violations(p, prefs, need) for _, p in near}
        fewest = min((len(v) for v in broken.values()), default=0)
        near = [sp for sp in near if len(broken[sp[1]["id"]]) == fewest]
        if any("over budget" not in broken[p["id"]] for _, p in near):
            near = [sp for sp in near if "over budget" not in broken[sp[1]["id"]]]
        near.sort(key=lambda sp: ("category" in broken[sp[1]["id"]], -sp[0]))
        ranked = self._rank(near[: k * 3], prefs, k, keep_order=True)
        return Recommendations([replace(r, unmet=tuple(violations(self.products[r.product_id], prefs, need)))
                                for r in ranked], prefs, alternatives=True)

    def _phrased(self, items: list[Recommendation], prefs: Preferences) -> list[Recommendation]:
        if self.reasons is None:
            return items
        top = self.reasons.top
        return [replace(r, reason=self.reasons.phrase(prefs.text, r.reason, self.products[r.product_id]["description"]))
                for r in items[:top]] + items[top:]

    def _rank(self, scored: list[tuple[float, dict]], prefs: Preferences, k: int,
              keep_order: bool = False, personal: dict[str, float] | None = None,
              owned: set[str] = frozenset()) -> list[Recommendation]:
        """Best first (products the customer already bought last), at most MAX_PER_BRAND per brand."""
        w, personal = self.weights, personal or {}
        rows = [(w.semantic * sim + w.prior * rating_prior(p) + w.features * feature_match(p, prefs)
                 + w.personal * personal.get(p["id"], 0.0), p) for sim, p in scored]
        if not keep_order:
            rows.sort(key=lambda r: (r[1]["id"] not in owned, r[0]), reverse=True)
        out, per_brand = [], {}
        for score, p in rows:
            if per_brand.get(p["brand"], 0) >= MAX_PER_BRAND:  # diversity: no five near-identical items
                continue
            per_brand[p["brand"]] = per_brand.get(p["brand"], 0) + 1
            out.append(Recommendation(p["id"], p["title"], p["brand"], float(p["price"]), p.get("currency", "USD"),
                                      float(p.get("rating", 0.0)), int(p.get("review_count", 0)),
                                      p.get("image_url", ""), p.get("url", ""), reason(p, prefs), round(score, 4),
                                      personalised=round(personal.get(p["id"], 0.0), 4)))
            if len(out) == k:
                break
        return out
