"""The trained NLU pipeline inside the real Rasa server (/model/parse): intents, entities, out of scope,
Chinese tokens."""
import json
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def parse(concierge, text: str) -> dict:
    req = urllib.request.Request(f"{concierge.rasa_url}/model/parse", data=json.dumps({"text": text}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def test_an_order_question_gets_its_intent_and_order_number(concierge):
    result = parse(concierge, "where is my order 10023?")
    assert result["intent"]["name"] == "check_order_status"
    assert {(e["entity"], e["value"]) for e in result["entities"]} >= {("order_id", "10023")}


@pytest.mark.parametrize("text", ["what's the capital of France?", "can you recommend a good dentist near me",
                                  "explain quantum entanglement to me"])
def test_unrelated_requests_are_recognised_as_out_of_scope(concierge, text):
    assert parse(concierge, text)["intent"]["name"] in ("out_of_scope", "nlu_fallback")


def test_chinese_text_is_split_into_characters_and_english_words_stay_whole(concierge):
    text = "你好，我的订单10023在哪里 please"
    result = parse(concierge, text)
    tokens = [text[start:end] for start, end in result["text_tokens"]]
    assert tokens == ["你", "好", "我", "的", "订", "单", "10023", "在", "哪", "里", "please"]
    assert result["intent"]["name"]  # parsed, not dropped
