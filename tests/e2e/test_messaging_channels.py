"""Telegram, Slack, Messenger and Twilio on the real Rasa server, replying to a local fake upstream API:
signed, unsigned, wrongly signed and malformed posts; answers with citations and products in each
platform's form; a person's reply from the agent desk reaches each channel."""
import base64
import hashlib
import hmac
import json
import time
import urllib.parse

import httpx
import pytest

from bot.handoff.rasa_client import PATH_SAFE
from tests.servers import CHANNELS

pytestmark = pytest.mark.e2e


def hook(concierge, channel):
    return f"{concierge.rasa_url}/webhooks/{channel}/webhook"


def agent_reply(concierge, conversation, text="Hi, Ann here.", name="Ann"):
    """What the agent desk does for a reply: a bot message pushed to the conversation's latest channel."""
    # the conversation id quoted as the agent desk's Rasa client does
    resp = httpx.post(f"{concierge.rasa_url}/conversations/{urllib.parse.quote(conversation, safe=PATH_SAFE)}"
                      "/tracker/events",
                      params={"output_channel": "latest", "execute_side_effects": "true", "include_events": "NONE"},
                      json=[{"event": "bot", "text": text, "metadata": {"from": "agent", "agent_name": name}}])
    assert resp.status_code == 200, resp.text


# --- Telegram -----------------------------------------------------------------------------------------
def telegram(concierge, update, secret=CHANNELS["TELEGRAM_SECRET_TOKEN"]):
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return httpx.post(hook(concierge, "telegram"), content=body, headers=headers, timeout=30)


def tg_text(chat_id, text, update_id=1):
    return {"update_id": update_id, "message": {"message_id": update_id, "chat": {"id": chat_id, "type": "private"},
                                                "from": {"id": chat_id}, "text": text}}


def test_telegram_refuses_unsigned_wrongly_signed_and_malformed_posts(concierge):
    update = tg_text(7001, "hello")
    assert telegram(concierge, update, secret=None).status_code == 403
    assert telegram(concierge, update, secret="guess").status_code == 403
    assert telegram(concierge, b"{not json").status_code == 400
    assert telegram(concierge, {"message": {"text": "no update id"}}).status_code == 400
    assert concierge.upstream.messages_to("7001", timeout_s=3) == []


def test_telegram_answers_with_links_and_product_cards_and_takes_a_button_tap(concierge):
    assert telegram(concierge, tg_text(7002, "Do you accept PayPal?")).status_code == 200
    sent = concierge.upstream.messages_to("7002")
    assert sent and sent[0]["path"] == f"/bot{CHANNELS['TELEGRAM_ACCESS_TOKEN']}/sendMessage"
    text = "\n".join(m["body"].get("text", "") for m in sent)
    assert sent[0]["body"]["parse_mode"] == "HTML"
    assert "PayPal" in text and '<a href="https://alderandpine.example/' in text and "](" not in text

    assert telegram(concierge, tg_text(7002, "I need waterproof hiking boots under $150", 2)).status_code == 200
    cards = [m["body"] for m in concierge.upstream.messages_to("7002")
             if any(b.get("url") for row in m["body"].get("reply_markup", {}).get("inline_keyboard", []) for b in row)]
    assert len(cards) >= 2
    more = cards[0]["reply_markup"]["inline_keyboard"][0][0]
    assert more["callback_data"].startswith("more like") and len(more["callback_data"].encode()) <= 64
    tap = {"update_id": 3, "callback_query": {"id": "q1", "data": more["callback_data"],
                                              "message": {"message_id": 9, "chat": {"id": 7002}}}}
    assert telegram(concierge, tap).status_code == 200
    assert concierge.upstream.messages_to("7002")  # answered
    assert any(c["path"].endswith("/answerCallbackQuery") and c["body"] == {"callback_query_id": "q1"}
               for c in concierge.upstream.calls)


def test_a_persons_reply_reaches_telegram(concierge):
    assert telegram(concierge, tg_text(7003, "hi")).status_code == 200
    concierge.upstream.messages_to("7003")
    agent_reply(concierge, "7003")
    [sent] = concierge.upstream.messages_to("7003")
    assert sent["body"]["text"] == "<b>Ann (Support):</b> Hi, Ann here."


# --- Slack --------------------------------------------------------------------------------------------
def slack(concierge, body, content_type="application/json", secret=CHANNELS["SLACK_SIGNING_SECRET"], age_s=0):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": content_type}
    if secret:
        ts = str(int(time.time() - age_s))
        digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    return httpx.post(hook(concierge, "slack"), content=raw, headers=headers, timeout=30)


def slack_dm(user, channel, text):
    return {"type": "event_callback", "authorizations": [{"user_id": "UBOT"}],
            "event": {"type": "message", "channel_type": "im", "user": user, "channel": channel, "text": text,
                      "ts": "1700000000.0001"}}


def test_slack_refuses_unsigned_stale_wrongly_signed_and_malformed_posts(concierge):
    event = slack_dm("U1", "D8001", "hello")
    assert slack(concierge, event, secret=None).status_code == 401
    assert slack(concierge, event, secret="not-the-secret").status_code == 401
    assert slack(concierge, event, age_s=3600).status_code == 401
    assert slack(concierge, b"[1, 2").status_code == 400
    assert slack(concierge, b"payload=%7Bnot+json", content_type="application/x-www-form-urlencoded").status_code == 400
    challenge = slack(concierge, {"type": "url_verification", "challenge": "c-42"})
    assert challenge.status_code == 200 and challenge.json() == {"challenge": "c-42"}
    assert concierge.upstream.messages_to("D8001", timeout_s=3) == []


def test_slack_answers_in_mrkdwn_shows_products_as_blocks_and_takes_a_button_click(concierge):
    assert slack(concierge, slack_dm("U2", "D8002", "Do you accept PayPal?")).status_code == 200
    sent = concierge.upstream.messages_to("D8002")
    assert sent and sent[0]["path"] == "/api/chat.postMessage"
    assert sent[0]["authorization"] == f"Bearer {CHANNELS['SLACK_TOKEN']}"
    text = "\n".join(m["body"]["text"] for m in sent)
    assert "PayPal" in text and "<https://alderandpine.example/" in text and "](" not in text

    assert slack(concierge, slack_dm("U2", "D8002", "I need waterproof hiking boots under $150")).status_code == 200
    blocks = [b for m in concierge.upstream.messages_to("D8002") for b in m["body"].get("blocks", [])]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    more = next(b for b in buttons if b["value"].startswith("more like"))
    click = {"type": "block_actions", "user": {"id": "U2"}, "channel": {"id": "D8002"},
             "message": {"ts": "1700000000.0002"}, "actions": [{**more, "type": "button"}]}
    form = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    assert slack(concierge, form, content_type="application/x-www-form-urlencoded").status_code == 200
    assert concierge.upstream.messages_to("D8002")  # answered


def test_a_persons_reply_reaches_slack(concierge):
    assert slack(concierge, slack_dm("U3", "D8003", "hi")).status_code == 200
    concierge.upstream.messages_to("D8003")
    agent_reply(concierge, "U3")  # the conversation is the Slack user; the reply goes to their DM with the app
    [sent] = concierge.upstream.messages_to("U3")
    assert sent["body"]["text"] == "*Ann (Support):* Hi, Ann here."


# --- Facebook Messenger ------------------------------------------------------------------------------------
def messenger(concierge, payload, signature="sign"):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = "sha256=" + hmac.new(CHANNELS["FACEBOOK_APP_SECRET"].encode(), raw, hashlib.sha256).hexdigest()
    if signature:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(hook(concierge, "facebook"), content=raw, headers=headers, timeout=30)


def fb_event(psid, message=None, postback=None):
    event = {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 1}
    if message is not None:
        event["message"] = message
    if postback is not None:
        event["postback"] = postback
    return {"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [event]}]}


def test_messenger_handshake_and_refusals(concierge):
    params = {"hub.mode": "subscribe", "hub.verify_token": CHANNELS["FACEBOOK_VERIFY_TOKEN"], "hub.challenge": "77"}
    ok = httpx.get(hook(concierge, "facebook"), params=params)
    assert ok.status_code == 200 and ok.text == "77"
    assert httpx.get(hook(concierge, "facebook"), params={**params, "hub.verify_token": "guess"}).status_code == 403
    event = fb_event("9001", {"mid": "m1", "text": "hello"})
    assert messenger(concierge, event, signature=None).status_code == 403
    assert messenger(concierge, event, signature="sha256=" + "0" * 64).status_code == 403
    assert messenger(concierge, b"{not json").status_code == 400
    assert messenger(concierge, {"object": "instagram", "entry": []}).status_code == 400
    assert concierge.upstream.messages_to("9001", timeout_s=3) == []


def test_messenger_answers_in_plain_text_and_shows_products_as_a_generic_template(concierge):
    assert messenger(concierge, fb_event("9002", {"mid": "m1", "text": "Do you accept PayPal?"})).status_code == 200
    sent = concierge.upstream.messages_to("9002")
    assert sent and sent[0]["path"].startswith("/v21.0/me/messages?access_token=test-page-token")
    text = "\n".join(m["body"]["message"].get("text", "") for m in sent)
    assert "PayPal" in text and ": https://alderandpine.example/" in text and "](" not in text

    event = fb_event("9002", {"mid": "m2", "text": "I need waterproof hiking boots under $150"})
    assert messenger(concierge, event).status_code == 200
    templates = [m["body"]["message"]["attachment"]["payload"] for m in concierge.upstream.messages_to("9002")
                 if "attachment" in m["body"]["message"]]
    elements = templates[0]["elements"]
    assert templates[0]["template_type"] == "generic" and len(elements) >= 2
    postback = next(b for b in elements[0]["buttons"] if b["type"] == "postback")
    assert messenger(concierge, fb_event("9002", postback={"title": postback["title"],
                                                           "payload": postback["payload"]})).status_code == 200
    assert concierge.upstream.messages_to("9002")  # answered


def test_a_persons_reply_reaches_messenger(concierge):
    assert messenger(concierge, fb_event("9003", {"mid": "m1", "text": "hi"})).status_code == 200
    concierge.upstream.messages_to("9003")
    agent_reply(concierge, "9003")
    [sent] = concierge.upstream.messages_to("9003")
    assert sent["body"]["message"]["text"] == "Ann (Support): Hi, Ann here."


# --- Twilio SMS ---------------------------------------------------------------------------------------
def twilio(concierge, params, signature="sign"):
    url = hook(concierge, "twilio")  # the URL Twilio calls is the one it signs (TWILIO_WEBHOOK_URL)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "sign":
        data = url + "".join(k + params[k] for k in sorted(params))
        signature = base64.b64encode(hmac.new(CHANNELS["TWILIO_AUTH_TOKEN"].encode(), data.encode(),
                                              hashlib.sha1).digest()).decode()
    if signature:
        headers["X-Twilio-Signature"] = signature
    return httpx.post(url, content=urllib.parse.urlencode(params).encode(), headers=headers, timeout=30)


def test_twilio_refuses_unsigned_wrongly_signed_and_malformed_posts(concierge):
    sms = {"From": "+15551230001", "To": CHANNELS["TWILIO_PHONE_NUMBER"], "Body": "hello", "MessageSid": "SM1"}
    assert twilio(concierge, sms, signature=None).status_code == 403
    assert twilio(concierge, sms, signature="bm90IGl0").status_code == 403
    assert twilio(concierge, {"Body": "no sender"}).status_code == 400
    assert concierge.upstream.messages_to("+15551230001", timeout_s=3) == []


def test_an_sms_is_answered_with_links_written_out(concierge):
    sms = {"From": "+15551230002", "To": CHANNELS["TWILIO_PHONE_NUMBER"], "Body": "Do you accept PayPal?",
           "MessageSid": "SM2"}
    resp = twilio(concierge, sms)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/xml")
    sent = concierge.upstream.messages_to("+15551230002")
    assert sent and sent[0]["path"] == f"/2010-04-01/Accounts/{CHANNELS['TWILIO_ACCOUNT_SID']}/Messages.json"
    assert sent[0]["authorization"] == "Basic " + base64.b64encode(
        f"{CHANNELS['TWILIO_ACCOUNT_SID']}:{CHANNELS['TWILIO_AUTH_TOKEN']}".encode()).decode()
    body = "\n".join(m["body"]["Body"] for m in sent)
    assert sent[0]["body"]["From"] == CHANNELS["TWILIO_PHONE_NUMBER"]
    assert "PayPal" in body and ": https://alderandpine.example/" in body and "](" not in body


def test_a_persons_reply_reaches_sms(concierge):
    sms = {"From": "+15551230003", "To": CHANNELS["TWILIO_PHONE_NUMBER"], "Body": "hi", "MessageSid": "SM3"}
    assert twilio(concierge, sms).status_code == 200
    concierge.upstream.messages_to("+15551230003")
    agent_reply(concierge, "+15551230003")
    [sent] = concierge.upstream.messages_to("+15551230003")
    assert sent["body"]["Body"] == "Ann (Support): Hi, Ann here."
