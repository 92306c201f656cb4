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
