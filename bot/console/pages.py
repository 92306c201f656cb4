"""The agent console's pages on :8090: login (form with CSRF token, session cookie), the queue, a
conversation, search, analytics, the admin page, logout. The pages are static HTML; their data comes from the agent
API, rendered as text.
A browser without a valid session is sent to the login page from every page URL."""
from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

from sanic import Blueprint, Request, response

from bot.console.security import CSRF_COOKIE, SESSION_COOKIE, csrf_ok, current_agent, session_token
from bot.handoff.auth import LoginRefused

STATIC = Path(__file__).resolve().parent / "static"
# pages run only the console's own scripts: an injected <script> or inline handler would not run anyway
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}
bp = Blueprint("pages")
bp.static("/static", STATIC, name="static")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never `//host` or `https://...`) is a place to go after login."""
    return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _cookie(resp, request: Request, name: str, value: str, max_age: int, http_only: bool) -> None:
    resp.add_cookie(name, value, path="/", max_age=max_age, httponly=http_only, samesite="Strict",
                    secure=request.scheme == "https")


def _to_login(request: Request):
    return response.redirect(f"/login?next={quote(request.path)}")


async def _page(request: Request, name: str, role: str | None = None):
    agent = current_agent(request)
    if agent is None:
        return _to_login(request)
    if role == "admin" and agent.role != "admin":
        return response.text("This page needs an admin.", status=403)
    return await response.file(STATIC / name, headers=PAGE_HEADERS)


@bp.get("/login")
async def login_page(request: Request):
    resp = await response.file(STATIC / "login.html", headers=PAGE_HEADERS)
    if not request.cookies.get(CSRF_COOKIE):
        _cookie(resp, request, CSRF_COOKIE, secrets.token_urlsafe(24), 3600 * 24, http_only=False)
    return resp


@bp.post("/login")
async def login_form(request: Request):
    form = request.form or {}
    target = _safe_next(form.get("next"))
    if not csrf_ok(request, form.get("csrf", "")):
        return response.redirect(f"/login?error=expired&next={quote(target)}")
    try:
        session = await request.app.ctx.run(request.app.ctx.auth.login, form.get("username", ""),
                                            form.get("password", ""), request.ip or "")
    except LoginRefused as refused:
        return response.redirect(f"/login?error={'rate' if refused.rate_limited else 'invalid'}&next={quote(target)}")
    resp = response.redirect(target)
    ttl = int(request.app.ctx.settings.session_ttl_s)
    _cookie(resp, request, SESSION_COOKIE, session.token, ttl, http_only=True)
    _cookie(resp, request, CSRF_COOKIE, secrets.token_urlsafe(24), ttl, http_only=False)  # a new one per session
    return resp


@bp.post("/logout")
async def logout(request: Request):
    form = request.form or {}
    if csrf_ok(request, form.get("csrf", "")):
        request.app.ctx.auth.logout(session_token(request)[0])
    resp = response.redirect("/login")
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@bp.get("/")
async def queue(request: Request):
    return await _page(request, "queue.html")


@bp.get("/handoffs/<handoff_id:int>")
async def conversation(request: Request, handoff_id: int):
    return await _page(request, "handoff.html")


@bp.get("/search")
async def search(request: Request):
    return await _page(request, "search.html")


@bp.get("/analytics")
async def analytics(request: Request):
    return await _page(request, "analytics.html")


@bp.get("/admin")
async def admin(request: Request):
    return await _page(request, "admin.html", role="admin")


@bp.get("/<path:path>")
async def anything_else(request: Request, path: str):
    """Every other page URL: the login page when logged out, else "not found"."""
    if path.startswith("api/"):
        return response.json({"error": "not_found", "message": f"no API path /{path}"}, status=404)
    if current_agent(request) is None:
        return _to_login(request)
    return response.text("Not found.", status=404)
