"""/api/auth: log in (a bearer token that expires), log out, who am I."""
from __future__ import annotations

from sanic import Blueprint, Request, response

from bot.console.security import body, require_agent, session_token
from bot.handoff.auth import LoginRefused
from bot.handoff.desk import DeskError

bp = Blueprint("auth", url_prefix="/api/auth")


@bp.post("/login")
async def login(request: Request):
    data = body(request)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise DeskError(400, "bad_request", "send username and password")
    try:
        session = await request.app.ctx.run(request.app.ctx.auth.login, username, password, request.ip or "")
    except LoginRefused as refused:
        if refused.rate_limited:
            return response.json({"error": "rate_limited", "message": "too many failed logins; try again later"},
                                 status=429, headers={"Retry-After": str(refused.retry_after_s)})
        return response.json({"error": "invalid_credentials", "message": "wrong username or password"}, status=401)
    return response.json({"token": session.token, "expires_at": session.expires_at, "agent": session.agent.public()})


@bp.post("/logout")
async def logout(request: Request):
    require_agent(request)
    request.app.ctx.auth.logout(session_token(request)[0])
    return response.empty()


@bp.get("/me")
async def me(request: Request):
    return response.json(require_agent(request).public())
