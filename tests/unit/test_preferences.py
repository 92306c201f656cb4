import json

import pytest

from bot.recommend.preferences import Preferences, in_stock, parse_preferences, violations
from tests.conftest import KNOWLEDGE

CATALOG = json.loads((KNOWLEDGE / "catalog" / "products.json").read_text(encoding="utf-8"))
BRANDS = sorted({p["brand"] for p in CATALOG})
COLOURS = sorted({c for p in CATALOG for c in p["colours"]})


def parse(text):
    return parse_preferences(text, BRANDS, COLOURS)


@pytest.mark.parametrize("text, expected", [
    ("waterproof hiking boots under $120, size 42", dict(category="hiking-boots", max_price=120, size="42")),
    ("running shoes below 90 dollars in blue", dict(category="running-shoes", max_price=90, colour="blue")),
    ("a tent between $150 and $300", dict(category="tents", min_price=150, max_price=300)),
    ("jacket 100-200 dollars, size M", dict(category="jackets", min_price=100, max_price=200, size="M")),
    ("a fleece in a large, grey please", dict(category="fleeces", size="L", colour="grey")),
    ("headlamp around $40", dict(category="headlamps", max_price=48.0)),
    ("gps watch, my budget is $250", dict(category="watches", max_price=250)),
    ("a gift for my dad who likes coffee", dict(category="coffee-gear", recipient="dad", occasion="gift")),
    ("trail running shoes for my wife", dict(category="running-shoes", recipient="wife", occasion="trail running")),
    ("something nice", dict(category=None, max_price=None, size=None, colour=None, recipient=None, occasion=None)),
])
def test_parsing(text, expected):
    prefs = parse(text)
    for key, value in expected.items():
        assert getattr(prefs, key) == value, (text, key, getattr(prefs, key))


def test_brands_wanted_and_excluded():
    assert parse("Salomon boots").brands == {"Salomon"}
    prefs = parse("running shoes, not Nike")
    assert prefs.excluded_brands == {"Nike"} and not prefs.brands
    assert parse("anything but The North Face").excluded_brands == {"The North Face"}
    assert parse("an Arc'teryx jacket").brands == {"Arc'teryx"}


def test_refinement_keeps_what_the_follow_up_does_not_change():
    first = parse("hiking boots under $200, size 42")
    refined = first.refine(parse("in brown"))
    assert (refined.category, refined.max_price, refined.size, refined.colour) == ("hiking-boots", 200, "42", "brown")
    no_salomon = refined.refine(parse("not Salomon"))
    assert no_salomon.excluded_brands == {"Salomon"} and no_salomon.size == "42"
    assert refined.refine(parse("a tent")).category == "tents" and refined.refine(parse("a tent")).size is None
    assert first.cheaper(150.0).max_price == 149.99


def test_hard_constraints():
    boot = next(p for p in CATALOG if p["id"] == "P0001")  # Salomon, brown, 192.99, size 41 and 43 sold out
    assert violations(boot, Preferences(category="hiking-boots", max_price=200, size="42")) == []
    assert violations(boot, Preferences(max_price=120)) == ["over budget"]
    assert violations(boot, Preferences(size="41")) == ["out of stock"]
    assert violations(boot, Preferences(size="M")) == ["size"]
    assert violations(boot, Preferences(colour="blue")) == ["colour"]
    assert violations(boot, Preferences(excluded_brands=frozenset({"Salomon"}))) == ["excluded brand"]
    assert violations(boot, Preferences(category="tents")) == ["category"]
    assert in_stock(boot) and in_stock(boot, "brown", "42") and not in_stock(boot, "brown", "41")


def test_every_parsed_request_filters_the_catalog_without_errors():
    for text in ("boots under $120 size 42", "blue jacket in M not Patagonia", "cheap socks", "¡hola! 🙂"):
        prefs = parse(text)
        fits = [p for p in CATALOG if not violations(p, prefs)]
        assert all(p["price"] <= (prefs.max_price or 1e9) for p in fits)
