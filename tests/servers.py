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

from bot.cli.processes import free_port
from bot.handoff.rasa_client import PATH_SAFE
from tests.conftest import ROOT

START_TIMEOUT_S = 300


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def send_json(handler, body, status: int = 200) -> None:
    """Answer an http.server request with a JSON body."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def serve(handler_class):
    """Start a threaded local HTTP server on a free port: (server, base URL)."""
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class FakeUpstream:
    """A local stand-in for the messaging platforms' APIs (Meta's Graph API, Telegram's Bot API, Slack's
    Web API, Twilio's REST API): records what the channels send and answers as the platform would."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler

        self.received: queue.Queue = queue.Queue()
        self.calls: list[dict] = []  # every call, in order (`received` is drained by `messages_to`)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                else:
                    body = json.loads(raw or b"null")
                call = {"path": self.path, "authorization": self.headers.get("Authorization"), "body": body}
                fake.calls.append(call)
                fake.received.put(call)
                if "/bot" in self.path:  # Telegram
                    reply = {"ok": True, "result": {"message_id": 1}}
                elif self.path.endswith("chat.postMessage"):  # Slack
                    reply = {"ok": True, "ts": "1.0"}
                elif "/Messages.json" in self.path:  # Twilio
                    reply = {"sid": "SM1", "status": "queued"}
                else:  # Graph API: WhatsApp, Messenger
                    reply = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.test"}], "message_id": "m1"}
                send_json(self, reply, 201 if "/Messages.json" in self.path else 200)

            def log_message(self, *args):
                pass

        self.server, self.url = serve(Handler)

    @staticmethod
    def recipient(body) -> str | None:
        if not isinstance(body, dict):
            return None
        found = body.get("to") or body.get("chat_id") or body.get("channel") or body.get("To") or \
            (body.get("recipient") or {}).get("id")
        return None if found is None else str(found)

    def messages_to(self, to: str, timeout_s: float = 90.0, quiet_s: float = 4.0) -> list[dict]:
        """The calls addressed to `to`: waits for the first, then until nothing comes for `quiet_s`."""
        got, deadline = [], time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                item = self.received.get(timeout=quiet_s if got else max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if self.recipient(item["body"]) == to:
                got.append(item)
        return got

    def close(self):
        self.server.shutdown()


WHATSAPP = {"WHATSAPP_VERIFY_TOKEN": "test-verify-token", "WHATSAPP_APP_SECRET": "test-app-secret",
            "WHATSAPP_ACCESS_TOKEN": "test-access-token", "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
            "WHATSAPP_API_VERSION": "v21.0"}
CHANNELS = {"TELEGRAM_ACCESS_TOKEN": "123456:test-telegram-token", "TELEGRAM_BOT_USERNAME": "concierge_test_bot",
            "TELEGRAM_SECRET_TOKEN": "test-telegram-secret",
            "SLACK_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "test-slack-secret",
            "FACEBOOK_VERIFY_TOKEN": "test-fb-verify", "FACEBOOK_APP_SECRET": "test-fb-secret",
            "FACEBOOK_PAGE_ACCESS_TOKEN": "test-page-token", "FACEBOOK_API_VERSION": "v21.0",
            "TWILIO_ACCOUNT_SID": "ACtest", "TWILIO_AUTH_TOKEN": "test-twilio-token",
            "TWILIO_PHONE_NUMBER": "+15550009999"}


def upstream_urls(url: str) -> dict[str, str]:
    """Every channel's API base URL pointed at the fake upstream."""
    return {"WHATSAPP_GRAPH_URL": url, "FACEBOOK_GRAPH_URL": url, "TELEGRAM_API_URL": url,
            "SLACK_API_URL": url + "/api/", "TWILIO_API_URL": url}


@dataclass
class Concierge:
    rasa_port: int
    action_port: int
    web_port: int
    console_port: int
    output: list[str]
    env: dict[str, str]  # the servers' environment (for commands such as `python -m bot.console create-agent`)
    upstream: FakeUpstream  # where the messaging channels send their messages

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
        status, body = self.get(f"{self.rasa_url}/conversations/{urllib.parse.quote(sender, safe=PATH_SAFE)}/tracker")
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
    upstream = FakeUpstream()
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port(),
             "CONSOLE_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "CONCIERGE_DATA_DIR": str(data_dir),
           "STORE_DB_URL": f"sqlite:///{ROOT / 'var' / 'store.db'}",
           "CHROMA_PATH": str(ROOT / "var" / "chroma"),
           "SENTIMENT_MODEL_DIR": str(sentiment),
           "PYTHONUNBUFFERED": "1", **WHATSAPP, **CHANNELS, **upstream_urls(upstream.url),
           "TWILIO_WEBHOOK_URL": f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/twilio/webhook",
           # the phrasing path is exercised here: every extract may be phrased, within 2.5 s, and a slow phrasing
           # does not rest the model (by default, on 2 cores, SmolLM2 phrases nothing within the 1 s budget)
           "LLM_PHRASE_MIN_CHARS": "0", "LLM_PHRASE_BUDGET_S": "2.5", "LLM_PHRASE_COOLDOWN_S": "0"}
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
                    upstream)
    upstream.close()

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
