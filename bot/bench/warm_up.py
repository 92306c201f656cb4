"""`make bench-warm-up`: what loading the models at start-up buys the first customer.

The action server is started on a free port, once with WARM_UP=false and once with WARM_UP=true (the project's
`python -m rasa_sdk --actions actions`, as `make run` starts it). `--wait` seconds after it answers /health (a
customer rarely writes in the first seconds), one knowledge question goes to its webhook as Rasa would send it;
the time to that first answer is measured, then the same for a second question. Writes reports/warm_up.json and
.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

from bot.bench.report import write_report
from bot.cli.processes import free_port
from bot.settings import PROJECT_ROOT

QUESTIONS = ("How long do refunds take?", "Do you ship to Canada?")


def action_call(question: str, sender: str) -> dict:
    """The webhook body Rasa sends to run `action_answer_question` after `question`."""
    user = {"event": "user", "text": question, "parse_data": {"intent": {"name": "ask_question"}, "entities": []}}
    return {"next_action": "action_answer_question", "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "slots": {}, "events": [user], "paused": False, "followup_action": None,
                        "active_loop": {}, "latest_action_name": "action_listen",
                        "latest_message": {"text": question, "intent": {"name": "ask_question"}, "entities": []}}}


def ask(port: int, question: str, sender: str) -> tuple[float, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(action_call(question, sender))
                                 .encode(), headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as resp:
        body = json.loads(resp.read())
    text = " ".join(str(r.get("text") or "") for r in body.get("responses", []))
    return (time.perf_counter() - t0) * 1000, text


def first_answers(warm: bool, wait_s: float) -> dict:
    port = free_port()
    env = {**os.environ, "WARM_UP": "true" if warm else "false", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        t0 = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() - t0 > 120:
                    raise RuntimeError("the action server did not start") from None
                time.sleep(0.2)
        up_s = time.monotonic() - t0
        time.sleep(wait_s)
        first_ms, text = ask(port, QUESTIONS[0], "warm-up-bench-1")
        second_ms, _ = ask(port, QUESTIONS[1], "warm-up-bench-2")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)
    key = "warm" if warm else "cold"
    return {f"{key}_health_after_s": round(up_s, 1), f"{key}_first_answer_ms": round(first_ms),
            f"{key}_second_answer_ms": round(second_ms), f"{key}_answered": "refund" in text.lower()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wait", type=float, default=30.0, help="seconds between /health and the first question")
    args = parser.parse_args(argv)
    flat = {"wait_s": args.wait, **first_answers(False, args.wait), **first_answers(True, args.wait)}
    md = "\n".join(["# Warm-up at start-up", "", __doc__.split("\n\n")[1].replace("\n", " "), "",
                    "| | WARM_UP=false | WARM_UP=true |", "|---|---|---|",
                    *[f"| {k} | {flat[f'cold_{k}']} | {flat[f'warm_{k}']} |"
                      for k in ("health_after_s", "first_answer_ms", "second_answer_ms", "answered")]])
    json_path, md_path = write_report("warm_up", flat, md, PROJECT_ROOT / "reports")
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
