"""The handoff loop with the real servers: escalation, the ticket in the agent API and its live feed, a
person answering in the customer's chat, and the assistant taking over again with its slots intact."""
import pytest

from tests.e2e.handoff_clients import AgentClient, Customer, EventFeed, create_agent

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def agents(concierge):
    create_agent(concierge.env, "ann", PASSWORD, "admin", "Ann")
    create_agent(concierge.env, "bob", PASSWORD, "agent", "Bob")
    clients = {}
    for name in ("ann", "bob"):
        clients[name] = AgentClient(f"http://127.0.0.1:{concierge.console_port}")
        assert clients[name].login(name, PASSWORD).status_code == 200  # logged in: online
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture
def customer(concierge):
    c = Customer(concierge.rasa_url)
    yield c
    c.close()


def ticket_of(agent, conversation_id, view="all"):
    return next(h for h in agent.get("/api/handoffs", params={"view": view}).json()
                if h["conversation_id"] == conversation_id)


def test_with_nobody_online_the_customer_gets_a_ticket_and_is_asked_for_an_email(concierge, sender):
    """First in this module: no agent has logged in yet (the `agents` fixture below makes them)."""
    from tests.servers import texts

    reply = texts(concierge.say(sender, "I want to talk to a person"))
    assert "No one from our team is online right now" in reply and "What e-mail address" in reply
    ticket = concierge.tracker(sender)["slots"]["handoff_ticket"]
    reply = texts(concierge.say(sender, "it's jo.walker@example.com"))
    assert "jo.walker@example.com" in reply and f"ticket #{int(ticket)}" in reply
    tracker = concierge.tracker(sender)
    assert not tracker["paused"] and not tracker["slots"]["handoff_awaiting_email"]
    assert "PayPal" in texts(concierge.say(sender, "Do you accept PayPal?"))  # the assistant still helps


def test_an_angry_customer_reaches_a_person_and_comes_back_to_the_assistant(concierge, agents, customer,
                                                                            demo_orders):
    ann, bob = agents["ann"], agents["bob"]
    feed = EventFeed(f"http://127.0.0.1:{concierge.console_port}", ann.token)
    try:
        order = next(o for o in demo_orders if o["status"] == "shipped" and o["total"] < 400)
        assert "order number" in customer.say("where is my order?")
        customer.say(order["id"])
        assert f"Order {order['id']}" in customer.say(order["email"])
        before = concierge.tracker(customer.session_id)["slots"]

        assert "customer team" not in customer.say("my parcel hasn't arrived")
        reply = customer.say("I've asked twice already and nobody answers, this is ridiculous!!")
        assert "passing it to our customer team" in reply and "join this chat" in reply

        created = feed.wait_for("handoff_created")
        card = ticket_of(ann, customer.session_id, "waiting")
        assert created["handoff_id"] == card["id"] and card["reason"] == "frustration" and card["mode"] == "live"
        ticket = ann.get(f"/api/handoffs/{card['id']}").json()
        assert ticket["channel"] == "socketio" and ticket["signals"]
        assert order["id"] in ticket["summary"]["order_numbers"] and "looked up the order" in ticket["summary"]["tried"]
        assert any("ridiculous" in t["text"] for t in ticket["transcript"])
        assert ticket["sentiment"] and min(p["score"] for p in ticket["sentiment"]) < 0
        context = ann.get(f"/api/handoffs/{card['id']}/context").json()
        assert context["orders"][0]["id"] == order["id"] and context["orders"][0]["items"]
        assert [h["id"] for h in ann.get("/api/handoffs/search", params={"q": customer.session_id}).json()] == \
            [card["id"]]
        assert card["id"] in [h["id"] for h in ann.get("/api/handoffs/search", params={"q": "ridiculous"}).json()]

        # while the person handles it the assistant is silent, and what the customer says reaches the agent
        customer.send("hello? is anyone there?")
        assert customer.received(quiet_s=4) == []
        message = feed.wait_for("customer_message", lambda d: d["handoff_id"] == card["id"])
        assert message["data"]["text"] == "hello? is anyone there?"

        assert ann.post(f"/api/handoffs/{card['id']}/claim").status_code == 200
        assert "Ann from Support has joined the chat." in customer.expect("joined the chat")
        assert bob.post(f"/api/handoffs/{card['id']}/claim").status_code == 409
        assert bob.post(f"/api/handoffs/{card['id']}/reply", {"text": "me too"}).status_code == 403

        answer = f"Hi, I'm Ann. Your order {order['id']} is with the carrier; I've asked them to hurry."
        assert ann.post(f"/api/handoffs/{card['id']}/reply", {"text": answer}).status_code == 201
        assert customer.expect("I'm Ann") == answer
        assert (customer.last["from"], customer.last["agent_name"]) == ("agent", "Ann")  # marked as a person's
        customer.send("thank you, that helps")
        feed.wait_for("customer_message", lambda d: d["data"]["text"] == "thank you, that helps")
        assert customer.received(quiet_s=3) == []
        texts = [m["text"] for m in ann.get(f"/api/handoffs/{card['id']}").json()["messages"]]
        assert texts == ["hello? is anyone there?", answer, "thank you, that helps"]

        resolved = ann.post(f"/api/handoffs/{card['id']}/resolve",
                            {"disposition": "information_given", "tags": ["late-parcel"], "note": "carrier chased"})
        assert resolved.status_code == 200 and resolved.json()["assistant_resumed"]
        customer.expect("back with the Concierge assistant")
        feed.wait_for("resolved", lambda d: d["handoff_id"] == card["id"])
        assert ann.post(f"/api/handoffs/{card['id']}/reply", {"text": "one more thing"}).status_code == 410

        # the assistant answers again, with what it knew before the handoff
        assert "PayPal" in customer.say("Do you accept PayPal?")
        after = concierge.tracker(customer.session_id)
        assert not after["paused"]
        assert {k: after["slots"][k] for k in ("order_id", "email", "order_total")} == \
            {k: before[k] for k in ("order_id", "email", "order_total")}
        # ... and a grumble right after does not send the customer straight back to the queue
        assert "customer team" not in customer.say("still annoyed that it took so long")
        assert ticket_of(ann, customer.session_id, "all")["status"] == "resolved"
    finally:
        feed.close()


def test_the_customer_can_ask_to_go_back_to_the_assistant(concierge, agents, customer):
    ann = agents["ann"]
    assert "join this chat" in customer.say("I want to speak to a person")
    card = ticket_of(ann, customer.session_id, "waiting")
    assert ann.post(f"/api/handoffs/{card['id']}/claim").status_code == 200
    customer.expect("joined the chat")
    assert "back with the Concierge assistant" in customer.say("back to the bot please", first_s=30)
    ticket = ann.get(f"/api/handoffs/{card['id']}").json()
    assert ticket["status"] == "resolved" and ticket["disposition"] == "customer_returned_to_bot"
    assert not concierge.tracker(customer.session_id)["paused"]


def test_bad_input_to_the_agent_api(concierge, agents):
    base = f"http://127.0.0.1:{concierge.console_port}"
    stranger = AgentClient(base)
    try:
        wrong = stranger.login("ann", "not the password")
        unknown = stranger.login("nobody-at-all", "not the password")
        assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()
        codes = [stranger.login("mallory", f"guess {n}").status_code for n in range(6)]
        assert codes[:5] == [401] * 5 and codes[5] == 429
        assert stranger.login("mallory", "guess 7").headers["Retry-After"].isdigit()

        for token in ("", "made-up-token"):
            stranger.token = token
            assert stranger.get("/api/handoffs").status_code == 401
            assert stranger.get("/api/events").status_code == 401
        session = AgentClient(base)
        assert session.login("bob", PASSWORD).status_code == 200
        assert session.post("/api/auth/logout").status_code == 204
        assert session.get("/api/auth/me").status_code == 401  # the session ended

        bob, ann = agents["bob"], agents["ann"]
        assert bob.post("/api/agents", {"username": "eve", "password": PASSWORD}).status_code == 403
        created = ann.post("/api/agents", {"username": "carol", "password": PASSWORD, "display_name": "Carol"})
        assert created.status_code == 201 and "password" not in created.text
        assert ann.post("/api/agents", {"username": "carol", "password": PASSWORD}).status_code == 400
        assert bob.get("/api/handoffs", params={"view": "everything"}).status_code == 400
        assert bob.get("/api/handoffs/999999").status_code == 404
        assert bob.post("/api/handoffs/999999/claim").status_code == 404
        raw = bob.http.post("/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
        assert raw.status_code == 400 and raw.json()["error"]
        assert bob.post("/api/auth/login", ["a", "list"]).status_code == 400

        customer = Customer(concierge.rasa_url)
        try:
            customer.say("I want to speak to a person")
            card = ticket_of(ann, customer.session_id, "waiting")
            assert ann.post(f"/api/handoffs/{card['id']}/claim").status_code == 200
            too_long = ann.post(f"/api/handoffs/{card['id']}/reply", {"text": "x" * 2001})
            assert too_long.status_code == 413 and "2000" in too_long.json()["message"]
            assert ann.post(f"/api/handoffs/{card['id']}/reply", {"text": ""}).status_code == 400
            assert ann.post(f"/api/handoffs/{card['id']}/resolve", {"disposition": "bogus"}).status_code == 400
            assert ann.post(f"/api/handoffs/{card['id']}/resolve", {"disposition": "duplicate"}).status_code == 200
            assert ann.post(f"/api/handoffs/{card['id']}/reply", {"text": "hello"}).status_code == 410
        finally:
            customer.close()
    finally:
        stranger.close()


def test_the_api_is_described_by_openapi(concierge):
    import httpx

    doc = httpx.get(f"http://127.0.0.1:{concierge.console_port}/api/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/api/handoffs/{handoff_id}/claim" in doc["paths"]
