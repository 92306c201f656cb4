"""The agent desk: what agents do with handoffs (list, read, claim, transfer, reply, resolve) and the
loop that takes in customer messages while a person handles the conversation. Framework-free: the
agent API (bot/console) maps these calls and their `DeskError`s to HTTP."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass
from typing import Callable

from bot.handoff.analytics import handoff_stats
from bot.handoff.queue import priority
from bot.handoff.rasa_client import RasaConversations, RasaUnavailable
from bot.handoff.store import OPEN, Agent, Handoff, HandoffStore
from bot.handoff.tickets import new_customer_messages

log = logging.getLogger(__name__)

VIEWS = {"waiting": ("waiting",), "mine": ("active",), "all": OPEN + ("resolved",), "open": OPEN,
         "resolved": ("resolved",)}
DISPOSITIONS = ("solved", "refund_issued", "replacement_sent", "order_updated", "information_given",
                "no_response", "duplicate", "customer_returned_to_bot", "other")
MAX_TAGS, MAX_TAG_CHARS, MAX_NOTE_CHARS = 10, 40, 4000


class DeskError(Exception):
    """A request the desk refuses: `status` is the HTTP status the API answers with."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class DeskConfig:
    max_reply_chars: int = 2000
    wait_weight_s: float = 600.0
    back_to_bot_intents: tuple[str, ...] = ("back_to_bot",)
    back_to_bot_confidence: float = 0.6


class AgentDesk:
    def __init__(self, store: HandoffStore, rasa: RasaConversations, config: DeskConfig | None = None,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.rasa = rasa
        self.config = config or DeskConfig()
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}

    def _lock(self, handoff_id: int) -> asyncio.Lock:
        return self._locks.setdefault(handoff_id, asyncio.Lock())

    # --- reading ----------------------------------------------------------------------------
    def _get(self, handoff_id: int) -> Handoff:
        handoff = self.store.handoff(handoff_id)
        if handoff is None:
            raise DeskError(404, "not_found", f"no handoff {handoff_id}")
        return handoff

    def _names(self) -> dict[int, str]:
        return {a.id: a.display_name for a in self.store.agents()}

    def _card(self, h: Handoff, names: dict[int, str], now: float) -> dict:
        waited = (h.claimed_at or h.resolved_at or now) - h.created_at
        return {"id": h.id, "conversation_id": h.conversation_id, "channel": h.channel, "status": h.status,
                "mode": h.mode, "reason": h.reason, "frustration": h.frustration,
                "priority": priority(h.frustration, waited if h.status == "waiting" else 0.0, h.reason,
                                     self.config.wait_weight_s),
                "waited_s": round(waited, 1), "summary": h.summary.get("text", ""),
                "agent": names.get(h.agent_id) if h.agent_id else None, "created_at": h.created_at,
                "claimed_at": h.claimed_at, "resolved_at": h.resolved_at, "disposition": h.disposition}

    def list(self, view: str, agent: Agent) -> list[dict]:
        """A queue view, most urgent first (resolved: most recently resolved first)."""
        if view not in VIEWS:
            raise DeskError(400, "bad_view", f"view must be one of {', '.join(VIEWS)}")
        rows = self.store.handoffs(VIEWS[view], agent_id=agent.id if view == "mine" else None)
        names = self._names()
        now = self.clock()
        cards = [self._card(h, names, now) for h in rows]
        if view == "resolved":
            return sorted(cards, key=lambda c: -(c["resolved_at"] or 0))
        # customers waiting in the chat first, then e-mail tickets; within each, the most urgent first
        return sorted(cards, key=lambda c: (c["status"] != "waiting", c["mode"] != "live", -c["priority"],
                                            c["created_at"]))

    def search(self, text, agent: Agent) -> list[dict]:
        """Past and open handoffs mentioning `text` (2 to 200 characters), newest first."""
        text = text.strip() if isinstance(text, str) else ""
        if not 2 <= len(text) <= 200:
            raise DeskError(400, "bad_query", "search for 2 to 200 characters")
        names = self._names()
        now = self.clock()
        return [self._card(h, names, now) for h in self.store.search(text)]

    def stats(self, days) -> dict:
        """Handoffs per day, reasons, time to first agent reply and to resolution, over the last `days` days."""
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 365:
            raise DeskError(400, "bad_days", "days must be a whole number from 1 to 365")
        now = self.clock()
        since = now - days * 86400
        return asdict(handoff_stats(self.store.created_since(since), now, days,
                                    [r.rating for r in self.store.ratings_since(since)]))

    def detail(self, handoff_id: int) -> dict:
        """A ticket with everything an agent reads: transcript, summary, signals, sentiment, sources, messages."""
        h = self._get(handoff_id)
        names = self._names()
        card = self._card(h, names, self.clock())
        card.update({"summary": h.summary, "signals": h.signals, "transcript": h.transcript, "sentiment": h.sentiment,
                     "sources": h.sources, "customer_email": h.customer_email, "tags": h.tags or [], "note": h.note,
                     "first_reply_at": h.first_reply_at,
                     "messages": [{**asdict(m), "agent": names.get(m.agent_id) if m.agent_id else None}
                                  for m in self.store.messages(h.id)]})
        return card

    def customer_texts(self, handoff_id: int) -> list[str]:
        """What the customer wrote, oldest first: before the handoff, then during it."""
        h = self._get(handoff_id)
        before = [t["text"] for t in h.transcript if t.get("sender") == "customer" and not t["text"].startswith("/")]
        return before + [m.text for m in self.store.messages(h.id) if m.sender == "customer"]

    # --- acting -----------------------------------------------------------------------------
    def _check_open(self, h: Handoff) -> None:
        if h.status == "resolved":
            raise DeskError(410, "resolved", f"handoff {h.id} is resolved")

    def _check_holder(self, h: Handoff, agent: Agent) -> None:
        self._check_open(h)
        if h.agent_id is None:
            raise DeskError(409, "not_claimed", f"claim handoff {h.id} first")
        if h.agent_id != agent.id:
            raise DeskError(403, "held_by_other", f"handoff {h.id} is handled by another agent")

    async def _announce(self, h: Handoff, agent: Agent) -> bool:
        try:
            await self.rasa.utter(h.conversation_id, "utter_agent_joined", {"agent_name": agent.display_name})
            return True
        except RasaUnavailable:
            log.warning("could not tell conversation %s that %s joined", h.conversation_id, agent.username,
                        exc_info=True)
            return False

    async def claim(self, handoff_id: int, agent: Agent) -> dict:
        async with self._lock(handoff_id):
            h = self._get(handoff_id)
            self._check_open(h)
            if h.agent_id == agent.id:
                return self.detail(handoff_id)  # claiming twice is harmless
            if not self.store.claim(handoff_id, agent.id, self.clock()):
                raise DeskError(409, "held_by_other", f"handoff {handoff_id} is already handled by another agent")
            if h.mode == "offline":  # the customer may still be in the chat: the person takes over there
                await self._pause(h)
            self.store.add_activity(handoff_id, "claimed", {"agent": agent.username}, self.clock())
            await self._announce(h, agent)
            return self.detail(handoff_id)

    async def _pause(self, h: Handoff) -> None:
        try:
            await self.rasa.pause(h.conversation_id)
        except RasaUnavailable:
            log.warning("could not pause conversation %s", h.conversation_id, exc_info=True)

    async def transfer(self, handoff_id: int, agent: Agent, to_username: str) -> dict:
        async with self._lock(handoff_id):
            h = self._get(handoff_id)
            self._check_open(h)
            if agent.role != "admin":
                self._check_holder(h, agent)
            target = self.store.agent_by_username((to_username or "").strip().lower())
            if target is None or not target.active:
                raise DeskError(400, "unknown_agent", f"no active agent named {to_username!r}")
            if target.id == h.agent_id:
                return self.detail(handoff_id)
            if not self.store.transfer(handoff_id, None if agent.role == "admin" else agent.id, target.id):
                raise DeskError(409, "held_by_other", f"handoff {handoff_id} changed hands; reload it")
            self.store.add_activity(handoff_id, "transferred", {"from": agent.username, "to": target.username},
                                    self.clock())
            await self._announce(h, target)
            return self.detail(handoff_id)

    async def reply(self, handoff_id: int, agent: Agent, text) -> dict:
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            raise DeskError(400, "empty_reply", "the reply has no text")
        if len(text) > self.config.max_reply_chars:
            raise DeskError(413, "reply_too_long", f"a reply can have at most {self.config.max_reply_chars} "
                                                   f"characters; this one has {len(text)}")
        async with self._lock(handoff_id):
            h = self._get(handoff_id)
            self._check_holder(h, agent)
            try:
                await self.rasa.send_text(h.conversation_id, text, {"from": "agent", "agent_name": agent.display_name,
                                                                    "handoff_id": h.id})
            except RasaUnavailable as exc:
                raise DeskError(502, "not_delivered", f"the reply was not delivered, try again: {exc}") from exc
            now = self.clock()
            message = self.store.add_message(h.id, "agent", text, now, agent_id=agent.id)
            self.store.mark_first_reply(h.id, now)
            self.store.add_activity(h.id, "agent_message", {"agent": agent.username, "message_id": message.id,
                                                            "text": text}, now)
            return {**asdict(message), "agent": agent.display_name}

    def _resolution(self, disposition, tags, note) -> tuple[str, list[str], str]:
        if disposition not in DISPOSITIONS:
            raise DeskError(400, "bad_disposition", f"disposition must be one of {', '.join(DISPOSITIONS)}")
        tags = tags or []
        if not isinstance(tags, list) or len(tags) > MAX_TAGS or \
                not all(isinstance(t, str) and 0 < len(t.strip()) <= MAX_TAG_CHARS for t in tags):
            raise DeskError(400, "bad_tags", f"tags: a list of up to {MAX_TAGS} words of up to {MAX_TAG_CHARS} "
                                             f"characters")
        note = note or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
            raise DeskError(400, "bad_note", f"the note is text of up to {MAX_NOTE_CHARS} characters")
        return disposition, sorted({t.strip().lower() for t in tags}), note.strip()

    async def resolve(self, handoff_id: int, agent: Agent | None, disposition, tags=None, note=None) -> dict:
        """Close the ticket and give the conversation back to the assistant, slots intact.

        `agent` None: the customer asked to go back to the assistant."""
        disposition, tags, note = self._resolution(disposition, tags, note)
        async with self._lock(handoff_id):
            h = self._get(handoff_id)
            if agent is not None and agent.role != "admin":
                self._check_holder(h, agent)
            self._check_open(h)
            if not self.store.resolve(h.id, self.clock(), disposition, tags, note):
                raise DeskError(410, "resolved", f"handoff {h.id} is resolved")
            self.store.add_activity(h.id, "resolved", {"agent": agent.username if agent else None,
                                                       "disposition": disposition}, self.clock())
            # an offline ticket nobody took never paused the assistant: nothing to hand back
            paused = h.mode == "live" or h.agent_id is not None
            back = paused and await self._hand_back(h, "utter_back_to_bot" if agent is None else
                                                    "utter_handoff_resolved")
            return {**self.detail(h.id), "assistant_resumed": back}

    async def _hand_back(self, h: Handoff, response: str) -> bool:
        try:
            await self.rasa.resume(h.conversation_id)
            await self.rasa.utter(h.conversation_id, response)
            return True
        except RasaUnavailable:
            log.warning("could not resume conversation %s", h.conversation_id, exc_info=True)
            return False

    # --- taking in customer messages ---------------------------------------------------------
    async def sync(self) -> int:
        """Take in the customer messages of every live handoff since its cursor; returns how many were new.
        A message that asks to go back to the assistant resolves the ticket."""
        taken = 0
        for h in self.store.open_handoffs():
            if h.mode != "live" and h.agent_id is None:
                continue  # offline ticket: the assistant still answers this conversation
            try:
                conversation = await self.rasa.conversation(h.conversation_id)
            except RasaUnavailable:
                log.warning("cannot read conversation %s", h.conversation_id, exc_info=True)
                continue
            cursor = h.feed_cursor
            for m in new_customer_messages(conversation.events, h.feed_cursor):
                cursor = max(cursor, m["at"])
                added = self.store.add_message(h.id, "customer", m["text"], m["at"], sentiment=m["sentiment"],
                                               event_key=f"{h.id}:{m['at']!r}")
                if added is None:
                    continue  # another console instance took it in
                taken += 1
                self.store.add_activity(h.id, "customer_message", {"message_id": added.id, "text": m["text"],
                                                                    "sentiment": m["sentiment"]}, self.clock())
                if m["intent"] in self.config.back_to_bot_intents and \
                        m["intent_confidence"] >= self.config.back_to_bot_confidence:
                    self.store.advance_cursor(h.id, cursor)
                    try:
                        await self.resolve(h.id, None, "customer_returned_to_bot")
                    except DeskError:
                        pass  # resolved meanwhile
                    break
            self.store.advance_cursor(h.id, cursor)
        return taken
