"""The customer-facing web server on :8080 (Sanic app factory): the demo storefront, the chat widget
(`/widget.js`, one file with socket.io-client bundled) and the widget's API: where to reach Rasa, the
conversation's history, and satisfaction ratings. The widget may be embedded on another origin, so the API
answers CORS requests from `WIDGET_ALLOWED_ORIGINS`."""
from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from sanic import Blueprint, Request, Sanic, response
from sanic.exceptions import SanicException

from bot.handoff.rasa_client import RasaConversations, RasaUnavailable
from bot.handoff.store import SqlHandoffStore
from bot.settings import Settings
from bot.web.history import RATING_SLOT, history
from bot.web.storefront import load_featured

STATIC_DIR = Path(__file__).resolve().parent / "static"
WIDGET_PARTS = ("vendor/socket.io.min.js", "widget/strings.js", "widget/concierge.js")
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")  # what the widget makes: "web-" + random hex


class ApiError(SanicException):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, status_code=status)
        self.code = code


def widget_bundle() -> str:
    """socket.io-client, the strings and the widget in one script. socket.io-client's UMD wrapper is kept
    from registering with the host page's module loader or replacing the page's own `window.io`."""
    sio, strings, widget = (
        (STATIC_DIR / part).read_text(encoding="utf-8") for part in WIDGET_PARTS)
    return ("/* Concierge chat widget; bundles socket.io-client 4.7.5 (MIT, see /static/vendor/) */\n"
            "(function () {\nvar define, module, exports; var previousIo = window.io;\n" + sio +
            "\n;var io = window.io; window.io = previousIo;\n" + strings + "\n" + widget + "\n})();\n")


def _conversation_id(raw: str) -> str:
    if not CONVERSATION_ID.match(raw or ""):
        raise ApiError(400, "bad_conversation_id", "a conversation id is 8 to 128 letters, digits, '-' or '_'")
    return raw


def pages_blueprint() -> Blueprint:
    bp = Blueprint("pages")

    @bp.get("/")
    async def storefront(request: Request):
        return await response.file(STATIC_DIR / "index.html")

    @bp.get("/widget.js")
    async def widget(request: Request):
        return response.text(request.app.ctx.widget_js, content_type="application/javascript; charset=utf-8",
                             headers={"Cache-Control": "no-cache"})

    bp.static("/static", STATIC_DIR, name="static")
    return bp


def products_blueprint() -> Blueprint:
    bp = Blueprint("products", url_prefix="/api/products")

    @bp.get("/featured")
    async def featured(request: Request):
        return response.json({"products": request.app.ctx.featured})

    return bp


def widget_api_blueprint() -> Blueprint:
    bp = Blueprint("widget_api", url_prefix="/api")

    @bp.get("/widget/config")
    async def config(request: Request):
        s: Settings = request.app.ctx.settings
        return response.json({"socketUrl": s.rasa_public_url, "socketPath": "/socket.io/"})

    @bp.get("/conversations/<conversation_id>/history")
    async def conversation_history(request: Request, conversation_id: str):
        conversation_id = _conversation_id(conversation_id)
        try:
            conversation = await request.app.ctx.rasa.conversation(conversation_id)
        except RasaUnavailable as exc:
            raise ApiError(502, "rasa_unavailable", "the conversation could not be loaded; try again") from exc
        h = history(conversation.events)
        return response.json({"conversation_id": conversation_id, "messages": h.messages,
                              "agent_name": h.agent_name, "rated": h.rated})

    @bp.post("/conversations/<conversation_id>/rating")
    async def rate(request: Request, conversation_id: str):
        conversation_id = _conversation_id(conversation_id)
        body = request.json if request.body else None
        rating = body.get("rating") if isinstance(body, dict) else None
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ApiError(400, "bad_rating", 'send {"rating": n} with n a whole number from 1 to 5')
        ctx = request.app.ctx
        saved = await ctx.run(ctx.store.add_rating, conversation_id, rating, time.time())
        try:  # the conversation keeps it too (a slot event), so its history knows it was rated
            await ctx.rasa.append(conversation_id, [{"event": "slot", "name": RATING_SLOT, "value": rating}])
        except RasaUnavailable:
            pass  # the rating is stored; the prompt may show again after a reload
        return response.json({"id": saved.id, "rating": saved.rating}, status=201)

    return bp


def _cors(app: Sanic) -> None:
    @app.on_request
    async def preflight(request: Request):
        if request.method == "OPTIONS" and request.path.startswith("/api/"):
            return response.empty(status=204)

    @app.on_response
    async def allow_origin(request: Request, resp):
        origin = request.headers.get("origin")
        allowed = request.app.ctx.settings.widget_allowed_origins
        if origin and request.path.startswith("/api/") and ("*" in allowed or origin in allowed):
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Vary"] = "Origin"
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
            resp.headers["Access-Control-Max-Age"] = "600"


def create_app(settings: Settings | None = None, name: str = "concierge_web") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.ctx.settings = settings or Settings.from_env()
    for bp in (pages_blueprint(), products_blueprint(), widget_api_blueprint()):
        app.blueprint(bp)
    _cors(app)

    @app.before_server_start
    async def attach(app: Sanic, _loop=None):
        s: Settings = app.ctx.settings
        app.ctx.run = lambda fn, *args: asyncio.to_thread(fn, *args)
        app.ctx.store = SqlHandoffStore.from_url(s.handoff_db_url)
        await app.ctx.run(app.ctx.store.migrate)
        app.ctx.rasa = RasaConversations(f"http://{s.rasa_host}:{s.rasa_port}", s.rasa_api_token)
        app.ctx.widget_js = widget_bundle()
        app.ctx.featured = load_featured(s.catalog_file)

    @app.after_server_stop
    async def detach(app: Sanic, _loop=None):
        await app.ctx.rasa.close()

    @app.exception(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return response.json({"error": exc.code, "message": str(exc)}, status=exc.status_code)

    @app.exception(SanicException)
    async def http_error(request: Request, exc: SanicException):
        status = getattr(exc, "status_code", 500) or 500
        return response.json({"error": type(exc).__name__, "message": str(exc)}, status=status)

    return app
