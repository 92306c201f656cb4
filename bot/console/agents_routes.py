"""/api/agents: admins add agents, change roles, disable accounts and reset passwords."""
from __future__ import annotations

from sanic import Blueprint, Request, response

from bot.console.security import body, require_agent
from bot.handoff.desk import DeskError

bp = Blueprint("agents", url_prefix="/api/agents")


@bp.get("/")
async def list_agents(request: Request):
    require_agent(request, "admin")
    return response.json([a.public() for a in request.app.ctx.store.agents()])


@bp.post("/")
async def create_agent(request: Request):
    require_agent(request, "admin")
    data = body(request)
    try:
        agent = await request.app.ctx.run(request.app.ctx.auth.create_agent, str(data.get("username", "")),
                                          str(data.get("password", "")), str(data.get("role", "agent")),
                                          str(data.get("display_name", "")))
    except ValueError as exc:
        raise DeskError(400, "bad_agent", str(exc)) from exc
    return response.json(agent.public(), status=201)


@bp.patch("/<username:str>")
async def update_agent(request: Request, username: str):
    admin = require_agent(request, "admin")
    data = body(request)
    ctx = request.app.ctx
    agent = ctx.store.agent_by_username(username.lower())
    if agent is None:
        raise DeskError(404, "not_found", f"no agent named {username!r}")
    if agent.id == admin.id and (data.get("active") is False or data.get("role") == "agent"):
        raise DeskError(400, "own_account", "an admin cannot disable or demote their own account")
    try:
        if "role" in data:
            if data["role"] not in ("agent", "admin"):
                raise ValueError("role must be agent or admin")
            agent = ctx.store.update_agent(agent.id, role=data["role"])
        if "display_name" in data:
            agent = ctx.store.update_agent(
                agent.id, display_name=str(data["display_name"]).strip()[:120] or agent.username
            )
        if "active" in data:
            agent = ctx.auth.set_active(agent, bool(data["active"]))
        if "password" in data:
            await ctx.run(ctx.auth.set_password, agent, str(data["password"]))
    except ValueError as exc:
        raise DeskError(400, "bad_agent", str(exc)) from exc
    return response.json(agent.public())
