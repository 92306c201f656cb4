"""/api/events: the live feed (server-sent events) of new handoffs, customer messages, claims, replies,
transfers and resolutions. `Last-Event-ID` (or `?after=`) resumes after a reconnect."""
from __future__ import annotations

import asyncio
import json
import time

from sanic import Blueprint, Request

from bot.console.security import require_agent, session_token

bp = Blueprint("events", url_prefix="/api/events")
POLL_S, HEARTBEAT_S, RECHECK_S = 0.5, 15.0, 30.0


@bp.get("/")
async def stream(request: Request):
    require_agent(request)
    ctx = request.app.ctx
    start = request.headers.get("last-event-id") or request.args.get("after")
    last = int(start) if start and start.isdigit() else ctx.store.last_activity_id()
    resp = await request.respond(content_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    await resp.send(": connected\n\n")
    beat = checked = time.monotonic()
    while not ctx.stopping.is_set():
        for a in ctx.store.activity_after(last):
            last = a.id
            data = json.dumps({"id": a.id, "handoff_id": a.handoff_id, "kind": a.kind, "data": a.data, "at": a.at})
            await resp.send(f"id: {a.id}\nevent: {a.kind}\ndata: {data}\n\n")
        now = time.monotonic()
        if now - beat > HEARTBEAT_S:
            await resp.send(": keep-alive\n\n")
            beat = now
        if now - checked > RECHECK_S:  # the session expired or was ended: stop streaming
            if ctx.auth.authenticate(session_token(request)[0]) is None:
                break
            checked = now
        try:
            await asyncio.wait_for(ctx.stopping.wait(), POLL_S)
        except asyncio.TimeoutError:
            pass
    await resp.eof()
