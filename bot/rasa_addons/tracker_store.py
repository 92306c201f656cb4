"""Rasa's SQL tracker store, with SQLite in write-ahead-log mode (`endpoints.yml`: `type:
bot.rasa_addons.tracker_store.WALSQLTrackerStore`).

Rasa runs the tracker store's queries on its event loop, so every commit's wait blocks every conversation.
In SQLite's default mode each commit waits for the disk (fsync of a rollback journal and the database: about
1.4 ms median, 6 ms at p95 here); in WAL mode with `synchronous=NORMAL` a commit is an append to the log, and
the disk sync happens at checkpoints. A crash of Rasa or of the process loses nothing that was committed; a
power cut can lose the last commits, never corrupt the file (https://www.sqlite.org/wal.html). Any other
database (PostgreSQL for scale-out) is Rasa's SQLTrackerStore unchanged."""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def tune_sqlite(dbapi_connection: Any, _record: Any = None) -> None:
    """SQLAlchemy `connect` hook: WAL (persistent in the file) and NORMAL syncs (per connection)."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


class WALSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            from sqlalchemy import event

            event.listen(self.engine, "connect", tune_sqlite)
            self.engine.dispose()  # connections opened while creating the tables get the pragmas too
