"""Questions about one product ("is the Trailblazer boot waterproof?"), answered from its catalog data only.

Which product: a model name from the catalog in the message ("Trailblazer", "Pace 4 Plus"), narrowed by
brand, version ("2.0", "II", "X", "Plus", "Lite") and kind of product; or a product just shown ("the
second one", "it"). What is asked: price, sizes, colours, stock, rating, a feature that is one of
the catalog's tags (waterproof, hooded, rechargeable...), or a description. Anything the data does not
cover is said to be not covered, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.recommend.preferences import CATEGORY_WORDS, find_features, in_stock
from bot.recommend.service import ORDINALS

VERSIONS = ("2.0", "ii", "x", "plus", "lite")
MAX_LISTED = 5  # more products than this by that name: ask which one

PRICE_RE = re.compile(r"\b(how much|price|prices|cost|costs|expensive|cheap)\b", re.I)
SIZES_RE = re.compile(r"\b(sizes?|sizing|fit|fits)\b", re.I)
COLOURS_RE = re.compile(r"\b(colou?rs?)\b", re.I)
STOCK_RE = re.compile(r"\b(in stock|available|availability|sold out|do you have)\b", re.I)
RATING_RE = re.compile(r"\b(rating|rated|reviews?|stars?)\b", re.I)
DESCRIBE_RE = re.compile(r"\b(tell me (?:more )?about|what is the|what's the|describe|details|info(?:rmation)? on)\b",
                         re.I)
SIZE_VALUE_RE = re.compile(r"\b(?:size|eu|in a|in an)\s+(\d{2}(?:\.5)?|xxl|xl|xs|s|m|l|regular|long)\b", re.I)


@dataclass(frozen=True)
class ProductAnswer:
    """`answered`: `text` holds one line per product; `ambiguous`: `choices` are the products meant;
    `not_found`: no product recognised. `covered` is False when the data does not say."""

    status: str
    text: str = ""
    products: list[str] = field(default_factory=list)
    choices: list[dict] = field(default_factory=list)  # quick replies: {"title", "payload"}
    covered: bool = True


def model_name(p: dict) -> str:
    """The title without the brand: "Salomon Trailblazer 2.0" -> "Trailblazer 2.0"."""
    title = p["title"]
    return title[len(p["brand"]):].strip() if title.startswith(p["brand"]) else title


def base_and_version(name: str) -> tuple[str, str | None]:
    words = name.split()
    if len(words) > 1 and words[-1].lower() in VERSIONS:
        return " ".join(words[:-1]), words[-1].lower()
    return name, None


def _phrase(words: str) -> re.Pattern:
    return re.compile(r"(?<![\w])" + r"\s+".join(re.escape(w) for w in words.lower().split()) + r"(?![\w])")


class ProductQuestions:
    def __init__(self, products: list[dict]):
        self.products = {p["id"]: p for p in products}
        self.by_base: dict[str, list[dict]] = {}
        for p in products:
            self.by_base.setdefault(base_and_version(model_name(p))[0].lower(), []).append(p)
        self.base_patterns = {base: _phrase(base) for base in self.by_base}
        self.brands = sorted({p["brand"] for p in products}, key=len, reverse=True)
        self.tags = sorted({t for p in products for t in p.get("tags", [])}, key=len, reverse=True)
        self.colours = sorted({c for p in products for c in p.get("colours", [])}, key=len, reverse=True)

    # --- which product ------------------------------------------------------------------------------
    def find(self, text: str, shown: list[str] | None = None, context: list[str] | None = None) -> list[dict]:
        """The products a question is about: one it names; a numbered card of the last recommendations ("the
        second one"); for "it" / "this one", the product in `context` (the one the shopper is looking at, then the
        last one talked about), else the only product shown. Several shown and no context: all of them, so the
        caller asks which one."""
        low = " ".join(text.lower().split())
        named = self._named(low)
        if named:
            return named
        shown = [self.products[i] for i in (shown or []) if i in self.products]
        for word, n in ORDINALS.items():
            if re.search(rf"\b(?:the\s+)?{word}\b", low) and n <= len(shown):
                return [shown[n - 1]]
        current = next((self.products[i] for i in (context or []) if i in self.products), None)
        if current is not None:
            return [current]
        return shown[:MAX_LISTED]

    def _named(self, low: str) -> list[dict]:
        found: list[dict] = []
        matched_bases = [b for b, pat in self.base_patterns.items() if pat.search(low)]
        # "Summit Pro" wins over a shorter base it contains ("Summit")
        matched_bases = [b for b in matched_bases if not any(b != o and b in o for o in matched_bases)]
        for base in matched_bases:
            found.extend(self.by_base[base])
        if not found:
            return []
        brand = next((b for b in self.brands if _phrase(b).search(low)), None)
        if brand and any(p["brand"] == brand for p in found):
            found = [p for p in found if p["brand"] == brand]
        versions = {v for v in VERSIONS if re.search(rf"(?<![\w.]){re.escape(v)}(?![\w.])", low)}
        with_version = [p for p in found if base_and_version(model_name(p))[1] in versions]
        if with_version:
            found = with_version
        elif brand and any(p["title"].lower() in low for p in found):  # "Keen Trailblazer", not its versions
            found = [p for p in found if base_and_version(model_name(p))[1] is None]
        kinds = {c for c, words in CATEGORY_WORDS.items() if any(_phrase(w).search(low) for w in words)}
        if kinds and any(p["category"] in kinds for p in found):
            found = [p for p in found if p["category"] in kinds]
        return found

    # --- what is asked ------------------------------------------------------------------------------
    def answer(self, text: str | None, shown: list[str] | None = None,
               context: list[str] | None = None) -> ProductAnswer:
        """`context`: product ids the shopper means by "it", best first (the product page they are on, then the
        last product talked about)."""
        text = (text or "")[:500]
        found = self.find(text, shown, context)
        if not found:
            return ProductAnswer("not_found")
        named = bool(self._named(" ".join(text.lower().split())))
        if len(found) > MAX_LISTED or (len(found) > 1 and not named):
            # each choice re-asks the question with the full product name: its answer is then one product
            return ProductAnswer("ambiguous", choices=[{"title": p["title"], "payload": f"{text} ({p['title']})"}
                                                       for p in sorted(found, key=lambda p: p["title"])[:MAX_LISTED]])
        low = " ".join(text.lower().split())
        for p in found:  # "Down 800" or "Merino Tee" names the product: it does not ask about down or merino
            low = _phrase(base_and_version(model_name(p))[0]).sub(" ", _phrase(p["brand"]).sub(" ", low))
        lines, covered = [], True
        for p in found:
            line, ok = self.describe(p, low)
            lines.append(line)
            covered = covered and ok
        return ProductAnswer("answered", "\n".join(lines), [p["id"] for p in found], covered=covered)

    def describe(self, p: dict, low: str) -> tuple[str, bool]:
        """One line answering `low` about `p` from its data, and whether the data covered the question."""
        title = p["title"]
        facts: list[str] = []
        tags = find_features(low, self.tags)
        size = SIZE_VALUE_RE.search(low)
        colour = next((c for c in self.colours if _phrase(c).search(low)), None)
        if tags:
            have = [t for t in tags if t in p.get("tags", [])]
            lacking = [t for t in tags if t not in have]
            if have:
                facts.append(f"yes, it is listed as {' and '.join(have)}")
            if lacking:
                facts.append(f"its product details don't list it as {' or '.join(lacking)}")
        if size or colour:
            wanted = " ".join(x for x in (colour, f"size {size.group(1).upper()}" if size else None) if x)
            sz = size.group(1) if size else None
            offered = (colour is None or colour in p.get("colours", [])) and (
                sz is None or sz.lower() in [s.lower() for s in p.get("sizes", [])])
            if not offered:
                facts.append(f"it doesn't come in {wanted}")
            else:
                facts.append(f"{wanted} is {'in stock' if in_stock(p, colour, sz) else 'out of stock right now'}")
        if PRICE_RE.search(low):
            facts.append(f"it costs ${p['price']:.2f}")
        if SIZES_RE.search(low) and not size:
            sizes = [s for s in p.get("sizes", []) if in_stock(p, size=s)]
            facts.append(f"sizes {', '.join(p.get('sizes', []))}" + (f" (in stock: {', '.join(sizes)})"
                                                                      if sizes != p.get("sizes") else ""))
        if COLOURS_RE.search(low) and not colour:
            facts.append(f"colours: {', '.join(p.get('colours', []))}")
        if STOCK_RE.search(low) and not (size or colour):
            facts.append("in stock" if in_stock(p) else "out of stock right now")
        if RATING_RE.search(low):
            facts.append(f"rated {p.get('rating', 0):.1f}/5 from {p.get('review_count', 0)} reviews")
        describe = bool(DESCRIBE_RE.search(low))
        covered = bool(facts) or describe
        if describe:
            facts.append(f"{p['description']} ${p['price']:.2f}, rated {p.get('rating', 0):.1f}/5, "
                         f"{'in stock' if in_stock(p) else 'out of stock right now'}")
        elif not facts:
            facts.append(f"its product details don't say. What they do say: {p['description']}")
        return f"[{title}]({p['url']}): " + "; ".join(facts).rstrip(".") + ".", covered
