"""The WhatsApp Cloud API channel on the real Rasa server, replying to a local fake Graph API."""
import json

import httpx
import pytest

from tests.servers import WHATSAPP
from tests.unit.test_whatsapp_messages import sign, webhook

pytestmark = pytest.mark.e2e
SECRET = WHATSAPP["WHATSAPP_APP_SECRET"]


def hook(concierge):
    return f"{concierge.rasa_url}/webhooks/whatsapp/webhook"


def post(concierge, payload, signature="sign"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = sign(body, SECRET)
    elif signature:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(hook(concierge), content=body, headers=headers, timeout=30)


def text_from(wa_id, text, message_id="m1"):
    return webhook({"from": wa_id, "id": message_id, "type": "text", "text": {"body": text}})


def test_the_verification_handshake(concierge):
    params = {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP["WHATSAPP_VERIFY_TOKEN"], "hub.challenge": "8231"}
    ok = httpx.get(hook(concierge), params=params)
    assert ok.status_code == 200 and ok.text == "8231"
    assert httpx.get(hook(concierge), params={**params, "hub.verify_token": "guess"}).status_code == 403
    assert httpx.get(hook(concierge)).status_code == 403


def test_unsigned_wrongly_signed_and_malformed_posts_are_refused(concierge):
    payload = text_from("15550000001", "hello")
    assert post(concierge, payload, signature=None).status_code == 403
    assert post(concierge, payload, signature=sign(b"something else", SECRET)).status_code == 403
    assert post(concierge, payload, signature=sign(json.dumps(payload).encode(), "not-the-secret")).status_code == 403
    assert post(concierge, b"{not json").status_code == 400
    assert post(concierge, {"object": "whatsapp_business_account"}).status_code == 400
    assert concierge.upstream.messages_to("15550000001", timeout_s=3) == []  # nothing was answered


def test_a_question_is_answered_with_its_source_as_plain_text(concierge):
    assert post(concierge, text_from("15550000002", "Do you accept PayPal?")).status_code == 200
    sent = concierge.upstream.messages_to("15550000002")
    assert sent and sent[0]["path"] == "/v21.0/1234567890/messages"
    assert sent[0]["authorization"] == "Bearer test-access-token"
    text = "\n".join(m["body"]["text"]["body"] for m in sent if m["body"]["type"] == "text")
    assert "PayPal" in text and "Payment methods" in text and "https://alderandpine.example/" in text
    assert "](" not in text  # no Markdown links on WhatsApp


def test_product_suggestions_arrive_as_a_list_and_a_tapped_row_asks_for_more(concierge):
    assert post(concierge, text_from("15550000003", "I need waterproof hiking boots under $150")).status_code == 200
    sent = concierge.upstream.messages_to("15550000003")
    interactive = [m["body"]["interactive"] for m in sent if m["body"]["type"] == "interactive"]
    assert {"button", "list"} <= {i["type"] for i in interactive}  # "Show more"/"Cheaper" buttons, the products
    lists = [{"interactive": i} for i in interactive if i["type"] == "list"]
    row = lists[0]["interactive"]["action"]["sections"][0]["rows"][0]
    tapped = webhook({"from": "15550000003", "id": "m2", "type": "interactive",
                      "interactive": {"type": "list_reply", "list_reply": {"id": row["id"], "title": row["title"]}}})
    assert post(concierge, tapped).status_code == 200
    assert concierge.upstream.messages_to("15550000003")  # answered


def test_a_persons_reply_reaches_whatsapp(concierge):
    """What the agent desk does for a reply: a bot message pushed to the conversation's latest channel."""
    assert post(concierge, text_from("15550000004", "hi")).status_code == 200
    concierge.upstream.messages_to("15550000004")
    resp = httpx.post(
        f"{concierge.rasa_url}/conversations/15550000004/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true", "include_events": "NONE"},
        json=[{"event": "bot", "text": "Hi, Ann here.", "metadata": {"from": "agent", "agent_name": "Ann"}}],
    )
    assert resp.status_code == 200
    [sent] = concierge.upstream.messages_to("15550000004")
    assert sent["body"]["text"]["body"] == "*Ann (Support):* Hi, Ann here."
