"""Agent accounts and sessions: bcrypt-hashed passwords, expiring bearer tokens (only their SHA-256 is
stored), roles agent and admin, and login rate limiting that does not reveal which usernames exist."""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Callable

import bcrypt

from bot.handoff.store import Agent, HandoffStore

ROLES = ("agent", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD, MAX_PASSWORD_BYTES = 10, 72  # bcrypt reads at most 72 bytes
SEEN_EVERY_S = 30.0  # how often an agent's "last seen" is written
IP_FACTOR = 10  # one address may fail this many times more than one username (agents share office addresses)


class LoginRefused(Exception):
    """Wrong username or password (`rate_limited` False), or too many failures (`retry_after_s`)."""

    def __init__(self, rate_limited: bool = False, retry_after_s: int = 0):
        super().__init__("too many failed logins" if rate_limited else "wrong username or password")
        self.rate_limited = rate_limited
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: float
    agent: Agent


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentAuth:
    def __init__(self, store: HandoffStore, session_ttl_s: float, max_failures: int, window_s: float,
                 rounds: int = 12, clock: Callable[[], float] = time.time):
        self.store = store
        self.session_ttl_s = session_ttl_s
        self.max_failures = max_failures
        self.window_s = window_s
        self.rounds = rounds
        self.clock = clock
        self._dummy: bytes | None = None

    # --- passwords -----------------------------------------------------------------------
    def hash_password(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=self.rounds)).decode()

    @staticmethod
    def _password_ok(password: str, hashed: str) -> bool:
        data = password.encode()
        return len(data) <= MAX_PASSWORD_BYTES and bcrypt.checkpw(data, hashed.encode())

    @staticmethod
    def check_new_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
        if len(password.encode()) > MAX_PASSWORD_BYTES:
            raise ValueError(f"the password can have at most {MAX_PASSWORD_BYTES} bytes")

    # --- accounts --------------------------------------------------------------------------
    def create_agent(self, username: str, password: str, role: str = "agent", display_name: str = "") -> Agent:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise ValueError("a username has 2-64 characters: lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        self.check_new_password(password)
        if self.store.agent_by_username(username) is not None:
            raise ValueError(f"an agent named {username!r} already exists")
        return self.store.create_agent(username, (display_name or username).strip()[:120],
                                       self.hash_password(password), role, self.clock())

    def set_password(self, agent: Agent, password: str) -> None:
        self.check_new_password(password)
        self.store.update_agent(agent.id, password_hash=self.hash_password(password))
        self.store.delete_sessions_of(agent.id)

    def set_active(self, agent: Agent, active: bool) -> Agent:
        updated = self.store.update_agent(agent.id, active=active)
        if not active:
            self.store.delete_sessions_of(agent.id)
        return updated

    # --- sessions ----------------------------------------------------------------------------
    def _limited(self, keys: list[str], now: float) -> bool:
        return any(self.store.login_failures_since(k, now - self.window_s) >=
                   self.max_failures * (IP_FACTOR if k.startswith("ip:") else 1) for k in keys)

    def login(self, username: str, password: str, client: str = "") -> Session:
        now = self.clock()
        name = (username or "").strip().lower()[:64]
        keys = [f"user:{name}"] + ([f"ip:{client}"] if client else [])
        if self._limited(keys, now):
            raise LoginRefused(rate_limited=True, retry_after_s=int(self.window_s))
        agent = self.store.agent_by_username(name) if name else None
        if agent is None:
            # spend the same time as a real check, so response times do not tell which usernames exist
            if self._dummy is None:
                self._dummy = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=self.rounds))
            bcrypt.checkpw(b"not the password", self._dummy)
            ok = False
        else:
            ok = self._password_ok(password or "", agent.password_hash) and agent.active
        if not ok:
            for key in keys:
                self.store.record_login_failure(key, now)
            raise LoginRefused()
        self.store.clear_login_failures(keys[0])
        token = secrets.token_urlsafe(32)
        expires = now + self.session_ttl_s
        self.store.create_session(token_hash(token), agent.id, now, expires)
        self.store.update_agent(agent.id, last_seen_at=now)
        return Session(token, expires, agent)

    def authenticate(self, token: str) -> Agent | None:
        """The agent a bearer token belongs to, or None (unknown, expired, logged out or disabled)."""
        if not token:
            return None
        now = self.clock()
        agent = self.store.session_agent(token_hash(token), now)
        if agent is not None and (agent.last_seen_at or 0) < now - SEEN_EVERY_S:
            self.store.update_agent(agent.id, last_seen_at=now)
        return agent

    def logout(self, token: str) -> None:
        self.store.delete_session(token_hash(token))
