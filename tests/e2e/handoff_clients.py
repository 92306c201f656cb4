"""Clients for the handoff tests: a customer on socket.io, an agent on the agent API, and its live feed."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid

import httpx
import socketio

from tests.conftest import ROOT


class Customer:
    """A customer in the chat widget's place: Rasa's socket.io channel, one session."""

    def __init__(self, rasa_url: str):
        self.session_id = uuid.uuid4().hex
        self.inbox: queue.Queue = queue.Queue()
        confirmed: queue.Queue = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_confirm", lambda data: confirmed.put(data))
        self.client.on("bot_uttered", lambda data: self.inbox.put(data))
        self.client.connect(rasa_url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
        self.client.emit("session_request", {"session_id": self.session_id})
        confirmed.get(timeout=30)

    def send(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def say(self, text: str, quiet_s: float = 3.0, first_s: float = 90.0) -> str:
        """Send a message and return the text of every reply until the assistant is quiet for `quiet_s`."""
        self.send(text)
        got = [self.inbox.get(timeout=first_s)]
        got += self.received(quiet_s)
        return "\n".join(m.get("text", "") for m in got)

    def received(self, quiet_s: float) -> list[dict]:
        got = []
        while True:
            try:
                got.append(self.inbox.get(timeout=quiet_s))
            except queue.Empty:
                return got

    def expect(self, fragment: str, timeout_s: float = 30.0) -> str:
        """The text of the first message containing `fragment` (the message itself is in `self.last`)."""
        deadline = time.monotonic() + timeout_s
        seen = []
        while time.monotonic() < deadline:
            try:
                message = self.inbox.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(message.get("text", ""))
            if fragment in message.get("text", ""):
                self.last = message
                return message["text"]
        raise AssertionError(f"no message with {fragment!r}; got {seen}")

    def close(self) -> None:
        self.client.disconnect()


class AgentClient:
    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.token = ""

    def login(self, username: str, password: str) -> httpx.Response:
        resp = self.http.post("/api/auth/login", json={"username": username, "password": password})
        if resp.status_code == 200:
            self.token = resp.json()["token"]
        return resp

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kw) -> httpx.Response:
        return self.http.get(path, headers=self._headers(), **kw)

    def post(self, path: str, body=None, **kw) -> httpx.Response:
        return self.http.post(path, headers=self._headers(), json=body, **kw)

    def close(self) -> None:
        self.http.close()


class EventFeed:
    """The agent API's server-sent events, read in a thread."""

    def __init__(self, base_url: str, token: str):
        self.events: queue.Queue = queue.Queue()
        self.client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(30, read=None))
        self.status: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(token,), daemon=True)
        self.thread.start()
        assert self.status.get(timeout=30) == 200

    def _read(self, token: str) -> None:
        try:
            with self.client.stream("GET", "/api/events", params={"access_token": token}) as resp:
                self.status.put(resp.status_code)
                kind = None
                for line in resp.iter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        self.events.put((kind, json.loads(line[6:])))
        except Exception:  # noqa: BLE001 - closed by the test
            pass

    def wait_for(self, kind: str, match=lambda data: True, timeout_s: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                got_kind, data = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if got_kind == kind and match(data):
                return data
        raise AssertionError(f"no {kind} event")

    def close(self) -> None:
        self.client.close()


def create_agent(env: dict, username: str, password: str, role: str = "agent", name: str = "") -> None:
    """The documented command (`make agent` runs it) against the servers' handoff database."""
    subprocess.run([sys.executable, "-m", "bot.console", "create-agent", username, "--role", role,
                    *(["--name", name] if name else [])], cwd=ROOT, check=True, capture_output=True,
                   env={**env, "CONCIERGE_AGENT_PASSWORD": password, "PATH": os.environ.get("PATH", "")})
