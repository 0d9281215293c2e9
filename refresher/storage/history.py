"""The whole history streamed for `refresher history` (an edge module, read-only).

Every attempt (with the review it gave, if any) and every review without an attempt, oldest
first, in one query whose rows come from the cursor one by one; `--last N` finds where its
last N rows start from the times alone (two indexes read backwards) and skips to it, so no
row is held in memory. `history_extent` tells the table how wide its columns must be (the
longest question id, kind, topic and mode, and the banks) from aggregates, before any row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import msgspec

from refresher.core import limits
from refresher.core.errors import StoreError
from refresher.storage.connection import Connection, guarded, iso

# The history is read with a page cache of `limits.HISTORY_CACHE_KIB`: the reviews an attempt
# joins come back to pages read a moment before, and a cache that holds them reads each page
# about once (a third less CPU time for 100,000 rows, for about 15 MB). Only for this read; a
# memory map would be faster still, but every page it touches counts as the command's own
# memory, so a large history would look (and be measured) as large as its file.
HISTORY_CACHE_KIB = limits.HISTORY_CACHE_KIB

# From this share of a table asked for (1 / SCAN_SHARE), it is read whole and sorted rather
# than through its time index (see `History._scan`).
SCAN_SHARE = 4

# The machine an answer or review was made on: its event's, else this machine's (not yet named).
_MADE_ON = (
    "coalesce((SELECT e.machine FROM sync_events e WHERE e.{column} = {row} LIMIT 1),"
    " (SELECT value FROM sync_state WHERE key = 'machine'))"
)


class Extent(msgspec.Struct, frozen=True):
    """What the rows of a history hold, at most: the banks (all of them when there are at
    most two), and the longest question id, bank id, kind, topic and mode (in characters)."""

    banks: tuple[str, ...]
    bank_count: int
    question: int
    bank: int
    kind: int
    topic: int
    mode: int


class History(Connection):
    """The history as rows (a part of `Store`)."""

    def _where(self, bank: str | None) -> tuple[str, list[Any]]:
        return ("", []) if bank is None else (" AND q.bank = ?", [bank])

    def _times(self, bank: str | None, order: str) -> str:
        """The times of the rows from a start on, in `order` (`""`: any)."""
        where, _ = self._where(bank)
        return (
            "SELECT a.answered_at FROM attempts a JOIN questions q ON q.id = a.question_id"
            f" WHERE a.answered_at >= ?{where}"
            " UNION ALL SELECT r.reviewed_at FROM reviews r"
            " JOIN questions q ON q.id = r.question_id"
            f" WHERE r.attempt_id IS NULL AND r.reviewed_at >= ?{where}{order}"
        )

    def _start_of_last(self, bank: str | None, start: str, last: int) -> tuple[str, int]:
        """(the time the last `last` rows start at, how many rows from that time on to skip):
        the time from the two time indexes read backwards (`last` rows, not all), the count
        from that time on. Which rows at that time are skipped is `history_rows`' own order.
        Kept until the rows are read: the table asks for its extent, then for its rows."""
        cuts: dict[tuple[str | None, str, int], tuple[str, int]] = self.__dict__.setdefault(
            "_history_cuts", {}
        )
        if (bank, start, last) not in cuts:
            cuts[bank, start, last] = self._find_start_of_last(bank, start, last)
        return cuts[bank, start, last]

    def _find_start_of_last(self, bank: str | None, start: str, last: int) -> tuple[str, int]:
        _, args = self._where(bank)
        row = self.conn.execute(
            f"{self._times(bank, ' ORDER BY 1 DESC')} LIMIT 1 OFFSET ?",
            (start, *args, start, *args, last - 1),
        ).fetchone()
        if row is None:  # fewer rows than that: all of them
            return start, 0
        cut = row[0]
        (count,) = self.conn.execute(
            f"SELECT count(*) FROM ({self._times(bank, '')})", (cut, *args, cut, *args)
        ).fetchone()
        return cut, max(0, count - last)

    def _scan(self, table: str, column: str, start: str) -> str:
        """`NOT INDEXED` when most of `table` is asked for (from `start` on): read in the order
        it was written and then sorted by time, its rows and the reviews they join come page
        after page, which is about twice as fast as in time order through the index, where
        a history brought in by a sync or an import jumps from page to page. A few recent
        rows are read through the index."""
        if not start:
            return " NOT INDEXED"
        (total,) = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        (after,) = self.conn.execute(
            f"SELECT count(*) FROM {table} WHERE {column} >= ?", (start,)
        ).fetchone()
        return " NOT INDEXED" if after * SCAN_SHARE > total else ""

    @guarded
    def history_extent(
        self, bank: str | None = None, since: datetime | None = None, last: int | None = None
    ) -> Extent:
        """What `history_rows(bank, since, last)` will hold at most (aggregates only, no row
        read into Python)."""
        where, args = self._where(bank)
        start = iso(since) if since is not None else ""
        if last is not None:
            start, _ = self._start_of_last(bank, start, last)
        in_bank = (
            ""
            if bank is None
            else " AND a.question_id IN (SELECT id FROM questions WHERE bank = ?)"
        )
        answers = self.conn.execute(
            "SELECT max(length(a.qtype)), max(length(a.topic)), max(length(a.mode))"
            f" FROM attempts a WHERE a.answered_at >= ?{in_bank}",
            (start, *args),
        ).fetchone()
        ids = self.conn.execute(
            f"SELECT max(length(q.qid)), max(length(q.bank)) FROM questions q WHERE 1{where}",
            args,
        ).fetchone()
        banks = [
            b
            for (b,) in self.conn.execute(
                "SELECT DISTINCT q.bank FROM questions q WHERE"
                " (EXISTS (SELECT 1 FROM attempts a WHERE a.question_id = q.id"
                " AND a.answered_at >= ?) OR EXISTS (SELECT 1 FROM reviews r"
                f" WHERE r.question_id = q.id AND r.reviewed_at >= ?)){where} LIMIT 3",
                (start, start, *args),
            )
        ]

        def most(value: Any) -> int:
            return value if isinstance(value, int) else 0

        return Extent(
            banks=tuple(str(b) for b in banks[:2]),
            bank_count=len(banks),
            question=most(ids[0]),
            bank=most(ids[1]),
            kind=max(most(answers[0]), 1),
            topic=max(most(answers[1]), 1),
            mode=max(most(answers[2]), len("review")),
        )

    def history_rows(
        self,
        bank: str | None = None,
        since: datetime | None = None,
        last: int | None = None,
        machine: bool = True,
    ) -> Iterator[tuple[Any, ...]]:
        """Every attempt (with the review it gave, if any) and every review without an attempt,
        oldest first (only the last `last` of them, if given), as (time, bank, qid, qtype,
        topic, mode, given, correct, seconds, rating, reviewed_at, due_after, machine).
        `machine` is the sync id of the machine it was made on (None before any sync; None
        too with `machine=False`, which spares reading the sync events). Rows come from the
        cursor one by one, never all in memory."""
        where, args = self._where(bank)
        start = iso(since) if since is not None else ""
        try:
            skip = 0
            if last is not None:
                start, skip = self._start_of_last(bank, start, last)
            attempts = self._scan("attempts", "answered_at", start)
            reviews = self._scan("reviews", "reviewed_at", start)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history database {self.path}: {exc}") from None
        sql = (
            "SELECT a.answered_at, q.bank, q.qid, a.qtype, a.topic, a.mode, a.given, a.correct,"
            " a.seconds, r.rating, r.reviewed_at, r.due_after,"
            f" {_MADE_ON.format(column='attempt_id', row='a.id') if machine else 'NULL'}, 0, a.id"
            f" FROM attempts a{attempts}"
            " JOIN questions q ON q.id = a.question_id"
            " LEFT JOIN reviews r ON r.attempt_id = a.id"
            f" WHERE a.answered_at >= ?{where}"
            " UNION ALL SELECT r.reviewed_at, q.bank, q.qid, NULL, NULL, 'review', NULL, NULL,"
            " r.duration_ms / 1000.0, r.rating, r.reviewed_at, r.due_after,"
            f" {_MADE_ON.format(column='review_id', row='r.id') if machine else 'NULL'}, 1, r.id"
            f" FROM reviews r{reviews}"
            " JOIN questions q ON q.id = r.question_id"
            f" WHERE r.attempt_id IS NULL AND r.reviewed_at >= ?{where}"
            " ORDER BY 1, 14, 15"  # ties by answers before reviews, then as written: one order
        )
        try:
            (cache,) = self.conn.execute("PRAGMA cache_size").fetchone()
            self.conn.execute(f"PRAGMA cache_size = -{HISTORY_CACHE_KIB}")
            cursor = self.conn.execute(sql, (start, *args, start, *args))
            try:
                # the few rows at the first time shown that come before the last `last` (an
                # OFFSET would make SQLite sort with a limit, twice as slow)
                for row in islice(cursor, skip, None):
                    yield row[:13]
            finally:
                cursor.close()
                self.__dict__.pop("_history_cuts", None)  # the next read finds its own
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history database {self.path}: {exc}") from None
