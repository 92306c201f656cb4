"""Exactly-once delivery of the widget's messages (pure, stdlib only).

The widget keeps each message in an outbox until the server acknowledges it, and sends it again with the
same id when the acknowledgement was lost; the server remembers the ids it has taken and drops copies."""
from __future__ import annotations

from collections import OrderedDict
from typing import Text


class RecentMessageIds:
    """The last `per_conversation` message ids of the last `conversations` conversations (bounded memory)."""

    def __init__(self, per_conversation: int = 200, conversations: int = 10_000):
        self.per_conversation = per_conversation
        self.conversations = conversations
        self._ids: "OrderedDict[Text, OrderedDict[Text, None]]" = OrderedDict()

    def first_time(self, conversation: Text, message_id: Text) -> bool:
        """True the first time an id is seen in a conversation (and remembers it), False for a copy."""
        ids = self._ids.setdefault(conversation, OrderedDict())
        self._ids.move_to_end(conversation)
        if message_id in ids:
            return False
        ids[message_id] = None
        if len(ids) > self.per_conversation:
            ids.popitem(last=False)
        if len(self._ids) > self.conversations:
            self._ids.popitem(last=False)
        return True

    def forget(self, conversation: Text, message_id: Text) -> None:
        """A message that could not be processed: its next copy is taken."""
        self._ids.get(conversation, {}).pop(message_id, None)
