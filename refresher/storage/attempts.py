"""Questions, rounds and answers in the history (an edge module).

Owns the `questions` table (the stable integer id of each `bank/qid`, assigned on first use, which
is also its card id), `rounds` and `attempts`: every answer is written in its own transaction and
committed before the call returns; `attempts()` and `answers_to()` read them back, refusing
interview points that cannot be what refresher wrote.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import msgspec

from refresher.core import limits
from refresher.core.model import Outcome, Question
from refresher.storage.connection import (
    Connection,
    compact,
    damaged,
    guarded,
    iso,
    sqlite_error,
    stored_time,
)


class AttemptRow(msgspec.Struct, frozen=True):
    bank: str
    qid: str
    round_id: int | None
    answered_at: str
    given: str
    correct: bool | None
    seconds: float
    mode: str
    qtype: str
    topic: str


# The answers to one question (bank, question id) typed or scored by their key points.
_SCORED_ANSWERS = (
    "SELECT a.answered_at, a.given, a.seconds, a.mode, a.points FROM attempts a"
    " JOIN questions q ON q.id = a.question_id WHERE q.bank = ? AND q.qid = ?"
    " AND a.correct IS NOT NULL AND a.points IS NOT NULL"
)


class ScoredAnswer(msgspec.Struct, frozen=True):
    """One stored answer to an interview question and the key points it covered."""

    answered_at: datetime
    given: str
    seconds: float
    mode: str
    of: int  # the number of points the question had then
    covered: tuple[str, ...]  # the texts of the points covered


def insert_attempt(
    conn: sqlite3.Connection,
    question_id: int,
    question: Question,
    outcome: Outcome,
    seconds: float,
    mode: str,
    now: datetime,
    round_id: int | None = None,
    seed: int | None = None,
) -> int:
    """One answer row. Besides right or wrong, `outcome.detail` may carry `mistake` (a named
    mistake), `tries` and `first_given` (a second try), and `overruled` (the learner's "I was
    right"); `seed` is the one a numeric item's numbers were drawn from."""
    correct = None if outcome.correct is None else int(outcome.correct)
    detail = outcome.detail
    mistake = detail.get("mistake")
    first = detail.get("first_given")
    points = detail.get("points")  # an interview answer's points covered
    cur = conn.execute(
        "INSERT INTO attempts (question_id, round_id, answered_at, given, correct,"
        " seconds, mode, qtype, topic, points, mistake, tries, first_given, overruled, seed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            question_id,
            round_id,
            iso(now),
            outcome.given,
            correct,
            round(seconds, 3),
            mode,
            question.type,
            question.topic,
            None if points is None else compact(points),
            mistake if isinstance(mistake, str) else None,
            int(detail.get("tries", 1)),
            first if isinstance(first, str) else None,
            int(bool(detail.get("overruled", False))),
            seed,
        ),
    )
    return int(cur.lastrowid or 0)


class Attempts(Connection):
    """The store's questions, rounds and answers (a part of `Store`)."""

    @guarded
    def question_id(self, bank: str, qid: str) -> int:
        """The stable integer id of `bank/qid`, assigned on first use."""
        row = self.conn.execute(
            "SELECT id FROM questions WHERE bank = ? AND qid = ?", (bank, qid)
        ).fetchone()
        if row:
            return int(row[0])
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO questions (bank, qid) VALUES (?, ?)", (bank, qid))
            row = conn.execute(
                "SELECT id FROM questions WHERE bank = ? AND qid = ?", (bank, qid)
            ).fetchone()
        return int(row[0])

    @guarded
    def question_ids(self, bank: str, qids: Iterable[str]) -> dict[str, int]:
        """Stable ids of many questions of one bank at once, assigning the missing ones."""
        wanted = list(dict.fromkeys(qids))
        known = dict(self.conn.execute("SELECT qid, id FROM questions WHERE bank = ?", (bank,)))
        missing = [q for q in wanted if q not in known]
        if missing:
            with self.write() as conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO questions (bank, qid) VALUES (?, ?)",
                    [(bank, q) for q in missing],
                )
                known = dict(conn.execute("SELECT qid, id FROM questions WHERE bank = ?", (bank,)))
        return {q: int(known[q]) for q in wanted}

    @guarded
    def known_ids(self, bank: str) -> dict[str, int]:
        """question id -> card id for the questions of `bank` seen so far (read only)."""
        return {
            r[0]: int(r[1])
            for r in self.conn.execute("SELECT qid, id FROM questions WHERE bank = ?", (bank,))
        }

    @guarded
    def card_keys(self, ids: Iterable[int] | None = None) -> dict[int, tuple[str, str]]:
        """card id -> (bank, question id), for the given ids or every known question."""
        rows = self.conn.execute("SELECT id, bank, qid FROM questions").fetchall()
        keys = {int(r[0]): (r[1], r[2]) for r in rows}
        if ids is None:
            return keys
        return {i: keys[i] for i in ids if i in keys}

    @guarded
    def start_round(self, bank: str, mode: str, seed: int | None, now: datetime) -> int:
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO rounds (bank, mode, seed, started_at) VALUES (?, ?, ?, ?)",
                (bank, mode, seed, iso(now)),
            )
            return int(cur.lastrowid or 0)

    @guarded
    def record_attempt(
        self,
        question: Question,
        outcome: Outcome,
        *,
        seconds: float,
        mode: str,
        now: datetime,
        round_id: int | None = None,
        seed: int | None = None,
    ) -> int:
        """Store one answer (or skip, `outcome.correct is None`) and commit before returning."""
        qid = self.question_id(question.bank_id, question.id)
        with self.write() as conn:
            return insert_attempt(conn, qid, question, outcome, seconds, mode, now, round_id, seed)

    def record_skip(
        self, question: Question, *, mode: str, now: datetime, round_id: int | None = None
    ) -> int:
        """Store a skipped item (no right or wrong, no time) and commit before returning."""
        skipped = Outcome(None, "", "")
        return self.record_attempt(
            question, skipped, seconds=0.0, mode=mode, now=now, round_id=round_id
        )

    @guarded
    def overrule_attempt(self, attempt_id: int) -> None:
        """A wrong answer the learner overruled: right, marked so, no mistake left named."""
        with self.write() as conn:
            conn.execute(
                "UPDATE attempts SET correct = 1, overruled = 1, mistake = NULL"
                " WHERE id = ? AND correct = 0",
                (attempt_id,),
            )

    @guarded
    def attempts(self, bank: str | None = None) -> list[AttemptRow]:
        sql = (
            "SELECT q.bank, q.qid, a.round_id, a.answered_at, a.given, a.correct, a.seconds,"
            " a.mode, a.qtype, a.topic FROM attempts a JOIN questions q ON q.id = a.question_id"
        )
        args: Sequence[object] = ()
        if bank is not None:
            sql += " WHERE q.bank = ?"
            args = (bank,)
        rows = self.conn.execute(sql + " ORDER BY a.id", args).fetchall()
        return [
            AttemptRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                None if r[5] is None else bool(r[5]),
                r[6],
                r[7],
                r[8],
                r[9],
            )
            for r in rows
        ]

    @guarded
    def answers_to(self, bank: str, qid: str, latest: int | None = None) -> list[ScoredAnswer]:
        """Every answer to one question that was typed or scored by its points, oldest first;
        only the `latest` ones when given (read from the newest end, whatever the history)."""
        rows = self.conn.execute(
            _SCORED_ANSWERS + " ORDER BY a.id DESC LIMIT ?",
            (bank, qid, -1 if latest is None else latest),
        ).fetchall()
        rows.reverse()
        return [self._scored(r) for r in rows]

    def every_answer_to(self, bank: str, qid: str) -> Iterator[ScoredAnswer]:
        """`answers_to` without a limit, oldest first, one row at a time: a history of any
        length is shown in the memory of one answer."""
        try:
            for r in self.conn.execute(_SCORED_ANSWERS + " ORDER BY a.id", (bank, qid)):
                yield self._scored(r)
        except sqlite3.Error as exc:  # raised while iterating, past `guarded`
            raise sqlite_error(self.path, exc, "read") from None

    def _scored(self, r: Sequence[object]) -> ScoredAnswer:
        return ScoredAnswer(
            stored_time(self.path, r[0], "an answer's time"),
            str(r[1]),
            float(r[2]) if isinstance(r[2], int | float) else 0.0,
            str(r[3]),
            *self._points_of(r[4]),
        )

    def _points_of(self, raw: object) -> tuple[int, tuple[str, ...]]:
        """(number of points, texts covered) as stored by an interview; refused if it cannot
        be what refresher wrote."""
        try:
            data = json.loads(raw)
            of, covered = data["of"], data["covered"]
            ok = (
                isinstance(of, int)
                and 0 < of <= limits.ITEMS_PER_QUESTION
                and isinstance(covered, list)
                and len(covered) <= of
                and all(isinstance(c, str) and len(c) <= limits.TEXT_CHARS for c in covered)
            )
        except (TypeError, ValueError, KeyError, RecursionError):
            ok = False
        if not ok:
            raise damaged(self.path, f"an answer's points are {str(raw)[:40]!r}")
        return of, tuple(covered)
