"""WhatsApp Cloud API shapes: signatures, incoming messages, replies as Graph API bodies."""
import hashlib
import hmac

import pytest

from bot.rasa_addons.whatsapp_messages import incoming_messages, outgoing, plain, valid_signature

SECRET = "app-secret"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook(*messages):
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messages": list(messages)}}]}]}


def test_only_bodies_signed_with_the_app_secret_are_valid():
    body = b'{"entry": []}'
    assert valid_signature(SECRET, body, sign(body))
    assert not valid_signature(SECRET, body, None)  # unsigned
    assert not valid_signature(SECRET, body, sign(body, "other-secret"))
    assert not valid_signature(SECRET, body + b" ", sign(body))  # tampered
    assert not valid_signature(SECRET, body, sign(body).replace("sha256=", "sha1="))
    assert not valid_signature("", body, sign(body, ""))  # no secret configured: fail closed


def test_incoming_text_buttons_and_list_rows():
    got = incoming_messages(
        webhook(
            {"from": "4915550001", "id": "m1", "type": "text", "text": {"body": "Do you accept PayPal?"}},
            {
                "from": "4915550001",
                "id": "m2",
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": "/request_human", "title": "Talk to a person"},
                },
            },
            {
                "from": "4915550001",
                "id": "m3",
                "type": "interactive",
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": "more like Trail Boot", "title": "Trail Boot"},
                },
            },
            {"from": "4915550001", "id": "m4", "type": "sticker", "sticker": {}},
            {"id": "m5", "type": "text", "text": {"body": "no sender"}},
        )
    )
    assert [(s, t) for s, t, _ in got] == [("4915550001", "Do you accept PayPal?"), ("4915550001", "/request_human"),
                                           ("4915550001", "more like Trail Boot")]
    assert got[0][2] == {"whatsapp_message_id": "m1", "whatsapp_type": "text"}
    statuses = {"entry": [{"changes": [{"value": {"statuses": [{"status": "delivered"}]}}]}]}
    assert incoming_messages(statuses) == []
    for bad in (None, [], {"entry": "x"}, "text"):
        with pytest.raises(ValueError):
            incoming_messages(bad)


def test_text_with_links_and_long_text():
    [body] = outgoing("49", {"text": "Yes.\n\nSource: [Payment methods › Cards](https://x.example/pay)"})
    assert body == {"messaging_product": "whatsapp", "to": "49", "type": "text",
                    "text": {"body": "Yes.\n\nSource: Payment methods › Cards: https://x.example/pay"}}
    assert len(outgoing("49", {"text": "a" * 5000})) == 2
    assert outgoing("49", {"text": ""}) == []
    assert plain("see [a](javascript:alert(1))") == "see [a](javascript:alert(1))"  # only web links become text


def test_quick_replies_as_buttons_lists_or_numbered_text():
    three = [{"title": f"Option {n}", "payload": f"/opt{n}"} for n in range(3)]
    [buttons] = outgoing("49", {"text": "Pick one", "buttons": three})
    assert buttons["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in buttons["interactive"]["action"]["buttons"]] == ["/opt0", "/opt1", "/opt2"]
    [as_list] = outgoing("49", {"text": "Pick", "buttons": three * 2})
    assert (
        as_list["interactive"]["type"] == "list" and len(as_list["interactive"]["action"]["sections"][0]["rows"]) == 6
    )
    [numbered] = outgoing("49", {"text": "Pick", "buttons": three * 4})
    assert numbered["type"] == "text" and "12. Option 2" in numbered["text"]["body"]
    long_title = outgoing(
        "49", {"text": "x", "buttons": [{"title": "A very long button title indeed", "payload": "/x"}]}
    )
    assert len(long_title[0]["interactive"]["action"]["buttons"][0]["reply"]["title"]) <= 20


def test_product_suggestions_as_a_list_and_agent_replies_marked():
    carousel = {"type": "carousel", "items": [
        {"title": "Salomon Trailblazer 2.0 Waterproof", "price": 129.0, "currency": "USD", "rating": 4.6,
         "reason": "waterproof hiking boot", "url": "https://s.example/p1",
         "buttons": [{"title": "More like this", "payload": "more like Salomon Trailblazer 2.0"}]}]}
    bodies = outgoing("49", {"text": "Here are some options:", "custom": carousel})
    assert [b["type"] for b in bodies] == ["text", "interactive", "text"]
    row = bodies[1]["interactive"]["action"]["sections"][0]["rows"][0]
    assert row["id"] == "more like Salomon Trailblazer 2.0" and len(row["title"]) <= 24
    assert row["description"].startswith("129.00 USD · 4.6★")
    assert "https://s.example/p1" in bodies[2]["text"]["body"]
    [agent] = outgoing("49", {"text": "I'm on it.", "from": "agent", "agent_name": "Ann"})
    assert agent["text"]["body"] == "*Ann (Support):* I'm on it."
