"""The agent desk with a fake Rasa: who may do what to a ticket, and customer messages during a handoff."""
import asyncio
import time

import pytest

from bot.handoff.desk import AgentDesk, DeskConfig, DeskError
from bot.handoff.queue import expected_wait_minutes, priority
from bot.handoff.store import NewHandoff, SqlHandoffStore
from tests.handoff_fakes import FakeRasa


@pytest.fixture
def store(tmp_path):
    s = SqlHandoffStore.from_url(f"sqlite:///{tmp_path / 'h.db'}")
    s.migrate()
    return s


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
def desk(store, rasa):
    return AgentDesk(store, rasa, DeskConfig(max_reply_chars=50))


@pytest.fixture
def ann(store):
    return store.create_agent("ann", "Ann", "x", "agent", time.time())


@pytest.fixture
def bob(store):
    return store.create_agent("bob", "Bob", "x", "agent", time.time())


def open_ticket(store, conversation="c1", frustration=0.4, reason="frustration", created=None, mode="live"):
    h, _ = store.open_handoff(NewHandoff(conversation, "socketio", mode, reason, {}, frustration, {"text": "s"}, [], [],
                                         [], None, created or time.time(), 1.0))
    return h


def run(coro):
    return asyncio.run(coro)


def status_of(call):
    with pytest.raises(DeskError) as err:
        run(call)
    return err.value.status


def test_claim_announces_the_agent_and_nobody_else_can_claim(desk, store, rasa, ann, bob):
    h = open_ticket(store)
    detail = run(desk.claim(h.id, ann))
    assert detail["status"] == "active" and detail["agent"] == "Ann"
    assert ("utter", "c1", "utter_agent_joined", {"agent_name": "Ann"}) in rasa.calls
    assert run(desk.claim(h.id, ann))["agent"] == "Ann"  # twice: harmless
    assert status_of(desk.claim(h.id, bob)) == 409
    assert status_of(desk.reply(h.id, bob, "hello")) == 403
    assert status_of(desk.resolve(h.id, bob, "solved")) == 403
    assert status_of(desk.claim(999, ann)) == 404


def test_replies_reach_the_channel_and_are_recorded(desk, store, rasa, ann):
    h = open_ticket(store)
    assert status_of(desk.reply(h.id, ann, "hi")) == 409  # claim first
    run(desk.claim(h.id, ann))
    message = run(desk.reply(h.id, ann, "  I'm checking your order now.  "))
    assert message["text"] == "I'm checking your order now." and message["sender"] == "agent"
    assert rasa.calls[-1] == ("send_text", "c1", "I'm checking your order now.",
                              {"from": "agent", "agent_name": "Ann", "handoff_id": h.id})
    assert store.handoff(h.id).first_reply_at is not None
    assert status_of(desk.reply(h.id, ann, "x" * 51)) == 413
    assert status_of(desk.reply(h.id, ann, "   ")) == 400
    assert status_of(desk.reply(h.id, ann, {"text": "not a string"})) == 400


def test_a_reply_that_cannot_be_delivered_is_not_recorded(desk, store, rasa, ann):
    h = open_ticket(store)
    run(desk.claim(h.id, ann))
    rasa.down = True
    assert status_of(desk.reply(h.id, ann, "hello")) == 502
    assert [m.sender for m in store.messages(h.id)] == []


def test_resolve_gives_the_conversation_back_and_closes_the_ticket(desk, store, rasa, ann):
    h = open_ticket(store)
    run(desk.claim(h.id, ann))
    done = run(desk.resolve(h.id, ann, "refund_issued", ["Refund", "late"], "refunded 20"))
    assert done["status"] == "resolved" and done["assistant_resumed"] and done["tags"] == ["late", "refund"]
    assert rasa.calls[-2:] == [("resume", "c1"), ("utter", "c1", "utter_handoff_resolved", None)]
    assert status_of(desk.reply(h.id, ann, "one more thing")) == 410
    assert status_of(desk.resolve(h.id, ann, "solved")) == 410
    assert status_of(desk.claim(h.id, ann)) == 410


def test_resolution_input_is_checked(desk, store, ann):
    h = open_ticket(store)
    run(desk.claim(h.id, ann))
    assert status_of(desk.resolve(h.id, ann, "whatever")) == 400
    assert status_of(desk.resolve(h.id, ann, "solved", ["x" * 41])) == 400
    assert status_of(desk.resolve(h.id, ann, "solved", "not-a-list")) == 400
    assert status_of(desk.resolve(h.id, ann, "solved", [], "n" * 4001)) == 400


def test_transfer_by_the_holder_or_an_admin(desk, store, rasa, ann, bob):
    h = open_ticket(store)
    run(desk.claim(h.id, ann))
    assert status_of(desk.transfer(h.id, bob, "bob")) == 403
    assert status_of(desk.transfer(h.id, ann, "nobody")) == 400
    assert run(desk.transfer(h.id, ann, "bob"))["agent"] == "Bob"
    assert ("utter", "c1", "utter_agent_joined", {"agent_name": "Bob"}) in rasa.calls
    admin = store.create_agent("root", "Root", "x", "admin", time.time())
    assert run(desk.transfer(h.id, admin, "ann"))["agent"] == "Ann"


def test_customer_messages_during_a_handoff_are_taken_in_once(store, rasa, ann):
    h = open_ticket(store)
    rasa.customer_says("c1", "before the handoff", 0.5)  # older than the ticket's cursor: already in the transcript
    rasa.customer_says("c1", "hello? anyone?", 2.0)
    rasa.customer_says("c1", "my order is 10023", 3.0, sentiment=-0.1)
    first, second = AgentDesk(store, rasa), AgentDesk(store, rasa)  # two agent API instances
    assert run(first.sync()) == 2
    assert run(second.sync()) == 0 and run(first.sync()) == 0
    assert [m.text for m in store.messages(h.id)] == ["hello? anyone?", "my order is 10023"]
    assert [a.kind for a in store.activity_after(0)] == ["customer_message", "customer_message"]
    rasa.customer_says("c1", "still there?", 4.0)
    assert run(second.sync()) == 1


def test_asking_for_the_assistant_again_resolves_the_ticket(store, rasa, desk, ann):
    h = open_ticket(store)
    run(desk.claim(h.id, ann))
    rasa.customer_says("c1", "actually, back to the bot please", 2.0, intent="back_to_bot", confidence=0.95)
    run(desk.sync())
    ticket = store.handoff(h.id)
    assert ticket.status == "resolved" and ticket.disposition == "customer_returned_to_bot"
    assert rasa.calls[-2:] == [("resume", "c1"), ("utter", "c1", "utter_back_to_bot", None)]


def test_resolving_an_offline_ticket_nobody_took_leaves_the_chat_alone(store, rasa, desk):
    h = open_ticket(store, mode="offline")
    admin = store.create_agent("root", "Root", "x", "admin", time.time())
    done = run(desk.resolve(h.id, admin, "information_given", note="answered by e-mail"))
    assert done["status"] == "resolved" and done["assistant_resumed"] is False and rasa.calls == []


def test_offline_tickets_are_left_to_the_assistant_until_claimed(store, rasa, desk, ann):
    h = open_ticket(store, mode="offline")
    rasa.customer_says("c1", "ok thanks", 2.0)
    assert run(desk.sync()) == 0
    run(desk.claim(h.id, ann))
    assert ("pause", "c1") in rasa.calls
    assert run(desk.sync()) == 1


def test_the_queue_is_sorted_by_priority(store, desk, ann):
    now = time.time()
    calm_old = open_ticket(store, "c1", frustration=0.1, created=now - 1200)  # waited 20 minutes
    angry_new = open_ticket(store, "c2", frustration=0.9, created=now)
    mild_new = open_ticket(store, "c3", frustration=0.3, created=now)
    fraud = open_ticket(store, "c4", frustration=0.2, reason="sensitive_topic", created=now)
    order = [c["id"] for c in desk.list("waiting", ann)]
    assert order == [calm_old.id, angry_new.id, fraud.id, mild_new.id]
    with pytest.raises(DeskError) as err:
        desk.list("everything", ann)
    assert err.value.status == 400


def test_queue_arithmetic():
    assert priority(0.5, 600, "frustration", 600) == 1.5
    assert priority(0.2, 0, "sensitive_topic", 600) == 0.7
    assert expected_wait_minutes(3, 2, 4) == 6 and expected_wait_minutes(1, 5, 4) == 1
    with pytest.raises(ValueError):
        expected_wait_minutes(1, 0, 4)


def test_what_the_customer_wrote_before_and_during_the_handoff(store, rasa, desk):
    h, _ = store.open_handoff(NewHandoff("c9", "socketio", "live", "explicit_request", {}, 0.1, {"text": "s"},
                                         [{"sender": "customer", "text": "/greet"},
                                          {"sender": "customer", "text": "where is my parcel"},
                                          {"sender": "assistant", "text": "Let me check."}],
                                         [], [], None, time.time(), 1.0))
    rasa.customer_says("c9", "how long do refunds take?", 2.0)
    run(desk.sync())
    assert desk.customer_texts(h.id) == ["where is my parcel", "how long do refunds take?"]


def test_search_and_stats_check_their_input(desk, store, ann):
    h = open_ticket(store, "c-search")
    assert [c["id"] for c in desk.search("c-search", ann)] == [h.id]
    for bad in ("x", "y" * 201, None):
        with pytest.raises(DeskError) as err:
            desk.search(bad, ann)
        assert err.value.status == 400
    assert desk.stats("7")["reasons"] == {"frustration": 1}
    for bad in ("0", "366", "week", None):
        with pytest.raises(DeskError):
            desk.stats(bad)
