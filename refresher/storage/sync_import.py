"""The other machines' events brought in from the sync folder, in chunks (an edge module).

`Importer.import_all` reads every `*.jsonl` file of the folder but this machine's own
(conflicted copies included: an event names itself, so a copy only brings duplicates, which are
ignored) from where the last sync stopped, checks each line (`storage.events`,
`storage.sync_checks`), stores the events not seen with the answers and reviews they carry, and
replays each card they touch (`storage.sync_cards`). A file is imported in chunks of
`limits.SYNC_CHUNK` events (or `limits.SYNC_CHUNK_LINES` lines), each one transaction with the
file's mark (how far it was read, and a hash of the bytes before: `sync_folder.tail_at`), so
another command waits for a chunk at most and a sync stopped between two chunks goes on from
there. An undo, an overrule, a suspension, a setting or a quiz round is stored as it comes; an
answer's round may come after it (`_relink`). First, this machine's cards whose own reviews
since the last sync were made out of time order (its clock stepped back:
`sync_cards.out_of_order`) are replayed from the start, as every other machine replays them.

What can go wrong is counted in the result, never fatal: a torn last line (read again next time,
as a sync tool may still be writing it), a line too long, junk or a bad checksum (skipped), a line
from a newer refresher (skipped: upgrade), a file rewritten from an older copy (read again from
the start: events already imported are kept). After an upgrade of the line format every file is
read once more from its start, for the lines skipped as newer.

Speed (`python -m bench sync`): a review's or an answer's line is read straight into its
msgspec shape (`events.decode(shaped=True)`), any other line as plain JSON and checked field by
field. While files are imported Python's cycle collector is off (run once a chunk instead) and
SQLite is set for bulk writes (`_bulk`); each chunk writes its rows with `executemany` and
without the triggers that make this machine's events (`_QUIET`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from refresher.core import limits
from refresher.env import collector
from refresher.storage import migrations, replay, sync_cards
from refresher.storage.connection import iso
from refresher.storage.events import FORMAT, Bad, Event, decode
from refresher.storage.shapes import StoredReview
from refresher.storage.store import Store
from refresher.storage.sync_checks import (
    ANSWER_COLUMNS,
    BadEvent,
    answer_values,
    checked_payload,
    shaped_payload,
)
from refresher.storage.sync_folder import (
    event_files,
    open_regular,
    own_file,
    read_lines,
    tail_at,
    tail_hash,
)
from refresher.storage.sync_log import compact, name_events, set_state, state
from refresher.storage.sync_report import Progress, Reading, SyncResult


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
        self.replayed: dict[int, replay.ReplayedReview] = {}  # review id -> its columns
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
        when it was done (else as recorded: the replay updates them after)."""
        rows = []
        replayed = self.replayed
        for review_id, card_id, at, rating, auto, duration, attempt_id, stored in self.reviews:
            done = replayed.pop(review_id, None)
            if done is None:
                due = replay.stored_time(stored["after"]["fsrs"]["due"])
                rows.append((review_id, card_id, at, rating, auto, duration, due, attempt_id))
            else:
                rows.append(
                    (review_id, card_id, at, rating, auto, duration, done[2], attempt_id) + done[:2]
                )
        self.conn.executemany(
            "INSERT INTO reviews (id, question_id, reviewed_at, rating, auto, duration_ms,"
            " due_after, attempt_id, card_before, state_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r if len(r) == 10 else (*r, None, None) for r in rows],
        )
        self.reviews = []


TELL_LINES = 2_000  # lines read between two tellings of a file's progress


class _Telling:
    """A file's progress told to the import's callback (`Reading`), if it has one: at the
    start, every `TELL_LINES` lines, after each chunk stored and at the end. Nothing is told of
    a file with nothing new to read."""

    def __init__(self, progress: Progress | None, name: str, file: int, files: int):
        self.progress, self.name, self.file, self.files = progress, name, file, files
        self.start_at = self.size = self.lines = 0
        self.next = TELL_LINES if progress is not None else -1  # -1: never

    def start(self, start: int, size: int) -> None:
        self.start_at, self.size = start, size
        if size <= start:
            self.next = -1
        else:
            self(start)

    def line(self, end: int) -> None:
        """A line read, ending at `end`: told every `TELL_LINES`."""
        self.lines += 1
        if self.lines == self.next:
            self.next += TELL_LINES
            self(end)

    def __call__(self, end: int, *, done: bool = False) -> None:
        if self.progress is None or self.size <= self.start_at:
            return
        size = max(self.size, end)  # the file grew while it was read
        self.progress(
            Reading(
                self.name,
                end - self.start_at,
                size - self.start_at,
                self.lines,
                self.file,
                self.files,
                done,
            )
        )


class Importer:
    """The other machines' files of one sync brought in (see the module's docstring)."""

    def __init__(self, store: Store, folder: Path, machine: str):
        self.store = store
        self.conn = store.conn
        self.folder = folder
        self.machine = machine
        self.own = own_file(folder, machine)
        self._ids: dict[tuple[str, str], int] = {}  # (bank, qid) -> card id, while importing
        self._rounds: dict[str, int | None] = {}  # a round event's id -> its `rounds` row
        self._replayed: set[tuple[str, str]] = set()
        self._settings: replay.Settings | None = None  # read again after a setting came in
        self._again: set[str] = set()  # files read again from the start after an upgrade
        self._targets: dict[str, set[str]] = {}  # kind -> event ids undone / overruled
        self._seen: dict[tuple[str | None, str | None], Any] = {}  # see `checked_payload`
        self._relink: list[tuple[str, str]] = []  # (answer, round) of a chunk, to link

    def import_all(
        self, result: SyncResult, now: datetime, progress: Progress | None = None
    ) -> None:
        """Read every other file from where the last sync stopped and import it in chunks: each
        chunk's events, the replay of the cards they touch and the mark of how far the file was
        read are one short transaction, so another command writing the store waits for one
        chunk at most, and a sync stopped between two chunks goes on from there next time.
        `progress` is told how far each file is read (`sync_report.Reading`)."""
        if int(state(self.conn, "format") or 1) < FORMAT:
            # lines an older refresher skipped as newer are in files it marked read: read
            # them all again (what is here already is passed over, and not told as copies)
            with self.store.write() as conn:
                self._again = {r[0] for r in conn.execute("SELECT name FROM sync_files")}
                conn.execute("UPDATE sync_files SET offset = 0, tail = ?", (tail_hash(b""),))
        self._replay_out_of_order()
        files = [p for p in event_files(self.folder) if p.name != self.own.name]
        # collector off, the young garbage collected after each chunk instead
        with collector.paused(), _bulk(self.conn):
            for k, path in enumerate(files, 1):
                self._import_file(result, path, now, _Telling(progress, path.name, k, len(files)))
        if int(state(self.conn, "format") or 1) < FORMAT:
            with self.store.write() as conn:
                set_state(conn, "format", FORMAT)
        result.cards = len(self._replayed)

    def _replay_out_of_order(self) -> None:
        """This machine's cards whose own steps since the last sync were taken out of time
        order (`sync_cards.out_of_order`: its clock stepped back), replayed from the start, as
        every other machine replays them; in one transaction with the mark of how far the
        steps were looked at (`ordered_seq`, moved on by each chunk of events brought in
        right after it, so the next sync does not look through them again)."""
        with self.store.write() as conn:
            name_events(conn, self.machine)
            since = int(state(conn, "ordered_seq") or 0)
            cards = sync_cards.out_of_order(conn, self.machine, since)
            if cards:
                set_state(conn, "importing", 1)
                if self._settings is None:
                    self._settings = sync_cards.settings(conn)
                ids = {card: self._card_id(conn, card) for card in cards}
                before = sync_cards.replay_cards(
                    conn, ids, {}, set(cards), 0, self._settings, self.machine
                )
                conn.executemany(
                    "UPDATE reviews SET card_before = ?, state_before = ?, due_after = ?"
                    " WHERE id = ?",
                    before,
                )
                # Reviews kept their ids but not their states before: the study days `stats`
                # keeps count those, and count again when a row is gone (`storage.days`), or
                # changed like this (no file was read on to tell it).
                conn.execute("UPDATE history_mark SET changed = changed + 1 WHERE id = 1")
                conn.execute("DELETE FROM sync_state WHERE key = 'importing'")
                self._replayed.update(cards)
            upto = conn.execute("SELECT max(seq) FROM sync_events").fetchone()[0]
            set_state(conn, "ordered_seq", int(upto or 0))

    def _import_file(self, result: SyncResult, path: Path, now: datetime, tell: _Telling) -> None:
        name = path.name
        self._seen = {}
        mark = self.conn.execute(
            "SELECT offset, tail FROM sync_files WHERE name = ?", (name,)
        ).fetchone()
        try:
            fh = open_regular(path)
        except OSError:
            result.problem("unreadable", name)
            return
        with fh:
            size = os.fstat(fh.fileno()).st_size
            start = 0
            if mark is not None:
                offset, tail = int(mark[0]), str(mark[1])
                if offset <= size and tail_at(fh, offset) == tail:
                    start = offset
                if start != offset:
                    result.problem("rewritten", name)
            good = start
            machine = None
            batch: list[Event] = []
            add = batch.append
            lines = 0
            ours, most, most_lines = self.machine, limits.SYNC_CHUNK, limits.SYNC_CHUNK_LINES
            tell.start(start, size)
            for end, line in read_lines(fh, start):
                event = decode(line, shaped=True)
                if type(event) is Bad:
                    result.problem(event.why, name)
                    if event.why == "torn":
                        break  # read again next time: the sync tool may be writing it
                else:
                    if machine is None:
                        machine = event.machine
                    if event.machine != ours:  # else ours, in a copy: the store has it
                        add(event)
                good = end
                lines += 1
                tell.line(end)
                if len(batch) >= most or lines >= most_lines:
                    self._import_chunk(result, name, batch, (fh, good, machine), now)
                    batch, lines = [], 0
                    add = batch.append
                    collector.collect_young()  # the chunk's garbage in cycles
                    tell(end)
            self._import_chunk(result, name, batch, (fh, good, machine), now)
            tell(good, done=True)

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
        tail = tail_at(fh, good)
        self._relink = []
        fresh = self._fresh(result, name, batch)  # read only: no lock held yet
        with self.store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('importing', 1)")
            for trigger in _QUIET:  # made again below, in this same transaction
                conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            name_events(conn, self.machine)
            self._targets = {"undo": set(), "overrule": set()}
            for kind, target in conn.execute(
                "SELECT kind, target FROM sync_events WHERE target IS NOT NULL"
            ):
                self._targets.setdefault(kind, set()).add(target)
            job = _Import(conn, result)
            run: list[_Fresh] = []  # answers and reviews, staged together
            for one in fresh:
                if one.text is not None:
                    run.append(one)
                else:
                    self._stage(job, run)
                    run = []
                    job.flush()
                    self._import_event(job, one.event, one.payload)
                    job.renumber()
            self._stage(job, run)
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
            if state(conn, "ordered_seq") == str(job.first_seq - 1):  # none of ours between
                upto = conn.execute("SELECT max(seq) FROM sync_events").fetchone()[0]
                set_state(conn, "ordered_seq", int(upto or 0))
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
        add, seen, brought = fresh.append, self._seen, result.brought
        kinds: Counter[str] = Counter()
        kinds_of = None  # the machine `kinds` counts
        for event in batch:
            payload = event.payload
            event_id, kind = event.event_id, event.kind
            if event_id in known:
                if name not in self._again:
                    result.duplicates += 1
                elif kind == "answer":
                    round_event = _round_of(payload)
                    if isinstance(round_event, str):
                        self._relink.append((event_id, round_event))
                continue
            try:
                if type(payload) is dict:
                    payload = checked_payload(event, seen)
                    answer = payload.get("answer")
                    stored = {k: v for k, v in payload.items() if k != "answer"}  # a row instead
                    answer = None if answer is None else answer_values(answer)
                else:
                    stored, answer = shaped_payload(event, seen)
            except BadEvent:
                result.problem("junk", name)
                continue
            known.add(event_id)
            if event.machine != kinds_of:  # (a file's events are most often of one machine)
                kinds_of = event.machine
                kinds = brought.setdefault(kinds_of, Counter())
            kinds[kind] += 1
            if kind == "review" or kind == "answer":
                add(_Fresh(event, stored, compact(stored), answer))
            else:
                add(_Fresh(event, payload, None, None))
        return fresh

    def _stage(self, job: _Import, run: list[_Fresh]) -> None:
        """Answers and reviews, written in bulk with ids given here (the write lock is held);
        a review not undone is a step of its card's replay. (One loop over many, its lookups
        made once: it runs for every event of a large import.)"""
        conn = job.conn
        ids, card_id_of = self._ids, self._card_id
        undone, overruled = self._targets["undo"], self._targets["overrule"]
        attempts, reviews, events = job.attempts.append, job.reviews.append, job.events.append
        steps_of = job.steps
        step = replay.Step
        attempt_id, review_id, seq = job.attempt_id, job.review_id, job.seq
        for event, stored, text, answer in run:
            card = (event.bank or "", event.qid or "")
            card_id = ids.get(card) or card_id_of(conn, card)
            event_id, kind = event.event_id, event.kind
            a_id = r_id = None
            if kind == "review":
                round_id = None
                cancelled = event_id in undone
            else:
                round_id = self._round_id(conn, stored.get("round"))
                cancelled = False
            if answer is not None and not cancelled:
                if answer[2] == 0 and event_id in overruled:
                    answer = (*answer[:2], 1, *answer[3:8], None, *answer[9:11], 1, answer[12])
                attempt_id += 1
                a_id = attempt_id
                attempts((a_id, card_id, round_id, *answer))
            if kind == "review" and not cancelled:
                review_id += 1
                r_id = review_id
                if type(stored) is StoredReview:  # read from a line: its fields, not keys
                    rating, auto, duration = stored.rating, stored.auto, stored.duration_ms
                else:
                    rating, auto, duration = stored["rating"], stored["auto"], stored["duration_ms"]
                reviews((r_id, card_id, event.at, rating, auto, duration, a_id, stored))
                steps = steps_of.get(card)
                if steps is None:
                    steps = steps_of[card] = []
                steps.append(step("review", event.at, event_id, event.machine, stored, r_id))
            seq += 1
            events(
                (
                    seq,
                    event_id,
                    event.machine,
                    event.at,
                    kind,
                    event.bank,
                    event.qid,
                    text,
                    event.target,
                    r_id,
                    a_id,
                    int(cancelled),
                    round_id,
                )
            )
        job.attempt_id, job.review_id, job.seq = attempt_id, review_id, seq

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
                compact(payload),
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
        """Each card the chunk touched replayed (`sync_cards.replay_cards`); the states before
        of the chunk's reviews kept to write them whole, the others' updated."""
        cards = set(job.steps) | job.full
        if not cards:
            return
        self._replayed.update(cards)
        if self._settings is None:  # read again only after a setting came in
            self._settings = sync_cards.settings(conn)
        ids = {card: self._card_id(conn, card) for card in cards}
        before = sync_cards.replay_cards(
            conn, ids, job.steps, job.full, job.first_seq, self._settings, self.machine
        )
        held = {r[0] for r in job.reviews}
        replayed = job.replayed
        written = []
        for r in before:
            if r[3] in held:
                replayed[r[3]] = r
            else:
                written.append(r)
        conn.executemany(
            "UPDATE reviews SET card_before = ?, state_before = ?, due_after = ? WHERE id = ?",
            written,
        )


def _round_of(payload: Any) -> object:
    """The round an answer's payload names (read either way), or None."""
    if type(payload) is dict:
        return payload.get("round")
    found = getattr(payload, "round", None)
    return None if found is msgspec.UNSET else found


def _overrule(conn: sqlite3.Connection, attempt_id: int) -> None:
    conn.execute(
        "UPDATE attempts SET correct = 1, overruled = 1, mistake = NULL"
        " WHERE id = ? AND correct = 0",
        (attempt_id,),
    )
