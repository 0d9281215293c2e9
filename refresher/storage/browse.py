"""What the home screen and the browsing commands read (an edge module; read-only).

The learner's last study (when, which bank, how, how many answers that study day) for the
home screen, and one question's record (answers, last answer) for `find` and `show`.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from refresher.storage.connection import Connection, bank_filter, guarded, iso, stored_time


class LastStudy(msgspec.Struct, frozen=True):
    at: datetime  # the last answer or rating, UTC
    bank: str
    mode: str  # "quiz", "review", "drill", "interview", …


class Record(msgspec.Struct, frozen=True):
    """One question's answers so far (quiz, review, drill and interview alike)."""

    answers: int
    right: int
    last_at: datetime | None
    last_correct: bool | None  # None: never answered or last skipped


class Browse(Connection):
    """The store's reads for the home screen and for browsing (a part of `Store`)."""

    @guarded
    def last_study(self) -> LastStudy | None:
        """The learner's most recent answer or rating, over every bank."""
        row = self.conn.execute(
            "SELECT t, bank, mode FROM ("
            " SELECT a.answered_at AS t, q.bank AS bank, a.mode AS mode FROM attempts a"
            " JOIN questions q ON q.id = a.question_id"
            " UNION ALL SELECT r.reviewed_at, q.bank, 'review' FROM reviews r"
            " JOIN questions q ON q.id = r.question_id WHERE r.attempt_id IS NULL"
            ") ORDER BY t DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return LastStudy(
            stored_time(self.path, row[0], "the last answer's time"), str(row[1]), str(row[2])
        )

    @guarded
    def answers_between(self, start: datetime, end: datetime, bank: str | None = None) -> int:
        """Quiz answers and reviews in [start, end), of `bank` or of every bank, counted as
        `stats` counts them: a skip is no answer, and a review (with or without its typed
        answer) is one."""
        a_filter, a_args = bank_filter("a", bank)
        r_filter, r_args = bank_filter("r", bank)
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM attempts a WHERE a.answered_at >= ?"
            " AND a.answered_at < ? AND a.mode != 'review' AND a.correct IS NOT NULL"
            f"{a_filter}) + (SELECT count(*) FROM reviews r"
            f" WHERE r.reviewed_at >= ? AND r.reviewed_at < ?{r_filter})",
            (iso(start), iso(end), *a_args, iso(start), iso(end), *r_args),
        ).fetchone()
        return int(row[0])

    @guarded
    def records(self, bank: str) -> dict[str, Record]:
        """question id -> its record, for the questions of `bank` answered at least once."""
        rows = self.conn.execute(
            "SELECT q.qid, count(a.id), sum(a.correct = 1), max(a.answered_at),"
            " (SELECT b.correct FROM attempts b WHERE b.question_id = q.id"
            "  ORDER BY b.answered_at DESC, b.id DESC LIMIT 1)"
            " FROM questions q JOIN attempts a ON a.question_id = q.id"
            " WHERE q.bank = ? GROUP BY q.id",
            (bank,),
        ).fetchall()
        out: dict[str, Record] = {}
        for qid, n, right, last, correct in rows:
            out[str(qid)] = Record(
                answers=int(n),
                right=int(right or 0),
                last_at=stored_time(self.path, last, "an answer's time") if last else None,
                last_correct=None if correct is None else bool(correct),
            )
        return out
