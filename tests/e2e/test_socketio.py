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
