import pytest

from actions.recommendations import ActionRecommendProducts
from bot.recommend.catalog import index_catalog, load_products
from tests.actions.conftest import make_tracker, run


@pytest.fixture(scope="module")
def shop(kb_services):
    products = load_products(kb_services.settings.catalog_file)
    index_catalog(products, kb_services.catalog_index, kb_services.embedder)
    return kb_services


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_name_mirrors_rasa():
    assert ActionRecommendProducts().name() == "action_recommend_products"


def test_request_gets_a_carousel_text_and_quick_replies(shop):
    tracker = make_tracker("waterproof hiking boots under $120, size 42", intent="recommend_products")
    dispatcher, events = run(ActionRecommendProducts(shop), tracker)
    intro, listing = dispatcher.messages
    assert intro["response"] == "utter_recommendations"
    items = listing["custom"]["items"]
    assert 1 <= len(items) <= 5 and all(i["price"] <= 120 for i in items)
    assert listing["text"].startswith("1. [") and "size 42 in stock" in listing["text"]
    assert [b["title"] for b in listing["buttons"]] == ["Show more", "Cheaper"]
    slots = slots_of(events)
    assert slots["shopping_request"]["max_price"] == 120 and slots["shopping_request"]["size"] == "42"
    assert slots["shown_products"] == [i["id"] for i in items]


def test_refinements_cheaper_and_colour(shop):
    first = make_tracker("hiking boots under $200", intent="recommend_products")
    _, events = run(ActionRecommendProducts(shop), first)
    state = slots_of(events)
    cheapest = min(p["price"] for p in load_products(shop.settings.catalog_file) if p["id"] in state["shown_products"])
    cheaper = make_tracker("anything cheaper?", intent="refine_recommendation", slots=state)
    dispatcher, events = run(ActionRecommendProducts(shop), cheaper)
    items = dispatcher.messages[1]["custom"]["items"]
    assert items and all(i["price"] < cheapest for i in items)
    blue = make_tracker("in black", intent="refine_recommendation", slots=slots_of(events))
    dispatcher, events = run(ActionRecommendProducts(shop), blue)
    assert slots_of(events)["shopping_request"]["colour"] == "black"
    assert slots_of(events)["shopping_request"]["category"] == "hiking-boots"


def test_nothing_fits_says_so_and_offers_the_nearest(shop):
    dispatcher, _ = run(ActionRecommendProducts(shop), make_tracker("tents under $3", intent="recommend_products"))
    assert dispatcher.messages[0]["response"] == "utter_recommendation_alternatives"
    assert "(over your budget" in dispatcher.messages[1]["text"] and "not:" not in dispatcher.messages[1]["text"]
    items = dispatcher.messages[1]["custom"]["items"]
    assert all(i["unmet"] == ["over your budget"] for i in items)


def test_a_refinement_classified_as_a_new_request_still_refines(shop):
    _, events = run(ActionRecommendProducts(shop), make_tracker("tents under $400", intent="recommend_products"))
    state = slots_of(events)
    tracker = make_tracker("something cheaper", intent="recommend_products", slots=state)
    dispatcher, events = run(ActionRecommendProducts(shop), tracker)
    assert slots_of(events)["shopping_request"]["category"] == "tents"
    fresh = make_tracker("find me something for camping", intent="recommend_products", slots=state)
    _, events = run(ActionRecommendProducts(shop), fresh)
    assert slots_of(events)["shopping_request"]["max_price"] is None


def test_a_known_customer_gets_personalised_recommendations(shop, demo_orders):
    email = demo_orders[0]["email"]  # kept by a verified order look-up
    request = "show me some hiking boots"
    _, anonymous = run(ActionRecommendProducts(shop), make_tracker(request, intent="recommend_products"))
    dispatcher, known = run(ActionRecommendProducts(shop),
                            make_tracker(request, intent="recommend_products", slots={"email": email}))
    items = dispatcher.messages[1]["custom"]["items"]
    assert any(i["personalised"] for i in items)
    bought = {it["product_id"] for o in demo_orders if o["email"] == email for it in o["items"]}
    assert not bought & set(slots_of(known)["shown_products"][:1])  # what they have is not the first pick
    assert slots_of(known)["shown_products"] != slots_of(anonymous)["shown_products"]


def test_a_vague_request_asks_what_they_are_shopping_for(shop):
    dispatcher, events = run(ActionRecommendProducts(shop), make_tracker("can you recommend something?",
                                                                          intent="recommend_products"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_shopping_details"]
    dispatcher, _ = run(ActionRecommendProducts(shop),
                        make_tracker("a headlamp", intent="recommend_products", slots=slots_of(events)))
    assert dispatcher.messages[1]["custom"]["items"]


def test_a_gift_with_no_hint_asks_first_and_keeps_the_recipient(shop):
    service = shop.recommendations
    vague = service.turn("I need a present for my dad")
    assert vague.recommendations.clarify and vague.state["recipient"] == "dad"
    answer = service.turn("he loves coffee", vague.state, vague.shown)
    assert answer.state["category"] == "coffee-gear" and answer.state["occasion"] == "present"
    assert answer.state["recipient"] == "dad" and answer.recommendations.items
    assert not service.turn("a gift for someone who loves camping").recommendations.clarify
