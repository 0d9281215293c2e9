"""The history store: one SQLite file, `$REFRESHER_HOME/refresher.db`.

The only module that touches the database. Every write commits at once (autocommit with explicit
short transactions), WAL mode and a busy timeout let two terminals study at the same time, and
schema changes are an ordered list of migrations tracked in `PRAGMA user_version`. A file that is
not a refresher database is reported and never overwritten.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from refresher.errors import StoreError
from refresher.model import Outcome, Question

DB_NAME = "refresher.db"
BUSY_TIMEOUT_MS = 15_000

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
]


def home_dir() -> Path:
    """`$REFRESHER_HOME` if set, else the platform's user data folder."""
    env = os.environ.get("REFRESHER_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("refresher", appauthor=False))


def iso(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("store times must be timezone-aware")
    return now.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class AttemptRow:
    bank: str
    qid: str
    round_id: int | None
    answered_at: str
    given: str
    correct: bool | None
    seconds: float
    mode: str
    qtype: str
    topic: str


class Store:
    """An open history database. Use `open_store()`; close with `close()` or `with`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short immediate transaction, committed on exit."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the history database {self.path}: {exc}") from None

    # --- questions ------------------------------------------------------------------------
    def question_id(self, bank: str, qid: str) -> int:
        """The stable integer id of `bank/qid`, assigned on first use."""
        row = self.conn.execute(
            "SELECT id FROM questions WHERE bank = ? AND qid = ?", (bank, qid)
        ).fetchone()
        if row:
            return int(row[0])
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO questions (bank, qid) VALUES (?, ?)", (bank, qid))
            row = conn.execute(
                "SELECT id FROM questions WHERE bank = ? AND qid = ?", (bank, qid)
            ).fetchone()
        return int(row[0])

    # --- rounds and attempts -----------------------------------------------------------------
    def start_round(self, bank: str, mode: str, seed: int | None, now: datetime) -> int:
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO rounds (bank, mode, seed, started_at) VALUES (?, ?, ?, ?)",
                (bank, mode, seed, iso(now)),
            )
            return int(cur.lastrowid or 0)

    def record_attempt(
        self,
        question: Question,
        outcome: Outcome,
        *,
        seconds: float,
        mode: str,
        now: datetime,
        round_id: int | None = None,
    ) -> int:
        """Store one answer (or skip, `outcome.correct is None`) and commit before returning."""
        qid = self.question_id(question.bank_id, question.id)
        correct = None if outcome.correct is None else int(outcome.correct)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO attempts (question_id, round_id, answered_at, given, correct,"
                " seconds, mode, qtype, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    qid,
                    round_id,
                    iso(now),
                    outcome.given,
                    correct,
                    round(seconds, 3),
                    mode,
                    question.type.value,
                    question.topic,
                ),
            )
            return int(cur.lastrowid or 0)

    def attempts(self, bank: str | None = None) -> list[AttemptRow]:
        sql = (
            "SELECT q.bank, q.qid, a.round_id, a.answered_at, a.given, a.correct, a.seconds,"
            " a.mode, a.qtype, a.topic FROM attempts a JOIN questions q ON q.id = a.question_id"
        )
        args: Sequence[object] = ()
        if bank is not None:
            sql += " WHERE q.bank = ?"
            args = (bank,)
        rows = self.conn.execute(sql + " ORDER BY a.id", args).fetchall()
        return [
            AttemptRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                None if r[5] is None else bool(r[5]),
                r[6],
                r[7],
                r[8],
                r[9],
            )
            for r in rows
        ]


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    if version == len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_store(home: Path | None = None) -> Store:
    """Open (creating if needed) the history database. Raises StoreError, never overwrites."""
    folder = home if home is not None else home_dir()
    path = folder / DB_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the history database {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            raise StoreError(
                f"{path} is not a readable refresher database ({message}); it was left untouched"
                " — move it aside or set REFRESHER_HOME to another folder"
            ) from None
        raise StoreError(f"cannot use the history database {path}: {message}") from None
    return Store(conn, path)


def utcnow() -> datetime:
    """The one place the shell asks for the time; the core receives it as an argument."""
    return datetime.now(UTC)
