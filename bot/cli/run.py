"""`make run`: start the Rasa server, the action server, the web page and the agent API; Ctrl-C stops them all.

    python -m bot.cli.run
"""
from __future__ import annotations

import signal
import sys
import time

from bot.cli.processes import ProcessGroup, action_server_spec, console_spec, rasa_spec, web_spec
from bot.settings import Settings


def migrate_handoff_db(settings: Settings) -> None:
    from bot.handoff.store import SqlHandoffStore

    try:
        SqlHandoffStore.from_url(settings.handoff_db_url).migrate()
    except Exception as exc:  # noqa: BLE001 - unreachable server, bad URL: say which and stop
        raise RuntimeError(f"the handoff database ({settings.handoff_db_url.split('@')[-1]}) could not be "
                           f"prepared: {exc}") from exc


def main() -> int:
    settings = Settings.from_env()
    group = ProcessGroup(log_dir=settings.data_dir / "logs")
    stopping = False

    def on_signal(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    specs = [action_server_spec(settings), rasa_spec(settings), web_spec(settings), console_spec(settings)]
    print("Starting Concierge (logs in %s) ..." % (settings.data_dir / "logs"), flush=True)
    try:
        migrate_handoff_db(settings)  # once, before the web server and the console open the database
        for spec in specs:
            group.start(spec)
        deadline = time.monotonic() + 300
        while not stopping:
            try:
                group.wait_ready(specs, timeout=2)
                break
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
        if not stopping:
            print(f"\nConcierge is running:\n"
                  f"  storefront     http://localhost:{settings.web_port}  (chat widget: /widget.js)\n"
                  f"  Rasa server    http://localhost:{settings.rasa_port}  (REST: /webhooks/rest/webhook, socket.io)\n"
                  f"  action server  http://localhost:{settings.action_port}/webhook\n"
                  f"  agent console  http://localhost:{settings.console_port}  (API: /api, OpenAPI: /api/openapi.json;"
                  f" add an agent: make agent AGENT=name ROLE=admin)\n"
                  f"Press Ctrl-C to stop.", flush=True)
        while not stopping:
            dead = group.exited()
            if dead:
                print(f"stopped unexpectedly: {dead}; stopping the rest", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Concierge could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        print("Stopping Concierge ...", flush=True)
        group.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
