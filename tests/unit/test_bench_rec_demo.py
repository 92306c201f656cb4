"""The labelled shopping requests and the measures `make bench-rec` computes from them."""
import pytest

from bot.bench.rec_demo import grade, load_requests, meets, ndcg
from tests.unit.test_preferences import CATALOG

BOOT = {"id": "b", "category": "hiking-boots", "brand": "Keen", "price": 110.0, "tags": ["waterproof", "leather"],
        "stock": {"brown/42": 3, "brown/43": 0}}


def test_meets_checks_every_constraint_and_the_variant_in_stock():
    assert meets(BOOT, {"category": "hiking-boots", "max_price": 120, "size": "42", "colour": "brown"})
    assert not meets(BOOT, {"size": "43"})  # offered but sold out
    assert not meets(BOOT, {"max_price": 100}) and not meets(BOOT, {"min_price": 150})
    assert not meets(BOOT, {"not_brands": ["Keen"]}) and not meets(BOOT, {"brands": ["Lowa"]})


def test_grades():
    assert grade(BOOT, {"constraints": {"max_price": 120}, "want": ["waterproof", "leather"]}) == 2
    assert grade(BOOT, {"constraints": {}, "want": ["waterproof", "wide fit"]}) == 1
    assert grade(BOOT, {"constraints": {}, "want": ["wide fit"]}) == 0
    assert grade(BOOT, {"constraints": {}}) == 1
    assert grade(BOOT, {"constraints": {"max_price": 100}, "want": ["waterproof"]}) == 0
    assert grade(BOOT, {"want_categories": ["socks"]}) == 0


def test_ndcg_is_one_for_the_ideal_order_and_lower_otherwise():
    request = {"constraints": {"category": "hiking-boots"}, "want": ["waterproof", "leather"]}
    fits = [p for p in CATALOG if grade(p, request)]
    ideal = sorted(fits, key=lambda p: -grade(p, request))
    assert ndcg(ideal, CATALOG, request) == pytest.approx(1.0)
    assert ndcg(list(reversed(ideal)), CATALOG, request) < 1.0
    assert ndcg([], CATALOG, request) == 0.0


def test_the_labelled_set_is_big_enough_and_consistent_with_the_catalog():
    requests = load_requests()
    assert len(requests) >= 40
    for r in requests:
        fitting = [p for p in CATALOG if meets(p, r.get("constraints") or {})]
        expect = r.get("expect", "match")
        assert (expect == "alternatives") == (not fitting), r["turns"]
        if expect == "match":
            assert any(grade(p, r) for p in CATALOG), r["turns"]
