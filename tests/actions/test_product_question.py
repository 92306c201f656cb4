from rasa_sdk.events import SlotSet

from actions.product_question import ActionAnswerProductQuestion
from tests.actions.conftest import make_tracker, run
from tests.unit.test_preferences import CATALOG


def ask_with_events(services, text, shown=None, in_view=None, metadata=None):
    tracker = make_tracker(text, intent="product_question", slots={"shown_products": shown, "product_in_view": in_view})
    if metadata is not None:
        next(e for e in reversed(tracker.events) if e.get("event") == "user")["metadata"] = metadata
    dispatcher, events = run(ActionAnswerProductQuestion(services), tracker)
    return dispatcher.messages, events


def ask(services, text, shown=None, in_view=None, metadata=None):
    messages, events = ask_with_events(services, text, shown, in_view, metadata)
    assert all(e["event"] == "slot" and e["name"] == "product_in_view" for e in events)
    return messages


def test_name_mirrors_rasa():
    assert ActionAnswerProductQuestion().name() == "action_answer_product_question"


def test_a_named_product_is_answered_from_its_data(kb_services):
    (message,) = ask(kb_services, "is the Salomon Trailblazer 2.0 waterproof?")
    assert message["text"] == ("[Salomon Trailblazer 2.0](https://alderandpine.example/p/p0018): "
                               "yes, it is listed as waterproof.")


def test_a_name_shared_by_a_few_products_answers_for_each(kb_services):
    (message,) = ask(kb_services, "is the Trailblazer boot waterproof?")
    lines = message["text"].splitlines()
    assert len(lines) == 5 and sum("yes, it is listed as waterproof" in line for line in lines) == 3
    assert sum("don't list it as waterproof" in line for line in lines) == 2


def test_a_name_shared_by_many_asks_which_one_with_buttons_that_name_it(kb_services):
    (message,) = ask(kb_services, "what sizes does the Merino Tee come in")
    assert message["response"] == "utter_product_which_one" and len(message["buttons"]) == 5
    choice = message["buttons"][1]
    (answer,) = ask(kb_services, choice["payload"])
    product = next(p for p in CATALOG if p["title"] == choice["title"])
    assert (
        answer["text"].startswith(f"[{choice['title']}]") and f"sizes {', '.join(product['sizes'])}" in answer["text"]
    )


def test_what_the_data_does_not_cover_is_not_guessed(kb_services):
    first, second = ask(kb_services, "is the Stanley Insulated Mug Plus dishwasher safe?")
    assert "product details don't say" in first["text"] and "dishwasher" not in first["text"]
    assert second["response"] == "utter_product_detail_unknown"


def test_the_second_one_refers_to_the_last_recommendations(kb_services):
    (message,) = ask(kb_services, "how much is the second one?", shown=["P0001", "P0018"])
    assert message["text"].startswith("[Salomon Trailblazer 2.0]") and "it costs $208.99" in message["text"]


def test_unknown_product_gets_a_polite_question(kb_services):
    (message,) = ask(kb_services, "is the Zorblatt 9000 any good?")
    assert message["response"] == "utter_product_not_found"
    (message,) = ask(kb_services, "")
    assert message["response"] == "utter_product_not_found"


def by_title(title):
    return next(p for p in CATALOG if p["title"] == title)


def test_it_means_the_product_page_the_question_was_asked_from(kb_services):
    lamp = by_title("Black Diamond Spot 400 Plus")
    messages, events = ask_with_events(kb_services, "is it waterproof?", metadata={"product_id": lamp["id"]})
    assert messages[0]["text"].startswith("[Black Diamond Spot 400 Plus]")
    assert events == [SlotSet("product_in_view", lamp["id"])]  # "it" keeps meaning this product


def test_it_means_the_last_product_talked_about_even_after_an_earlier_carousel(kb_services):
    lamp = by_title("Black Diamond Spot 400 Plus")
    (message,) = ask(kb_services, "how much is it?", shown=["P0001", "P0018", "P0002"], in_view=lamp["id"])
    assert message["text"] == f"[{lamp['title']}]({lamp['url']}): it costs ${lamp['price']:.2f}."


def test_it_after_several_products_asks_which_one(kb_services):
    (message,) = ask(kb_services, "is it waterproof?", shown=["P0001", "P0018", "P0002"])
    assert message["response"] == "utter_product_which_one" and len(message["buttons"]) == 3
    titles = {b["title"] for b in message["buttons"]}
    assert titles == {p["title"] for p in CATALOG if p["id"] in ("P0001", "P0018", "P0002")}
