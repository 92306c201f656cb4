"""The small chat page on :8080 (Sanic app factory). The full widget comes in its own issue."""
from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Sanic, response

from bot.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"


def pages_blueprint() -> Blueprint:
    bp = Blueprint("pages")

    @bp.get("/")
    async def index(request):
        return await response.file(STATIC_DIR / "index.html")

    @bp.get("/config.json")
    async def config(request):
        s: Settings = request.app.ctx.settings
        return response.json({"rasaUrl": s.rasa_public_url})

    bp.static("/static", STATIC_DIR, name="static")
    return bp


def create_app(settings: Settings | None = None, name: str = "concierge_web") -> Sanic:
    app = Sanic(name)
    app.ctx.settings = settings or Settings.from_env()
    app.blueprint(pages_blueprint())
    return app
