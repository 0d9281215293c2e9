"""Totals of the history per study day, whole or since a mark (an edge module).

`stats` draws a year of days (the calendar, the daily chart, streaks, ratings, true retention),
and counting a year of answers and reviews by day is most of its time on a long history. The
answers and reviews are only ever added, except when one is undone (a row deleted) or a sync
replays a card (its reviews' states before rewritten). So the totals can be kept (the app layer
keeps them, `app/day_cache.py`) and brought up to date from the rows added since: `day_totals`
is given the `Mark` of what was kept and counts only the rows after it, unless a row it counted
is gone or a sync read more of its folder since, and then counts everything again. The mark is
read from the ends of indexes and one row the store keeps (`history_mark`: its name, and the
deletions and regradings counted by triggers), never by counting a table. The mark and
the counts come from one read of the file, so a write in between cannot fall between them.
`answers_counted` does the same for the answers of `stats`' period question by question
(`app/answer_cache.py` keeps them): those an overrule regrades are counted again too.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

from refresher.storage.connection import Connection, damaged, guarded
from refresher.storage.queries import AnswerTotal, answer_totals

# What each day holds, in this order: quiz answers graded (not skips, not review answers),
# answers of any kind, ratings, ratings 1-4, and of ratings made in review state the recalled
# (Hard, Good, Easy) and all (true retention's numerator and denominator).
DAY_FIELDS = (
    "answers",
    "attempts",
    "ratings",
    "again",
    "hard",
    "good",
    "easy",
    "recalled",
    "in_review",
)


class Mark(NamedTuple):
    """The history as last counted, read without a scan: the store's name, the answers and
    reviews deleted or regraded in it so far, the highest id of each table with the time of the
    row there (a store put back from an older copy and studied on reaches the same ids with
    other rows), and a digest of how far each sync file has been read (a sync may rewrite
    earlier reviews' states)."""

    store: str  # "" when the store has lost its mark (then everything is counted each time)
    changed: int
    attempt_id: int
    review_id: int
    last: str  # the times of the answer and the review at those ids
    synced: str


class Counted(NamedTuple):
    mark: Mark
    whole: bool  # `days` counts everything (else only the rows after the mark given)
    days: dict[str, list[int]]  # study day (YYYY-MM-DD) -> DAY_FIELDS


class Answered(NamedTuple):
    mark: Mark
    whole: bool  # `rows` count every answer since the time asked (else those after the mark)
    rows: list[AnswerTotal]


class Days(Connection):
    """Per-day totals (a part of `Store`)."""

    @guarded
    def day_totals(self, shift_minutes: int, bank: str | None, since: Mark | None) -> Counted:
        """The totals of each study day of `bank`'s history (every bank when None), `shift_minutes`
        moving UTC times onto study days: of the rows after `since` when the rows it counted are
        all still there and no sync read on since, else of everything."""
        with self._snapshot():
            mark = self._mark()
            whole = since is None or not self._only_added(since, mark)
            after = (0, 0) if whole or since is None else (since.attempt_id, since.review_id)
            return Counted(mark, whole, self._count(shift_minutes, bank, after))

    @guarded
    def answers_counted(self, since: datetime, bank: str | None, kept: Mark | None) -> Answered:
        """`answer_totals` since `since` of `bank`: of the answers after `kept` when the rows it
        counted are all still there, none regraded and no sync read on since, else of all."""
        with self._snapshot():
            mark = self._mark()
            whole = kept is None or not self._only_added(kept, mark)
            after = 0 if whole or kept is None else kept.attempt_id
            if not whole and after == mark.attempt_id:
                return Answered(mark, whole, [])
            return Answered(mark, whole, answer_totals(self.conn, since, bank, after))

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def _mark(self) -> Mark:
        conn = self.conn
        store, changed = history_mark(conn)
        (attempt_id,) = conn.execute("SELECT max(id) FROM attempts").fetchone()
        (review_id,) = conn.execute("SELECT max(id) FROM reviews").fetchone()
        digest = hashlib.sha256()
        for name, offset, tail in conn.execute(
            "SELECT name, offset, tail FROM sync_files ORDER BY name"
        ):
            digest.update(repr((name, offset, tail)).encode())
        attempt_id, review_id = attempt_id or 0, review_id or 0
        last = self._last(attempt_id, review_id)
        return Mark(store, changed, attempt_id, review_id, last, digest.hexdigest())

    def _last(self, attempt_id: int, review_id: int) -> str:
        """The times of the answer and the review at these ids ("" for none)."""
        conn = self.conn
        answered = conn.execute(
            "SELECT answered_at FROM attempts WHERE id = ?", (attempt_id,)
        ).fetchone()
        reviewed = conn.execute(
            "SELECT reviewed_at FROM reviews WHERE id = ?", (review_id,)
        ).fetchone()
        return repr((answered and answered[0], reviewed and reviewed[0]))

    def _only_added(self, since: Mark, now: Mark) -> bool:
        """Whether the history is `since`'s rows and rows after them (ids only grow, every
        deletion and regrading is counted, and the rows at `since`'s ids are the ones it saw)."""
        return (
            bool(now.store)
            and (since.store, since.changed, since.synced) == (now.store, now.changed, now.synced)
            and since.attempt_id <= now.attempt_id
            and since.review_id <= now.review_id
            and since.last == self._last(since.attempt_id, since.review_id)
        )

    def _count(self, shift_minutes: int, bank: str | None, after: tuple[int, int]) -> dict:
        shift = f"{shift_minutes:+d} minutes"
        attempt_id, review_id = after
        # After a mark, the few rows added are found by id and then narrowed to the bank;
        # for everything, the bank's questions lead (each table has an index by question).
        if bank is None:
            a_from, r_from, args = "attempts a", "reviews r", ()
        elif attempt_id or review_id:
            a_from = "attempts a CROSS JOIN questions q ON q.id = a.question_id AND q.bank = ?"
            r_from = "reviews r CROSS JOIN questions q ON q.id = r.question_id AND q.bank = ?"
            args = (bank,)
        else:
            a_from = "questions q CROSS JOIN attempts a ON a.question_id = q.id AND q.bank = ?"
            r_from = "questions q CROSS JOIN reviews r ON r.question_id = q.id AND q.bank = ?"
            args = (bank,)
        days: dict[str, list[int]] = {}
        width = len(DAY_FIELDS)
        for day, answers, n in self.conn.execute(
            f"SELECT date(a.answered_at, ?) d, sum(a.mode != 'review' AND a.correct IS NOT NULL),"
            f" count(*) FROM {a_from} WHERE a.id > ? GROUP BY d",
            (shift, *args, attempt_id),
        ):
            row = days.setdefault(self._day_of(day), [0] * width)
            row[0], row[1] = int(answers or 0), int(n)
        for day, *counts in self.conn.execute(
            "SELECT date(r.reviewed_at, ?) d, count(*), sum(r.rating = 1), sum(r.rating = 2),"
            " sum(r.rating = 3), sum(r.rating = 4), sum(r.state_before = 2 AND r.rating > 1),"
            f" sum(r.state_before = 2) FROM {r_from} WHERE r.id > ? GROUP BY d",
            (shift, *args, review_id),
        ):
            row = days.setdefault(self._day_of(day), [0] * width)
            row[2:] = [int(c or 0) for c in counts]
        return days

    def _day_of(self, day: str | None) -> str:
        if day is None:
            raise damaged(self.path, "an answer or review has a time that is not a time")
        return day


def history_mark(conn: sqlite3.Connection) -> tuple[str, int]:
    """(the store's name, answers and reviews deleted or regraded so far): ("", 0) when its
    row is gone, so that nothing kept matches it."""
    row = conn.execute("SELECT store, changed FROM history_mark WHERE id = 1").fetchone()
    if row is None or not isinstance(row[0], str) or not isinstance(row[1], int):
        return "", 0
    return row[0], row[1]
