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

from refresher.storage.connection import Connection, bank_filter, cards_of, damaged, guarded, iso

COUNTED_SECONDS_MAX = 300  # an answer counts at most this much against the daily budget


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
    def _reviews_by_day(self, shift: str, since: datetime, bank: str | None) -> sqlite3.Cursor:
        """(study day, ratings) for each study day with a rating since `since`."""
        return self.scoped(
            "r",
            bank,
            "SELECT date(r.reviewed_at, ?) d, count(*) FROM reviews r WHERE r.reviewed_at >= ?"
            "{bank} GROUP BY d",
            shift,
            iso(since),
        )

    @guarded
    def daily_activity(
        self, since: datetime, shift_minutes: int, bank: str | None = None
    ) -> list[tuple[str, int, int]]:
        """(study day, quiz answers, review ratings) for each day with activity since `since`.

        `shift_minutes` moves UTC times onto study days (local offset minus the day's start)."""
        shift = _shift(shift_minutes)
        days: dict[str, list[int]] = {}
        for day, n in self.scoped(
            "a",
            bank,
            "SELECT date(a.answered_at, ?) d, count(*) FROM attempts a WHERE a.answered_at >= ?"
            " AND a.mode != 'review' AND a.correct IS NOT NULL{bank} GROUP BY d",
            shift,
            iso(since),
        ):
            days.setdefault(self._day(day), [0, 0])[0] = n
        for day, n in self._reviews_by_day(shift, since, bank):
            days.setdefault(self._day(day), [0, 0])[1] = n
        return [(d, a, r) for d, (a, r) in sorted(days.items())]

    @guarded
    def activity_by_day(
        self, since: datetime, shift_minutes: int, bank: str | None = None
    ) -> list[tuple[str, int, int, int]]:
        """(study day, quiz answers, review ratings, everything) for each day with any activity
        since `since`: `daily_activity`'s counts, and all answers (skips too) plus ratings,
        which make a study day, in one pass over each table."""
        shift = _shift(shift_minutes)
        days: dict[str, list[int]] = {}
        for day, answers, n in self.scoped(
            "a",
            bank,
            "SELECT date(a.answered_at, ?) d,"
            " sum(a.mode != 'review' AND a.correct IS NOT NULL), count(*) FROM attempts a"
            " WHERE a.answered_at >= ?{bank} GROUP BY d",
            shift,
            iso(since),
        ):
            row = days.setdefault(self._day(day), [0, 0, 0])
            row[0] = int(answers or 0)
            row[2] += n
        for day, n in self._reviews_by_day(shift, since, bank):
            row = days.setdefault(self._day(day), [0, 0, 0])
            row[1] = n
            row[2] += n
        return [(d, a, r, n) for d, (a, r, n) in sorted(days.items())]

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
    def accuracy_rows(
        self, since: datetime, bank: str | None = None
    ) -> list[tuple[int, str, str, int, int]]:
        """(card id, topic, type, right, answered) per question, over answers since `since`."""
        return [
            (int(r[0]), r[1], r[2], int(r[3]), int(r[4]))
            for r in self._answers_since(
                "SELECT a.question_id, a.topic, a.qtype, sum(a.correct), count(*) FROM attempts a"
                " WHERE a.answered_at >= ? AND a.correct IS NOT NULL{bank}"
                " GROUP BY a.question_id, a.topic, a.qtype",
                since,
                bank,
            )
        ]

    @guarded
    def first_try_counts(self, since: datetime, bank: str | None = None) -> tuple[int, int, int]:
        """(answers graded, right at the first try, overruled by the learner) since `since`."""
        row = self._answers_since(
            "SELECT count(*), coalesce(sum(a.correct = 1 AND a.tries = 1), 0),"
            " coalesce(sum(a.overruled), 0) FROM attempts a"
            " WHERE a.answered_at >= ? AND a.correct IS NOT NULL{bank}",
            since,
            bank,
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    @guarded
    def mistake_counts(self, since: datetime, bank: str | None = None) -> list[tuple[str, int]]:
        """(named mistake, times made) since `since`, the most frequent first."""
        return [
            (str(r[0]), int(r[1]))
            for r in self._answers_since(
                "SELECT a.mistake, count(*) n FROM attempts a"
                " WHERE a.answered_at >= ? AND a.mistake IS NOT NULL{bank}"
                " GROUP BY a.mistake ORDER BY n DESC, a.mistake",
                since,
                bank,
            )
        ]

    @guarded
    def answer_seconds(self, since: datetime, bank: str | None = None) -> tuple[float, int]:
        """(total seconds, answers) since `since`."""
        row = self._answers_since(
            "SELECT coalesce(sum(a.seconds), 0), count(*) FROM attempts a"
            " WHERE a.answered_at >= ? AND a.correct IS NOT NULL{bank}",
            since,
            bank,
        ).fetchone()
        return float(row[0]), int(row[1])

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
    def true_retention(self, since: datetime, bank: str | None = None) -> tuple[int, int]:
        """(recalled, rated) over ratings since `since` of cards in review state: Hard, Good and
        Easy count as recalled, Again as forgotten."""
        row = self.scoped(
            "r",
            bank,
            "SELECT coalesce(sum(r.rating > 1), 0), count(*) FROM reviews r"
            " WHERE r.reviewed_at >= ? AND r.state_before = 2{bank}",
            iso(since),
        ).fetchone()
        return int(row[0]), int(row[1])

    @guarded
    def rating_counts(self, since: datetime, bank: str | None = None) -> dict[int, int]:
        return {
            int(r[0]): int(r[1])
            for r in self.scoped(
                "r",
                bank,
                "SELECT r.rating, count(*) FROM reviews r WHERE r.reviewed_at >= ?{bank}"
                " GROUP BY r.rating",
                iso(since),
            )
        }

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

    @guarded
    def card_memory(self, bank: str | None = None) -> dict[int, tuple[float, float]]:
        """card id -> (stability in days, difficulty 1-10) of every rated card with both."""
        join, args = cards_of(bank)
        sql = "SELECT c.question_id, c.stability, json_extract(c.fsrs, '$.difficulty') FROM cards c"
        out = {}
        for card_id, stability, difficulty in self.conn.execute(sql + join, args):
            if isinstance(stability, int | float) and isinstance(difficulty, int | float):
                out[int(card_id)] = (float(stability), float(difficulty))
        return out


def _shift(minutes: int) -> str:
    """SQLite's modifier moving a UTC time onto its study day."""
    return f"{minutes:+d} minutes"
