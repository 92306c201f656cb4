"""The web server's pure parts: a conversation's history for the widget, the storefront's products, the
widget bundle."""
from bot.web.app import widget_bundle
from bot.web.history import history
from bot.web.storefront import featured


def bot(text, **data):
    return {"event": "bot", "text": text, "data": {"elements": None, "buttons": None, **data}, "metadata": {}}


def test_history_shows_what_the_customer_saw_and_nothing_else():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "slot", "name": "email", "value": "a@b.c"},
        {"event": "user", "text": "/refine_recommendation", "metadata": {"display": "Cheaper", "message_id": "m1"}},
        bot("Here you go", buttons=[{"title": "Cheaper", "payload": "/refine_recommendation"}],
            custom={"type": "carousel", "items": [{"title": "Boot"}]}),
        {"event": "user", "text": "where is my order", "metadata": {}},
        {"event": "bot", "text": None, "data": {}, "metadata": {}},  # nothing shown: left out
    ]
    h = history(events)
    assert h.messages == [
        {"role": "user", "text": "Cheaper", "id": "m1"},  # what the customer clicked, not the payload
        {"role": "bot", "text": "Here you go", "buttons": [{"title": "Cheaper", "payload": "/refine_recommendation"}],
         "custom": {"type": "carousel", "items": [{"title": "Boot"}]}},
        {"role": "user", "text": "where is my order"}]
    assert h.agent_name is None and h.rated is False


def test_history_knows_who_from_support_is_in_the_chat_and_whether_the_customer_rated_it():
    joined = bot("Ann from Support has joined the chat.",
                 custom={"type": "handoff", "state": "joined", "agent_name": "Ann"})
    from_ann = {"event": "bot", "text": "Hi, Ann here.", "data": {}, "metadata": {"from": "agent", "agent_name": "Ann"}}
    ended = bot("You're back with the Concierge assistant.", custom={"type": "handoff", "state": "ended", "rate": True})
    h = history([joined, from_ann])
    assert h.agent_name == "Ann" and h.messages[1] == {"role": "bot", "text": "Hi, Ann here.", "from": "agent",
                                                       "agent_name": "Ann"}
    assert history([joined, from_ann, ended]).agent_name is None
    assert history([joined, ended]).rated is False
    rated = history([joined, ended, {"event": "slot", "name": "csat_rating", "value": 5}])
    assert rated.rated is True
    assert history([ended, {"event": "slot", "name": "csat_rating", "value": 5}, bot("Bye", custom={"type": "csat"})]
                   ).rated is False  # a new prompt after the rating


def test_history_is_limited_to_the_latest_messages():
    events = [{"event": "user", "text": f"m{i}"} for i in range(300)]
    h = history(events, limit=200)
    assert len(h.messages) == 200 and h.messages[-1]["text"] == "m299"


def test_the_storefront_features_the_best_rated_product_of_each_category():
    products = [{"id": "a", "title": "A", "category": "boots", "rating": 4.1, "review_count": 10, "price": 1},
                {"id": "b", "title": "B", "category": "boots", "rating": 4.8, "review_count": 3, "price": 1},
                {"id": "c", "title": "C", "category": "tents", "rating": 4.5, "review_count": 9, "price": 1,
                 "stock": {"x": 1}}]
    shown = featured(products)
    assert [p["id"] for p in shown] == ["b", "c"] and "stock" not in shown[1]


def test_the_widget_is_one_script_that_does_not_take_over_the_pages_io():
    js = widget_bundle()
    assert js.index("Socket.IO v4.7.5") < js.index("window.ConciergeStrings") < js.index("window.Concierge =")
    assert "var define, module, exports; var previousIo = window.io;" in js and "window.io = previousIo;" in js
    assert "innerHTML" not in js.split("window.ConciergeStrings", 1)[1]  # the widget never writes server text as HTML
