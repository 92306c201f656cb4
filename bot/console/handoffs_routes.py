"""/api/handoffs: the queue, one ticket, and what an agent does with it."""
from __future__ import annotations

import asyncio
import dataclasses

from sanic import Blueprint, Request, response

from bot.console.security import body, require_agent
from bot.handoff.desk import DeskError

bp = Blueprint("handoffs", url_prefix="/api/handoffs")


@bp.get("/")
async def list_handoffs(request: Request):
    agent = require_agent(request)
    return response.json(request.app.ctx.desk.list(request.args.get("view", "waiting"), agent))


@bp.get("/search")
async def search(request: Request):
    agent = require_agent(request)
    return response.json(request.app.ctx.desk.search(request.args.get("q", ""), agent))


@bp.get("/<handoff_id:int>/context")
async def context(request: Request, handoff_id: int):
    """The customer and the orders the conversation mentions, from the store."""
    require_agent(request)
    ticket = request.app.ctx.desk.detail(handoff_id)
    store = request.app.ctx.services.store
    orders = []
    for number in ticket["summary"].get("order_numbers", [])[:5]:
        order = await asyncio.to_thread(store.get_order, number)
        if order is not None:
            orders.append(dataclasses.asdict(order))
    return response.json({"customer_email": ticket["customer_email"], "orders": orders})


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


@bp.post("/<handoff_id:int>/draft")
async def draft(request: Request, handoff_id: int):
    """A reply draft for the agent to edit: the grounded answer to the customer's last message (the same
    retrieval, relevance gate and faithfulness check as the assistant's answers), with its sources."""
    require_agent(request)
    texts = request.app.ctx.desk.customer_texts(handoff_id)
    if not texts:
        raise DeskError(409, "nothing_to_answer", "the customer has not written anything yet")
    answers = request.app.ctx.services.answers  # built on first use: the embedding model loads once
    answer = await asyncio.to_thread(answers.answer, texts[-1], texts[-4:-1], f"agent-draft-{handoff_id}")
    if not answer.found:
        return response.json({"found": False, "text": "", "sources": [], "reason": answer.reason})
    return response.json({"found": True, "text": answer.text, **answer.payload()})
