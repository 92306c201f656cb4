"""What a shopper asked for, read from their words, and the hard constraints a product must meet.

Pure functions: `parse_preferences` reads one message, `Preferences.refine` folds a follow-up
("cheaper", "in blue", "not Nike") into the earlier request, and `violations` says why a product
does not fit. A product with any violation is never shown as a match.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.knowledge.lexical import stem

CATEGORY_WORDS = {
    "hiking-boots": ["hiking boots", "hiking boot", "walking boots", "boots", "boot"],
    "running-shoes": ["running shoes", "running shoe", "trail shoes", "trainers", "sneakers", "runners"],
    "jackets": ["rain jacket", "jackets", "jacket", "coat", "shell", "parka"],
    "fleeces": ["fleeces", "fleece", "midlayer", "mid-layer"],
    "tents": ["tents", "tent"],
    "sleeping-bags": ["sleeping bags", "sleeping bag"],
    "backpacks": ["backpacks", "backpack", "rucksack", "daypack"],
    "headlamps": ["headlamps", "headlamp", "head torch", "head lamp"],
    "socks": ["socks", "sock"],
    "t-shirts": ["t-shirts", "t-shirt", "tee", "tees", "base layer", "shirt"],
    "watches": ["gps watch", "watches", "watch"],
    "coffee-gear": ["coffee maker", "coffee grinder", "coffee gear", "coffee", "kettle", "mug"],
}
COLOUR_ALIASES = {"gray": "grey", "navy blue": "navy", "khaki": "olive", "tan": "beige", "silver": "steel"}
SIZE_WORDS = {"extra small": "XS", "extra large": "XL", "small": "S", "medium": "M", "large": "L"}
LETTER_SIZES = ("XXL", "XL", "XS", "S", "M", "L")

_NUM = r"(\d{1,5}(?:[.,]\d{1,2})?)"
MAX_PRICE_RE = re.compile(rf"(?:under|below|less than|max(?:imum)?|up to|no more than|at most|cheaper than|<)\s*"
                          rf"(?:\$|usd\s*|€|£)?\s*{_NUM}", re.I)
RANGE_RE = re.compile(rf"(?:between\s*)?(?:\$|€|£)?\s*{_NUM}\s*(?:-|–|to|and)\s*(?:\$|€|£)?\s*{_NUM}\s*"
                      rf"(?:\$|dollars|usd|bucks|€|£)", re.I)
BETWEEN_RE = re.compile(rf"between\s*(?:\$|€|£)?\s*{_NUM}\s*(?:and|-|to)\s*(?:\$|€|£)?\s*{_NUM}", re.I)
AROUND_RE = re.compile(rf"(?:around|about|roughly|approximately|~)\s*(?:\$|€|£)?\s*{_NUM}", re.I)
BUDGET_RE = re.compile(rf"(?:budget(?: is| of)?|for)\s*(?:\$|€|£)\s*{_NUM}|(?:\$|€|£)\s*{_NUM}\s*budget"
                       rf"|budget(?: is| of| would be| will be)?(?: about| around| roughly)?\s*(?:\$|€|£)?\s*{_NUM}"
                       rf"|(?:spend|pay)(?: up to| at most| max(?:imum)?)?\s*(?:\$|€|£)?\s*{_NUM}"
                       rf"|(?:\$|€|£)?\s*{_NUM}\s*(?:dollars?|usd|bucks|euros?|pounds?)?\s*(?:max\b|tops\b|or less\b"
                       rf"|at most\b|is my (?:budget|limit|max))", re.I)
SIZE_RE = re.compile(r"\b(?:size|eu|sz)\s*(\d{2}(?:\.5)?|xxl|xl|xs|s|m|l|regular|long|one size)\b"
                     r"|\b(\d{2})\s*(?:eu)\b|\bin (?:a |an )?(xxl|xl|xs|s|m|l)\b", re.I)
NEGATED_RE = (
    r"(?:not|no|except(?: for)?|other than|anything but|without|apart from|but not|not a (?:big |huge )?fan of|"
    r"(?:do not|don't|dont|didn't|never) (?:like|want|love|liked|trust)|hate|avoid|not into|nothing (?:from|by)|"
    r"no more|rather not have|stay away from|(?:sick|tired) of)\s+"
)
RECIPIENT_RE = re.compile(r"\bfor (?:my |a |an |our |the )?(dad|father|mum|mom|mother|wife|husband|partner|boyfriend|"
                          r"girlfriend|son|daughter|brother|sister|friend|kids?|grandpa|grandma|colleague|boss|him|her|"
                          r"myself|me)\b", re.I)
OCCASION_RE = re.compile(r"\b(gift|present|birthday|christmas|anniversary|hiking|running|camping|trekking|backpacking|"
                         r"commuting|winter|rain|skiing|travel|trail running|marathon)\b", re.I)
GIFT_OCCASIONS = ("gift", "present", "birthday", "christmas", "anniversary")
# catalog tags that name a use or an occasion rather than a property: ranked up when asked for, never required
SOFT_TAGS = frozenset({"camping", "gift idea", "trail", "road", "lifetime guarantee"})

# feature words shoppers use for a catalog tag
TAG_ALIASES = {
    "hood": "hooded",
    "water proof": "waterproof",
    "water-proof": "waterproof",
    "rainproof": "waterproof",
    "wide feet": "wide fit",
    "wide foot": "wide fit",
    "solar": "solar charging",
    "usb": "usb-c",
    "charge": "rechargeable",
    "smell": "odour resistant",
    "odor": "odour resistant",
    "stink": "odour resistant",
    "blisters": "blister free",
    "battery life": "long battery",
    "heart-rate": "heart rate",
    "hrm": "heart rate",
    "stainless": "stainless steel",
    "fairtrade": "fair trade",
    "quick-dry": "quick dry",
    "dries quickly": "quick dry",
    "easy to pitch": "easy pitch",
    "easy to set up": "easy pitch",
    "free standing": "freestanding",
    "winter": "4-season",
    "four season": "4-season",
    "three season": "3-season",
    "laptop": "laptop sleeve",
    "hydration": "hydration compatible",
    "mummy": "mummy shape",
    "rain": "waterproof",
    "rainy": "waterproof",
    "wet weather": "waterproof",
    "keep me dry": "waterproof",
    "keeps me dry": "waterproof",
    "keep my feet dry": "waterproof",
    "vibram": "vibram sole",
    "ankle": "ankle support",
}


def find_features(text: str, tags: list[str]) -> list[str]:
    """The catalog tags a message asks for: "waterproof boots with a hood" -> [hooded, waterproof]."""
    low = text.lower()
    words = {stem(w) for w in re.findall(r"[a-z0-9-]+", low)}
    out = []
    for alias, tag in TAG_ALIASES.items():
        if tag in tags and re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", low) and tag not in out:
            out.append(tag)
    for tag in sorted(tags, key=len, reverse=True):
        if tag not in out and all(stem(w) in words for w in re.findall(r"[a-z0-9-]+", tag)):
            out.append(tag)
    return out


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@dataclass(frozen=True)
class Preferences:
    """A shopper's request. Empty fields are not constrained."""

    text: str = ""  # what is matched semantically against product text
    category: str | None = None
    max_price: float | None = None
    min_price: float | None = None
    size: str | None = None
    colour: str | None = None
    brands: frozenset[str] = field(default_factory=frozenset)
    excluded_brands: frozenset[str] = field(default_factory=frozenset)
    recipient: str | None = None  # "for my dad": not a constraint, kept for the conversation
    occasion: str | None = None  # "a gift", "for hiking": part of the semantic match
    features: frozenset[str] = field(default_factory=frozenset)  # catalog tags asked for: ranked up, not required

    @property
    def constrained(self) -> bool:
        """Anything beyond free text to rank by: a kind of product, budget, size, colour or brand."""
        return any((self.category, self.max_price is not None, self.min_price is not None, self.size, self.colour,
                    self.brands, self.excluded_brands))

    @property
    def query(self) -> str:
        """The text matched against product text; gifts look for products tagged as gift ideas too."""
        text = self.text or (self.category or "").replace("-", " ")
        return f"{text} gift idea" if self.occasion in GIFT_OCCASIONS else text

    def refine(self, newer: "Preferences") -> "Preferences":
        """A follow-up keeps what it does not change: 'in blue' after 'boots under $120, size 42'."""
        changes = {k: v for k, v in (("category", newer.category), ("max_price", newer.max_price),
                                     ("min_price", newer.min_price), ("size", newer.size),
                                     ("colour", newer.colour), ("recipient", newer.recipient),
                                     ("occasion", newer.occasion)) if v is not None}
        if newer.category and self.category and newer.category != self.category:  # another kind of product: start over
            return newer
        brands = newer.brands or (self.brands - newer.excluded_brands)
        excluded = (self.excluded_brands | newer.excluded_brands) - newer.brands
        text = f"{self.text} {newer.text}".strip() if newer.text else self.text
        return replace(
            self, text=text, brands=brands, excluded_brands=excluded, features=self.features | newer.features, **changes
        )

    def cheaper(self, than: float) -> "Preferences":
        """'cheaper': below the cheapest price shown so far."""
        return replace(self, max_price=round(than - 0.01, 2))


def _find_category(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for category, words in CATEGORY_WORDS.items():
        for w in words:
            m = re.search(rf"\b{re.escape(w)}\b", text)
            if m and (best is None or len(w) > best[0]):
                best = (len(w), category)
    return best[1] if best else None


def parse_preferences(text: str, brands: list[str], colours: list[str], tags: list[str] = ()) -> Preferences:
    """Read a shopping request: category, budget, size, colour, wanted and excluded brands, features (`tags`)."""
    raw = " ".join((text or "").split())
    low = raw.lower()
    prefs: dict = {"text": raw, "category": _find_category(low), "features": frozenset(find_features(low, list(tags)))}
    if m := RECIPIENT_RE.search(low):
        prefs["recipient"] = m.group(1)
    if m := OCCASION_RE.search(low):
        prefs["occasion"] = m.group(1)
    if m := BETWEEN_RE.search(low) or RANGE_RE.search(low):
        lo, hi = sorted((_number(m.group(1)), _number(m.group(2))))
        prefs["min_price"], prefs["max_price"] = lo, hi
    elif m := MAX_PRICE_RE.search(low):
        prefs["max_price"] = _number(m.group(1))
    elif m := AROUND_RE.search(low):
        prefs["max_price"] = round(_number(m.group(1)) * 1.2, 2)
    elif m := BUDGET_RE.search(low):
        prefs["max_price"] = _number(next(g for g in m.groups() if g))
    if m := SIZE_RE.search(low):
        size = next(g for g in m.groups() if g)
        prefs["size"] = size.upper() if size.upper() in LETTER_SIZES else size
    else:
        for word, letter in SIZE_WORDS.items():
            if re.search(rf"\bsize {word}\b|\bin (?:a )?{word}\b", low):
                prefs["size"] = letter
                break
    for alias, colour in COLOUR_ALIASES.items():
        low = re.sub(rf"\b{alias}\b", colour, low)
    for colour in sorted(colours, key=len, reverse=True):
        if re.search(rf"\b{re.escape(colour)}\b", low) and not re.search(rf"{NEGATED_RE}{re.escape(colour)}\b", low):
            prefs["colour"] = colour
            break
    wanted, excluded = set(), set()
    for brand in brands:
        b = re.escape(brand.lower())
        if re.search(rf"{NEGATED_RE}(?:\w+\s+)?{b}\b", low):
            excluded.add(brand)
        elif re.search(rf"(?<![\w']){b}(?![\w'])", low):
            wanted.add(brand)
    return Preferences(brands=frozenset(wanted), excluded_brands=frozenset(excluded), **prefs)


def in_stock(product: dict, colour: str | None = None, size: str | None = None) -> bool:
    """Some variant in stock, of this colour and/or size when given."""
    for variant, count in (product.get("stock") or {}).items():
        v_colour, _, v_size = variant.partition("/")
        if count > 0 and (colour is None or v_colour == colour) and (size is None or v_size.lower() == size.lower()):
            return True
    return False


def violations(product: dict, prefs: Preferences, required: frozenset[str] = frozenset()) -> list[str]:
    """Why `product` does not fit `prefs` (empty: it fits). Stock counts per colour/size variant. `required`: the
    features asked for that a product must have to be called a fit ("not waterproof" otherwise)."""
    out = []
    if prefs.category and product["category"] != prefs.category:
        out.append("category")
    if prefs.max_price is not None and product["price"] > prefs.max_price:
        out.append("over budget")
    if prefs.min_price is not None and product["price"] < prefs.min_price:
        out.append("under the price range")
    if prefs.brands and product["brand"] not in prefs.brands:
        out.append("brand")
    if product["brand"] in prefs.excluded_brands:
        out.append("excluded brand")
    if prefs.colour and prefs.colour not in product.get("colours", []):
        out.append("colour")
    if prefs.size and prefs.size.lower() not in [s.lower() for s in product.get("sizes", [])]:
        out.append("size")
    out.extend(f"not {f}" for f in sorted(required - set(product.get("tags", []))))
    if not out and not in_stock(product, prefs.colour, prefs.size):
        out.append("out of stock")
    return out


def to_state(prefs: Preferences) -> dict:
    """A JSON-safe form for a Rasa slot."""
    return {"text": prefs.text, "category": prefs.category, "max_price": prefs.max_price,
            "min_price": prefs.min_price, "size": prefs.size, "colour": prefs.colour,
            "brands": sorted(prefs.brands), "excluded_brands": sorted(prefs.excluded_brands),
            "recipient": prefs.recipient, "occasion": prefs.occasion, "features": sorted(prefs.features)}


def from_state(state: dict | None) -> Preferences | None:
    if not isinstance(state, dict):
        return None
    try:
        return Preferences(text=str(state.get("text") or ""), category=state.get("category"),
                           max_price=state.get("max_price"), min_price=state.get("min_price"),
                           size=state.get("size"), colour=state.get("colour"),
                           brands=frozenset(state.get("brands") or ()),
                           excluded_brands=frozenset(state.get("excluded_brands") or ()),
                           recipient=state.get("recipient"), occasion=state.get("occasion"),
                           features=frozenset(state.get("features") or ()))
    except (TypeError, ValueError):
        return None
