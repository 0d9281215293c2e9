"""The history store: one SQLite file, `$REFRESHER_HOME/refresher.db` (an edge module).

The one door to the database (its schema is in `migrations`, its path in `paths`): `open_store()`
gives a `Store`, whose methods come from one module per concern:

- `opening`: refusing a foreign or damaged file, left exactly as it was; WAL and busy timeout;
- `connection`: the short write transactions, the one-line errors, the stored time format;
- `attempts`: questions and their ids, rounds and answers;
- `cards`: card states, ratings (settled on the state as stored, under the write lock), undo;
- `memory`: the review history as FSRS training data, and card states rescheduled;
- `queries`: the read-only queries behind stats, plan and redo rounds;
- `history`: the whole history streamed for `refresher history` and its exports;
- `browse`: the reads of the home screen, `find` and `show`;
- `flags`: the questions the learner flagged to look at again.

Every write commits at once (autocommit with explicit short transactions); WAL mode and a busy
timeout let two terminals study at the same time. A value read back that cannot be right (a time
that does not parse, a page SQLite calls malformed) is a `StoreError` saying the file is damaged.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from refresher.env import paths
from refresher.storage.attempts import AttemptRow, Attempts, ScoredAnswer
from refresher.storage.browse import Browse
from refresher.storage.cards import Cards, ReviewRecord, UndoConflict
from refresher.storage.connection import Closing, guarded, iso
from refresher.storage.days import Days
from refresher.storage.flags import Flag, Flags
from refresher.storage.history import Extent, History
from refresher.storage.memory import Memory
from refresher.storage.opening import BUSY_TIMEOUT_MS, SQLITE_MAGIC, connect
from refresher.storage.queries import Queries

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "SQLITE_MAGIC",
    "AttemptRow",
    "Extent",
    "Flag",
    "OnStore",
    "ReviewRecord",
    "ScoredAnswer",
    "Store",
    "UndoConflict",
    "iso",
    "open_store",
]

DB_NAME = paths.DB_NAME


class Store(Attempts, Cards, Memory, Queries, Days, History, Browse, Flags):
    """An open history database. Use `open_store()`; close with `close()` or `with`."""

    # --- one-time notices --------------------------------------------------------------------
    @guarded
    def notice_once(self, key: str, now: datetime) -> bool:
        """True the first time `key` is asked for (and records it), False ever after."""
        with self.write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notices (key, shown_at) VALUES (?, ?)", (key, iso(now))
            )
            return cur.rowcount == 1


class OnStore(Closing):
    """What the app keeps over one open store: closing it closes the store."""

    def __init__(self, store: Store):
        self.store = store

    def close(self) -> None:
        self.store.close()


def open_store(home: Path | None = None) -> Store:
    """Open (creating if needed) the history database. Raises StoreError, never overwrites a
    file that is not a refresher database, nor a damaged one."""
    return Store(*connect(home))
