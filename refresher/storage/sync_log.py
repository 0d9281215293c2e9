"""The store's side of the sync log (an edge module): this machine's events named, and what a
sync keeps in `sync_state`.

Events are made by triggers in the store (migration 6) in the very transaction of the answer,
review, undo, overrule or suspension, without an id: `name_events` gives each its id
(`MACHINE.SEQ`), its target's id and its payload in the form the file carries, inside a write,
before a sync sends or brings in anything. A setting that affects scheduling is an event too
(`record_settings`), made when it changed. `sync_state` holds the machine the events were named
for, how far this machine's file holds them (`exported_seq`, `exported_size`, `exported_to`),
the line format last read (`format`), the time of the last sync (`last_sync`), and `importing`
while a chunk is stored (the triggers stand by meanwhile). Payloads are stored as JSON with
sorted keys (`compact`).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

import msgspec

from refresher.env import paths
from refresher.storage import replay
from refresher.storage.connection import iso
from refresher.storage.sync_folder import SyncError

_SORTED = msgspec.json.Encoder(order="sorted")


def compact(data: Any) -> str:
    """JSON for the store, keys sorted (msgspec: several times faster than json, the same
    JSON)."""
    return _SORTED.encode(data).decode()


def state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, key: str, value: object) -> None:
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


def name_events(conn: sqlite3.Connection, machine: str) -> None:
    """Give this machine's new events their ids and their file form (in a write)."""
    known = state(conn, "machine")
    if known is None:
        set_state(conn, "machine", machine)
    elif known != machine:
        raise SyncError(
            f"this data folder's events were named for machine {known}, but its machine id"
            f" is now {machine}; put {paths.MACHINE_NAME} back as it was"
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
                (round_id, machine),
            ).fetchone()
            if found is not None:
                data["round"] = found[0]
        conn.execute(
            "UPDATE sync_events SET event_id = ?, machine = ?, payload = ?, target = ?"
            " WHERE seq = ?",
            (f"{machine}.{seq}", machine, compact(data), target, seq),
        )


def record_settings(
    conn: sqlite3.Connection, machine: str, settings: dict[str, Any], now: datetime
) -> None:
    """A `setting` event when the scheduling settings differ from the last one sent (in a
    write)."""
    name_events(conn, machine)
    row = conn.execute(
        "SELECT payload FROM sync_events WHERE bank IS NULL AND kind = 'setting'"
        " AND machine = ? ORDER BY seq DESC LIMIT 1",
        (machine,),
    ).fetchone()
    if row is not None and json.loads(row[0]) == settings:
        return
    cur = conn.execute(
        "INSERT INTO sync_events (machine, at, kind, payload) VALUES (?, ?, 'setting', ?)",
        (machine, iso(now), compact(settings)),
    )
    seq = int(cur.lastrowid or 0)
    conn.execute("UPDATE sync_events SET event_id = ? WHERE seq = ?", (f"{machine}.{seq}", seq))
