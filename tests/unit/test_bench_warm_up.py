from bot.bench.warm_up import action_call


def test_the_first_question_is_sent_the_way_rasa_sends_an_action_call():
    body = action_call("How long do refunds take?", "s1")
    assert body["next_action"] == "action_answer_question" and body["sender_id"] == "s1"
    assert body["tracker"]["events"][-1] == {"event": "user", "text": "How long do refunds take?",
                                             "parse_data": {"intent": {"name": "ask_question"}, "entities": []}}
