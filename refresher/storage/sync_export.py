"""This machine's events out to its file of the sync folder (an edge module).

`export` names this machine's new events (`sync_log.name_events`) and appends the ones not yet in
its file, `limits.SYNC_BATCH` lines at a time, each batch synced to disk before the store records
it sent (`exported_seq`, with the file's size and folder). When the file's size is not the one
the last sync left, the file is read first: the events missing from it (a sync tool rolled it back
to an older copy) are appended again, a torn last line of ours (a crash mid-append) is cut off,
and a file holding events of our id this store never made (another machine with our id: a copied
data folder) is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from refresher.core import limits
from refresher.env import paths
from refresher.storage.events import Event, decode, encode
from refresher.storage.store import Store
from refresher.storage.sync_folder import (
    SyncError,
    append_lines,
    open_regular,
    own_file,
    read_lines,
)
from refresher.storage.sync_log import name_events, set_state, state
from refresher.storage.sync_report import SyncResult


def export(store: Store, folder: Path, machine: str, result: SyncResult) -> None:
    """Append this machine's events not in its file yet, then record them sent."""
    own = own_file(folder, machine)
    try:
        _export(store, folder, machine, result)
    except OSError as exc:
        raise SyncError(f"cannot write {own}: {exc.strerror or exc}") from None


def _export(store: Store, folder: Path, machine: str, result: SyncResult) -> None:
    own = own_file(folder, machine)
    with store.write() as conn:
        name_events(conn, machine)
    last = _own_file_seq(store.conn, folder, machine, result)
    size = None
    while True:
        rows = store.conn.execute(
            "SELECT event_id, at, kind, bank, qid, target, payload FROM sync_events"
            " WHERE machine = ? AND seq > ? ORDER BY seq LIMIT ?",
            (machine, last, limits.SYNC_BATCH),
        ).fetchall()
        if not rows:
            break
        lines = [
            encode(Event(r[0], machine, r[1], r[2], r[3], r[4], r[5], json.loads(r[6])))
            for r in rows
        ]
        size = append_lines(own, lines)
        result.exported += len(rows)
        last = int(rows[-1][0].rpartition(".")[2])
    if size is None:
        try:
            size = own.stat().st_size
        except FileNotFoundError:
            size = 0
    with store.write() as conn:
        set_state(conn, "exported_seq", last)
        set_state(conn, "exported_size", size)
        set_state(conn, "exported_to", folder.resolve())
    result.exported -= result.rewritten_own


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _marked(conn: sqlite3.Connection, folder: Path, now_size: int) -> int | None:
    """The last event the store marks sent, when that mark is of this folder and our file
    there is as the last sync left it; else None (the file must be read)."""
    size = int(state(conn, "exported_size") or -1)
    if state(conn, "exported_to") == str(folder.resolve()) and now_size == size:
        return int(state(conn, "exported_seq") or 0)
    return None


def sent_to(conn: sqlite3.Connection, folder: Path, machine: str) -> int:
    """The last of our events already in our file of `folder`, changing nothing: the store's
    mark when it is of this folder, else read from the file (the mark moves with each sync, so
    after a sync with another folder this one's file tells what it holds)."""
    own = own_file(folder, machine)
    now_size = _size(own)
    marked = _marked(conn, folder, now_size)
    if marked is not None:
        return marked
    found = 0
    if now_size:
        with contextlib.suppress(OSError), open_regular(own) as fh:
            found = max((e.seq for _, e in _ours(fh, machine) if e is not None), default=0)
    return found


def _ours(fh: BinaryIO, machine: str) -> Iterator[tuple[int, Event | None]]:
    """Each whole line of our file (a torn last one ends it): where it ends, and its event
    when it is one of `machine`'s."""
    for end, line in read_lines(fh, 0):
        if not line.endswith(b"\n"):
            return
        event = decode(line)
        yield end, event if isinstance(event, Event) and event.machine == machine else None


def _own_file_seq(conn: sqlite3.Connection, folder: Path, machine: str, result: SyncResult) -> int:
    """The last of our events in our file, from the store's mark when the file is as the
    last sync left it, else by reading it (and cutting a torn last line of ours)."""
    own = own_file(folder, machine)
    seq = int(state(conn, "exported_seq") or 0)
    where = state(conn, "exported_to")
    now_size = _size(own)
    marked = _marked(conn, folder, now_size)
    if marked is not None:
        return marked
    found, good = 0, 0
    if now_size:
        with open_regular(own) as fh:
            ours: list[Event] = []
            for end, event in _ours(fh, machine):
                good = end
                if event is not None:
                    found = max(found, event.seq)
                    ours.append(event)
                    if len(ours) >= 500:
                        _check_ours(conn, own, machine, ours)
                        ours = []
            _check_ours(conn, own, machine, ours)
        if good < now_size:  # a torn line of ours (a crash mid-append): cut it
            os.truncate(own, good)
    if where == str(folder.resolve()) and found < seq:
        result.rewritten_own = int(
            conn.execute(
                "SELECT count(*) FROM sync_events WHERE machine = ? AND seq > ? AND seq <= ?",
                (machine, found, seq),
            ).fetchone()[0]
        )
    return found


def _check_ours(conn: sqlite3.Connection, own: Path, machine: str, events: list[Event]) -> None:
    """Refuse our file when it holds an event of our id that this store did not make."""
    if not events:
        return
    made = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT event_id, at, kind FROM sync_events WHERE event_id IN"
            f" ({', '.join('?' for _ in events)})",
            [e.event_id for e in events],
        )
    }
    if any(made.get(e.event_id) != (e.at, e.kind) for e in events):
        raise SyncError(
            f"{own.name} in the sync folder holds events this machine never made:"
            f" another machine uses the id {machine} (a copied data folder?);"
            f" delete {paths.MACHINE_NAME} in one data folder and sync again"
        )
