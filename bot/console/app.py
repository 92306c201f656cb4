"""The agent API and console (Sanic app factory): resources are built when the server starts, one
blueprint per resource, every API error answered as JSON `{error, message}`."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import yaml
from sanic import Blueprint, Request, Sanic, response
from sanic.exceptions import SanicException

from bot.console import agents_routes, analytics_routes, auth_routes, events_routes, handoffs_routes, pages
from bot.handoff.auth import AgentAuth
from bot.handoff.desk import AgentDesk, DeskConfig, DeskError
from bot.handoff.rasa_client import RasaConversations
from bot.handoff.store import SqlHandoffStore
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)
OPENAPI = Path(__file__).resolve().parent / "openapi.yml"
MAX_BODY_BYTES = 64 * 1024


def docs_blueprint() -> Blueprint:
    bp = Blueprint("docs", url_prefix="/api")

    @bp.get("/openapi.json")
    async def openapi(request: Request):
        return response.json(request.app.ctx.openapi)

    @bp.get("/health")
    async def health(request: Request):
        return response.json({"status": "ok"})

    return bp


async def _sync_loop(app: Sanic) -> None:
    """Take in customer messages of live handoffs until the server stops."""
    ctx = app.ctx
    while not ctx.stopping.is_set():
        try:
            await ctx.desk.sync()
        except Exception:  # noqa: BLE001 - one bad round must not stop the feed
            log.exception("handoff sync failed; retrying")
        try:
            await asyncio.wait_for(ctx.stopping.wait(), ctx.settings.handoff_sync_interval_s)
        except asyncio.TimeoutError:
            pass


def create_app(settings: Settings | None = None, name: str = "concierge_console") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 3
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings or Settings.from_env()
    for bp in (auth_routes.bp, agents_routes.bp, handoffs_routes.bp, events_routes.bp, analytics_routes.bp,
               docs_blueprint(), pages.bp):
        app.blueprint(bp)

    @app.before_server_start
    async def attach(app: Sanic, _loop=None):
        s: Settings = app.ctx.settings
        store = SqlHandoffStore.from_url(s.handoff_db_url)
        await asyncio.to_thread(store.migrate)
        app.ctx.store = store
        app.ctx.auth = AgentAuth(store, s.session_ttl_s, s.login_max_failures, s.login_window_s, s.bcrypt_rounds)
        app.ctx.rasa = RasaConversations(f"http://{s.rasa_host}:{s.rasa_port}", s.rasa_api_token)
        app.ctx.desk = AgentDesk(store, app.ctx.rasa, DeskConfig(max_reply_chars=s.max_reply_chars,
                                                                  wait_weight_s=s.queue_wait_weight_s))
        app.ctx.openapi = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
        app.ctx.stopping = asyncio.Event()
        app.ctx.run = lambda fn, *args: asyncio.to_thread(fn, *args)  # bcrypt is slow: off the event loop
        # reply drafts use the knowledge base, and an agent can wait a little longer for the phrasing than a shopper
        app.ctx.services = Services(replace(s, llm_phrase_budget_s=s.llm_draft_budget_s))

    @app.after_server_start
    async def start_sync(app: Sanic, _loop=None):
        app.ctx.sync_task = asyncio.create_task(_sync_loop(app))
        if app.ctx.settings.warm_up:  # the first reply draft does not wait for the models to load
            app.ctx.warm_up = asyncio.create_task(asyncio.to_thread(app.ctx.services.warm_up))

    @app.before_server_stop
    async def detach(app: Sanic, _loop=None):
        app.ctx.stopping.set()
        await app.ctx.sync_task
        await app.ctx.rasa.close()

    @app.exception(DeskError)
    async def desk_error(request: Request, exc: DeskError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return response.json({"error": exc.code, "message": exc.message}, status=exc.status, headers=headers)

    @app.exception(SanicException)
    async def http_error(request: Request, exc: SanicException):
        status = getattr(exc, "status_code", 500) or 500
        return response.json({"error": type(exc).__name__, "message": str(exc)}, status=status)

    return app
