"""A handoff ticket's content from the conversation's events."""
from bot.handoff.tickets import build_ticket, new_customer_messages


def user(text, at, intent="inform", score=-0.1, entities=()):
    return {"event": "user", "text": text, "timestamp": at, "input_channel": "socketio",
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities),
                           "sentiment": {"intensity": score}}}


def bot(text, at, utter=None, custom=None):
    return {"event": "bot", "text": text, "timestamp": at, "metadata": {"utter_action": utter} if utter else {},
            "data": {"custom": custom} if custom else {}}


EVENTS = [
    {"event": "action", "name": "action_session_start", "timestamp": 0.5},
    user("where is order 10023?", 1.0, "check_order_status", -0.2, [{"entity": "order_id", "value": "10023"}]),
    {"event": "action", "name": "action_check_order_status", "timestamp": 1.1},
    bot("Order 10023 shipped on May 2.", 1.2),
    user("what's your refund policy for late parcels", 2.0, "ask_store_info", -0.4),
    {"event": "action", "name": "action_answer_question", "timestamp": 2.1},
    bot("Refunds take 5 days.", 2.2, custom={"sources": [{"title": "Returns", "section": "Refunds",
                                                          "url": "https://x/returns"}]}),
    user("the Trailblazer boots never came", 3.0, "complain", -0.8),
    bot("I'm really sorry about this.", 3.1, utter="utter_complain"),
    bot("Here are options", 3.2, custom={"type": "carousel", "items": [{"title": "Salomon Trailblazer 2.0"}]}),
    user("THIS IS RIDICULOUS!!", 4.0, "complain", -0.9),
]


def test_the_ticket_carries_the_whole_story():
    t = build_ticket(EVENTS, {"order_id": "10023", "email": "a@b.example"})
    assert [m["sender"] for m in t.transcript][:3] == ["customer", "assistant", "customer"]
    assert t.channel == "socketio" and t.last_event_at == 4.0
    assert [p["score"] for p in t.sentiment] == [-0.2, -0.4, -0.8, -0.9]
    assert t.sources == [{"title": "Returns", "section": "Refunds", "url": "https://x/returns"}]
    s = t.summary
    assert s["order_numbers"] == ["10023"]
    assert s["wants"] == ["order status", "a store policy question", "to complain"]
    assert "looked up the order" in s["tried"] and "answered from the help pages" in s["tried"]
    assert s["products"] == ["Salomon Trailblazer 2.0"]
    assert s["last_message"] == "THIS IS RIDICULOUS!!"
    assert "order 10023" in s["text"] and "looked up the order" in s["text"]


def test_an_empty_conversation_gives_an_empty_but_valid_ticket():
    t = build_ticket([], {})
    assert t.transcript == [] and t.summary["text"].startswith("The customer wants help")


def test_new_customer_messages_after_the_cursor():
    new = new_customer_messages(EVENTS, after=2.0)
    assert [m["text"] for m in new] == ["the Trailblazer boots never came", "THIS IS RIDICULOUS!!"]
    assert new[0]["intent"] == "complain" and new[0]["sentiment"] == -0.8
