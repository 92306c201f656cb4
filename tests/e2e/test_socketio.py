"""The socket.io channel on the Rasa port (what the chat widget uses)."""
import queue
import uuid

import pytest
import socketio

pytestmark = pytest.mark.e2e


def test_socketio_session_and_answer(concierge):
    replies: queue.Queue = queue.Queue()
    confirmed: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", lambda data: confirmed.put(data))
    client.on("bot_uttered", lambda data: replies.put(data))
    session_id = uuid.uuid4().hex
    client.connect(concierge.rasa_url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.get(timeout=30)
        client.emit("user_uttered", {"message": "Do you accept PayPal?", "session_id": session_id})
        got = [replies.get(timeout=60)]
        while True:
            try:
                got.append(replies.get(timeout=3))
            except queue.Empty:
                break
    finally:
        client.disconnect()
    text = "\n".join(m.get("text", "") for m in got)
    assert "PayPal" in text and "Source: [Payment methods" in text
    # the citations arrive as a payload in the same message, and the turn is kept in the conversation
    sources = [m["custom"]["sources"] for m in got if "custom" in m]
    assert sources and sources[0][0]["title"] == "Payment methods"
    events = concierge.tracker(session_id)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["Do you accept PayPal?"]
    assert any(e["event"] == "action" and e["name"] == "action_answer_question" for e in events)
