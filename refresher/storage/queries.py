"""Read-only queries over the history (an edge module): what stats, plan and redo rounds ask.

The questions to redo (`quiz --missed`, `--missed-days`) and their seeds; counts per study day,
accuracy, first tries, named mistakes, ratings, retention and answer times for `stats` and
`plan`; the stability and difficulty of every card (`history` streams `refresher history`).
Nothing here writes. A study day SQLite cannot compute from a stored time is a `StoreError`
saying the file is damaged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from refresher.storage.connection import Connection, bank_filter, damaged, guarded, iso

COUNTED_SECONDS_MAX = 300  # an answer counts at most this much against the daily budget


# card id, topic, type, right, answered, right at the first try, overruled, seconds
AnswerTotal = tuple[int, str, str, int, int, int, int, float]


def answer_totals(
    conn: sqlite3.Connection, since: datetime, bank: str | None, after: int = 0
) -> list[AnswerTotal]:
    """`Queries.answer_totals`, of the answers after id `after` only when it is not 0 (found
    by id then: the few added since a mark)."""
    where, extra = bank_filter("a", bank)
    newer = " AND a.id > ?" if after else ""
    rows = conn.execute(
        "SELECT a.question_id, a.topic, a.qtype, sum(a.correct), count(*),"
        " coalesce(sum(a.correct = 1 AND a.tries = 1), 0), coalesce(sum(a.overruled), 0),"
        " coalesce(sum(a.seconds), 0) FROM attempts a"
        f" WHERE a.answered_at >= ?{newer} AND a.correct IS NOT NULL{where}"
        " GROUP BY a.question_id, a.topic, a.qtype ORDER BY a.question_id, a.topic, a.qtype",
        (iso(since), *((after,) if after else ()), *extra),
    )
    return [
        (int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6]), float(r[7]))
        for r in rows
    ]


class Queries(Connection):
    """The store's read-only queries (a part of `Store`)."""

    @guarded
    def missed_in_last_round(self, bank: str) -> tuple[str | None, list[str]]:
        """(start time of the bank's last quiz round with an answer, the questions whose last
        answer in that round was wrong)."""
        row = self.conn.execute(
            "SELECT r.id, r.started_at FROM rounds r WHERE r.bank = ? AND EXISTS"
            " (SELECT 1 FROM attempts a WHERE a.round_id = r.id AND a.correct IS NOT NULL)"
            " ORDER BY r.started_at DESC, r.id DESC LIMIT 1",  # a synced round comes in late
            (bank,),
        ).fetchone()
        if row is None:
            return None, []
        return row[1], self._last_wrong("a.round_id = ?", (row[0],), bank)

    @guarded
    def missed_since(self, bank: str, since: datetime) -> list[str]:
        """Questions of `bank` whose last answer since `since` (quiz or review) was wrong."""
        return self._last_wrong("a.answered_at >= ?", (iso(since),), bank)

    @guarded
    def missed_seeds(self, bank: str, qids: Iterable[str]) -> dict[str, int]:
        """question id -> the seed of its latest wrong answer drawn from one (numeric items),
        so a redo asks the very numbers that were missed."""
        wanted = set(qids)
        # One pass grouped by question: SQLite takes the other columns from the row of max()
        rows = self.conn.execute(
            "SELECT q.qid, a.seed, max(a.id) FROM attempts a JOIN questions q"
            " ON q.id = a.question_id WHERE q.bank = ? AND a.correct = 0 AND a.seed IS NOT NULL"
            " GROUP BY a.question_id",
            (bank,),
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows if r[0] in wanted and isinstance(r[1], int)}

    def _last_wrong(self, where: str, args: tuple[object, ...], bank: str) -> list[str]:
        # One pass grouped by question (linear): SQLite takes `correct` from the row of max()
        rows = self.conn.execute(
            "SELECT q.qid, a.correct, max(a.id) last FROM attempts a JOIN questions q"
            f" ON q.id = a.question_id WHERE q.bank = ? AND a.correct IS NOT NULL AND {where}"
            " GROUP BY a.question_id ORDER BY last",
            (bank, *args),
        ).fetchall()
        return [r[0] for r in rows if not r[1]]

    # --- stats -------------------------------------------------------------------------------
    @guarded
    def study_days(
        self,
        since: datetime,
        shift_minutes: int,
        bank: str | None = None,
        until: datetime | None = None,
    ) -> set[str]:
        """Study days (YYYY-MM-DD) in [since, until) with at least one answer or review."""
        shift = _shift(shift_minutes)
        a_filter, a_args = bank_filter("a", bank)
        r_filter, r_args = bank_filter("r", bank)
        end = iso(until) if until is not None else "9999"
        rows = self.conn.execute(
            f"SELECT DISTINCT date(a.answered_at, ?) FROM attempts a WHERE a.answered_at >= ?"
            f" AND a.answered_at < ?{a_filter} UNION SELECT DISTINCT date(r.reviewed_at, ?)"
            f" FROM reviews r WHERE r.reviewed_at >= ? AND r.reviewed_at < ?{r_filter}",
            (shift, iso(since), end, *a_args, shift, iso(since), end, *r_args),
        )
        return {self._day(r[0]) for r in rows}

    def _day(self, day: str | None) -> str:
        """A study day SQLite computed from a stored time; NULL when that time was junk."""
        if day is None:
            raise damaged(self.path, "an answer or review has a time that is not a time")
        return day

    @guarded
    def answer_totals(self, since: datetime, bank: str | None = None) -> list[AnswerTotal]:
        """Per question, over graded answers since `since`: (card id, topic, type, right,
        answered, right at the first try, overruled by the learner, seconds)."""
        return answer_totals(self.conn, since, bank)

    @guarded
    def mistake_counts(self, since: datetime, bank: str | None = None) -> list[tuple[str, int]]:
        """(named mistake, times made) since `since`, the most frequent first."""
        return [
            (str(r[0]), int(r[1]))
            for r in self._answers_since(
                # the few answers with a mistake, by time (else SQLite looks up each question
                # of the bank in the index by question)
                "SELECT a.mistake, count(*) n FROM attempts a INDEXED BY attempts_with_mistakes"
                " WHERE a.answered_at >= ? AND a.mistake IS NOT NULL{bank}"
                " GROUP BY a.mistake ORDER BY n DESC, a.mistake",
                since,
                bank,
            )
        ]

    def _answers_since(self, sql: str, since: datetime, bank: str | None) -> sqlite3.Cursor:
        """`sql` over `attempts a` from `since` on, narrowed to `bank` at its `{bank}`."""
        return self.scoped("a", bank, sql, iso(since))

    @guarded
    def review_ratings_between(self, start: datetime, end: datetime, bank: str | None) -> int:
        """Ratings in [start, end) of cards that were in review state: what the daily cap counts."""
        row = self.scoped(
            "r",
            bank,
            "SELECT count(*) FROM reviews r WHERE r.reviewed_at >= ? AND r.reviewed_at < ?"
            " AND r.state_before = 2{bank}",
            iso(start),
            iso(end),
        ).fetchone()
        return int(row[0])

    @guarded
    def review_seconds_between(self, start: datetime, end: datetime) -> float:
        """Seconds spent on `review` answers in [start, end), every bank, each answer counted
        up to `COUNTED_SECONDS_MAX` (a card left on screen while away does not eat the day)."""
        row = self.conn.execute(
            "SELECT coalesce(sum(min(max(seconds, 0), ?)), 0) FROM attempts"
            " WHERE mode = 'review' AND answered_at >= ? AND answered_at < ?"
            " AND typeof(seconds) IN ('integer', 'real')",
            (COUNTED_SECONDS_MAX, iso(start), iso(end)),
        ).fetchone()
        return float(row[0])

    @guarded
    def recent_answer_seconds(self, n: int) -> list[float]:
        """Seconds taken by the learner's last `n` answers (quiz or review, every bank)."""
        return [
            float(r[0])
            for r in self.conn.execute(
                "SELECT seconds FROM attempts WHERE correct IS NOT NULL"
                " AND typeof(seconds) IN ('integer', 'real')"
                " ORDER BY answered_at DESC LIMIT ?",
                (n,),
            )
        ]


def _shift(minutes: int) -> str:
    """SQLite's modifier moving a UTC time onto its study day."""
    return f"{minutes:+d} minutes"
