"""The escalation decision: a pure function of the conversation so far and escalation.yml."""
import pytest

from bot.escalation import EscalationConfig, Turn, caps_ratio, decide, exclamation_run
from tests.conftest import ROOT

CFG = EscalationConfig.load(ROOT / "escalation.yml")


def turns(*items):
    """("text", sentiment) pairs, or Turn objects."""
    return [i if isinstance(i, Turn) else Turn(i[0], i[1]) for i in items]


def test_an_explicit_request_escalates_by_words_or_by_intent():
    d = decide(turns(("can I talk to a real person?", 0.0)), CFG)
    assert (d.escalate, d.reason, d.signals["asked_for_a_person"]) == (True, "explicit_request", True)
    assert decide([Turn("agent", 0.0, intent="request_human", intent_confidence=0.9)], CFG).escalate
    assert not decide([Turn("agent", 0.0, intent="request_human", intent_confidence=0.3)], CFG).escalate


@pytest.mark.parametrize("text, topic", [
    ("someone used my card on your site", "fraud"), ("my account was hacked", "account_takeover"),
    ("I'll file a chargeback", "chargeback"), ("my lawyer will hear about this", "legal"),
    ("the battery caught fire", "safety")])
def test_sensitive_topics_escalate_at_once_even_when_calm(text, topic):
    d = decide(turns((text, 0.0)), CFG)
    assert (d.escalate, d.reason, d.signals["topic"]) == (True, "sensitive_topic", topic)


def test_mild_and_product_directed_negatives_do_not_escalate():
    for text, s in (
        ("the blue one looks ugly", -0.6),
        ("too bad it's sold out", -0.5),
        ("damn, I missed the sale", -0.4),
    ):
        d = decide(turns((text, s)), CFG)
        assert not d.escalate and set(d.signals) == {"negative"}, (text, d.explain())
    assert decide(turns(("this is the second time it broke!!", -0.6)), CFG).escalate  # with signs of anger: yes


def test_barely_negative_messages_are_not_a_negative_trend():
    """An order number or an e-mail address scores a hair below zero; that is not persistence."""
    d = decide(turns(("where is my order?", -0.02), ("10023", -0.01), ("jo@example.com", -0.03),
                     ("my parcel hasn't arrived", -0.85)), CFG)
    assert not d.escalate and set(d.signals) == {"negative"}, d.explain()
    d = decide(turns(("where is my order?", -0.4), ("10023", 0.0), ("my parcel hasn't arrived", -0.85)), CFG)
    assert d.escalate and d.signals["persistent_negative"] == 0.2


def test_frustration_builds_over_turns_and_with_signals():
    one = decide(turns(("my parcel is late", -0.7)), CFG)
    assert not one.escalate  # a single complaint: the assistant tries to help first
    two = decide(turns(("my parcel is late", -0.7), ("still no parcel, nobody answers", -0.8)), CFG)
    assert two.escalate and two.reason == "frustration"
    assert {"negative", "persistent_negative", "repeated_request"} <= set(two.signals)
    shouting = decide(turns(("WHERE IS MY ORDER!!!", -0.7)), CFG)
    assert shouting.escalate and shouting.signals["capitals"] and shouting.signals["exclamations"]
    assert not decide(turns(("WOW THESE BOOTS ARE AMAZING!!", 0.9)), CFG).escalate  # capitals alone are not anger


def test_asking_the_same_thing_again_counts():
    d = decide(turns(("why hasn't my order shipped", -0.3), ("why hasn't my order shipped yet??", -0.5)), CFG)
    assert d.signals.get("repeated_request")


def test_repeated_failure_and_high_value_orders():
    failed = [Turn("bike panniers?", 0.0, bot_failed=True), Turn("bags for bikes", 0.0, bot_failed=True)]
    assert decide(failed, CFG).reason == "repeated_failure"
    assert decide(turns(("my order arrived damaged", -0.5)), CFG, order_value=650.0).reason == "high_value_order"
    assert not decide(turns(("my order arrived damaged", -0.5)), CFG, order_value=60.0).escalate
    assert not decide(turns(("order arrived, thanks", 0.6)), CFG, order_value=650.0).escalate


def test_after_a_handoff_only_explicit_requests_and_sensitive_topics_escalate():
    angry = turns(("still annoyed", -0.8), ("this took forever!!", -0.8))
    assert decide(angry, CFG).escalate
    cooling = decide(angry, CFG, turns_since_handoff=1)
    assert not cooling.escalate and cooling.signals["cooling_down"]
    assert decide(angry, CFG, turns_since_handoff=CFG.cooldown_turns).escalate
    assert decide(turns(("talk to a person", 0.0)), CFG, turns_since_handoff=0).escalate


def test_signals_and_explanation():
    assert caps_ratio("WHERE IS MY ORDER") == 1.0 and caps_ratio("Where is my order") == 0.0
    assert exclamation_run("now!!") and exclamation_run("really?!") and not exclamation_run("thanks!")
    d = decide(turns(("I will never order from you again", -0.6)), CFG)
    assert "threat_to_leave=True" in d.explain()
    assert decide([], CFG).escalate is False


def test_the_config_file_must_be_complete_and_exact():
    import yaml

    values = yaml.safe_load((ROOT / "escalation.yml").read_text())
    with pytest.raises(ValueError, match="unknown \\['frustration_treshold'\\]"):
        EscalationConfig.from_dict({**values, "frustration_treshold": 0.5})
    without = dict(values)
    del without["cooldown_turns"]
    with pytest.raises(ValueError, match="missing \\['cooldown_turns'\\]"):
        EscalationConfig.from_dict(without)


def test_the_labelled_conversations_meet_the_targets():
    """bench/escalation.yml with the trained sentiment model, as `make bench-escalation` measures it."""
    from bot.bench.escalation import judge, load_conversations, measures
    from bot.sentiment.model import SentimentClassifier
    from bot.settings import Settings

    model = SentimentClassifier(Settings.from_env().sentiment_model_dir)
    assert model.name.startswith("minilm-finetuned"), "run `make sentiment-model`"
    judged = judge(load_conversations(), lambda text: model.score_one(text).intensity, CFG)
    m = measures(judged)
    assert m["conversations"] >= 80 and m["precision"] >= 0.9 and m["recall"] >= 0.95, m
    assert m["reason_accuracy"] >= 0.95, m


def test_an_order_number_or_an_e_mail_address_carries_no_mood():
    from bot.escalation import turns_from_events

    events = [{"event": "user", "text": "wrong.person@example.com", "parse_data": {
        "intent": {"name": "inform", "confidence": 0.97}, "sentiment": {"intensity": -0.74}}}]
    turns, _ = turns_from_events(events, CFG)
    assert turns[0].sentiment == 0.0 and not decide(turns + turns, CFG).escalate


def test_turns_from_rasa_events():
    from bot.escalation import turns_from_events

    def user(text, intent="inform", intensity=0.0):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9},
                                                             "sentiment": {"intensity": intensity}}}

    events = [{"event": "action", "name": "action_session_start"}, user("do you rent kayaks", intensity=0.0),
              {"event": "action", "name": "action_answer_question"},
              {"event": "bot", "text": "I don't know", "metadata": {"utter_action": "utter_knowledge_not_found"}},
              user("asdf", intent="nlu_fallback"), {"event": "action", "name": "action_default_fallback"},
              user("ok", intent="affirm", intensity=-0.2)]
    turns, since = turns_from_events(events, CFG)
    assert [t.bot_failed for t in turns] == [True, True, False] and since is None
    assert turns[2].sentiment == -0.2 and turns[1].intent == "nlu_fallback"
    assert decide(turns[:2], CFG).reason == "repeated_failure"
    handed = events + [{"event": "action", "name": "action_escalate"}, user("thanks"), user("bye")]
    assert turns_from_events(handed, CFG)[1] == 2
    assert turns_from_events(handed + [{"event": "resume"}], CFG)[1] == 0
