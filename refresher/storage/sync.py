"""The sync folder (an edge module): this machine's events out, the other machines' in.

A sync folder holds one file per machine, `MACHINE.jsonl`, one event per line (`storage.events`),
only ever appended, and only by its machine. Events are made by triggers in the store
(migration 6) in the very transaction of the answer, review, undo, overrule or suspension;
`Sync` names them (`MACHINE.SEQ`) and appends the ones not yet in this machine's file, then reads
every `*.jsonl` file of the folder (conflicted copies included: an event names itself, so a copy
only brings duplicates, which are ignored) from where the last sync stopped, imports the events
not seen, and replays each card they touch (`storage.replay`). A file is imported in chunks of
`limits.SYNC_CHUNK` events, each one transaction, so another command waits for a chunk at most.
Each replayed card keeps a mark (`sync_cards`): the state reached and the last step in it; a
card whose new steps all come after that step is replayed on the mark's state, any other (a step
that lands earlier, an undo here of a step the mark covers, a setting of the machine) from the
start. Quiz rounds are events too (`round`, format 2), and an answer names its round.

Speed (`python -m bench sync`): a review's or an answer's line is read straight into its
msgspec shape (`events.decode(shaped=True)`, `storage.shapes`: types, bounds and keys checked
in C, the stored payload written from it), any other line as plain JSON and checked field by
field. While files are imported Python's cycle collector is off (run once a chunk instead) and
SQLite is set for bulk writes (`_bulk`); each chunk writes its rows with `executemany` and
without the triggers that make this machine's events (`_QUIET`).

What can go wrong is counted, never fatal: a torn last line (read again next time, as a sync tool
may still be writing it), a line too long, junk or a bad checksum (skipped), a line from a newer
refresher (skipped: upgrade), a file rewritten from an older copy (read again from the start:
events already imported are kept). Another machine's file is never written. This machine's own
file is checked when its size is not the one the last sync left: the events missing from it are
appended again and a torn last line of ours is cut off.

Crash safety: lines are appended whole and synced before the store records them exported; a
file's mark (how far it was read) moves only in the transaction of the rows it covers. A
`kill -9` anywhere leaves a prefix of whole lines (plus at most one torn line) and a store as
before or after a chunk; the next sync reads on from the last chunk stored. After an upgrade of
the line format every file is read once more from its start, for the lines skipped as newer.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import operator
import os
import secrets
import socket
import sqlite3
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from refresher.core import limits
from refresher.core.errors import RefresherError
from refresher.core.model import ID_RE
from refresher.env import paths
from refresher.env.files import write_atomically
from refresher.storage import migrations, replay, shapes
from refresher.storage.connection import guarded, iso
from refresher.storage.events import (
    EVENT_ID_RE,
    FORMAT,
    MACHINE_RE,
    Bad,
    Event,
    decode,
    encode,
    valid_time,
)
from refresher.storage.store import Store

SUFFIX = ".jsonl"
TAIL_BYTES = 64  # the bytes before a file's read offset, hashed: a rewritten file shows
PROBLEMS = ("torn", "too-long", "junk", "checksum", "newer", "rewritten")


class SyncError(RefresherError):
    """The sync folder cannot be used (missing, not a folder, not writable)."""


# --- this machine -------------------------------------------------------------------------------


def _slug(text: str) -> str:
    word = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    word = "-".join(p for p in word.split("-") if p)[:24].strip("-")
    return word or "machine"


def machine_id(home: Path | None = None) -> str:
    """This machine's id, made once from its host name and kept in the data folder."""
    path = paths.machine_file(home)
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncError(f"cannot read {path}: {exc}") from None
    if text:
        if not MACHINE_RE.match(text):
            raise SyncError(f"{path} holds {text[:40]!r}, not a machine id; delete it")
        return text
    made = f"{_slug(socket.gethostname())}-{secrets.token_hex(3)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, (made + "\n").encode("ascii"))
    except OSError as exc:
        raise SyncError(f"cannot write {path}: {exc.strerror}") from None
    return made


@contextlib.contextmanager
def sync_lock(home: Path | None = None) -> Iterator[None]:
    """Held for the whole of a sync: a second sync of the same data folder waits."""
    path = paths.sync_lock_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: SQLite's lock still guards the store
            fcntl = None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- what a sync did ----------------------------------------------------------------------------


@dataclass
class SyncResult:
    machine: str
    exported: int = 0
    rewritten_own: int = 0  # events of ours written again: our file was rolled back
    brought: dict[str, Counter[str]] = field(default_factory=dict)  # machine -> kind -> count
    duplicates: int = 0
    problems: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> file -> count
    cards: int = 0  # cards replayed

    def problem(self, why: str, name: str, n: int = 1) -> None:
        found = self.problems.setdefault(why, {})
        found[name] = found.get(name, 0) + n


@dataclass(frozen=True)
class MachineSeen:
    machine: str
    events: int
    last_event: str | None  # the time of its latest event
    last_read: str | None  # its last sync: its file's time in the folder (ours: the store's)


@dataclass(frozen=True)
class SyncStatus:
    machine: str
    folder: Path
    to_send: int  # events of this machine not in its file yet
    to_bring: int  # lines in the folder not read yet
    machines: list[MachineSeen]


# --- the folder ---------------------------------------------------------------------------------


def check_folder(folder: Path) -> Path:
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise SyncError(f"sync folder {folder} does not exist; create it first") from None
    except OSError as exc:
        raise SyncError(f"cannot use sync folder {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise SyncError(f"sync folder {folder} is not a folder")
    return folder


def event_files(folder: Path) -> list[Path]:
    """The regular `*.jsonl` files of the folder, by name (at most `limits.SYNC_FILES`)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path))
    found.sort(key=lambda p: p.name)
    if len(found) > limits.SYNC_FILES:
        raise SyncError(
            f"sync folder {folder} holds {len(found):,} event files,"
            f" more than {limits.SYNC_FILES:,}"
        )
    return found


def _tail_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _open_regular(path: Path) -> Any:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        raise OSError("not a regular file")
    return fh


def read_lines(fh: Any, start: int) -> Iterator[tuple[int, bytes]]:
    """(offset after, line) for each line from `start`; a line past the limit comes as its
    first `limits.SYNC_LINE_BYTES + 1` bytes and the rest is skipped unread into memory; a last
    line without its newline comes as is (torn)."""
    fh.seek(start)
    limit = limits.SYNC_LINE_BYTES
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of a long line
                more = fh.readline(1 << 16)
                if not more or more.endswith(b"\n"):
                    break
            yield fh.tell(), line[: limit + 1] + b"\n"
            continue
        yield fh.tell(), line


def _append(path: Path, lines: list[bytes]) -> int:
    """Append whole lines and sync them; returns the file's size after."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        data = b"".join(lines)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if created:
        with contextlib.suppress(OSError):
            dfd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    return size


# --- checking what an event carries -------------------------------------------------------------


class BadEvent(ValueError):
    pass


def _text(value: object, most: int, *, none: bool = False) -> str | None:
    if value is None and none:
        return None
    if not isinstance(value, str) or len(value) > most:
        raise BadEvent("a text")
    return value


def _int(value: object, lo: int, hi: int, *, none: bool = False) -> int | None:
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadEvent("a number")
    return value


def _points(value: object) -> str | None:
    text = _text(value, limits.TEXT_CHARS * (limits.ITEMS_PER_QUESTION + 1), none=True)
    if text is None:
        return None
    try:
        data = json.loads(text)
        of, covered = data["of"], data["covered"]
    except (ValueError, TypeError, KeyError, RecursionError):
        raise BadEvent("points") from None
    _int(of, 1, limits.ITEMS_PER_QUESTION)
    if not isinstance(covered, list) or len(covered) > of:
        raise BadEvent("points")
    for c in covered:
        _text(c, limits.TEXT_CHARS)
    return text


def answer_row(value: object) -> dict[str, Any]:
    """The `attempts` columns an event's answer carries, checked."""
    found = _answer_shaped(value)
    return _answer_fields(value) if found is None else found


def _answer_shaped(value: Any) -> dict[str, Any] | None:
    """`answer_row` of an answer of the shape (`storage.shapes`), else None."""
    return _answer_of_shape(value) if shapes.fits(value, shapes.Answer) else None


def _answer_of_shape(value: Any) -> dict[str, Any] | None:
    """`_answer_shaped` of an answer known to have the shape: its time and points read."""
    if not valid_time(value["answered_at"]):
        return None
    points = value.get("points")
    if points is not None:
        try:
            _points(points)
        except BadEvent:
            return None
    get = value.get
    return {
        "answered_at": value["answered_at"],
        "given": value["given"],
        "correct": get("correct"),
        "seconds": float(value["seconds"]),
        "mode": value["mode"],
        "qtype": value["qtype"],
        "topic": value["topic"],
        "points": points,
        "mistake": get("mistake"),
        "tries": value["tries"],
        "first_given": get("first_given"),
        "overruled": value["overruled"],
        "seed": get("seed"),
    }


def _answer_fields(value: object) -> dict[str, Any]:
    """`answer_row`, field by field."""
    if not isinstance(value, dict):
        raise BadEvent("an answer")
    if not valid_time(value.get("answered_at")):
        raise BadEvent("a time")
    seconds = value.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise BadEvent("seconds")
    if not 0 <= seconds <= 10**7:
        raise BadEvent("seconds")
    mode, qtype = value.get("mode"), value.get("qtype")
    for word in (mode, qtype):
        if not isinstance(word, str) or len(word) > 40 or not ID_RE.match(word):
            raise BadEvent("a word")
    return {
        "answered_at": value["answered_at"],
        "given": _text(value.get("given"), limits.INTERVIEW_ANSWER_CHARS),
        "correct": _int(value.get("correct"), 0, 1, none=True),
        "seconds": float(seconds),
        "mode": mode,
        "qtype": qtype,
        "topic": _text(value.get("topic"), 200),
        "points": _points(value.get("points")),
        "mistake": _text(value.get("mistake"), 200, none=True),
        "tries": _int(value.get("tries"), 1, 9),
        "first_given": _text(value.get("first_given"), limits.INTERVIEW_ANSWER_CHARS, none=True),
        "overruled": _int(value.get("overruled"), 0, 1),
        "seed": _int(value.get("seed"), -limits.SQLITE_INT_MAX, limits.SQLITE_INT_MAX, none=True),
    }


ANSWER_COLUMNS = (
    "answered_at",
    "given",
    "correct",
    "seconds",
    "mode",
    "qtype",
    "topic",
    "points",
    "mistake",
    "tries",
    "first_given",
    "overruled",
    "seed",
)
_ANSWER_VALUES = operator.itemgetter(*ANSWER_COLUMNS)


def checked_payload(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None = None
) -> dict[str, Any]:
    """The payload of `event` if it can be what refresher wrote; raises BadEvent.

    `seen` keeps each card's last state after checked: a review's state before that equals it
    (as it does when one machine's reviews of a card follow each other) is not checked again.
    (A state there may be a `shapes.State`, from `_shaped_payload`.)"""
    if event.kind == "review":
        found = _review_shaped(event, seen)
        if found is not None:
            return found
    return _payload_fields(event, seen)


def _shaped_payload(
    event: Event, seen: dict[tuple[str | None, str | None], Any]
) -> tuple[Any, tuple[Any, ...] | None]:
    """`checked_payload` of an event read into its shape (`events.decode(shaped=True)`): (the
    payload as stored, a `shapes.StoredReview` or a dict; the answer's `ANSWER_COLUMNS`). What the
    shapes leave to it is checked as `checked_payload` checks it, and what it refuses,
    `checked_payload` would refuse too (a state before the shape refuses is read the plain
    way)."""
    p = event.payload
    answer = p.answer
    if answer is not None:
        if not valid_time(answer.answered_at):
            raise BadEvent("a time")
        if answer.points is not None:
            _points(answer.points)
        answer = msgspec.structs.astuple(answer)
    if event.kind == "answer":
        return ({} if p.round is msgspec.UNSET else {"round": p.round}), answer
    after, before = p.after, p.before
    if not _state_times(after):
        raise BadEvent("a time")
    card = (event.bank, event.qid)
    trusted = before is None or shapes.same(seen.get(card), before)
    if not trusted and not _state_times(before):
        raise BadEvent("a time")
    seen[card] = after
    return shapes.StoredReview(after, p.auto, before, p.duration_ms, p.rating), answer


def _state_times(state: shapes.State) -> bool:
    fsrs = state.fsrs
    return (
        valid_time(fsrs.due)
        and (fsrs.last_review is None or valid_time(fsrs.last_review))
        and valid_time(state.introduced_at)
    )


def _row_times(value: Any) -> bool:
    """Whether the times of a portable row of the shape are valid (`replay.checked`)."""
    fsrs = value["fsrs"]
    return (
        valid_time(fsrs["due"])
        and (fsrs["last_review"] is None or valid_time(fsrs["last_review"]))
        and valid_time(value["introduced_at"])
    )


def _review_shaped(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None
) -> dict[str, Any] | None:
    """`checked_payload` of a review of the shape (`storage.shapes`), else None."""
    p = event.payload
    if not shapes.fits(p, shapes.Review) or not _row_times(p["after"]):
        return None  # (the shape holds the state after and the answer, not the state before)
    card = (event.bank, event.qid)
    before = p.get("before")
    checked = before is None or (seen is not None and shapes.same(seen.get(card), before))
    if not checked and not (shapes.fits(before, shapes.Row) and _row_times(before)):
        return None
    answer = p.get("answer")
    if answer is not None:
        answer = _answer_of_shape(answer)
        if answer is None:
            return None
    after = p["after"]
    if seen is not None:
        seen[card] = after
    return {
        "rating": p["rating"],
        "auto": p["auto"],
        "duration_ms": p.get("duration_ms"),
        "before": before,
        "after": after,
        "answer": answer,
    }


def _payload_fields(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None = None
) -> dict[str, Any]:
    """`checked_payload`, field by field."""
    p = event.payload
    try:
        if event.kind == "answer":
            found = {"answer": answer_row(p.get("answer"))}
            if "round" in p:  # the quiz round it was given in (format 2)
                round_id = p["round"]
                if not isinstance(round_id, str) or not EVENT_ID_RE.match(round_id):
                    raise BadEvent("a round")
                found["round"] = round_id
            return found
        if event.kind == "round":
            mode = p.get("mode")
            if not isinstance(mode, str) or len(mode) > 40 or not ID_RE.match(mode):
                raise BadEvent("a word")
            bank = p.get("bank")
            if not isinstance(bank, str) or len(bank) > 200 or not ID_RE.match(bank):
                raise BadEvent("a bank")
            return {
                "bank": bank,
                "mode": mode,
                "seed": _int(
                    p.get("seed"), -limits.SQLITE_INT_MAX, limits.SQLITE_INT_MAX, none=True
                ),
            }
        if event.kind == "review":
            answer = p.get("answer")
            after = replay.checked(p.get("after"))
            if after is None:
                raise BadEvent("a review without its state after")
            before = p.get("before")
            card = (event.bank, event.qid)
            if before is not None and (seen is None or not shapes.same(seen.get(card), before)):
                before = replay.checked(before)
            found = {
                "rating": _int(p.get("rating"), 1, 4),
                "auto": _int(p.get("auto"), 0, 1),
                "duration_ms": _int(p.get("duration_ms"), 0, 10**10, none=True),
                "before": before,
                "after": after,
                "answer": None if answer is None else answer_row(answer),
            }
            if seen is not None:
                seen[card] = after
            return found
        if event.kind == "suspend":
            return {"suspended": _int(p.get("suspended"), 0, 1)}
        if event.kind == "setting":
            retention = p.get("desired_retention")
            if isinstance(retention, bool) or not isinstance(retention, int | float):
                raise BadEvent("a retention")
            if not 0.5 <= retention <= 0.999:
                raise BadEvent("a retention")
            return {
                "desired_retention": float(retention),
                "leech_threshold": _int(p.get("leech_threshold"), 1, 99),
            }
        return {}
    except replay.BadRow as exc:
        raise BadEvent(str(exc)) from None


# --- the store's side ---------------------------------------------------------------------------


def _state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_state(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, str(value)))


def _normalised(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A payload as the triggers wrote it, in the form the file carries."""
    if kind == "review":
        before = payload.get("before")
        payload = {
            **payload,
            "before": replay.portable(before),
            "after": replay.portable(payload["after"]),
        }
    return payload


@contextlib.contextmanager
def _collected_per_chunk() -> Iterator[None]:
    """Python's cycle collector off while files are imported, and the young objects collected
    after each chunk instead. An import makes a chunk's worth of containers (each event's
    payload) that all live until the chunk is written: the collector, run every few hundred
    of them, went through them again and again (a third of the CPU time of a large import).
    Collected once a chunk, garbage in cycles still cannot build up: memory stays flat."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def _bulk(conn: sqlite3.Connection) -> Iterator[None]:
    """SQLite set for a large import on this connection, and back as it was after it:

    - a page cache of `limits.SYNC_CACHE_KIB`: an import adds to several indexes in the order
      of the cards (each card's events, answers and reviews); with the default 2 MiB their pages
      were read again from the file at almost every row;
    - the write-ahead log copied into the database every `limits.SYNC_WAL_PAGES` pages (SQLite's
      default: every 1,000), and all of it at the end: each chunk writes more than 1,000 pages,
      and each copy syncs two files to disk. A crash meanwhile loses nothing: the log is the
      database's, replayed by whoever opens it next;
    - foreign keys not checked: an import's rows name only cards, answers and rounds it has
      just written itself, or found, in the same transaction (the sync tests check the whole
      store with `PRAGMA foreign_key_check` after their syncs)."""
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    pages = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-int(limits.SYNC_CACHE_KIB)}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {int(limits.SYNC_WAL_PAGES)}")
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA foreign_keys = {int(keys)}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        with contextlib.suppress(sqlite3.Error):  # busy: a later commit copies it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


# The triggers that make an event of each answer and review stored: an import stores its answers
# and reviews without them. They stand by their `importing` check, yet are run for each row
# (a sixth of the time an import spends writing them): each chunk drops them and makes them
# again in its own transaction, so no other connection ever sees the store without them, and a
# chunk cut short by a crash takes the drop back with the rest.
_QUIET = ("sync_answer", "sync_review")


class _Fresh(NamedTuple):
    """An event to import, checked: its payload, and for an answer or a review the payload as
    stored (JSON, without the answer) and the answer's columns (`ANSWER_COLUMNS`)."""

    event: Event
    payload: dict[str, Any]
    text: str | None
    answer: tuple[Any, ...] | None


class _Import:
    """One chunk's transaction: rows waiting to be written in bulk, the next ids, the new steps
    of each card and the cards to replay from the start."""

    def __init__(self, conn: sqlite3.Connection, result: SyncResult):
        self.conn, self.result = conn, result
        self.steps: dict[tuple[str, str], list[replay.Step]] = {}
        self.full: set[tuple[str, str]] = set()
        self.settings_from: set[str] = set()
        self.attempts: list[tuple[Any, ...]] = []
        self.reviews: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.replayed: dict[int, tuple[Any, ...]] = {}  # review id -> its replayed columns
        self.attempt_id = self.review_id = self.seq = 0  # the last ids given
        self.renumber()
        self.first_seq = self.seq + 1  # the chunk's events are from here

    def renumber(self) -> None:
        def last(table: str, key: str) -> int:
            return int(self.conn.execute(f"SELECT max({key}) FROM {table}").fetchone()[0] or 0)

        self.attempt_id = last("attempts", "id")
        self.review_id = last("reviews", "id")
        self.seq = last("sync_events", "seq")

    def flush(self, *, hold_reviews: bool = False) -> None:
        """Write the rows staged; the reviews wait when `hold_reviews` (the chunk's replay then
        writes them whole, their states before included, instead of updating each after)."""
        conn = self.conn
        if self.attempts:
            columns = ", ".join(ANSWER_COLUMNS)
            conn.executemany(
                f"INSERT INTO attempts (id, question_id, round_id, {columns})"
                f" VALUES (?, ?, ?, {', '.join('?' for _ in ANSWER_COLUMNS)})",
                self.attempts,
            )
        if self.reviews and not hold_reviews:
            self.write_reviews()
        if self.events:
            conn.executemany(
                "INSERT INTO sync_events (seq, event_id, machine, at, kind, bank, qid, payload,"
                " target, review_id, attempt_id, cancelled, round_id) VALUES (?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?, ?, ?)",
                self.events,
            )
        self.attempts, self.events = [], []

    def write_reviews(self) -> None:
        """The staged reviews, with the card before, state before and due after of the replay
        when it was done."""
        rows = []
        for review_id, card_id, at, rating, auto, duration, due, attempt_id in self.reviews:
            card_before, state_before, due = self.replayed.pop(review_id, (None, None, due))
            rows.append(
                (review_id, card_id, at, rating, auto, duration)
                + (due, attempt_id, card_before, state_before)
            )
        self.conn.executemany(
            "INSERT INTO reviews (id, question_id, reviewed_at, rating, auto, duration_ms,"
            " due_after, attempt_id, card_before, state_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.reviews = []


class Sync:
    """Sync of one open store with one folder (see the module's docstring)."""

    def __init__(self, store: Store, folder: Path, machine: str):
        self.store = store
        self.conn = store.conn
        self.path = store.path  # for `guarded`
        self.folder = check_folder(folder)
        self.machine = machine
        self.own = folder / f"{machine}{SUFFIX}"
        self._ids: dict[tuple[str, str], int] = {}  # (bank, qid) -> card id, while importing
        self._targets: dict[str, set[str]] = {}  # kind -> event ids undone / overruled

    # --- naming this machine's events ---------------------------------------------------------
    def _name_events(self, conn: sqlite3.Connection) -> None:
        """Give this machine's new events their ids and their file form (in a write)."""
        known = _state(conn, "machine")
        if known is None:
            _set_state(conn, "machine", self.machine)
        elif known != self.machine:
            raise SyncError(
                f"this data folder's events were named for machine {known}, but its machine id"
                f" is now {self.machine}; put {paths.MACHINE_NAME} back as it was"
            )
        rows = conn.execute(
            "SELECT seq, kind, payload, target_seq, round_id FROM sync_events"
            " WHERE event_id IS NULL ORDER BY seq"
        ).fetchall()
        for seq, kind, payload, target_seq, round_id in rows:
            target = None
            if target_seq is not None:
                found = conn.execute(
                    "SELECT event_id FROM sync_events WHERE seq = ?", (target_seq,)
                ).fetchone()
                target = found[0] if found else None
            data = _normalised(kind, json.loads(payload))
            if kind == "answer" and round_id is not None:  # named before its answers
                found = conn.execute(
                    "SELECT event_id FROM sync_events WHERE round_id = ? AND kind = 'round'"
                    " AND machine = ?",
                    (round_id, self.machine),
                ).fetchone()
                if found is not None:
                    data["round"] = found[0]
            conn.execute(
                "UPDATE sync_events SET event_id = ?, machine = ?, payload = ?, target = ?"
                " WHERE seq = ?",
                (f"{self.machine}.{seq}", self.machine, _compact(data), target, seq),
            )

    @guarded
    def record_settings(self, settings: dict[str, Any], now: datetime) -> None:
        """A `setting` event when the scheduling settings differ from the last one sent."""
        with self.store.write() as conn:
            self._name_events(conn)
            row = conn.execute(
                "SELECT payload FROM sync_events WHERE bank IS NULL AND kind = 'setting'"
                " AND machine = ?"
                " ORDER BY seq DESC LIMIT 1",
                (self.machine,),
            ).fetchone()
            if row is not None and json.loads(row[0]) == settings:
                return
            cur = conn.execute(
                "INSERT INTO sync_events (machine, at, kind, payload) VALUES (?, ?, 'setting', ?)",
                (self.machine, iso(now), _compact(settings)),
            )
            seq = int(cur.lastrowid or 0)
            conn.execute(
                "UPDATE sync_events SET event_id = ? WHERE seq = ?", (f"{self.machine}.{seq}", seq)
            )

    # --- out ----------------------------------------------------------------------------------
    def _own_file_seq(self, result: SyncResult) -> int:
        """The last of our events in our file, from the store's mark when the file is as the
        last sync left it, else by reading it (and cutting a torn last line of ours)."""
        seq = int(_state(self.conn, "exported_seq") or 0)
        size = int(_state(self.conn, "exported_size") or -1)
        where = _state(self.conn, "exported_to")
        try:
            now_size = self.own.stat().st_size
        except FileNotFoundError:
            now_size = 0
        if where == str(self.folder.resolve()) and now_size == size:
            return seq
        found, good = 0, 0
        if now_size:
            with _open_regular(self.own) as fh:
                ours: list[Event] = []
                for end, line in read_lines(fh, 0):
                    if not line.endswith(b"\n"):
                        break
                    good = end
                    event = decode(line)
                    if isinstance(event, Event) and event.machine == self.machine:
                        found = max(found, event.seq)
                        ours.append(event)
                        if len(ours) >= 500:
                            self._check_ours(ours)
                            ours = []
                self._check_ours(ours)
            if good < now_size:  # a torn line of ours (a crash mid-append): cut it
                os.truncate(self.own, good)
        if where == str(self.folder.resolve()) and found < seq:
            result.rewritten_own = int(
                self.conn.execute(
                    "SELECT count(*) FROM sync_events WHERE machine = ? AND seq > ? AND seq <= ?",
                    (self.machine, found, seq),
                ).fetchone()[0]
            )
        return found

    def _check_ours(self, events: list[Event]) -> None:
        """Refuse our file when it holds an event of our id that this store did not make."""
        if not events:
            return
        made = {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(
                "SELECT event_id, at, kind FROM sync_events WHERE event_id IN"
                f" ({', '.join('?' for _ in events)})",
                [e.event_id for e in events],
            )
        }
        if any(made.get(e.event_id) != (e.at, e.kind) for e in events):
            raise SyncError(
                f"{self.own.name} in the sync folder holds events this machine never made:"
                f" another machine uses the id {self.machine} (a copied data folder?);"
                f" delete {paths.MACHINE_NAME} in one data folder and sync again"
            )

    @guarded
    def export(self, result: SyncResult) -> None:
        """Append this machine's events not in its file yet, then record them sent."""
        try:
            self._export(result)
        except OSError as exc:
            raise SyncError(f"cannot write {self.own}: {exc.strerror or exc}") from None

    def _export(self, result: SyncResult) -> None:
        with self.store.write() as conn:
            self._name_events(conn)
        last = self._own_file_seq(result)
        size = None
        while True:
            rows = self.conn.execute(
                "SELECT event_id, at, kind, bank, qid, target, payload FROM sync_events"
                " WHERE machine = ? AND seq > ? ORDER BY seq LIMIT ?",
                (self.machine, last, limits.SYNC_BATCH),
            ).fetchall()
            if not rows:
                break
            lines = [
                encode(Event(r[0], self.machine, r[1], r[2], r[3], r[4], r[5], json.loads(r[6])))
                for r in rows
            ]
            size = _append(self.own, lines)
            result.exported += len(rows)
            last = int(rows[-1][0].rpartition(".")[2])
        if size is None:
            try:
                size = self.own.stat().st_size
            except FileNotFoundError:
                size = 0
        with self.store.write() as conn:
            _set_state(conn, "exported_seq", last)
            _set_state(conn, "exported_size", size)
            _set_state(conn, "exported_to", self.folder.resolve())
        result.exported -= result.rewritten_own

    # --- in -----------------------------------------------------------------------------------
    @guarded
    def import_all(self, result: SyncResult, now: datetime) -> None:
        """Read every other file from where the last sync stopped and import it in chunks: each
        chunk's events, the replay of the cards they touch and the mark of how far the file was
        read are one short transaction, so another command writing the store waits for one
        chunk at most, and a sync stopped between two chunks goes on from there next time."""
        self._ids, self._rounds, self._replayed = {}, {}, set()
        self._settings: replay.Settings | None = None
        self._again: set[str] = set()  # files read again from the start after an upgrade
        if int(_state(self.conn, "format") or 1) < FORMAT:
            # lines an older refresher skipped as newer are in files it marked read: read
            # them all again (what is here already is passed over, and not told as copies)
            with self.store.write() as conn:
                self._again = {r[0] for r in conn.execute("SELECT name FROM sync_files")}
                conn.execute("UPDATE sync_files SET offset = 0, tail = ?", (_tail_hash(b""),))
        with _collected_per_chunk(), _bulk(self.conn):
            for path in event_files(self.folder):
                if path.name != self.own.name:
                    self._import_file(result, path, now)
        if int(_state(self.conn, "format") or 1) < FORMAT:
            with self.store.write() as conn:
                _set_state(conn, "format", FORMAT)
        result.cards = len(self._replayed)

    def _import_file(self, result: SyncResult, path: Path, now: datetime) -> None:
        name = path.name
        self._seen: dict[tuple[str | None, str | None], Any] = {}
        mark = self.conn.execute(
            "SELECT offset, tail FROM sync_files WHERE name = ?", (name,)
        ).fetchone()
        try:
            fh = _open_regular(path)
        except OSError:
            result.problem("unreadable", name)
            return
        with fh:
            size = os.fstat(fh.fileno()).st_size
            start = 0
            if mark is not None:
                offset, tail = int(mark[0]), str(mark[1])
                if offset <= size:
                    fh.seek(max(0, offset - TAIL_BYTES))
                    if _tail_hash(fh.read(offset - max(0, offset - TAIL_BYTES))) == tail:
                        start = offset
                if start != offset:
                    result.problem("rewritten", name)
            good = start
            machine = None
            batch: list[Event] = []
            lines = 0
            for end, line in read_lines(fh, start):
                event = decode(line, shaped=True)
                if isinstance(event, Bad):
                    result.problem(event.why, name)
                    if event.why == "torn":
                        break  # read again next time: the sync tool may be writing it
                else:
                    machine = machine or event.machine
                    if event.machine != self.machine:  # else ours, in a copy: the store has it
                        batch.append(event)
                good, lines = end, lines + 1
                if len(batch) >= limits.SYNC_CHUNK or lines >= limits.SYNC_CHUNK_LINES:
                    self._import_chunk(result, name, batch, (fh, good, machine), now)
                    batch, lines = [], 0
                    gc.collect(1)  # the chunk's garbage: see `_collected_per_chunk`
            self._import_chunk(result, name, batch, (fh, good, machine), now)

    def _import_chunk(
        self,
        result: SyncResult,
        name: str,
        batch: list[Event],
        read: tuple[Any, int, str | None],
        now: datetime,
    ) -> None:
        """One chunk of a file: its events, the cards they touch replayed, and the file's mark
        moved to `good` (the end of the chunk's last whole line), in one transaction."""
        fh, good, machine = read
        at = fh.tell()  # the reading goes on from here
        fh.seek(max(0, good - TAIL_BYTES))
        tail = _tail_hash(fh.read(good - max(0, good - TAIL_BYTES)))
        fh.seek(at)
        self._relink: list[tuple[str, str]] = []
        fresh = self._fresh(result, name, batch)  # read only: no lock held yet
        with self.store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('importing', 1)")
            for trigger in _QUIET:  # made again below, in this same transaction
                conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            self._name_events(conn)
            self._targets = {"undo": set(), "overrule": set()}
            for kind, target in conn.execute(
                "SELECT kind, target FROM sync_events WHERE target IS NOT NULL"
            ):
                self._targets.setdefault(kind, set()).add(target)
            job = _Import(conn, result)
            for one in fresh:
                if one.text is not None:
                    self._stage(job, one)
                else:
                    job.flush()
                    self._import_event(job, one.event, one.payload)
                    job.renumber()
            job.flush(hold_reviews=True)
            for event_id, round_event in self._relink:  # brought in before its round was
                round_id = self._round_id(conn, round_event)
                if round_id is not None:
                    conn.execute(
                        "UPDATE attempts SET round_id = ? WHERE round_id IS NULL AND id ="
                        " (SELECT attempt_id FROM sync_events WHERE event_id = ?)",
                        (round_id, event_id),
                    )
                    conn.execute(
                        "UPDATE sync_events SET round_id = ? WHERE event_id = ?",
                        (round_id, event_id),
                    )
            for from_machine in job.settings_from:  # its reviews may be rated anew
                job.full.update(
                    conn.execute(
                        "SELECT DISTINCT bank, qid FROM sync_events WHERE kind = 'review'"
                        " AND machine = ?",
                        (from_machine,),
                    ).fetchall()
                )
            self._replay(conn, job)
            job.write_reviews()
            conn.execute(
                "INSERT INTO sync_files (name, offset, tail, machine, read_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " offset = excluded.offset, tail = excluded.tail,"
                " machine = coalesce(excluded.machine, machine), read_at = excluded.read_at",
                (name, good, tail, machine, iso(now)),
            )
            for trigger in _QUIET:
                conn.execute(migrations.trigger_sql(trigger))
            conn.execute("DELETE FROM sync_state WHERE key = 'importing'")

    def _fresh(self, result: SyncResult, name: str, batch: list[Event]) -> list[_Fresh]:
        """The events of `batch` not in the store yet, each checked, and an answer's or a
        review's stored payload and answer columns made. Only a sync imports another machine's
        events, and syncs wait for each other: this is done before the chunk's write."""
        ids = [e.event_id for e in batch]
        known: set[str] = set()
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            known.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT event_id FROM sync_events WHERE event_id IN"
                    f" ({', '.join('?' for _ in chunk)})",
                    chunk,
                )
            )
        if len(self._seen) > 4 * limits.SYNC_BATCH:  # bounded: a file of many cards
            self._seen.clear()
        fresh: list[_Fresh] = []
        seen, brought = self._seen, result.brought
        for event in batch:
            payload = event.payload
            if event.event_id in known:
                if name not in self._again:
                    result.duplicates += 1
                elif event.kind == "answer":
                    round_event = _round_of(payload)
                    if isinstance(round_event, str):
                        self._relink.append((event.event_id, round_event))
                continue
            try:
                if type(payload) is dict:
                    payload = checked_payload(event, seen)
                    answer = payload.get("answer")
                    stored = {k: v for k, v in payload.items() if k != "answer"}  # a row instead
                    answer = None if answer is None else _ANSWER_VALUES(answer)
                else:
                    stored, answer = _shaped_payload(event, seen)
            except BadEvent:
                result.problem("junk", name)
                continue
            known.add(event.event_id)
            kinds = brought.get(event.machine)
            if kinds is None:
                kinds = brought[event.machine] = Counter()
            kinds[event.kind] += 1
            if event.kind == "review" or event.kind == "answer":
                fresh.append(_Fresh(event, stored, _compact(stored), answer))
            else:
                fresh.append(_Fresh(event, payload, None, None))
        return fresh

    def _stage(self, job: _Import, fresh: _Fresh) -> None:
        """An answer or a review, written in bulk with ids given here (the write lock is
        held); a review not undone is a step of its card's replay."""
        event, stored, text, answer = fresh
        card = (event.bank or "", event.qid or "")
        card_id = self._ids.get(card) or self._card_id(job.conn, card)
        attempt_id = review_id = None
        round_id = None if event.kind == "review" else self._round_id(job.conn, stored.get("round"))
        # (a review's `stored` is a `shapes.StoredReview` or a dict: both read by key)
        cancelled = event.kind == "review" and event.event_id in self._targets["undo"]
        if answer is not None and not cancelled:
            if answer[2] == 0 and event.event_id in self._targets["overrule"]:
                answer = (*answer[:2], 1, *answer[3:8], None, *answer[9:11], 1, answer[12])
            job.attempt_id += 1
            attempt_id = job.attempt_id
            job.attempts.append((attempt_id, card_id, round_id, *answer))
        if event.kind == "review" and not cancelled:
            job.review_id += 1
            review_id = job.review_id
            due = replay.stored_time(stored["after"]["fsrs"]["due"])
            job.reviews.append(
                (
                    review_id,
                    card_id,
                    event.at,
                    stored["rating"],
                    stored["auto"],
                    stored["duration_ms"],
                    due,
                    attempt_id,
                )
            )
            steps = job.steps.get(card)
            if steps is None:
                steps = job.steps[card] = []
            steps.append(
                replay.Step("review", event.at, event.event_id, event.machine, stored, review_id)
            )
        job.seq += 1
        job.events.append(
            (
                job.seq,
                event.event_id,
                event.machine,
                event.at,
                event.kind,
                event.bank,
                event.qid,
                text,
                event.target,
                review_id,
                attempt_id,
                int(cancelled),
                round_id,
            )
        )

    def _round_id(self, conn: sqlite3.Connection, event_id: str | None) -> int | None:
        """The `rounds` row made here for a round event (None: not brought in)."""
        if event_id is None:
            return None
        if event_id not in self._rounds:
            row = conn.execute(
                "SELECT round_id FROM sync_events WHERE event_id = ? AND kind = 'round'",
                (event_id,),
            ).fetchone()
            self._rounds[event_id] = None if row is None else row[0]
        return self._rounds[event_id]

    def _import_event(self, job: _Import, event: Event, payload: dict[str, Any]) -> None:
        """An undo, an overrule, a suspension, a setting or a quiz round."""
        conn = job.conn
        round_id = None
        if event.kind == "round":
            cur = conn.execute(
                "INSERT INTO rounds (bank, mode, seed, started_at) VALUES (?, ?, ?, ?)",
                (payload["bank"], payload["mode"], payload["seed"], event.at),
            )
            round_id = self._rounds[event.event_id] = int(cur.lastrowid or 0)
        cur = conn.execute(
            "INSERT INTO sync_events (event_id, machine, at, kind, bank, qid, payload, target,"
            " round_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.event_id,
                event.machine,
                event.at,
                event.kind,
                event.bank,
                event.qid,
                _compact(payload),
                event.target,
                round_id,
            ),
        )
        if event.target is not None:
            self._targets.setdefault(event.kind, set()).add(event.target)
        if event.kind == "undo":
            target = conn.execute(
                "SELECT seq, review_id, attempt_id, bank, qid FROM sync_events"
                " WHERE event_id = ? AND kind = 'review' AND cancelled = 0",
                (event.target,),
            ).fetchone()
            if target is not None:
                if target[1] is not None:
                    conn.execute("DELETE FROM reviews WHERE id = ?", (target[1],))
                if target[2] is not None:
                    conn.execute("DELETE FROM attempts WHERE id = ?", (target[2],))
                conn.execute(
                    "UPDATE sync_events SET cancelled = 1, review_id = NULL, attempt_id = NULL"
                    " WHERE seq = ?",
                    (target[0],),
                )
                job.full.add((target[3], target[4]))  # a step taken out: from the start
        elif event.kind == "overrule":
            target = conn.execute(
                "SELECT attempt_id FROM sync_events WHERE event_id = ?", (event.target,)
            ).fetchone()
            if target is not None and target[0] is not None:
                _overrule(conn, int(target[0]))
        elif event.kind == "suspend":
            card = (event.bank or "", event.qid or "")
            job.steps.setdefault(card, []).append(
                replay.Step("suspend", event.at, event.event_id, event.machine, payload)
            )
        elif event.kind == "setting":
            job.settings_from.add(event.machine)
            self._settings = None

    def _card_id(self, conn: sqlite3.Connection, card: tuple[str, str]) -> int:
        found = self._ids.get(card)
        if found is None:
            conn.execute("INSERT OR IGNORE INTO questions (bank, qid) VALUES (?, ?)", card)
            row = conn.execute("SELECT id FROM questions WHERE bank = ? AND qid = ?", card)
            found = self._ids[card] = int(row.fetchone()[0])
        return found

    def _replay(self, conn: sqlite3.Connection, job: _Import) -> None:
        """Each card the chunk touched, replayed on the state its last replay reached when
        every step since comes after that replay's last one (in both orders), else from the
        start; its `cards` row, its reviews' states before, and its mark written in bulk."""
        cards = set(job.steps) | job.full
        if not cards:
            return
        self._replayed.update(cards)
        if self._settings is None:  # read again only after a setting came in
            self._settings = replay.Settings(
                (r[0], r[1], r[2], json.loads(r[3]))
                for r in conn.execute(
                    "SELECT machine, at, event_id, payload FROM sync_events"
                    " WHERE bank IS NULL AND kind = 'setting'"  # bank: an index, not a scan
                )
            )
        settings = self._settings
        ids = {card: self._card_id(conn, card) for card in cards}
        marks: dict[int, tuple[int, str | None, str | None, str | None]] = {}
        wanted = list(ids.values())
        for k in range(0, len(wanted), 500):
            chunk = wanted[k : k + 500]
            for row in conn.execute(
                "SELECT question_id, seq, at, event_id, state FROM sync_cards"
                f" WHERE question_id IN ({', '.join('?' for _ in chunk)})",
                chunk,
            ):
                marks[int(row[0])] = (int(row[1]), row[2], row[3], row[4])
        upto = int(conn.execute("SELECT max(seq) FROM sync_events").fetchone()[0] or 0)
        since = self._since(conn, [ids[c] for c in cards if c not in job.full], job)
        rows: list[dict[str, Any]] = []
        gone: list[tuple[int]] = []
        before: list[tuple[Any, ...]] = []
        marked: list[tuple[Any, ...]] = []
        for card in sorted(cards):
            card_id = ids[card]
            mark = marks.get(card_id)
            steps = None
            if card not in job.full:
                steps = since.get(card_id, [])
                if steps is not None:
                    steps = replay.order(steps + job.steps.get(card, []))
                    key = ("", "") if mark is None else (mark[1] or "", mark[2] or "")
                    if steps and (steps[0].at, steps[0].event_id) <= key:
                        steps = None  # one came before the mark's last step
            start = None
            if steps is None:
                steps = replay.order(self._all_steps(conn, card))
            elif mark is not None and mark[3] is not None:
                start = loads(mark[3])
            done = replay.replay(card_id, steps, settings, start, self.machine, ordered=True)
            if done.row is None:
                gone.append((card_id,))
            else:
                rows.append(done.row)
            before.extend(
                (r.card_before, r.state_before, r.due_after, r.review_id) for r in done.reviews
            )
            last = done.last or (None if start is None or mark is None else (mark[1], mark[2]))
            marked.append(
                (
                    card_id,
                    upto,
                    None if last is None else last[0],
                    None if last is None else last[1],
                    None if done.state is None else dumps(done.state),
                )
            )
        conn.executemany("DELETE FROM cards WHERE question_id = ?", gone)
        if rows:
            fields = list(rows[0])
            conn.executemany(
                f"INSERT OR REPLACE INTO cards ({', '.join(fields)})"
                f" VALUES ({', '.join('?' for _ in fields)})",
                [[r[f] for f in fields] for r in rows],
            )
        held = {r[0] for r in job.reviews}
        job.replayed.update((r[3], r[:3]) for r in before if r[3] in held)
        conn.executemany(
            "UPDATE reviews SET card_before = ?, state_before = ?, due_after = ? WHERE id = ?",
            [r for r in before if r[3] not in held],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO sync_cards (question_id, seq, at, event_id, state)"
            " VALUES (?, ?, ?, ?, ?)",
            marked,
        )

    def _since(
        self, conn: sqlite3.Connection, card_ids: list[int], job: _Import
    ) -> dict[int, list[replay.Step] | None]:
        """The steps of each card before the chunk and after its mark (this machine's: another
        machine's would have replayed the card then), or all of them for a card without a
        mark; None when an undo took out a step the mark covers."""
        found: dict[int, list[replay.Step] | None] = {}
        for k in range(0, len(card_ids), 500):
            chunk = card_ids[k : k + 500]
            for (
                card_id,
                marked,
                kind,
                when,
                eid,
                machine,
                payload,
                review_id,
                cancelled,
            ) in conn.execute(
                "SELECT q.id, m.seq IS NOT NULL, e.kind, e.at, e.event_id, e.machine,"
                " e.payload, e.review_id, e.cancelled FROM questions q"
                " LEFT JOIN sync_cards m ON m.question_id = q.id"
                " JOIN sync_events e ON e.bank = q.bank AND e.qid = q.qid"
                " AND e.seq > coalesce(m.seq, 0) AND e.seq < ?"
                f" WHERE q.id IN ({', '.join('?' for _ in chunk)})"
                " AND e.kind IN ('review', 'suspend', 'undo')",
                (job.first_seq, *chunk),
            ):
                steps = found.setdefault(card_id, [])
                if steps is None:
                    continue
                if kind == "undo":
                    if marked:
                        found[card_id] = None
                elif not cancelled:
                    steps.append(replay.Step(kind, when, eid, machine, loads(payload), review_id))
        return found

    def _all_steps(self, conn: sqlite3.Connection, card: tuple[str, str]) -> list[replay.Step]:
        return [
            replay.Step(r[0], r[1], r[2], r[3], loads(r[4]), r[5])
            for r in conn.execute(
                "SELECT kind, at, event_id, machine, payload, review_id FROM sync_events"
                " WHERE bank = ? AND qid = ? AND kind IN ('review', 'suspend')"
                " AND cancelled = 0",
                card,
            )
        ]

    # --- status -------------------------------------------------------------------------------
    @guarded
    def status(self) -> SyncStatus:
        sent = int(_state(self.conn, "exported_seq") or 0)
        if _state(self.conn, "exported_to") != str(self.folder.resolve()):
            sent = 0
        to_send = self.conn.execute(
            "SELECT count(*) FROM sync_events WHERE (machine IS NULL OR machine = ?) AND seq > ?",
            (self.machine, sent),
        ).fetchone()[0]
        marks = {r[0]: int(r[1]) for r in self.conn.execute("SELECT name, offset FROM sync_files")}
        to_bring = 0
        for path in event_files(self.folder):
            if path.name == self.own.name:
                continue
            with contextlib.suppress(OSError), _open_regular(path) as fh:
                start = marks.get(path.name, 0)
                if os.fstat(fh.fileno()).st_size < start:
                    start = 0
                to_bring += sum(1 for _ in read_lines(fh, start))
        seen = self.conn.execute(
            "SELECT machine, count(*), max(at) FROM sync_events WHERE machine IS NOT NULL"
            " GROUP BY machine ORDER BY machine"
        ).fetchall()
        changed: dict[str, str] = {}  # machine -> when its own file last grew (its last sync)
        for name, m in self.conn.execute(
            "SELECT name, machine FROM sync_files WHERE machine IS NOT NULL"
        ).fetchall():
            if name != f"{m}{SUFFIX}":
                continue  # a copy
            with contextlib.suppress(OSError):
                mtime = (self.folder / name).stat().st_mtime
                changed[m] = iso(datetime.fromtimestamp(mtime, UTC))
        own_read = _state(self.conn, "last_sync")
        machines = [
            MachineSeen(m, int(n), last, own_read if m == self.machine else changed.get(m))
            for m, n, last in seen
        ]
        return SyncStatus(self.machine, self.folder, int(to_send), to_bring, machines)

    @guarded
    def finished(self, now: datetime) -> None:
        with self.store.write() as conn:
            _set_state(conn, "last_sync", iso(now))


_SORTED = msgspec.json.Encoder(order="sorted")
_PLAIN = msgspec.json.Encoder()


def _round_of(payload: Any) -> object:
    """The round an answer's payload names (read either way), or None."""
    if type(payload) is dict:
        return payload.get("round")
    found = getattr(payload, "round", None)
    return None if found is msgspec.UNSET else found


def _compact(data: Any) -> str:
    """JSON for the store, keys sorted (msgspec: several times faster than json, the same
    JSON)."""
    return _SORTED.encode(data).decode()


def dumps(data: dict[str, Any]) -> str:
    return _PLAIN.encode(data).decode()


loads = msgspec.json.decode


def _overrule(conn: sqlite3.Connection, attempt_id: int) -> None:
    conn.execute(
        "UPDATE attempts SET correct = 1, overruled = 1, mistake = NULL"
        " WHERE id = ? AND correct = 0",
        (attempt_id,),
    )
