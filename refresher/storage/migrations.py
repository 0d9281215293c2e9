"""The history database's schema, as an ordered list of migrations (an edge module).

`PRAGMA user_version` counts the migrations applied; `apply()` runs the missing ones in one
immediate transaction and marks the file as refresher's with `PRAGMA application_id`, so that a
database of another application is never mistaken for ours (see `store.open_store`).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from refresher.core.errors import StoreError

# "RFSH": written at offset 68 of the file header; a file carrying another id is not ours.
APPLICATION_ID = 0x52465348

# Ordered; entry k brings the schema from version k to k + 1. Never edit a released entry.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,          -- the stable card id
        bank TEXT NOT NULL,
        qid TEXT NOT NULL,
        UNIQUE (bank, qid)
    );
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        bank TEXT NOT NULL,
        mode TEXT NOT NULL,
        seed INTEGER,
        started_at TEXT NOT NULL
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        round_id INTEGER REFERENCES rounds (id),
        answered_at TEXT NOT NULL,       -- ISO 8601, UTC
        given TEXT NOT NULL,
        correct INTEGER,                 -- 1 right, 0 wrong, NULL skipped
        seconds REAL NOT NULL,
        mode TEXT NOT NULL,
        qtype TEXT NOT NULL,
        topic TEXT NOT NULL
    );
    CREATE INDEX attempts_by_question ON attempts (question_id, answered_at);
    CREATE INDEX attempts_by_time ON attempts (answered_at);
    CREATE INDEX attempts_by_round ON attempts (round_id);
    """,
    # 2: spaced repetition. One row per card ever rated; every rating logged with what undo needs.
    """
    CREATE TABLE cards (
        question_id INTEGER PRIMARY KEY REFERENCES questions (id),
        fsrs TEXT NOT NULL,              -- py-fsrs Card.to_dict() as JSON
        state INTEGER NOT NULL,          -- fsrs state, copied: 1 learning, 2 review, 3 relearning
        due TEXT NOT NULL,               -- ISO 8601 UTC, copied out of fsrs
        stability REAL,
        last_review TEXT,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL,         -- times forgotten once learnt (Again in review)
        suspended INTEGER NOT NULL DEFAULT 0,
        leech INTEGER NOT NULL DEFAULT 0,
        introduced_at TEXT NOT NULL      -- first rating: today's new cards are counted from it
    );
    CREATE INDEX cards_by_due ON cards (suspended, due);
    CREATE INDEX cards_by_introduction ON cards (introduced_at);
    CREATE INDEX cards_leeches ON cards (leech) WHERE leech = 1;
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        reviewed_at TEXT NOT NULL,       -- ISO 8601 UTC
        rating INTEGER NOT NULL,         -- 1 Again, 2 Hard, 3 Good, 4 Easy
        auto INTEGER NOT NULL,           -- 1 when the rating came from grading and was kept
        duration_ms INTEGER,
        state_before INTEGER,            -- fsrs state before (NULL: a new card)
        due_after TEXT NOT NULL,
        attempt_id INTEGER REFERENCES attempts (id),
        card_before TEXT                 -- the whole cards row before, as JSON (NULL: new card)
    );
    CREATE INDEX reviews_by_time ON reviews (reviewed_at);
    CREATE INDEX reviews_by_question ON reviews (question_id, reviewed_at);
    """,
    # 3: the key points an interview answer covered, as JSON {"of": 5, "covered": [point texts]}
    # (texts, not positions, so a point reworded later is not credited by mistake).
    """
    ALTER TABLE attempts ADD COLUMN points TEXT;
    """,
    # 4: more about each answer: the named mistake a numeric answer matched, the tries it took
    # (and what the first try said), whether the learner overruled a "wrong", and the seed its
    # numbers were drawn from (so `quiz --missed` asks the same numbers again).
    """
    ALTER TABLE attempts ADD COLUMN mistake TEXT;
    ALTER TABLE attempts ADD COLUMN tries INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE attempts ADD COLUMN first_given TEXT;
    ALTER TABLE attempts ADD COLUMN overruled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE attempts ADD COLUMN seed INTEGER;
    """,
    # 5: one-time notices (e.g. "the interview date has passed"), shown once per key.
    """
    CREATE TABLE notices (
        key TEXT PRIMARY KEY,
        shown_at TEXT NOT NULL           -- ISO 8601 UTC
    );
    """,
]


def tables_at(version: int) -> set[str]:
    """The tables a database at schema `version` has."""
    names: set[str] = set()
    for script in MIGRATIONS[:version]:
        names.update(re.findall(r"CREATE TABLE (\w+)", script))
    return names


def apply(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on `conn` (autocommit, outside a transaction) up to date and mark it.

    Raises StoreError for a file written by a newer refresher; sqlite3 errors pass through.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    marked = conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    if version == len(MIGRATIONS) and marked:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
