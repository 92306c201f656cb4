"""`make bench-load [CUSTOMERS=20 DURATION=60]`: simulated customers chat with the running stack through the
REST channel for a fixed time; then the same customers, with the same turns, chat with plain Rasa.

Each customer repeats one scripted conversation (a new conversation id each time) and waits a seeded think
time between turns:

    hi                                  rule turn
    where is my order?                  form turn (the order-status form asks for the order number)
    <order number>                      form turn (asks for the e-mail)
    <e-mail>                            form turn (the look-up answers)
    <a store question>                  knowledge answer (retrieval, and the LLM where the answer is generated):
                                        one of the six most common questions or of bench/kb_demo.yml's labelled
                                        ones, so most are asked only once (the answer cache rarely helps)
    thanks                              rule turn
    bye                                 rule turn

Project: `python -m bot.cli.run`'s processes (Rasa with config.yml's pipeline and policies, the project's
channels and SQL tracker store; the action server with its models and the embedded LLM; the web server; the
agent console), on free ports with a temporary data directory. Plain Rasa: Rasa 3.6's default configuration
(what `rasa init` trains: default pipeline and policies, seeded) trained on the same domain and stories, the
stock REST channel, the in-memory tracker store, stock `rasa run` with the project's thread settings, and the
same action server. Latency is the time from sending a message to having every reply (the REST channel sends them
together, so it is also the time to the first reply). Meanwhile, on the project's stack, an agent asks the agent
console for a reply draft every few seconds, each for a new handed-over conversation whose customer asked a labelled
question. Memory: resident set size of each process with its children, sampled every second; the total is the peak
of the sum. Writes reports/load.json and .md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.bench.nlu import BASELINE_PIPELINE, with_seed
from bot.bench.nlu import run as run_command
from bot.bench.report import cpu_model, cpu_reference_ms, percentile, write_report
from bot.settings import PROJECT_ROOT, Settings

TURN_TYPES = ("rule", "form", "knowledge")
NON_LLM = ("rule", "form")
QUESTIONS = ("How long does shipping to Canada take?", "What is your return policy?",
             "Do you ship internationally?", "How do I exchange an item for another size?",
             "Which payment methods do you accept?", "How long do refunds take?")
# Rasa 3.6's default configuration (rasa init; pipeline and policies left empty), written out so seeds are fixed
PLAIN_RASA_POLICIES = [{"name": "MemoizationPolicy"}, {"name": "RulePolicy"},
                       {"name": "UnexpecTEDIntentPolicy", "max_history": 5, "epochs": 100},
                       {"name": "TEDPolicy", "max_history": 5, "epochs": 100, "constrain_similarities": True}]


@dataclass
class Turn:
    kind: str  # rule | form | knowledge
    text: str
    expect: str  # a reply must contain this (case-insensitive) to count as the expected answer


@dataclass
class Result:
    kind: str
    ms: float
    ok: bool  # HTTP 200 with at least one reply
    expected: bool
    handed_over: bool = False  # no reply because the conversation was handed to a person (the agent's turn)


@dataclass
class Run:
    """One measured phase: every turn's result and the memory samples."""
    results: list[Result] = field(default_factory=list)
    rss_peak_mb: dict[str, float] = field(default_factory=dict)
    rss_total_peak_mb: float = 0.0
    seconds: float = 0.0
    conversations: int = 0
    drafts: list[tuple[float, bool]] = field(default_factory=list)  # (ms, found) per agent reply draft
    failed: list[str] = field(default_factory=list)  # what failed (a turn with no reply, a draft), for the report


def script(order: dict, question: str) -> list[Turn]:
    return [Turn("rule", "hi", ""), Turn("form", "where is my order?", "order number"),
            Turn("form", order["id"], "e-mail"), Turn("form", order["email"], f"order {order['id']}"),
            Turn("knowledge", question, ""), Turn("rule", "thanks", ""), Turn("rule", "bye", "")]


def load_questions() -> list[str]:
    """The common questions, then every labelled answerable and several-part question of bench/kb_demo.yml (both
    splits, without the follow-ups, which need their conversation)."""
    spec = yaml.safe_load((PROJECT_ROOT / "bench" / "kb_demo.yml").read_text(encoding="utf-8"))
    labelled = [i["q"] for split in (spec, spec.get("test") or {}) for key in ("answerable", "multi_part")
                for i in split.get(key, []) if not i.get("history")]
    return list(dict.fromkeys([*QUESTIONS, *labelled]))


def load_orders() -> list[dict]:
    orders = json.loads((PROJECT_ROOT / "knowledge" / "store" / "orders.json").read_text(encoding="utf-8"))
    return [o for o in orders if o.get("id") and o.get("email")]


# --- memory ------------------------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pids: dict[str, int]) -> dict[str, float]:
    """Resident memory of each named process together with its descendants, in MB."""
    tree, out = _children(), {}
    for name, pid in pids.items():
        stack, total = [pid], 0
        while stack:
            p = stack.pop()
            total += _rss_kb(p)
            stack.extend(tree.get(p, []))
        out[name] = total / 1024
    return out


class MemorySampler(threading.Thread):
    def __init__(self, pids: dict[str, int], run: Run, every_s: float = 1.0):
        super().__init__(daemon=True)
        self.pids, self.run_, self.every_s, self.stop_event = pids, run, every_s, threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            sample = tree_rss_mb(self.pids)
            for name, mb in sample.items():
                self.run_.rss_peak_mb[name] = max(self.run_.rss_peak_mb.get(name, 0.0), mb)
            self.run_.rss_total_peak_mb = max(self.run_.rss_total_peak_mb, sum(sample.values()))
            self.stop_event.wait(self.every_s)


# --- customers -----------------------------------------------------------------------------------------------

def post(url: str, sender: str, text: str, timeout_s: float = 120.0) -> list[dict] | None:
    """The replies to one message through the REST channel (None: an error or no reply)."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            messages = json.loads(resp.read() or b"[]")
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return messages if isinstance(messages, list) and messages else None


def say(url: str, sender: str, text: str, timeout_s: float = 120.0) -> tuple[bool, str]:
    messages = post(url, sender, text, timeout_s)
    if messages is None:
        return False, ""
    return True, "\n".join(str(m.get("text") or "") for m in messages if isinstance(m, dict))


def paused(rest_url: str, sender: str) -> bool:
    """Is the conversation handed over to a person (Rasa's tracker paused: the bot says nothing)?"""
    base = rest_url.split("/webhooks/", 1)[0]
    try:
        with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?include_events=NONE", timeout=30) as resp:
            return bool(json.loads(resp.read()).get("paused"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def customer(number: int, url: str, deadline: float, seed: int, think: tuple[float, float], orders: list[dict],
             tag: str, run: Run, lock: threading.Lock, questions: tuple[str, ...] = QUESTIONS) -> None:
    rng = random.Random(seed * 1000 + number)  # the same turns and pauses for the project and for plain Rasa
    time.sleep(rng.uniform(0, think[1]))  # customers arrive spread out
    conversation = 0
    while time.monotonic() < deadline:
        sender = f"load-{tag}-{number}-{conversation}"
        for turn in script(rng.choice(orders), rng.choice(questions)):
            if time.monotonic() >= deadline:
                return
            t0 = time.perf_counter()
            ok, reply = say(url, sender, turn.text)
            ms = (time.perf_counter() - t0) * 1000
            handed = not ok and paused(url, sender)
            with lock:
                run.results.append(Result(turn.kind, ms, ok, ok and turn.expect.lower() in reply.lower(), handed))
                if not ok and not handed:
                    run.failed.append(f"{turn.kind} turn with no reply after {ms:.0f} ms: {turn.text!r}")
            time.sleep(rng.uniform(*think))
        conversation += 1
        with lock:
            run.conversations += 1


def api(base: str, path: str, body: dict | None = None, token: str = "", timeout_s: float = 60.0) -> dict | None:
    """One agent API call (POST with a body, else GET); None on an error."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            return json.loads(resp.read() or b"null")
    except (urllib.error.URLError, OSError, ValueError):
        return None


class AgentDrafts(threading.Thread):
    """An agent asking for reply drafts while the customers chat: every `every_s`, a new conversation is handed
    over (the customer asks for a person), the agent claims it, the customer asks a labelled question, and the
    agent asks the console for a draft of the reply; the draft's time and whether it found an answer are kept."""

    def __init__(self, console: str, rest: str, env: dict[str, str], run: Run, lock: threading.Lock,
                 questions: list[str], seed: int, every_s: float = 8.0):
        super().__init__(daemon=True)
        self.console, self.rest, self.env, self.run_, self.lock = console, rest, env, run, lock
        self.questions, self.rng, self.every_s = questions, random.Random(seed), every_s
        self.stop_event = threading.Event()
        self.token = ""

    def login(self) -> bool:
        import subprocess

        subprocess.run([sys.executable, "-m", "bot.console", "create-agent", "bench-agent"], cwd=PROJECT_ROOT,
                       env={**os.environ, **self.env, "CONCIERGE_AGENT_PASSWORD": "bench-agent-pw"},
                       capture_output=True, check=False)
        got = api(self.console, "/api/auth/login", {"username": "bench-agent", "password": "bench-agent-pw"})
        self.token = (got or {}).get("token", "")
        return bool(self.token)

    def run(self) -> None:
        n = 0
        while not self.stop_event.wait(self.every_s):
            sender = f"load-agent-customer-{n}"
            n += 1
            say(self.rest, sender, "I want to talk to a person")
            waiting = api(self.console, "/api/handoffs?view=all", token=self.token) or []
            ids = [h["id"] for h in waiting if isinstance(h, dict) and h.get("conversation_id") == sender]
            if not ids:
                with self.lock:
                    self.run_.failed.append(f"draft: no handoff for {sender}")
                continue
            api(self.console, f"/api/handoffs/{ids[0]}/claim", {}, token=self.token)
            question = self.rng.choice(self.questions)
            say(self.rest, sender, question)  # to the agent now: the draft answers it
            for _ in range(50):  # the agent asks for a draft once the question is in their conversation view
                got = api(self.console, f"/api/handoffs/{ids[0]}", token=self.token) or {}
                if any(m.get("text") == question for m in got.get("messages", []) if isinstance(m, dict)):
                    break
                time.sleep(0.2)
            else:
                with self.lock:
                    self.run_.failed.append(f"draft: the customer's question never reached handoff {ids[0]}")
                continue
            t0 = time.perf_counter()
            draft = api(self.console, f"/api/handoffs/{ids[0]}/draft", {}, token=self.token)
            ms = (time.perf_counter() - t0) * 1000
            with self.lock:
                if draft is None:
                    self.run_.failed.append(f"draft: the console failed for handoff {ids[0]}")
                else:
                    self.run_.drafts.append((ms, bool(draft.get("found"))))


def drive(url: str, customers: int, duration_s: float, seed: int, think: tuple[float, float], tag: str,
          pids: dict[str, int], agent: tuple[str, dict[str, str]] | None = None, drafts_every_s: float = 8.0) -> Run:
    orders, run, lock = load_orders(), Run(), threading.Lock()
    questions = load_questions()
    for turn in script(orders[0], QUESTIONS[0]):  # warm-up, not measured: models load on first use
        say(url, f"load-{tag}-warmup", turn.text)
    drafts = None
    if agent is not None:
        drafts = AgentDrafts(agent[0], url, agent[1], run, lock, questions, seed, every_s=drafts_every_s)
        if drafts.login():
            drafts.start()
        else:
            print("  the bench agent could not log in: no reply drafts measured", flush=True)
            drafts = None
    sampler = MemorySampler(pids, run)
    sampler.start()
    t0 = time.monotonic()
    deadline = t0 + duration_s
    threads = [threading.Thread(target=customer, args=(n, url, deadline, seed, think, orders, tag, run, lock,
                                                       tuple(questions)), daemon=True) for n in range(customers)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(min(10.0, max(0.5, deadline - time.monotonic())))
        with lock:
            done, errors = len(run.results), sum(not r.ok for r in run.results)
        print(f"  [{tag}] {time.monotonic() - t0:5.0f} s  {done} turns  {errors} errors", flush=True)
    run.seconds = time.monotonic() - t0
    if drafts is not None:
        drafts.stop_event.set()
        drafts.join(120)
    sampler.stop_event.set()
    sampler.join()
    return run


def summarise(run: Run) -> dict:
    out: dict = {"turns": len(run.results), "conversations": run.conversations,
                 "turns_per_s": round(len(run.results) / run.seconds, 2) if run.seconds else 0.0,
                 "errors": sum(not r.ok and not r.handed_over for r in run.results),
                 "handed_over_turns": sum(r.handed_over for r in run.results),
                 "unexpected_replies": sum(r.ok and not r.expected for r in run.results)}
    for kind in TURN_TYPES:
        ms = [r.ms for r in run.results if r.kind == kind and r.ok]
        out[f"{kind}_turns"] = len(ms)
        for q in (50, 95, 99):
            out[f"p{q}_ms_{kind}"] = round(percentile(ms, q), 1)
    non_llm = [r.ms for r in run.results if r.kind in NON_LLM and r.ok]
    every = [r.ms for r in run.results if r.ok]
    for q in (50, 95, 99):
        out[f"p{q}_ms_non_llm"] = round(percentile(non_llm, q), 1)
        out[f"p{q}_ms_first_reply"] = round(percentile(every, q), 1)  # every turn: the first reply's wait
    if run.drafts:
        out["drafts"] = len(run.drafts)
        out["drafts_found"] = round(sum(found for _, found in run.drafts) / len(run.drafts), 3)
        for q in (50, 95):
            out[f"p{q}_ms_draft"] = round(percentile([ms for ms, _ in run.drafts], q), 1)
    if run.failed:
        out["failures"] = run.failed[:20]  # the first few, to read in the report
    out.update({f"rss_mb_{name}": round(mb) for name, mb in sorted(run.rss_peak_mb.items())})
    out["rss_total_mb"] = round(run.rss_total_peak_mb)
    return out


# --- the two stacks ------------------------------------------------------------------------------------------

def stack_env(data_dir: Path) -> dict[str, str]:
    from bot.cli.processes import free_port

    base = Settings.from_env()
    return {"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "WEB_PORT": str(free_port()),
            "CONSOLE_PORT": str(free_port()), "CONCIERGE_DATA_DIR": str(data_dir),
            "STORE_DB_URL": base.store_url, "CHROMA_PATH": str(base.chroma_path),
            "SENTIMENT_MODEL_DIR": str(base.sentiment_model_dir), "RASA_API_TOKEN": "",
            "PYTHONUNBUFFERED": "1"}


def plain_rasa_model(settings: Settings, seed: int, out_dir: Path) -> Path:
    """Rasa's default configuration trained on the project's domain and data (cached by content)."""
    config = {"recipe": "default.v1", "language": "en", "assistant_id": "plain_rasa",
              "pipeline": with_seed(BASELINE_PIPELINE, seed),
              "policies": [{**p, "random_seed": seed} if "TED" in p["name"] else p for p in PLAIN_RASA_POLICIES]}
    text = yaml.safe_dump(config, sort_keys=False)
    digest = hashlib.sha256(text.encode())
    for f in sorted([PROJECT_ROOT / "domain.yml", *(PROJECT_ROOT / "data").rglob("*.yml")]):
        digest.update(f.read_bytes())
    model = out_dir / f"plain-rasa-{digest.hexdigest()[:12]}.tar.gz"
    if model.is_file():
        print(f"plain Rasa: {model.name} (already trained on this data)", flush=True)
        return model
    out_dir.mkdir(parents=True, exist_ok=True)
    config_file = out_dir / "plain-rasa-config.yml"
    config_file.write_text(text, encoding="utf-8")
    print("plain Rasa: training Rasa's default configuration on the project's data ...", flush=True)
    seconds = run_command([str(settings.rasa_bin), "train", "--config", str(config_file), "--domain",
                           str(PROJECT_ROOT / "domain.yml"), "--data", str(PROJECT_ROOT / "data"), "--out",
                           str(out_dir), "--fixed-model-name", model.name.removesuffix(".tar.gz")],
                          "training plain Rasa")
    print(f"plain Rasa: trained in {seconds:.0f} s", flush=True)
    return model


def measure(args, work: Path, label: str, specs_for) -> dict:
    """Start the servers `specs_for(settings)` gives on free ports, drive the customers through their REST
    channel, stop them; the summary of the run."""
    from bot.cli.processes import ProcessGroup

    env = stack_env(work / label)
    settings = Settings.from_env(env={**os.environ, **env})
    (work / label).mkdir(parents=True, exist_ok=True)
    specs = specs_for(settings)
    group = ProcessGroup(log_dir=work / label / "logs", env_overrides=env)
    try:
        print(f"{label}: starting {', '.join(spec.name for spec in specs)} ...", flush=True)
        for spec in specs:
            group.start(spec)
        group.wait_ready(specs, timeout=300)
        pids = {name: p.pid for name, p in group.procs.items()}
        agent = (f"http://127.0.0.1:{settings.console_port}", env) if label == "project" and args.drafts_every else None
        run = drive(f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook", args.customers,
                    args.duration, args.seed, args.think, label, pids, agent, args.drafts_every)
    finally:
        group.stop()
    return summarise(run)


def project_specs(settings: Settings) -> list:
    """`make run`'s processes, with a migrated handoff database in the run's data directory."""
    from bot.cli.processes import action_server_spec, console_spec, rasa_spec, web_spec
    from bot.cli.run import migrate_handoff_db

    migrate_handoff_db(settings)
    return [action_server_spec(settings), rasa_spec(settings), web_spec(settings), console_spec(settings)]


def plain_rasa_specs(model: Path, folder: Path):
    """Stock `rasa run` with `model`, the REST channel only and the in-memory tracker store, beside the same
    action server."""
    from bot.cli.processes import RASA_SERVING_THREADS, ServerSpec, action_server_spec

    def specs(settings: Settings) -> list:
        endpoints, credentials = folder / "endpoints.yml", folder / "credentials.yml"
        endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": settings.action_endpoint_url}}),
                             encoding="utf-8")
        credentials.write_text("rest:\n", encoding="utf-8")
        rasa = ServerSpec("rasa", [str(settings.rasa_bin), "run", "-i", "127.0.0.1", "-p", str(settings.rasa_port),
                                   "-m", str(model), "--endpoints", str(endpoints), "--credentials", str(credentials)],
                          f"http://127.0.0.1:{settings.rasa_port}/",
                          env={"TF_CPP_MIN_LOG_LEVEL": "2", **RASA_SERVING_THREADS})  # the project's thread settings
        return [action_server_spec(settings), rasa]

    return specs


def markdown(flat: dict) -> str:
    rows = ["turns", "conversations", "turns_per_s", "errors", "handed_over_turns", "unexpected_replies",
            *[f"p{q}_ms_{k}" for k in (*TURN_TYPES, "non_llm", "first_reply") for q in (50, 95, 99)],
            "drafts", "drafts_found", "p50_ms_draft", "p95_ms_draft", "rss_total_mb",
            *sorted(k for k in flat if k.startswith("rss_mb_"))]
    lines = ["# Load benchmark", "",
             f"{flat['customers']} simulated customers for {flat['duration_s']} s per stack, each repeating a scripted "
             f"7-turn conversation (greeting, order look-up form with order number and e-mail, one store question, "
             f"thanks, goodbye) with a think time of {flat['think_s']} s between turns (seed {flat['seed']}); a new "
             "conversation id per conversation; REST channel. Plain Rasa: Rasa 3.6's default configuration trained on "
             "the same domain and data, stock REST channel, in-memory tracker store, the same action server, the "
             "same turns. Latency: request sent to all replies received. Memory: peak resident set size per process "
             "(with its children), sampled every second; the total is the peak of the sum. Every turn of the "
             f"window is counted. Machine: {flat['machine_note']}"
             + (f"; CPU yardstick {flat['cpu_reference_ms']} ms (a fixed single-threaded Python workload, measured "
                "before the servers start: higher means slower cores)"
                if "cpu_reference_ms" in flat else "") + ".", "",
             "| | project | plain Rasa |", "|---|---|---|"]
    lines += [f"| {k} | {flat.get(k, '')} | {flat.get('baseline_' + k, 'not run')} |" for k in rows
              if k in flat or "baseline_" + k in flat]
    if "p95_ratio_non_llm" in flat:
        lines += ["", f"Non-LLM turns (rule and form), p95: {flat['p95_ms_non_llm']} ms against plain Rasa's "
                      f"{flat['baseline_p95_ms_non_llm']} ms, ratio {flat['p95_ratio_non_llm']} "
                      f"(target: at most 150 ms and 1.3x)."]
    lines += [
        "",
        f"Memory of the whole project stack under this load: {flat['rss_total_mb']} MB (target: under 3,500 MB).",
    ]
    if "p95_ms_draft" in flat:
        lines += ["", f"Agent reply drafts during the load: {flat['drafts']}, p50 {flat['p50_ms_draft']} ms, p95 "
                      f"{flat['p95_ms_draft']} ms (target: ready within 3,000 ms); {flat['drafts_found']:.0%} "
                      "found an answer."]
    for key, title in (("failures", "project"), ("baseline_failures", "plain Rasa")):
        if flat.get(key):
            lines += ["", f"First failures ({title}):", *[f"- {f}" for f in flat[key]]]
    return "\n".join(lines)


def think_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    low_f, high_f = float(low), float(high or low)
    if low_f < 0 or high_f < low_f:
        raise argparse.ArgumentTypeError("think time: MIN-MAX seconds, e.g. 1-3")
    return low_f, high_f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load per stack")
    parser.add_argument("--think", type=think_range, default=(3.0, 8.0),
                        help="seconds a customer takes to read and type, MIN-MAX")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-baseline", action="store_true", help="skip plain Rasa")
    parser.add_argument("--drafts-every", type=float, default=8.0,
                        help="seconds between the agent's reply drafts on the project's stack (0: no agent)")
    parser.add_argument("--name", default="load")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.duration <= 0:
        parser.error("--customers must be at least 1 and --duration positive")
    settings = Settings.from_env()
    model = settings.models_dir / "concierge.tar.gz"
    for needed in (model, settings.sentiment_model_dir / "head.json"):
        if not needed.exists():
            print(f"bench-load: {needed} is missing: run `make setup` first", file=sys.stderr)
            return 2
    flat: dict = {"customers": args.customers, "duration_s": args.duration,
                  "think_s": f"{args.think[0]:g}-{args.think[1]:g}", "seed": args.seed,
                  "machine_note": f"{os.cpu_count()} cores ({cpu_model() or 'processor not reported'}), every process "
                                  "on this machine",
                  # before anything starts: how fast this machine's cores are, to read the absolute latencies
                  "cpu_reference_ms": cpu_reference_ms(),
                  # how knowledge answers use the chat model (0: every answer waits for its phrasing)
                  "llm_backend": settings.llm_backend, "llm_phrase_slots": settings.llm_phrase_slots,
                  "llm_phrase_budget_s": settings.llm_phrase_budget_s,
                  "llm_phrase_min_chars": settings.llm_phrase_min_chars, "kb_answer_cache": settings.kb_answer_cache,
                  "warm_up": settings.warm_up, "drafts_every_s": args.drafts_every}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        plain = None if args.no_baseline else plain_rasa_model(settings, args.seed, settings.data_dir / "bench")
        flat.update(measure(args, work, "project", project_specs))
        if plain is not None:
            flat.update({f"baseline_{k}": v for k, v in
                         measure(args, work, "plain", plain_rasa_specs(plain, work / "plain")).items()})
    if flat.get("baseline_p95_ms_non_llm"):
        flat["p95_ratio_non_llm"] = round(flat["p95_ms_non_llm"] / flat["baseline_p95_ms_non_llm"], 2)
    json_path, md_path = write_report(args.name, flat, markdown(flat), PROJECT_ROOT / "reports")
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
