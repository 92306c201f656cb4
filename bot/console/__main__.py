"""The agent API: `python -m bot.console serve`, and account management:

    python -m bot.console create-agent alice --role admin --name "Alice B."   (password from
        $CONCIERGE_AGENT_PASSWORD, or asked for)
    python -m bot.console set-password alice
    python -m bot.console migrate
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from bot.settings import Settings


def _password(confirm: bool = True) -> str:
    env = os.environ.get("CONCIERGE_AGENT_PASSWORD", "")
    if env:
        return env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if confirm and getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.console", description="Concierge agent API")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the agent API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=settings.console_port)
    create = sub.add_parser("create-agent", help="add an agent account")
    create.add_argument("username")
    create.add_argument("--role", choices=["agent", "admin"], default="agent")
    create.add_argument("--name", default="", help="the name customers see (default: the username)")
    reset = sub.add_parser("set-password", help="set an agent's password (ends their sessions)")
    reset.add_argument("username")
    sub.add_parser("migrate", help="bring the handoff database schema up to date")
    args = parser.parse_args(argv)

    if args.command == "serve":
        from bot.console.app import create_app

        create_app(settings).run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
        return 0

    from bot.handoff.auth import AgentAuth
    from bot.handoff.store import SqlHandoffStore

    store = SqlHandoffStore.from_url(settings.handoff_db_url)
    store.migrate()
    if args.command == "migrate":
        print(f"handoff database is up to date ({settings.handoff_db_url.split('@')[-1]})")
        return 0
    auth = AgentAuth(store, settings.session_ttl_s, settings.login_max_failures, settings.login_window_s,
                     settings.bcrypt_rounds)
    try:
        if args.command == "create-agent":
            agent = auth.create_agent(args.username, _password(), args.role, args.name)
            print(f"created {agent.role} {agent.username!r}")
        else:
            agent = store.agent_by_username(args.username.lower())
            if agent is None:
                raise ValueError(f"no agent named {args.username!r}")
            auth.set_password(agent, _password())
            print(f"password of {agent.username!r} changed; their sessions ended")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
