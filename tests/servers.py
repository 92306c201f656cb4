"""Real servers for end-to-end and browser tests, started once per test run.

The fixture runs the same launcher as `make run` (`python -m bot.cli.run`) on free ports,
waits for it to print its URLs, and at the end sends Ctrl-C (SIGINT) and checks that every
process stopped.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

START_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class FakeGraphAPI:
    """A local stand-in for Meta's Graph API: records the WhatsApp messages the channel sends."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.received: queue.Queue = queue.Queue()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.received.put({"path": self.path, "authorization": self.headers.get("Authorization"),
                                   "body": json.loads(body or b"null")})
                reply = json.dumps({"messaging_product": "whatsapp", "messages": [{"id": "wamid.test"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def messages_to(self, to: str, timeout_s: float = 90.0, quiet_s: float = 4.0) -> list[dict]:
        """The bodies sent to `to`: waits for the first, then until nothing comes for `quiet_s`."""
        got, deadline = [], time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                item = self.received.get(timeout=quiet_s if got else max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item["body"].get("to") == to:
                got.append(item)
        return got

    def close(self):
        self.server.shutdown()


WHATSAPP = {"WHATSAPP_VERIFY_TOKEN": "test-verify-token", "WHATSAPP_APP_SECRET": "test-app-secret",
            "WHATSAPP_ACCESS_TOKEN": "test-access-token", "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
            "WHATSAPP_API_VERSION": "v21.0"}


@dataclass
class Concierge:
    rasa_port: int
    action_port: int
    web_port: int
    console_port: int
    output: list[str]
    env: dict[str, str]  # the servers' environment (for commands such as `python -m bot.console create-agent`)
    graph: FakeGraphAPI  # where the WhatsApp channel sends its messages

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def post_raw(self, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
        req = urllib.request.Request(f"{self.rasa_url}/webhooks/rest/webhook", data=body, method="POST",
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def say(self, sender: str, text: str) -> list[dict]:
        status, body = self.post_raw(json.dumps({"sender": sender, "message": text}).encode())
        assert status == 200, (status, body[:500])
        return json.loads(body)

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker from Rasa's HTTP API (events, slots)."""
        status, body = self.get(f"{self.rasa_url}/conversations/{urllib.parse.quote(sender)}/tracker")
        assert status == 200
        return json.loads(body)

    def get(self, url: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def concierge(tmp_path_factory):
    model = ROOT / "models" / "concierge.tar.gz"
    if not model.is_file():
        pytest.fail("no trained model at models/concierge.tar.gz: run `make train` (make test does)")
    sentiment = ROOT / "var" / "models" / "sentiment-en"
    for needed in (ROOT / "var" / "store.db", ROOT / "var" / "chroma", sentiment / "head.json"):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make store index sentiment-model` (make test does)")
    data_dir = tmp_path_factory.mktemp("concierge")
    graph = FakeGraphAPI()
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port(),
             "CONSOLE_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "CONCIERGE_DATA_DIR": str(data_dir),
           "STORE_DB_URL": f"sqlite:///{ROOT / 'var' / 'store.db'}",
           "CHROMA_PATH": str(ROOT / "var" / "chroma"),
           "SENTIMENT_MODEL_DIR": str(sentiment),
           "PYTHONUNBUFFERED": "1", **WHATSAPP, "WHATSAPP_GRAPH_URL": graph.url}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli.run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line:
            output.append(line)
        if line and "Press Ctrl-C to stop" in line:
            break
        if line == "" or line is None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            logs = "".join((p.read_text(errors="replace")[-3000:] for p in (data_dir / "logs").glob("*.log")))
            pytest.fail("Concierge did not start:\n" + "".join(output) + "\n--- logs ---\n" + logs)
    yield Concierge(ports["RASA_PORT"], ports["ACTION_PORT"], ports["WEB_PORT"], ports["CONSOLE_PORT"], output, env,
                    graph)
    graph.close()

    # Ctrl-C stops every process cleanly.
    os.killpg(proc.pid, signal.SIGINT)
    try:
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    still_open = [name for name, port in ports.items() if port_open(port)]
    assert code == 0, "".join(output)
    assert not still_open, f"still listening after Ctrl-C: {still_open}"
