"""/api/analytics: handoffs per day, reasons, dispositions, time to first agent reply and to resolve."""
from __future__ import annotations

from sanic import Blueprint, Request, response

from bot.console.security import require_agent

bp = Blueprint("analytics", url_prefix="/api/analytics")


@bp.get("/")
async def analytics(request: Request):
    require_agent(request)
    return response.json(request.app.ctx.desk.stats(request.args.get("days", "30")))
