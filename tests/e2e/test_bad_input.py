"""Bad input through the REST channel: a clear reply or a 4xx, never a crash."""
import json

import pytest

from tests.servers import texts

pytestmark = pytest.mark.e2e


def assert_still_works(concierge, sender):
    reply = texts(concierge.say(sender, "hello"))
    assert "I'm Concierge" in reply


def test_empty_text(concierge, sender):
    status, body = concierge.post_raw(json.dumps({"sender": sender, "message": ""}).encode())
    assert status == 200 or 400 <= status < 500, (status, body)
    assert_still_works(concierge, sender)


def test_20_kb_of_text(concierge, sender):
    messages = concierge.say(sender, ("where is my order and why is it late " * 600)[:20_000])
    assert texts(messages).strip()
    assert_still_works(concierge, sender)


def test_emoji_and_mixed_scripts(concierge, sender):
    messages = concierge.say(sender, "😡📦 мой заказ 我的订单在哪里 طلبي 🙏 where is it??")
    assert texts(messages).strip()
    assert_still_works(concierge, sender)


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2", b"\xff\xfe\x00"])
def test_malformed_json_is_a_4xx(concierge, body):
    status, _ = concierge.post_raw(body)
    assert 400 <= status < 500


@pytest.mark.parametrize("payload,expected", [
    ({"message": "hi"}, b"'sender' must be a non-empty string"),
    ({"sender": "", "message": "hi"}, b"'sender' must be a non-empty string"),
    ({"sender": "x" * 300, "message": "hi"}, b"longer than 255"),
    ({"sender": "s"}, b"'message' must be a string"),
    ({"sender": "s", "message": 42}, b"'message' must be a string"),
    (["a list"], b"must be a JSON object"),
])
def test_wrong_fields_get_a_400_that_says_what_is_wrong(concierge, sender, payload, expected):
    status, body = concierge.post_raw(json.dumps(payload).encode())
    assert status == 400 and expected in body
    assert_still_works(concierge, sender)


def test_oversized_message_is_rejected(concierge, sender):
    status, _ = concierge.post_raw(json.dumps({"sender": sender, "message": "a" * 100_001}).encode())
    assert status == 413
    assert_still_works(concierge, sender)


def test_order_that_does_not_exist(concierge, sender):
    concierge.say(sender, "where is my order 19999")
    reply = texts(concierge.say(sender, "someone@example.com"))
    assert "couldn't find order 19999" in reply
    assert_still_works(concierge, sender)


def test_email_that_is_not_one_and_order_number_that_is_not_one(concierge, sender, demo_orders):
    order = demo_orders[5]
    assert "order number" in texts(concierge.say(sender, "check my order status"))
    assert "doesn't look like an order number" in texts(concierge.say(sender, "abcde"))
    concierge.say(sender, order["id"])
    assert "doesn't look like an e-mail address" in texts(concierge.say(sender, "bob at home"))
    reply = texts(concierge.say(sender, order["email"]))
    assert f"Order {order['id']}" in reply
