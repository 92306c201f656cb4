from actions.store_info import ActionAnswerQuestion
from tests.actions.conftest import make_tracker, run


def test_name_mirrors_rasa():
    assert ActionAnswerQuestion().name() == "action_answer_question"


def test_answers_with_the_source(kb_services):
    tracker = make_tracker("how long does shipping take to canada?", intent="ask_store_info")
    dispatcher, events = run(ActionAnswerQuestion(kb_services), tracker)
    [message] = dispatcher.messages
    assert "5 to 8 business days" in message["text"]
    assert "Source: [Shipping and delivery" in message["text"]
    assert message["custom"]["sources"][0]["url"] == "https://alderandpine.example/help/shipping"
    assert events == []


def test_unanswerable_question_gets_the_honest_reply(kb_services):
    tracker = make_tracker("who won the football game last night", intent="ask_store_info")
    dispatcher, _ = run(ActionAnswerQuestion(kb_services), tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_knowledge_not_found"]


def test_empty_message(kb_services):
    dispatcher, _ = run(ActionAnswerQuestion(kb_services), make_tracker("", intent="ask_store_info"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_knowledge_not_found"]


def test_follow_up_uses_the_previous_question(kb_services):
    tracker = make_tracker("and for express?", intent="ask_store_info")
    tracker.events.insert(0, {"event": "user", "text": "How much does standard shipping cost?"})
    tracker.events.insert(1, {"event": "bot", "text": "Standard shipping ..."})
    dispatcher, _ = run(ActionAnswerQuestion(kb_services), tracker)
    [message] = dispatcher.messages
    assert "Express shipping within the United States costs $19.95" in message["text"]


def test_knowledge_base_down_gets_a_polite_reply(kb_services, tmp_path):
    from dataclasses import replace

    from bot.services import Services

    broken = Services(replace(kb_services.settings, chroma_host="127.0.0.1", chroma_port=9,
                              data_dir=tmp_path))
    broken.embedder = kb_services.embedder  # no second model load
    dispatcher, events = run(ActionAnswerQuestion(broken), make_tracker("return policy?", intent="ask_store_info"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_knowledge_unavailable"] and events == []
    assert broken.answers.gaps.read()[0].reason == "knowledge_unavailable"


def test_gap_is_logged_for_the_conversation(kb_services):
    run(ActionAnswerQuestion(kb_services), make_tracker("do you sell bicycles?", intent="ask_store_info"))
    gaps = kb_services.answers.gaps.read()
    assert gaps[-1].question == "do you sell bicycles?" and gaps[-1].sender_id == "test-user"
