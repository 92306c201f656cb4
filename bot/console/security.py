"""Who is calling the agent API, and may they.

Two ways in: a bearer token (API clients: the `Authorization` header, or `access_token` for
EventSource), or the console's session cookie (browsers). A cookie is sent by the browser on its own,
so every state-changing call made with it must also carry the CSRF token (double submit: the
`X-CSRF-Token` header, or the form's `csrf` field, equal to the `concierge_csrf` cookie)."""
from __future__ import annotations

import hmac

from sanic import Request

from bot.handoff.desk import DeskError
from bot.handoff.store import Agent

SESSION_COOKIE, CSRF_COOKIE = "concierge_session", "concierge_csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("access_token", "")


def session_token(request: Request) -> tuple[str, bool]:
    """The caller's token and whether it came from the cookie."""
    token = bearer_token(request)
    if token:
        return token, False
    return request.cookies.get(SESSION_COOKIE, ""), True


def csrf_ok(request: Request, submitted: str | None = None) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = submitted if submitted is not None else request.headers.get("x-csrf-token", "")
    return bool(expected) and hmac.compare_digest(expected, given or "")


def current_agent(request: Request) -> Agent | None:
    token, _ = session_token(request)
    return request.app.ctx.auth.authenticate(token)


def require_agent(request: Request, role: str | None = None) -> Agent:
    """The authenticated agent; 401 without a valid session, 403 without the role or, for a cookie
    session changing something, without the CSRF token."""
    token, from_cookie = session_token(request)
    agent = request.app.ctx.auth.authenticate(token)
    if agent is None:
        raise DeskError(401, "unauthorized", "log in first: the session is missing, expired or ended")
    if from_cookie and request.method not in SAFE_METHODS and not csrf_ok(request):
        raise DeskError(403, "csrf", "missing or wrong CSRF token")
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
