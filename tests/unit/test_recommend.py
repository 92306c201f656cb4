import pytest

from bot.knowledge.chroma_index import ChromaIndex
from bot.recommend.catalog import index_catalog, prefilter
from bot.recommend.preferences import Preferences, parse_preferences, violations
from bot.recommend.service import RecommendationService, rating_prior
from tests.unit.test_preferences import BRANDS, CATALOG, COLOURS


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from tests.conftest import HashingEmbedder

    embedder = HashingEmbedder(dim=256)
    index = ChromaIndex("catalog_test", path=tmp_path_factory.mktemp("catalog"))
    report = index_catalog(CATALOG, index, embedder)
    assert (report.products, report.embedded, report.deleted) == (312, 312, 0)
    assert index_catalog(CATALOG, index, embedder).embedded == 0  # incremental
    return RecommendationService(CATALOG, index, embedder)


def ask(service, text, **kw):
    return service.recommend(parse_preferences(text, BRANDS, COLOURS), **kw)


@pytest.mark.parametrize("text", ["waterproof hiking boots under $120, size 42", "blue running shoes below 150",
                                  "a tent between $150 and $400", "jacket in size M not Patagonia",
                                  "merino socks in grey", "gps watch under $300"])
def test_matches_never_break_a_constraint(service, text):
    result = ask(service, text)
    assert result.items and not result.alternatives
    for r in result.items:
        assert violations(next(p for p in CATALOG if p["id"] == r.product_id), result.preferences) == []


def test_diversity_and_reasons(service):
    result = ask(service, "hiking boots", k=5)
    brands = [r.brand for r in result.items]
    assert len(result.items) == 5 and max(brands.count(b) for b in brands) <= 2
    r = result.items[0]
    assert r.reason.startswith(f"{r.title}:") and f"${r.price:.2f}" in r.reason and "reviews" in r.reason


def test_nothing_fits_gives_labelled_alternatives(service):
    result = ask(service, "hiking boots under $5")
    assert result.alternatives and result.items
    assert all("over budget" in r.unmet for r in result.items)
    assert all(next(p for p in CATALOG if p["id"] == r.product_id)["category"] == "hiking-boots"
               for r in result.items)


def test_exclusion_for_show_more(service):
    first = ask(service, "a tent", k=3)
    more = ask(service, "a tent", k=3, exclude=tuple(r.product_id for r in first.items))
    assert not {r.product_id for r in first.items} & {r.product_id for r in more.items}


def test_prefilter_and_prior():
    assert prefilter(Preferences()) == {"in_stock": True}
    f = prefilter(Preferences(category="tents", max_price=100, excluded_brands=frozenset({"MSR"})))
    assert {"category": "tents"} in f["$and"] and {"brand": {"$nin": ["MSR"]}} in f["$and"]
    few = {"rating": 5.0, "review_count": 2}
    many = {"rating": 4.6, "review_count": 900}
    assert rating_prior(many) > rating_prior(few)


def test_something_like_the_second_one(service):
    from bot.recommend.service import similar_to

    assert similar_to("something like the second one", ["a", "b", "c"]) == "b"
    assert similar_to("more like number 3 please", ["a", "b", "c"]) == "c"
    assert similar_to("similar to the last one", ["a", "b"]) == "b"
    assert similar_to("like the fifth one", ["a", "b"]) is None and similar_to("I like tents", ["a"]) is None
    first = service.turn("hiking boots under $200")
    second_id = first.recommendations.items[1].product_id
    like = service.turn("something like the second one", first.state, first.shown)
    ids = [r.product_id for r in like.recommendations.items]
    assert ids and second_id not in ids and not set(ids) & set(first.shown)
    assert like.state["max_price"] == 200 and like.state["category"] == "hiking-boots"
    assert all(r.price <= 200 for r in like.recommendations.items)


def test_a_vague_request_gets_one_clarifying_question(service):
    vague = service.turn("hello, can you recommend me something?")
    assert vague.recommendations.clarify and not vague.recommendations.items and vague.state["asked"]
    answer = service.turn("a tent, under $300", vague.state, vague.shown)
    assert answer.recommendations.items and not answer.recommendations.clarify
    assert answer.state["category"] == "tents" and "asked" not in answer.state
    still_vague = service.turn("hmm, not sure", vague.state, vague.shown)  # never a second question
    assert still_vague.recommendations.items and not still_vague.recommendations.clarify


def test_constraints_alone_are_enough_to_rank(service):
    assert not service.turn("something under $40 in red").recommendations.clarify

