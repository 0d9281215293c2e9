"""The cards a sync touched, replayed on their marks (an edge module): owns `sync_cards`.

Each card a sync replays keeps a mark: the sequence number of the last event it covers, the
(time, event id) of the last step replayed and the state reached. A card whose new steps all
come after that step is replayed on the mark's state; any other (a step that lands earlier, an
undo here of a step the mark covers, a setting of a machine whose reviews it holds) from the
start (`storage.replay`). Its `cards` row, its reviews' states before and its mark are written
in bulk, in the caller's transaction.

A card only this machine's steps touched since its mark is not replayed by an import: its state
is the one computed as each review was made. That is the replay too, unless this clock stepped
back and a step was taken before one already taken (`out_of_order`): such a card is replayed
from the start at the next sync.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

import msgspec

from refresher.storage import replay

Card = tuple[str, str]  # (bank, qid)

_PLAIN = msgspec.json.Encoder()


def dumps(data: dict[str, Any]) -> str:
    return _PLAIN.encode(data).decode()


loads = msgspec.json.decode


def settings(conn: sqlite3.Connection) -> replay.Settings:
    """Each machine's scheduling settings by time, from the `setting` events."""
    return replay.Settings(
        (r[0], r[1], r[2], json.loads(r[3]))
        for r in conn.execute(
            "SELECT machine, at, event_id, payload FROM sync_events"
            " WHERE bank IS NULL AND kind = 'setting'"  # bank: an index, not a scan
        )
    )


def replay_cards(
    conn: sqlite3.Connection,
    ids: dict[Card, int],
    new: dict[Card, list[replay.Step]],
    full: set[Card],
    first_seq: int,
    rules: replay.Settings,
    machine: str,
) -> list[tuple[Any, ...]]:
    """Each card of `ids` (card -> its id) replayed: on the state its mark reached when every
    step since (`new`: the steps of the events from `first_seq` on; the store's, from after the
    mark to there) comes after the mark's last one, else from the start (and always a card of
    `full`). Their `cards` rows and marks are written; returned: each replayed review's
    (card before, state before, due after, review id: `replay.ReplayedReview`), for the
    caller to store."""
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
    since = _since(conn, [ids[c] for c in ids if c not in full], first_seq)
    rows: list[dict[str, Any]] = []
    gone: list[tuple[int]] = []
    before: list[tuple[Any, ...]] = []
    marked: list[tuple[Any, ...]] = []
    for card in sorted(ids):
        card_id = ids[card]
        mark = marks.get(card_id)
        steps = None
        if card not in full:
            steps = since.get(card_id, [])
            if steps is not None:
                steps = replay.order(steps + new.get(card, []))
                key = ("", "") if mark is None else (mark[1] or "", mark[2] or "")
                if steps and (steps[0].at, steps[0].event_id) <= key:
                    steps = None  # one came before the mark's last step
        start = None
        if steps is None:
            steps = replay.order(all_steps(conn, card))
        elif mark is not None and mark[3] is not None:
            start = loads(mark[3])
        done = replay.replay(card_id, steps, rules, start, machine, ordered=True)
        if done.row is None:
            gone.append((card_id,))
        else:
            rows.append(done.row)
        before.extend(done.reviews)
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
    conn.executemany(
        "INSERT OR REPLACE INTO sync_cards (question_id, seq, at, event_id, state)"
        " VALUES (?, ?, ?, ?, ?)",
        marked,
    )
    return before


def _since(
    conn: sqlite3.Connection, card_ids: Iterable[int], first_seq: int
) -> dict[int, list[replay.Step] | None]:
    """The steps of each card before `first_seq` and after its mark (this machine's: another
    machine's would have replayed the card then), or all of them for a card without a
    mark; None when an undo took out a step the mark covers."""
    found: dict[int, list[replay.Step] | None] = {}
    card_ids = list(card_ids)
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
            (first_seq, *chunk),
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


def out_of_order(conn: sqlite3.Connection, machine: str, since: int) -> list[Card]:
    """The cards of this machine's reviews and suspensions after event `since` whose steps since
    their mark were not taken in replay order, (time, event id): this clock stepped back (behind
    a review of its own, or one brought in). Such a card's state here was computed in the order
    the steps were taken, not the replay's, which every other machine makes; a card whose steps
    since its mark each come after all before it holds its replay already.

    The steps after a card's mark are all this machine's: a step brought in replays the card
    and moves its mark past it. They are taken in the order of their sequence numbers."""
    found: list[Card] = []
    for bank, qid in conn.execute(
        "SELECT DISTINCT bank, qid FROM sync_events WHERE seq > ? AND machine = ?"
        " AND kind IN ('review', 'suspend') AND bank IS NOT NULL ORDER BY bank, qid",
        (since, machine),
    ).fetchall():
        mark = conn.execute(
            "SELECT m.seq, m.at, m.event_id FROM sync_cards m JOIN questions q"
            " ON q.id = m.question_id WHERE q.bank = ? AND q.qid = ?",
            (bank, qid),
        ).fetchone()
        last = ("", "") if mark is None else (mark[1] or "", mark[2] or "")
        for step in conn.execute(
            "SELECT at, event_id FROM sync_events WHERE bank = ? AND qid = ? AND seq > ?"
            " AND kind IN ('review', 'suspend') AND cancelled = 0 ORDER BY seq",
            (bank, qid, 0 if mark is None else mark[0]),
        ):
            if step <= last:
                found.append((bank, qid))
                break
            last = step
    return found


def all_steps(conn: sqlite3.Connection, card: Card) -> list[replay.Step]:
    """Every step of `card` in the store (undone reviews left out), in no order."""
    return [
        replay.Step(r[0], r[1], r[2], r[3], loads(r[4]), r[5])
        for r in conn.execute(
            "SELECT kind, at, event_id, machine, payload, review_id FROM sync_events"
            " WHERE bank = ? AND qid = ? AND kind IN ('review', 'suspend')"
            " AND cancelled = 0",
            card,
        )
    ]
