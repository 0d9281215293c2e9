"""A sync of one open store with one folder (an edge module): the pieces tied together.

A sync folder holds one file per machine, `MACHINE.jsonl`, one event per line (`storage.events`),
only ever appended, and only by its machine (`storage.sync_folder`). Events are made by triggers
in the store in the very transaction of the answer, review, undo, overrule or suspension; `Sync`
names them and sends the ones not yet in this machine's file (`storage.sync_log`,
`storage.sync_export`), then brings in every other file of the folder from where the last sync
stopped, in chunks, checking each line (`storage.sync_checks`, `storage.sync_import`), and
replays each card the new events touch, and each card this machine reviewed out of time order
(`storage.sync_cards`, `storage.replay`). What it did is
a `sync_report.SyncResult`; `status` says what is waiting, either way, without changing
anything.

Crash safety: lines are appended whole and synced before the store records them sent; a file's
mark (how far it was read) moves only in the transaction of the rows it covers. A `kill -9`
anywhere leaves a prefix of whole lines (plus at most one torn line) and a store as before or
after a chunk; the next sync reads on from the last chunk stored. Another machine's file is never
written.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from refresher.storage import sync_export, sync_log
from refresher.storage.connection import guarded, iso
from refresher.storage.store import Store
from refresher.storage.sync_folder import (
    SUFFIX,
    check_folder,
    event_files,
    open_regular,
    own_file,
    read_lines,
)
from refresher.storage.sync_import import Importer
from refresher.storage.sync_log import state
from refresher.storage.sync_report import MachineSeen, Progress, SyncResult, SyncStatus


class Sync:
    """Sync of one open store with one folder (see the module's docstring)."""

    def __init__(self, store: Store, folder: Path, machine: str):
        self.store = store
        self.conn = store.conn
        self.path = store.path  # for `guarded`
        self.folder = check_folder(folder)
        self.machine = machine
        self.own = own_file(folder, machine)

    @guarded
    def record_settings(self, settings: dict[str, Any], now: datetime) -> None:
        """A `setting` event when the scheduling settings differ from the last one sent."""
        with self.store.write() as conn:
            sync_log.record_settings(conn, self.machine, settings, now)

    @guarded
    def export(self, result: SyncResult) -> None:
        """Append this machine's events not in its file yet, then record them sent."""
        sync_export.export(self.store, self.folder, self.machine, result)

    @guarded
    def import_all(
        self, result: SyncResult, now: datetime, progress: Progress | None = None
    ) -> None:
        """Bring in every other machine's events not seen yet (`sync_import.Importer`),
        telling `progress` how far each file is read."""
        Importer(self.store, self.folder, self.machine).import_all(result, now, progress)

    # --- status -------------------------------------------------------------------------------
    @guarded
    def status(self) -> SyncStatus:
        sent = sync_export.sent_to(self.conn, self.folder, self.machine)
        to_send = self.conn.execute(
            "SELECT count(*) FROM sync_events WHERE (machine IS NULL OR machine = ?) AND seq > ?",
            (self.machine, sent),
        ).fetchone()[0]
        marks = {r[0]: int(r[1]) for r in self.conn.execute("SELECT name, offset FROM sync_files")}
        to_bring = 0
        for path in event_files(self.folder):
            if path.name == self.own.name:
                continue
            with contextlib.suppress(OSError), open_regular(path) as fh:
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
        own_read = state(self.conn, "last_sync")
        machines = [
            MachineSeen(m, int(n), last, own_read if m == self.machine else changed.get(m))
            for m, n, last in seen
        ]
        return SyncStatus(self.machine, self.folder, int(to_send), to_bring, machines)

    @guarded
    def finished(self, now: datetime) -> None:
        with self.store.write() as conn:
            sync_log.set_state(conn, "last_sync", iso(now))
