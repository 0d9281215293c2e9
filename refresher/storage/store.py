"""The history store: one SQLite file, `$REFRESHER_HOME/refresher.db` (an edge module).

The only module that touches the database (its schema is in `migrations`, its path in `paths`).
Every write commits at once (autocommit with explicit short transactions), WAL mode and a busy
timeout let two terminals study at the same time. A rating is computed inside the write lock from
the card's state as stored (`Store.rate_card`), so a rating made meanwhile elsewhere is built
upon, never overwritten.

An existing file is checked before a byte is written: its header is read as plain bytes, then, if
needed, the file is opened read-only. A file of another application (another
`PRAGMA application_id`, or other tables), a damaged one, a FIFO or a folder is refused with one
line naming it, and left exactly as it was. A value read back that cannot be right (a time that
does not parse, a page SQLite calls malformed) is a `StoreError` saying the file is damaged.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from refresher.core import limits
from refresher.core.errors import RefresherError, StoreError
from refresher.core.model import Outcome, Question
from refresher.env import paths
from refresher.storage import migrations

if TYPE_CHECKING:  # fsrs is imported when a card is first read, which keeps `quiz` light
    from refresher.srs.schedule import CardInfo, CardState, Rated, Rating, Scheduler

DB_NAME = paths.DB_NAME
BUSY_TIMEOUT_MS = 15_000
SQLITE_MAGIC = b"SQLite format 3\x00"
_MOVE_ASIDE = "it was left untouched — move it aside or set REFRESHER_HOME to another folder"

P = ParamSpec("P")
R = TypeVar("R")


def damaged(path: Path, detail: object) -> StoreError:
    """The one-line error for a history file that cannot be read as refresher's."""
    return StoreError(
        f"{path} is not a readable refresher database: it is damaged ({detail}); {_MOVE_ASIDE}"
    )


def _sqlite_error(path: Path, exc: sqlite3.Error, doing: str) -> StoreError:
    message = str(exc)
    if "malformed" in message or "not a database" in message or "no such" in message:
        return damaged(path, message)
    return StoreError(f"cannot {doing} the history database {path}: {message}")


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A Store method whose SQLite errors become one-line StoreErrors naming the file."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            store = args[0]
            assert isinstance(store, Store)
            raise _sqlite_error(store.path, exc, "read") from None

    return wrapper


def iso(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("store times must be timezone-aware")
    return now.astimezone(UTC).isoformat(timespec="milliseconds")


def _stored_time(path: Path, text: object, what: str) -> datetime:
    """A time read back from the file: aware, and in years refresher can compute with."""
    try:
        value = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise damaged(path, f"{what} is {str(text)[:40]!r}, not a time refresher writes") from None
    if value.tzinfo is None or not (limits.STORED_YEAR_MIN <= value.year <= limits.STORED_YEAR_MAX):
        raise damaged(path, f"{what} is {str(text)[:40]!r}, out of range")
    return value


@dataclass(frozen=True)
class AttemptRow:
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


@dataclass(frozen=True)
class ScoredAnswer:
    """One stored answer to an interview question and the key points it covered."""

    answered_at: datetime
    given: str
    seconds: float
    mode: str
    of: int  # the number of points the question had then
    covered: tuple[str, ...]  # the texts of the points covered


_CARD_FIELDS = (
    "question_id",
    "fsrs",
    "state",
    "due",
    "stability",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "leech",
    "introduced_at",
)
_CARD_COLUMNS = ", ".join(_CARD_FIELDS)


class UndoConflict(StoreError):
    """A rating cannot be undone (the card changed since); nothing was changed."""


@dataclass(frozen=True)
class ReviewRecord:
    review_id: int
    rated: Rated


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))


def _card_row(card_id: int, state: CardState) -> dict[str, Any]:
    card = state.card
    return {
        "question_id": card_id,
        "fsrs": _compact(card.to_dict()),
        "state": int(card.state),
        "due": iso(card.due),
        "stability": card.stability,
        "last_review": None if card.last_review is None else iso(card.last_review),
        "reps": state.reps,
        "lapses": state.lapses,
        "suspended": int(state.suspended),
        "leech": int(state.leech),
        "introduced_at": iso(state.introduced_at or card.due),
    }


def _insert_attempt(
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
            None if points is None else _compact(points),
            mistake if isinstance(mistake, str) else None,
            int(detail.get("tries", 1)),
            first if isinstance(first, str) else None,
            int(bool(detail.get("overruled", False))),
            seed,
        ),
    )
    return int(cur.lastrowid or 0)


class Store:
    """An open history database. Use `open_store()`; close with `close()` or `with`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short immediate transaction, committed on exit."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc, "write") from None

    # --- questions ------------------------------------------------------------------------
    @_guarded
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

    # --- rounds and attempts -----------------------------------------------------------------
    @_guarded
    def start_round(self, bank: str, mode: str, seed: int | None, now: datetime) -> int:
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO rounds (bank, mode, seed, started_at) VALUES (?, ?, ?, ?)",
                (bank, mode, seed, iso(now)),
            )
            return int(cur.lastrowid or 0)

    @_guarded
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
            return _insert_attempt(conn, qid, question, outcome, seconds, mode, now, round_id, seed)

    @_guarded
    def overrule_attempt(self, attempt_id: int) -> None:
        """A wrong answer the learner overruled: right, marked so, no mistake left named."""
        with self.write() as conn:
            conn.execute(
                "UPDATE attempts SET correct = 1, overruled = 1, mistake = NULL"
                " WHERE id = ? AND correct = 0",
                (attempt_id,),
            )

    @_guarded
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

    @_guarded
    def answers_to(self, bank: str, qid: str) -> list[ScoredAnswer]:
        """Every answer to one question that was typed or scored by its points, oldest first."""
        rows = self.conn.execute(
            "SELECT a.answered_at, a.given, a.seconds, a.mode, a.points FROM attempts a"
            " JOIN questions q ON q.id = a.question_id WHERE q.bank = ? AND q.qid = ?"
            " AND a.correct IS NOT NULL AND a.points IS NOT NULL ORDER BY a.id",
            (bank, qid),
        ).fetchall()
        return [
            ScoredAnswer(
                _stored_time(self.path, r[0], "an answer's time"),
                str(r[1]),
                float(r[2]) if isinstance(r[2], int | float) else 0.0,
                str(r[3]),
                *self._points_of(r[4]),
            )
            for r in rows
        ]

    def _points_of(self, raw: object) -> tuple[int, tuple[str, ...]]:
        """(number of points, texts covered) as stored by an interview; refused if it cannot
        be what refresher wrote."""
        try:
            data = json.loads(raw)  # type: ignore[arg-type]
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

    # --- cards (spaced repetition) -----------------------------------------------------------
    @_guarded
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

    @_guarded
    def known_ids(self, bank: str) -> dict[str, int]:
        """question id -> card id for the questions of `bank` seen so far (read only)."""
        return {
            r[0]: int(r[1])
            for r in self.conn.execute("SELECT qid, id FROM questions WHERE bank = ?", (bank,))
        }

    @_guarded
    def card_keys(self, ids: Iterable[int] | None = None) -> dict[int, tuple[str, str]]:
        """card id -> (bank, question id), for the given ids or every known question."""
        rows = self.conn.execute("SELECT id, bank, qid FROM questions").fetchall()
        keys = {int(r[0]): (r[1], r[2]) for r in rows}
        if ids is None:
            return keys
        return {i: keys[i] for i in ids if i in keys}

    @_guarded
    def card_infos(self, bank: str | None = None) -> dict[int, CardInfo]:
        """Every rated card (of `bank`), as plain columns: enough for the queue and for stats."""
        from refresher.srs.schedule import CardInfo, State

        sql = (
            "SELECT c.question_id, c.due, c.state, c.suspended, c.stability, c.last_review,"
            " c.lapses, c.leech FROM cards c"
        )
        args: tuple[object, ...] = ()
        if bank is not None:
            sql += " JOIN questions q ON q.id = c.question_id WHERE q.bank = ?"
            args = (bank,)
        parse = datetime.fromisoformat
        lo, hi = limits.STORED_YEAR_MIN, limits.STORED_YEAR_MAX
        infos = {}
        for r in self.conn.execute(sql, args):
            try:
                due = parse(r[1])
                last = parse(r[5]) if r[5] else None
                if not lo <= due.year <= hi or (last is not None and not lo <= last.year <= hi):
                    raise ValueError("out of range")
                infos[int(r[0])] = CardInfo(
                    card_id=int(r[0]),
                    due=due,
                    state=State(r[2]),
                    suspended=bool(r[3]),
                    stability=None if r[4] is None else float(r[4]),
                    last_review=last,
                    lapses=int(r[6]),
                    leech=bool(r[7]),
                )
            except (TypeError, ValueError) as exc:
                raise damaged(self.path, f"the schedule of card {r[0]} ({exc})") from None
        return infos

    @_guarded
    def card_state(self, card_id: int) -> CardState | None:
        """The full schedule of one card, or None if it was never rated."""
        row = self.conn.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (card_id,)
        ).fetchone()
        return None if row is None else self._state_of(dict(zip(_CARD_FIELDS, row, strict=True)))

    def _state_of(self, row: dict[str, Any]) -> CardState:
        from refresher.srs.schedule import Card, CardState

        try:
            card = Card.from_dict(json.loads(row["fsrs"]))
            introduced = _stored_time(self.path, row["introduced_at"], "a first rating")
            _stored_time(self.path, iso(card.due), "a due time")
        except (ValueError, KeyError, TypeError, OverflowError, StoreError) as exc:
            raise StoreError(
                f"the schedule of card {row['question_id']} in {self.path} is damaged ({exc})"
            ) from None
        return CardState(
            card=card,
            reps=int(row["reps"]),
            lapses=int(row["lapses"]),
            suspended=bool(row["suspended"]),
            leech=bool(row["leech"]),
            introduced_at=introduced,
        )

    @_guarded
    def introduced_between(self, start: datetime, end: datetime, bank: str | None = None) -> int:
        """Cards (of `bank`) first rated in [start, end): the new cards of one study day."""
        c_filter, c_args = self._bank_filter("cards", bank)
        row = self.conn.execute(
            f"SELECT count(*) FROM cards WHERE introduced_at >= ? AND introduced_at < ?{c_filter}",
            (iso(start), iso(end), *c_args),
        ).fetchone()
        return int(row[0])

    @_guarded
    def due_between(self, start: datetime, end: datetime, bank: str | None = None) -> list[str]:
        """Due times (ISO, UTC) in [start, end) of the cards (of `bank`) not suspended."""
        c_filter, c_args = self._bank_filter("cards", bank)
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT due FROM cards WHERE suspended = 0 AND due >= ? AND due < ?{c_filter}",
                (iso(start), iso(end), *c_args),
            )
        ]

    @_guarded
    def rate_card(
        self,
        card_id: int,
        rating: Rating,
        *,
        scheduler: Scheduler,
        leech_threshold: int,
        question: Question,
        outcome: Outcome,
        seconds: float,
        auto: bool,
        now: datetime,
        shown: CardState | None = None,
        preview: Rated | None = None,
        seed: int | None = None,
        adjust: Callable[[Rated], Rated] | None = None,
    ) -> ReviewRecord:
        """Rate a card, log the review and the answer, and commit, all in one transaction.

        The new schedule is computed from the card's state as stored at this moment, inside the
        write lock, so a rating made in another window meanwhile is built upon, never
        overwritten. `preview` is what the learner saw next to `rating` (computed from `shown`,
        the state read before the prompt): it is stored exactly as shown, fuzz included, when
        the stored state still equals `shown`, and recomputed otherwise, then passed through
        `adjust` (the plan's shortening of intervals, which the preview has had already).
        """
        from refresher.srs import schedule

        ms = int(seconds * 1000)
        with self.write() as conn:
            row = conn.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (card_id,)
            ).fetchone()
            before_row = None if row is None else dict(zip(_CARD_FIELDS, row, strict=True))
            stored = None if before_row is None else self._state_of(before_row)
            if preview is not None and preview.rating == rating and stored == shown:
                rated = dataclasses.replace(
                    preview, log=dataclasses.replace(preview.log, review_duration=ms)
                )
            else:
                rated = schedule.rate(
                    scheduler,
                    stored,
                    card_id,
                    rating,
                    now,
                    duration_ms=ms,
                    leech_threshold=leech_threshold,
                )
                if adjust is not None:
                    rated = adjust(rated)
            after_row = _card_row(card_id, rated.after)
            conn.execute(
                f"INSERT OR REPLACE INTO cards ({_CARD_COLUMNS})"
                f" VALUES ({', '.join('?' for _ in _CARD_FIELDS)})",
                [after_row[f] for f in _CARD_FIELDS],
            )
            attempt_id = _insert_attempt(
                conn, card_id, question, outcome, seconds, "review", now, seed=seed
            )
            cur = conn.execute(
                "INSERT INTO reviews (question_id, reviewed_at, rating, auto, duration_ms,"
                " state_before, due_after, attempt_id, card_before)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    iso(rated.log.review_datetime),
                    int(rated.rating),
                    int(auto),
                    rated.log.review_duration,
                    None if rated.before is None else int(rated.before.card.state),
                    after_row["due"],
                    attempt_id,
                    None if before_row is None else _compact(before_row),
                ),
            )
            return ReviewRecord(int(cur.lastrowid or 0), rated)

    @_guarded
    def undo_review(self, review_id: int) -> int:
        """Put a card back exactly as it was before review `review_id`, deleting the review and
        its answer. Returns the card id. Raises UndoConflict if the card was rated since."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT question_id, attempt_id, card_before FROM reviews WHERE id = ?",
                (review_id,),
            ).fetchone()
            if row is None:
                raise UndoConflict("that rating is no longer in the history")
            card_id, attempt_id, before = row
            latest = conn.execute(
                "SELECT max(id) FROM reviews WHERE question_id = ?", (card_id,)
            ).fetchone()[0]
            if latest != review_id:
                raise UndoConflict("the card was rated again elsewhere since; nothing undone")
            if before is None:
                conn.execute("DELETE FROM cards WHERE question_id = ?", (card_id,))
            else:
                restored = json.loads(before)
                conn.execute(
                    f"UPDATE cards SET {', '.join(f'{f} = ?' for f in _CARD_FIELDS[1:])}"
                    " WHERE question_id = ?",
                    [*(restored[f] for f in _CARD_FIELDS[1:]), card_id],
                )
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if attempt_id is not None:
                conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        return int(card_id)

    @_guarded
    def set_suspended(self, card_id: int, suspended: bool) -> bool:
        """Suspend or bring back a card; returns whether it was suspended before."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT suspended FROM cards WHERE question_id = ?", (card_id,)
            ).fetchone()
            if row is None:
                raise RefresherError(f"card {card_id} has never been reviewed")
            conn.execute(
                "UPDATE cards SET suspended = ? WHERE question_id = ?", (int(suspended), card_id)
            )
        return bool(row[0])

    @_guarded
    def find_cards(self, ref: str) -> list[tuple[int, str, str]]:
        """Cards matching `ref`: a card id, `bank/question-id`, or a question id in any bank."""
        ref = ref.strip()
        if ref.isdigit():
            if len(ref) > 19 or int(ref) > limits.SQLITE_INT_MAX:  # no card has such an id
                return []
            sql, args = "SELECT id, bank, qid FROM questions WHERE id = ?", (int(ref),)
        elif "/" in ref:
            bank, _, qid = ref.partition("/")
            sql, args = (
                "SELECT id, bank, qid FROM questions WHERE bank = ? AND qid = ?",
                (bank, qid),
            )
        else:
            sql, args = "SELECT id, bank, qid FROM questions WHERE qid = ?", (ref,)
        return [(int(r[0]), r[1], r[2]) for r in self.conn.execute(sql + " ORDER BY id", args)]

    @_guarded
    def review_logs(self, card_id: int) -> list[tuple[int, str, int | None]]:
        """(rating, reviewed_at, duration_ms) of every review of a card, oldest first."""
        return [
            (int(r[0]), r[1], r[2])
            for r in self.conn.execute(
                "SELECT rating, reviewed_at, duration_ms FROM reviews WHERE question_id = ?"
                " ORDER BY reviewed_at, id",
                (card_id,),
            )
        ]

    # --- questions to redo ---------------------------------------------------------------------
    @_guarded
    def missed_in_last_round(self, bank: str) -> tuple[str | None, list[str]]:
        """(start time of the bank's last quiz round with an answer, the questions whose last
        answer in that round was wrong)."""
        row = self.conn.execute(
            "SELECT r.id, r.started_at FROM rounds r WHERE r.bank = ? AND EXISTS"
            " (SELECT 1 FROM attempts a WHERE a.round_id = r.id AND a.correct IS NOT NULL)"
            " ORDER BY r.id DESC LIMIT 1",
            (bank,),
        ).fetchone()
        if row is None:
            return None, []
        return row[1], self._last_wrong("a.round_id = ?", (row[0],), bank)

    @_guarded
    def missed_since(self, bank: str, since: datetime) -> list[str]:
        """Questions of `bank` whose last answer since `since` (quiz or review) was wrong."""
        return self._last_wrong("a.answered_at >= ?", (iso(since),), bank)

    @_guarded
    def missed_seeds(self, bank: str, qids: Iterable[str]) -> dict[str, int]:
        """question id -> the seed of its latest wrong answer drawn from one (numeric items),
        so a redo asks the very numbers that were missed."""
        wanted = set(qids)
        rows = self.conn.execute(
            "SELECT q.qid, a.seed FROM attempts a JOIN questions q ON q.id = a.question_id"
            " WHERE q.bank = ? AND a.correct = 0 AND a.seed IS NOT NULL"
            " AND a.id = (SELECT max(b.id) FROM attempts b WHERE b.question_id = a.question_id"
            " AND b.correct = 0 AND b.seed IS NOT NULL)",
            (bank,),
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows if r[0] in wanted}

    def _last_wrong(self, where: str, args: tuple[object, ...], bank: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT q.qid, a.correct FROM attempts a JOIN questions q ON q.id = a.question_id"
            f" WHERE q.bank = ? AND a.correct IS NOT NULL AND {where}"
            " AND a.id = (SELECT max(b.id) FROM attempts b WHERE b.question_id = a.question_id"
            f" AND b.correct IS NOT NULL AND {where.replace('a.', 'b.')})"
            " ORDER BY a.id",
            (bank, *args, *args),
        ).fetchall()
        return [r[0] for r in rows if not r[1]]

    # --- stats -----------------------------------------------------------------------------------
    def _bank_filter(self, table: str, bank: str | None) -> tuple[str, tuple[object, ...]]:
        if bank is None:
            return "", ()
        return (
            f" AND {table}.question_id IN (SELECT id FROM questions WHERE bank = ?)",
            (bank,),
        )

    @_guarded
    def daily_activity(
        self, since: datetime, shift_minutes: int, bank: str | None = None
    ) -> list[tuple[str, int, int]]:
        """(study day, quiz answers, review ratings) for each day with activity since `since`.

        `shift_minutes` moves UTC times onto study days (local offset minus the day's start)."""
        shift = f"{shift_minutes:+d} minutes"
        a_filter, a_args = self._bank_filter("a", bank)
        r_filter, r_args = self._bank_filter("r", bank)
        days: dict[str, list[int]] = {}
        for day, n in self.conn.execute(
            "SELECT date(a.answered_at, ?) d, count(*) FROM attempts a WHERE a.answered_at >= ?"
            f" AND a.mode != 'review' AND a.correct IS NOT NULL{a_filter} GROUP BY d",
            (shift, iso(since), *a_args),
        ):
            days.setdefault(self._day(day), [0, 0])[0] = n
        for day, n in self.conn.execute(
            f"SELECT date(r.reviewed_at, ?) d, count(*) FROM reviews r WHERE r.reviewed_at >= ?"
            f"{r_filter} GROUP BY d",
            (shift, iso(since), *r_args),
        ):
            days.setdefault(self._day(day), [0, 0])[1] = n
        return [(d, a, r) for d, (a, r) in sorted(days.items())]

    @_guarded
    def activity_by_day(
        self, since: datetime, shift_minutes: int, bank: str | None = None
    ) -> list[tuple[str, int, int, int]]:
        """(study day, quiz answers, review ratings, everything) for each day with any activity
        since `since`: `daily_activity`'s counts, and all answers (skips too) plus ratings,
        which make a study day, in one pass over each table."""
        shift = f"{shift_minutes:+d} minutes"
        a_filter, a_args = self._bank_filter("a", bank)
        r_filter, r_args = self._bank_filter("r", bank)
        days: dict[str, list[int]] = {}
        for day, answers, n in self.conn.execute(
            "SELECT date(a.answered_at, ?) d,"
            " sum(a.mode != 'review' AND a.correct IS NOT NULL), count(*) FROM attempts a"
            f" WHERE a.answered_at >= ?{a_filter} GROUP BY d",
            (shift, iso(since), *a_args),
        ):
            row = days.setdefault(self._day(day), [0, 0, 0])
            row[0] = int(answers or 0)
            row[2] += n
        for day, n in self.conn.execute(
            f"SELECT date(r.reviewed_at, ?) d, count(*) FROM reviews r WHERE r.reviewed_at >= ?"
            f"{r_filter} GROUP BY d",
            (shift, iso(since), *r_args),
        ):
            row = days.setdefault(self._day(day), [0, 0, 0])
            row[1] = n
            row[2] += n
        return [(d, a, r, n) for d, (a, r, n) in sorted(days.items())]

    @_guarded
    def study_days(
        self,
        since: datetime,
        shift_minutes: int,
        bank: str | None = None,
        until: datetime | None = None,
    ) -> set[str]:
        """Study days (YYYY-MM-DD) in [since, until) with at least one answer or review."""
        shift = f"{shift_minutes:+d} minutes"
        a_filter, a_args = self._bank_filter("a", bank)
        r_filter, r_args = self._bank_filter("r", bank)
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

    @_guarded
    def accuracy_rows(
        self, since: datetime, bank: str | None = None
    ) -> list[tuple[int, str, str, int, int]]:
        """(card id, topic, type, right, answered) per question, over answers since `since`."""
        a_filter, a_args = self._bank_filter("a", bank)
        return [
            (int(r[0]), r[1], r[2], int(r[3]), int(r[4]))
            for r in self.conn.execute(
                "SELECT a.question_id, a.topic, a.qtype, sum(a.correct), count(*) FROM attempts a"
                f" WHERE a.answered_at >= ? AND a.correct IS NOT NULL{a_filter}"
                " GROUP BY a.question_id, a.topic, a.qtype",
                (iso(since), *a_args),
            )
        ]

    @_guarded
    def first_try_counts(self, since: datetime, bank: str | None = None) -> tuple[int, int, int]:
        """(answers graded, right at the first try, overruled by the learner) since `since`."""
        a_filter, a_args = self._bank_filter("a", bank)
        row = self.conn.execute(
            "SELECT count(*), coalesce(sum(a.correct = 1 AND a.tries = 1), 0),"
            " coalesce(sum(a.overruled), 0) FROM attempts a"
            f" WHERE a.answered_at >= ? AND a.correct IS NOT NULL{a_filter}",
            (iso(since), *a_args),
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    @_guarded
    def mistake_counts(self, since: datetime, bank: str | None = None) -> list[tuple[str, int]]:
        """(named mistake, times made) since `since`, the most frequent first."""
        a_filter, a_args = self._bank_filter("a", bank)
        return [
            (str(r[0]), int(r[1]))
            for r in self.conn.execute(
                "SELECT a.mistake, count(*) n FROM attempts a"
                f" WHERE a.answered_at >= ? AND a.mistake IS NOT NULL{a_filter}"
                " GROUP BY a.mistake ORDER BY n DESC, a.mistake",
                (iso(since), *a_args),
            )
        ]

    @_guarded
    def review_ratings_between(self, start: datetime, end: datetime, bank: str | None) -> int:
        """Ratings in [start, end) of cards that were in review state: what the daily cap counts."""
        r_filter, r_args = self._bank_filter("r", bank)
        row = self.conn.execute(
            "SELECT count(*) FROM reviews r WHERE r.reviewed_at >= ? AND r.reviewed_at < ?"
            f" AND r.state_before = 2{r_filter}",
            (iso(start), iso(end), *r_args),
        ).fetchone()
        return int(row[0])

    @_guarded
    def true_retention(self, since: datetime, bank: str | None = None) -> tuple[int, int]:
        """(recalled, rated) over ratings since `since` of cards in review state: Hard, Good and
        Easy count as recalled, Again as forgotten."""
        r_filter, r_args = self._bank_filter("r", bank)
        row = self.conn.execute(
            "SELECT coalesce(sum(r.rating > 1), 0), count(*) FROM reviews r"
            f" WHERE r.reviewed_at >= ? AND r.state_before = 2{r_filter}",
            (iso(since), *r_args),
        ).fetchone()
        return int(row[0]), int(row[1])

    @_guarded
    def recent_answer_seconds(self, n: int) -> list[float]:
        """Seconds taken by the learner's last `n` answers (quiz or review, every bank)."""
        return [
            float(r[0])
            for r in self.conn.execute(
                "SELECT seconds FROM attempts WHERE correct IS NOT NULL"
                " ORDER BY answered_at DESC LIMIT ?",
                (n,),
            )
        ]

    @_guarded
    def answer_seconds(self, since: datetime, bank: str | None = None) -> tuple[float, int]:
        """(total seconds, answers) since `since`."""
        a_filter, a_args = self._bank_filter("a", bank)
        row = self.conn.execute(
            "SELECT coalesce(sum(a.seconds), 0), count(*) FROM attempts a"
            f" WHERE a.answered_at >= ? AND a.correct IS NOT NULL{a_filter}",
            (iso(since), *a_args),
        ).fetchone()
        return float(row[0]), int(row[1])

    @_guarded
    def card_memory(self, bank: str | None = None) -> dict[int, tuple[float, float]]:
        """card id -> (stability in days, difficulty 1-10) of every rated card with both."""
        sql = "SELECT c.question_id, c.stability, json_extract(c.fsrs, '$.difficulty') FROM cards c"
        args: tuple[object, ...] = ()
        if bank is not None:
            sql += " JOIN questions q ON q.id = c.question_id WHERE q.bank = ?"
            args = (bank,)
        out = {}
        for card_id, stability, difficulty in self.conn.execute(sql, args):
            if isinstance(stability, int | float) and isinstance(difficulty, int | float):
                out[int(card_id)] = (float(stability), float(difficulty))
        return out

    # --- one-time notices --------------------------------------------------------------------
    @_guarded
    def notice_once(self, key: str, now: datetime) -> bool:
        """True the first time `key` is asked for (and records it), False ever after."""
        with self.write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notices (key, shown_at) VALUES (?, ?)", (key, iso(now))
            )
            return cur.rowcount == 1

    @_guarded
    def rating_counts(self, since: datetime, bank: str | None = None) -> dict[int, int]:
        r_filter, r_args = self._bank_filter("r", bank)
        return {
            int(r[0]): int(r[1])
            for r in self.conn.execute(
                f"SELECT r.rating, count(*) FROM reviews r WHERE r.reviewed_at >= ?{r_filter}"
                " GROUP BY r.rating",
                (iso(since), *r_args),
            )
        }

    # --- history export (streamed) -------------------------------------------------------------
    def history_rows(
        self, bank: str | None = None, since: datetime | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Every attempt (with the review it gave, if any) and every review without an attempt,
        oldest first, as (time, bank, qid, qtype, topic, mode, given, correct, seconds, rating,
        reviewed_at, due_after). Rows come from the cursor one by one, never all in memory."""
        where, args = "", []
        if bank is not None:
            where += " AND q.bank = ?"
            args.append(bank)
        start = iso(since) if since is not None else ""
        sql = (
            "SELECT a.answered_at, q.bank, q.qid, a.qtype, a.topic, a.mode, a.given, a.correct,"
            " a.seconds, r.rating, r.reviewed_at, r.due_after FROM attempts a"
            " JOIN questions q ON q.id = a.question_id"
            " LEFT JOIN reviews r ON r.attempt_id = a.id"
            f" WHERE a.answered_at >= ?{where}"
            " UNION ALL SELECT r.reviewed_at, q.bank, q.qid, NULL, NULL, 'review', NULL, NULL,"
            " r.duration_ms / 1000.0, r.rating, r.reviewed_at, r.due_after FROM reviews r"
            " JOIN questions q ON q.id = r.question_id"
            f" WHERE r.attempt_id IS NULL AND r.reviewed_at >= ?{where}"
            " ORDER BY 1"
        )
        try:
            yield from self.conn.execute(sql, (start, *args, start, *args))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history database {self.path}: {exc}") from None


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL mode, retrying while another process holds the lock: SQLite does not wait
    on its busy handler for this switch, so two processes creating the file at the same moment
    would otherwise see "database is locked"."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _check_existing(path: Path) -> None:
    """Refuse an existing file that is not a usable refresher database, writing nothing.

    The header is read as bytes first (SQLite's magic string, `application_id` at offset 68);
    only a file that may be ours is then opened read-only (a read-write open may roll back a hot
    journal or checkpoint a WAL into the file, rewriting it).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read the history database {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a regular file; {_MOVE_ASIDE}")
    if info.st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read the history database {path}: {exc.strerror}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise damaged(path, "not an SQLite file")
    marked = int.from_bytes(header[68:72], "big")
    if marked not in (0, migrations.APPLICATION_ID):
        raise _foreign(path)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if len(header) > 18 and header[18] == 2 and not marked and not _wal_of(path).exists():
        # A WAL-mode file nobody has open: read it as is, or SQLite would create -wal and -shm
        # files beside a file that may be another application's.
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the history database {path}: {exc}") from None
    try:
        conn.execute("BEGIN")  # one snapshot: another process may be creating the file now
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            )
        }
        ours = app_id == migrations.APPLICATION_ID
        if ours or (tables and not tables - migrations.tables_at(version)):
            _check_times(conn, path, tables)
    except sqlite3.Error as exc:
        raise _sqlite_error(path, exc, "read") from None
    finally:
        conn.close()
    if app_id != 0 and not ours:
        raise _foreign(path)
    if not ours and tables and (version == 0 or tables - migrations.tables_at(version)):
        raise _foreign(path)  # unmarked, with tables refresher did not make
    if version > len(migrations.MIGRATIONS):
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    if missing := migrations.tables_at(version) - tables:
        raise damaged(path, f"schema {version} without its table {sorted(missing)[0]}")


# (table, column, whether every row is checked): the other columns are checked at their
# smallest and largest value only, which their index finds at once; junk text sorts after digits.
_TIME_COLUMNS = (
    ("cards", "due", True),
    ("cards", "introduced_at", True),
    ("cards", "last_review", True),
    ("attempts", "answered_at", False),
    ("reviews", "reviewed_at", False),
    ("rounds", "started_at", False),
)


def _check_times(conn: sqlite3.Connection, path: Path, tables: set[str]) -> None:
    """Refuse a history whose tables cannot be read or whose stored times are not times.

    Cheap by design (no full integrity check on every start): damage elsewhere is reported as
    a `StoreError` when a query reaches it."""
    low = f"{limits.STORED_YEAR_MIN:04d}-01-01"
    high = f"{limits.STORED_YEAR_MAX:04d}-12-31"
    for table in sorted(tables):  # each table's first pages, where damage shows first
        conn.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
    for table, column, every in _TIME_COLUMNS:
        if table not in tables:
            continue
        if every:
            sql = (
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND"
                f" (julianday({column}) IS NULL OR {column} < '{low}' OR {column} > '{high}')"
                " LIMIT 1"
            )
            bad = [r[0] for r in conn.execute(sql)]
        else:
            # min and max in separate statements: SQLite finds each at one end of the index
            row = [
                conn.execute(f"SELECT {end}({column}) FROM {table}").fetchone()[0]
                for end in ("min", "max")
            ]
            bad = [
                t
                for t in row
                if t is not None
                and (not isinstance(t, str) or not low <= t <= high or _julian(conn, t) is None)
            ]
        if bad:
            raise damaged(
                path, f"{table}.{column} holds {str(bad[0])[:40]!r}, not a time refresher writes"
            )


def _julian(conn: sqlite3.Connection, text: str) -> float | None:
    return conn.execute("SELECT julianday(?)", (text,)).fetchone()[0]


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _foreign(path: Path) -> StoreError:
    return StoreError(
        f"{path} is another application's SQLite database, not refresher's; {_MOVE_ASIDE}"
    )


def open_store(home: Path | None = None) -> Store:
    """Open (creating if needed) the history database. Raises StoreError, never overwrites a
    file that is not a refresher database, nor a damaged one."""
    path = paths.db_path(home)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None
    _check_existing(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the history database {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        migrations.apply(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _sqlite_error(path, exc, "use") from None
    except BaseException:
        conn.close()
        raise
    return Store(conn, path)
