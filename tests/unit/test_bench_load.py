"""bench-load's parts without the real stack: the script, the scores, memory sampling, and customers driving a
local fake REST channel."""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from bot.bench.load import (QUESTIONS, AgentDrafts, Result, Run, drive, load_questions, markdown, script, summarise,
                            think_range, tree_rss_mb)
from bot.bench.report import cpu_reference_ms
from tests.servers import send_json, serve


def test_the_script_has_every_turn_type_and_uses_the_order():
    order = {"id": "10001", "email": "felix.brown69@example.com"}
    turns = script(order, "What is your return policy?")
    assert [t.kind for t in turns] == ["rule", "form", "form", "form", "knowledge", "rule", "rule"]
    assert [t.text for t in turns[2:4]] == ["10001", "felix.brown69@example.com"]
    assert turns[3].expect == "order 10001"


def test_scores_count_errors_unexpected_replies_and_percentiles_per_type():
    run = Run(results=[Result("rule", float(ms), True, True) for ms in range(1, 101)]
              + [Result("form", 500.0, True, False), Result("form", 9999.0, False, False),
                 Result("knowledge", 1200.0, True, True)],
              rss_peak_mb={"rasa": 900.4, "actions": 1100.0}, rss_total_peak_mb=2000.6, seconds=10.0, conversations=3)
    s = summarise(run)
    assert s["turns"] == 103 and s["turns_per_s"] == 10.3 and s["errors"] == 1 and s["unexpected_replies"] == 1
    assert s["p95_ms_rule"] == 95.0 and s["p50_ms_form"] == 500.0 and s["form_turns"] == 1  # failed turns not timed
    assert s["p99_ms_non_llm"] == 100.0 and s["p95_ms_knowledge"] == 1200.0
    assert s["rss_mb_rasa"] == 900 and s["rss_total_mb"] == 2001
    flat = {**s, "customers": 2, "duration_s": 10, "think_s": "1-3", "seed": 1, "machine_note": "test",
            **{f"baseline_{k}": v for k, v in s.items()}, "p95_ratio_non_llm": 1.0}
    text = markdown(flat)
    assert "| p95_ms_non_llm | 96.0 | 96.0 |" in text and "ratio 1.0" in text
    assert "yardstick" not in text
    assert "CPU yardstick 41.5 ms" in markdown({**flat, "cpu_reference_ms": 41.5})


def test_the_cpu_yardstick_is_the_median_time_of_the_fixed_workload():
    ticks = iter([0.0, 0.010, 1.0, 1.030, 2.0, 2.020])  # three runs: 10, 30 and 20 ms
    calls = []
    assert cpu_reference_ms(3, workload=lambda: calls.append(1), clock=lambda: next(ticks)) == 20.0
    assert len(calls) == 3
    real = cpu_reference_ms(3)
    assert 0 < real < 10_000
    with pytest.raises(ValueError):
        cpu_reference_ms(0)


def test_think_time_is_a_range_of_seconds():
    assert think_range("1-3") == (1.0, 3.0) and think_range("0.5") == (0.5, 0.5)
    for bad in ("3-1", "-1", "x"):
        with pytest.raises((argparse.ArgumentTypeError, ValueError)):
            think_range(bad)


def test_memory_counts_a_process_with_its_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(80 * 2**20); x[::4096] = b'1' * "
                              "len(x[::4096]); print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "ready"  # its 80 MB are allocated and touched
        mine = tree_rss_mb({"me": os.getpid(), "child": child.pid})
        assert mine["child"] > 70 and mine["me"] >= mine["child"]  # the test process includes its child
    finally:
        child.kill()
        child.wait()


class FakeRest:
    """A REST channel that answers like the bot's scripted turns, or fails when `fail` is set."""

    def __init__(self, fail: bool = False):
        self.fail, self.messages = fail, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.messages.append(body)
                if fake.fail:
                    self.send_response(500)
                    self.end_headers()
                    return
                text = body["message"]
                reply = ("What is your order number?" if "order" in text else "And your e-mail?" if text.isdigit()
                         else f"Order {text}" if "@" in text else "Hello")
                send_json(self, [{"recipient_id": body["sender"], "text": reply}])

            def log_message(self, *args):
                pass

        self.server, base = serve(Handler)
        self.url = base + "/webhooks/rest/webhook"


def test_customers_hold_conversations_until_the_time_is_up():
    fake = FakeRest()
    try:
        run = drive(fake.url, customers=3, duration_s=1.5, seed=1, think=(0.0, 0.05), tag="t", pids={})
    finally:
        fake.server.shutdown()
    s = summarise(run)
    assert s["errors"] == 0 and s["turns"] >= 7 and s["rule_turns"] and s["form_turns"]
    senders = {m["sender"] for m in fake.messages}
    assert "load-t-warmup" in senders and any(x.startswith("load-t-2-") for x in senders)
    assert s["unexpected_replies"] > 0  # the fake's e-mail answer names the e-mail, not the order number


def test_no_reply_in_a_handed_over_conversation_is_the_agents_turn_not_an_error():
    run = Run(results=[Result("rule", 40.0, False, False, handed_over=True), Result("rule", 50.0, True, True)])
    s = summarise(run)
    assert s["errors"] == 0 and s["handed_over_turns"] == 1 and s["p95_ms_rule"] == 50.0


def test_a_failing_server_is_counted_as_errors_not_a_crash():
    fake = FakeRest(fail=True)
    try:
        run = drive(fake.url, customers=2, duration_s=0.8, seed=1, think=(0.0, 0.05), tag="f", pids={})
    finally:
        fake.server.shutdown()
    s = summarise(run)
    assert s["turns"] > 0 and s["errors"] == s["turns"] and s["p95_ms_non_llm"] == 0.0


def test_plain_rasa_is_stock_rasa_with_the_rest_channel_and_the_same_action_server(tmp_path):
    import yaml

    from bot.bench.load import plain_rasa_specs
    from bot.cli.processes import action_server_spec
    from bot.settings import Settings

    settings = Settings.from_env(env={"ACTION_PORT": "5999", "RASA_PORT": "5998"})
    actions, rasa = plain_rasa_specs(tmp_path / "plain.tar.gz", tmp_path)(settings)
    assert actions == action_server_spec(settings)
    assert rasa.command[:2] == [str(settings.rasa_bin), "run"] and "bot.rasa_addons.server" not in rasa.command
    assert rasa.command[rasa.command.index("-m") + 1] == str(tmp_path / "plain.tar.gz")
    assert rasa.env["OMP_NUM_THREADS"] == "1"  # the project's thread settings
    assert yaml.safe_load((tmp_path / "endpoints.yml").read_text()) == {
        "action_endpoint": {"url": "http://127.0.0.1:5999/webhook"}}
    assert yaml.safe_load((tmp_path / "credentials.yml").read_text()) == {"rest": None}


def test_most_knowledge_questions_are_asked_once_the_common_ones_come_first():
    questions = load_questions()
    assert questions[:len(QUESTIONS)] == list(QUESTIONS) and len(questions) > 190
    assert len(set(questions)) == len(questions)


def test_an_agent_asks_for_drafts_of_handed_over_conversations_and_they_are_timed():
    rest = FakeRest()
    seen = []

    class Console(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            assert self.headers["Authorization"] == "Bearer tok"
            if self.path.startswith("/api/handoffs/7"):  # the conversation view: the question has arrived
                send_json(self, {"messages": [{"sender": "customer", "text": rest.messages[-1]["message"]}]})
            else:
                send_json(self, [{"id": 7, "conversation_id": rest.messages[-1]["sender"]}])

        def do_POST(self):  # noqa: N802
            seen.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            send_json(self, {"found": True, "text": "Refunds take 5 days."})

        def log_message(self, *args):
            pass

    console, base = serve(Console)
    run, lock = Run(), threading.Lock()
    agent = AgentDrafts(base, rest.url, {}, run, lock, ["how long do refunds take?"], seed=1, every_s=0.05)
    agent.token = "tok"
    try:
        agent.start()
        time.sleep(0.6)
        agent.stop_event.set()
        agent.join(5)
    finally:
        rest.server.shutdown()
        console.shutdown()
    assert seen and set(seen) == {"/api/handoffs/7/claim", "/api/handoffs/7/draft"}
    texts = [m["message"] for m in rest.messages]
    assert texts[:2] == ["I want to talk to a person", "how long do refunds take?"]
    s = summarise(Run(results=[Result("rule", 10.0, True, True)], drafts=run.drafts, seconds=1.0))
    assert s["drafts"] == len(run.drafts) >= 1 and s["drafts_found"] == 1.0 and s["p95_ms_draft"] > 0
    assert s["p95_ms_first_reply"] == 10.0
