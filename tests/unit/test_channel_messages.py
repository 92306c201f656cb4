"""Telegram, Slack, Messenger and SMS shapes: signatures, incoming messages, replies as API bodies."""
import base64
import hashlib
import hmac

import pytest

from bot.rasa_addons.channel_messages import (chunks, hub_signature_ok, messenger_calls, messenger_messages, plain,
                                              slack_calls, slack_mrkdwn, slack_signature_ok, sms_bodies,
                                              telegram_calls, telegram_html, telegram_update, twilio_signature_ok)
from bot.rasa_addons.delivery import RecentMessageIds

ANSWER = {"text": "We accept **PayPal**.\n\nSource: [Payment methods › PayPal](https://alderandpine.example/help/pay)",
          "custom": {"sources": [{"title": "Payment methods", "section": "PayPal",
                                  "url": "https://alderandpine.example/help/pay"}]}}
ITEM = {"id": "P1", "title": "Trail Boot", "brand": "Salomon", "price": 129.5, "currency": "USD", "rating": 4.34,
        "review_count": 12, "image_url": "/static/img/hiking-boots.svg", "url": "https://alderandpine.example/p/p1",
        "reason": "waterproof, under $150", "buttons": [{"title": "More like this", "payload": "more like Trail Boot"}]}
PRODUCTS = {"text": "1. [Trail Boot](https://alderandpine.example/p/p1): waterproof",
            "custom": {"type": "carousel", "items": [ITEM, {**ITEM, "id": "P2", "title": "Ridge Boot",
                                                            "image_url": "https://cdn.example/ridge.jpg"}]},
            "buttons": [{"title": "Cheaper", "payload": "/refine_recommendation"}]}
AGENT = {"text": "Hi, Ann here.", "from": "agent", "agent_name": "Ann"}


def test_text_forms_keep_links_and_escape_markup():
    assert plain(ANSWER["text"]) == "We accept PayPal.\n\nSource: Payment methods › PayPal: " \
                                    "https://alderandpine.example/help/pay"
    assert telegram_html("a <b> & [x](https://e.x/?a=1&b=2) **y**") == \
        'a &lt;b&gt; &amp; <a href="https://e.x/?a=1&amp;b=2">x</a> <b>y</b>'
    assert slack_mrkdwn("1 < 2 & [x|y](https://e.x) **z**") == "1 &lt; 2 &amp; <https://e.x|x/y> *z*"
    parts = chunks("word " * 1000, 300)
    assert all(len(p) <= 300 for p in parts) and " ".join(parts).split() == ["word"] * 1000


def test_telegram_sends_html_with_buttons_and_one_card_per_product():
    [(method, body)] = telegram_calls("42", ANSWER)
    assert method == "sendMessage" and body["parse_mode"] == "HTML"
    assert '<a href="https://alderandpine.example/help/pay">Payment methods › PayPal</a>' in body["text"]
    calls = telegram_calls("42", PRODUCTS)
    assert [m for m, _ in calls] == ["sendMessage", "sendMessage", "sendPhoto"]  # buttons, svg card, photo card
    assert calls[0][1]["reply_markup"]["inline_keyboard"] == [[{"text": "Cheaper",
                                                                "callback_data": "/refine_recommendation"}]]
    card = calls[1][1]
    assert "<b>Trail Boot</b>" in card["text"] and "129.50 USD · ★ 4.3 (12)" in card["text"]
    assert card["reply_markup"]["inline_keyboard"][0] == [
        {"text": "More like this", "callback_data": "more like Trail Boot"},
        {"text": "View product", "url": "https://alderandpine.example/p/p1"}]
    assert calls[2][1]["photo"] == "https://cdn.example/ridge.jpg"
    long = {"text": "x", "buttons": [{"title": "Short", "payload": "p" * 80}]}
    assert telegram_calls("42", long)[0][1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "Short"
    assert telegram_calls("42", AGENT)[0][1]["text"] == "<b>Ann (Support):</b> Hi, Ann here."


def test_telegram_updates_give_text_or_the_tapped_button():
    assert telegram_update({"update_id": 5, "message": {"chat": {"id": 42}, "text": "hi"}})[:2] == ("42", "hi")
    tap = {"update_id": 6, "callback_query": {"id": "q6", "data": "/affirm", "message": {"chat": {"id": 42}}}}
    assert telegram_update(tap)[:2] == ("42", "/affirm")
    assert telegram_update(tap)[2]["telegram_callback_id"] == "q6"  # answered, so the tap stops spinning
    assert telegram_update({"update_id": 7, "message": {"chat": {"id": 42}, "text": "/start"}})[1] == "/greet"
    assert telegram_update({"update_id": 8, "message": {"chat": {"id": 42}, "sticker": {}}}) is None
    for bad in (None, [], {"message": {}}, {"update_id": "1"}):
        with pytest.raises(ValueError):
            telegram_update(bad)


def test_slack_sends_mrkdwn_buttons_and_product_blocks():
    [body] = slack_calls("D1", ANSWER, thread_ts="1.0")
    assert body["channel"] == "D1" and body["thread_ts"] == "1.0"
    assert "<https://alderandpine.example/help/pay|Payment methods › PayPal>" in body["text"]
    bodies = slack_calls("D1", PRODUCTS)
    assert bodies[0]["blocks"][1]["elements"][0]["value"] == "/refine_recommendation"
    blocks = bodies[1]["blocks"]
    assert "<https://alderandpine.example/p/p1|Trail Boot>" in blocks[0]["text"]["text"]
    assert "accessory" not in blocks[0] and blocks[2]["accessory"]["image_url"] == "https://cdn.example/ridge.jpg"
    assert blocks[1]["elements"][0]["value"] == "more like Trail Boot"
    assert slack_calls("D1", AGENT)[0]["text"] == "*Ann (Support):* Hi, Ann here."


def test_slack_signatures_are_checked_with_the_timestamp():
    body, ts = b'{"type":"event_callback"}', "1700000000"
    sig = "v0=" + hmac.new(b"s3cret", f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    assert slack_signature_ok("s3cret", ts, body, sig, now=1700000010)
    assert not slack_signature_ok("s3cret", ts, body, sig, now=1700001000)  # replayed later
    assert not slack_signature_ok("s3cret", ts, body + b" ", sig, now=1700000010)
    assert not slack_signature_ok("other", ts, body, sig, now=1700000010)
    assert not slack_signature_ok("s3cret", "soon", body, sig, now=1700000010)
    assert not slack_signature_ok("", ts, body, sig, now=1700000010)


def test_messenger_sends_text_quick_replies_and_a_generic_template():
    [body] = messenger_calls("P1", ANSWER)
    assert (
        body["recipient"] == {"id": "P1"} and "PayPal: https://alderandpine.example/help/pay" in body["message"]["text"]
    )
    bodies = messenger_calls("P1", PRODUCTS)
    assert bodies[0]["message"]["quick_replies"] == [{"content_type": "text", "title": "Cheaper",
                                                       "payload": "/refine_recommendation"}]
    elements = bodies[1]["message"]["attachment"]["payload"]["elements"]
    assert [e["title"] for e in elements] == ["Trail Boot", "Ridge Boot"]
    assert "image_url" not in elements[0] and elements[1]["image_url"] == "https://cdn.example/ridge.jpg"
    assert {"type": "postback", "title": "More like this", "payload": "more like Trail Boot"} in elements[0]["buttons"]
    assert messenger_calls("P1", AGENT)[0]["message"]["text"] == "Ann (Support): Hi, Ann here."


def test_messenger_webhooks_give_text_quick_replies_and_postbacks_but_not_echoes():
    def page(*events):
        return {"object": "page", "entry": [{"messaging": list(events)}]}
    events = page({"sender": {"id": "P1"}, "message": {"mid": "a", "text": "hi"}},
                  {"sender": {"id": "P1"}, "message": {"mid": "b", "text": "Cheaper",
                                                       "quick_reply": {"payload": "/refine_recommendation"}}},
                  {"sender": {"id": "P1"}, "postback": {"payload": "more like Trail Boot"}},
                  {"sender": {"id": "PAGE"}, "message": {"is_echo": True, "text": "echo"}})
    assert [(s, t) for s, t, _ in messenger_messages(events)] == [
        ("P1", "hi"), ("P1", "/refine_recommendation"), ("P1", "more like Trail Boot")]
    for bad in (None, {"object": "page"}, {"object": "user", "entry": []}):
        with pytest.raises(ValueError):
            messenger_messages(bad)


def test_meta_signatures_sha256_or_sha1():
    body = b"{}"
    assert hub_signature_ok("s", body, "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest())
    assert hub_signature_ok("s", body, None, "sha1=" + hmac.new(b"s", body, hashlib.sha1).hexdigest())
    assert not hub_signature_ok("s", body, "sha256=" + "0" * 64)
    assert not hub_signature_ok("s", body, None, None)
    assert not hub_signature_ok("", body, "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest())


def test_sms_writes_links_buttons_and_products_as_text():
    [body] = sms_bodies("+1555", "+1999", ANSWER)
    assert body["To"] == "+1555" and body["From"] == "+1999"
    assert "PayPal: https://alderandpine.example/help/pay" in body["Body"] and "**" not in body["Body"]
    [body] = sms_bodies("+1555", "+1999", PRODUCTS)
    assert body["Body"].endswith("Reply with one of: Cheaper") and "Trail Boot: https://" in body["Body"]
    [body] = sms_bodies("+1555", "+1999", {"custom": PRODUCTS["custom"]})
    assert body["Body"].startswith("1. Trail Boot (Salomon · 129.50 USD") and "2. Ridge Boot" in body["Body"]
    assert len(sms_bodies("+1555", "+1999", {"text": "word " * 800})) == 3  # 1600-character parts
    assert sms_bodies("+1555", "+1999", AGENT)[0]["Body"] == "Ann (Support): Hi, Ann here."


def test_twilio_signatures_cover_the_url_and_the_sorted_parameters():
    url, params = "https://example.com/webhooks/twilio/webhook", {"From": ["+1555"], "Body": ["hi"]}
    expected = base64.b64encode(
        hmac.new(b"tok", (url + "Bodyhi" + "From+1555").encode(), hashlib.sha1).digest()
    ).decode()
    assert twilio_signature_ok("tok", url, params, expected)
    assert not twilio_signature_ok("tok", url + "?x=1", params, expected)
    assert not twilio_signature_ok("tok", url, {**params, "Body": ["bye"]}, expected)
    assert not twilio_signature_ok("tok", url, params, None)
    assert not twilio_signature_ok("", url, params, expected)


def test_a_resent_widget_message_is_taken_once():
    recent = RecentMessageIds(per_conversation=2, conversations=2)
    assert recent.first_time("c1", "m1") and not recent.first_time("c1", "m1")
    assert recent.first_time("c2", "m1")  # ids are per conversation
    recent.forget("c1", "m1")
    assert recent.first_time("c1", "m1")  # a message that failed is taken when it comes again
    recent.first_time("c1", "m2"), recent.first_time("c1", "m3")
    assert recent.first_time("c1", "m1")  # memory per conversation is bounded
    recent.first_time("c3", "x"), recent.first_time("c4", "x")
    assert recent.first_time("c2", "m1")  # and so is the number of conversations
