"""Who is calling the agent API: the bearer token (header, or `access_token` for EventSource) -> agent."""
from __future__ import annotations

from sanic import Request

from bot.handoff.desk import DeskError
from bot.handoff.store import Agent


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("access_token", "")


def require_agent(request: Request, role: str | None = None) -> Agent:
    """The authenticated agent; 401 without a valid session, 403 without the role."""
    agent = request.app.ctx.auth.authenticate(bearer_token(request))
    if agent is None:
        raise DeskError(401, "unauthorized", "log in first: the session is missing, expired or ended")
    if role == "admin" and agent.role != "admin":
        raise DeskError(403, "forbidden", "this needs an admin")
    return agent


def body(request: Request) -> dict:
    """The JSON object of a request; 400 for anything else."""
    try:
        data = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own BadRequest on malformed JSON
        data = None
    if not isinstance(data, dict):
        raise DeskError(400, "bad_request", "send a JSON object")
    return data
