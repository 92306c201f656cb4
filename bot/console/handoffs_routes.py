"""/api/handoffs: the queue, one ticket, and what an agent does with it."""
from __future__ import annotations

from sanic import Blueprint, Request, response

from bot.console.security import body, require_agent

bp = Blueprint("handoffs", url_prefix="/api/handoffs")


@bp.get("/")
async def list_handoffs(request: Request):
    agent = require_agent(request)
    return response.json(request.app.ctx.desk.list(request.args.get("view", "waiting"), agent))


@bp.get("/<handoff_id:int>")
async def get_handoff(request: Request, handoff_id: int):
    require_agent(request)
    return response.json(request.app.ctx.desk.detail(handoff_id))


@bp.post("/<handoff_id:int>/claim")
async def claim(request: Request, handoff_id: int):
    return response.json(await request.app.ctx.desk.claim(handoff_id, require_agent(request)))


@bp.post("/<handoff_id:int>/transfer")
async def transfer(request: Request, handoff_id: int):
    agent = require_agent(request)
    return response.json(await request.app.ctx.desk.transfer(handoff_id, agent, str(body(request).get("to", ""))))


@bp.post("/<handoff_id:int>/reply")
async def reply(request: Request, handoff_id: int):
    agent = require_agent(request)
    return response.json(await request.app.ctx.desk.reply(handoff_id, agent, body(request).get("text")), status=201)


@bp.post("/<handoff_id:int>/resolve")
async def resolve(request: Request, handoff_id: int):
    agent = require_agent(request)
    data = body(request)
    return response.json(await request.app.ctx.desk.resolve(handoff_id, agent, data.get("disposition"),
                                                            data.get("tags"), data.get("note")))
