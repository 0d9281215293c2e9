"""Opening the history file (an edge module): refusing what is not refresher's, then WAL.

An existing file is checked before a byte is written (`check_existing`): its header is read as
plain bytes, then, if needed, the file is opened read-only. A file of another application
(another `PRAGMA application_id`, or other tables), a damaged one, a FIFO or a folder is refused
with one line naming it, and left exactly as it was. `connect()` then opens it read-write with a
busy timeout, in WAL mode (so that two terminals can study at the same time), with foreign keys
on, and brings its schema up to date (`migrations`).
"""

from __future__ import annotations

import sqlite3
import stat
import time
from pathlib import Path

from refresher.core import limits
from refresher.core.errors import StoreError
from refresher.core.text import excerpt
from refresher.env import paths
from refresher.storage import migrations
from refresher.storage.connection import MOVE_ASIDE, damaged, sqlite_error

BUSY_TIMEOUT_MS = 15_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL mode, retrying while another process holds the lock: SQLite does not wait
    on its busy handler for this switch, so two processes creating the file at the same moment
    would otherwise see "database is locked"."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def check_existing(path: Path) -> None:
    """Refuse an existing file that is not a usable refresher database, writing nothing.

    The header is read as bytes first (SQLite's magic string, `application_id` at offset 68);
    only a file that may be ours is then opened read-only (a read-write open may roll back a hot
    journal or checkpoint a WAL into the file, rewriting it).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read the history database {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a regular file; {MOVE_ASIDE}")
    if info.st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read the history database {path}: {exc.strerror}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise damaged(path, "not an SQLite file")
    marked = int.from_bytes(header[68:72], "big")
    if marked not in (0, migrations.APPLICATION_ID):
        raise _foreign(path)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if len(header) > 18 and header[18] == 2 and not marked and not _wal_of(path).exists():
        # A WAL-mode file nobody has open: read it as is, or SQLite would create -wal and -shm
        # files beside a file that may be another application's.
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the history database {path}: {exc}") from None
    try:
        conn.execute("BEGIN")  # one snapshot: another process may be creating the file now
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            )
        }
        # refresher makes no view, and only the triggers its migrations write: another would
        # run or stand in for its own SQL (a trigger deleting each answer as it is stored, or
        # raising with escape sequences)
        known = migrations.triggers_at(version)
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"
        ).fetchall()
        planted = next(
            (
                (kind, name)
                for kind, name, sql in schema
                if kind == "view" or known.get(name) != migrations.one_spaced(str(sql))
            ),
            None,
        )
        # and each of its own is there: without one, a deletion goes uncounted or an answer
        # unsynced, and what is kept from the history no longer matches it
        lost = sorted(set(known) - {name for kind, name, _ in schema if kind == "trigger"})
        ours = app_id == migrations.APPLICATION_ID
        if ours or (tables and not tables - migrations.tables_at(version)):
            _check_times(conn, path, tables)
    except sqlite3.Error as exc:
        raise sqlite_error(path, exc, "read") from None
    finally:
        conn.close()
    if app_id != 0 and not ours:
        raise _foreign(path)
    if ours and version > len(migrations.MIGRATIONS):  # its triggers may be newer too
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    if planted is not None:
        kind, name = planted
        raise StoreError(
            f"{path} holds a {kind} refresher did not make ({excerpt(str(name), 40)!r});"
            f" {MOVE_ASIDE}"
        )
    if ours and tables - migrations.tables_at(version):
        extra = sorted(tables - migrations.tables_at(version))[0]
        raise StoreError(
            f"{path} holds a table refresher did not make ({excerpt(extra, 40)!r}); {MOVE_ASIDE}"
        )
    if not ours and tables and (version == 0 or tables - migrations.tables_at(version)):
        raise _foreign(path)  # unmarked, with tables refresher did not make
    if version > len(migrations.MIGRATIONS):
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    if missing := migrations.tables_at(version) - tables:
        raise damaged(path, f"schema {version} without its table {sorted(missing)[0]}")
    if ours and lost:
        raise damaged(path, f"schema {version} without its trigger {lost[0]}")


# (table, column, whether every row is checked): the other columns are checked at their
# smallest and largest value only, which their index finds at once; junk text sorts after digits.
_TIME_COLUMNS = (
    ("cards", "due", True),
    ("cards", "introduced_at", True),
    ("cards", "last_review", True),
    ("flags", "flagged_at", True),
    ("attempts", "answered_at", False),
    ("reviews", "reviewed_at", False),
    ("rounds", "started_at", False),
)


def _check_times(conn: sqlite3.Connection, path: Path, tables: set[str]) -> None:
    """Refuse a history whose tables cannot be read or whose stored times are not times.

    Cheap by design (no full integrity check on every start): damage elsewhere is reported as
    a `StoreError` when a query reaches it."""
    low = f"{limits.STORED_YEAR_MIN:04d}-01-01"
    high = f"{limits.STORED_YEAR_MAX:04d}-12-31"
    for table in sorted(tables):  # each table's first pages, where damage shows first
        conn.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
    for table, column, every in _TIME_COLUMNS:
        if table not in tables:
            continue
        if every:
            sql = (
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND"
                f" (julianday({column}) IS NULL OR {column} < '{low}' OR {column} > '{high}')"
                " LIMIT 1"
            )
            bad = [r[0] for r in conn.execute(sql)]
        else:
            # min and max in separate statements: SQLite finds each at one end of the index
            row = [
                conn.execute(f"SELECT {end}({column}) FROM {table}").fetchone()[0]
                for end in ("min", "max")
            ]
            bad = [
                t
                for t in row
                if t is not None
                and (not isinstance(t, str) or not low <= t <= high or _julian(conn, t) is None)
            ]
        if bad:
            raise damaged(
                path, f"{table}.{column} holds {str(bad[0])[:40]!r}, not a time refresher writes"
            )


def _julian(conn: sqlite3.Connection, text: str) -> float | None:
    return conn.execute("SELECT julianday(?)", (text,)).fetchone()[0]


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _foreign(path: Path) -> StoreError:
    return StoreError(
        f"{path} is another application's SQLite database, not refresher's; {MOVE_ASIDE}"
    )


def connect(home: Path | None = None) -> tuple[sqlite3.Connection, Path]:
    """Open (creating if needed) the history database and its path. Raises StoreError, never
    overwrites a file that is not a refresher database, nor a damaged one."""
    path = paths.db_path(home)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None
    check_existing(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the history database {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        enable_wal(conn)
        # WAL with synchronous=NORMAL: a commit is in the WAL file (in the OS's cache) when it
        # returns, so a Ctrl-C, a crash or `kill -9` loses nothing; only a power cut or an OS
        # crash may take back the last commits, never corrupting the file. FULL would fsync
        # at every answer: 25-55 ms each here, before the first question is even shown.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrations.apply(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise sqlite_error(path, exc, "use") from None
    except BaseException:
        conn.close()
        raise
    return conn, path
