"""Card states in the history (an edge module): ratings, their undo, suspension, the schedule.

Owns the `cards` and `reviews` tables. `rate_card` stores one rating, its review log and the
answer it came from in one immediate transaction: the card's state is re-read inside the write
lock and the rating settled on it (`srs.rating.settle`), so a rating made meanwhile in another
window is built upon, never overwritten. Each review keeps the whole card row from before, so
`undo_review` puts the card back exactly, unless it was rated again since (`UndoConflict`).
py-fsrs is imported when a card is first read, which keeps `quiz` light.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from refresher.core import limits
from refresher.core.errors import RefresherError, StoreError
from refresher.storage.attempts import insert_attempt
from refresher.storage.connection import (
    Connection,
    cards_of,
    compact,
    damaged,
    guarded,
    iso,
    stored_time,
)

if TYPE_CHECKING:
    from refresher.srs.rating import CardRating
    from refresher.srs.schedule import CardInfo, CardState, Rated


# py-fsrs keeps a card's difficulty within these
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0

CARD_FIELDS = (
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
CARD_COLUMNS = ", ".join(CARD_FIELDS)


class UndoConflict(StoreError):
    """A rating cannot be undone (the card changed since); nothing was changed."""


class CardTable(msgspec.Struct, frozen=True):
    infos: dict[int, CardInfo]  # every rated card, as plain columns
    memory: dict[int, tuple[float, float]]  # stability and difficulty, of the cards with both


class ReviewRecord(msgspec.Struct, frozen=True):
    review_id: int
    rated: Rated


def card_row(card_id: int, state: CardState) -> dict[str, Any]:
    card = state.card
    return {
        "question_id": card_id,
        "fsrs": compact(card.to_dict()),
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


def _stored_row(conn: sqlite3.Connection, card_id: int) -> dict[str, Any] | None:
    """The `cards` row of one card, by column name, or None if it was never rated."""
    row = conn.execute(
        f"SELECT {CARD_COLUMNS} FROM cards WHERE question_id = ?", (card_id,)
    ).fetchone()
    return None if row is None else dict(zip(CARD_FIELDS, row, strict=True))


class Cards(Connection):
    """The store's card states and ratings (a part of `Store`)."""

    @guarded
    def card_infos(self, bank: str | None = None) -> dict[int, CardInfo]:
        """Every rated card (of `bank`), as plain columns: enough for the queue and for stats."""
        return self._table(bank, memory=False).infos

    @guarded
    def card_table(self, bank: str | None = None) -> CardTable:
        """Every rated card (of `bank`) as plain columns, with the stability and difficulty of
        each card that has both (in its py-fsrs JSON), from one read of the table (`stats` and
        `plan` want both: the table is wide and its read is most of the time)."""
        return self._table(bank, memory=True)

    def _table(self, bank: str | None, *, memory: bool) -> CardTable:
        """The cards of `bank` (every bank when None), with their memory when asked for; a
        damaged row is named by its card."""
        from refresher.srs.schedule import CardInfo, State

        join, args = cards_of(bank)
        difficulty = "json_extract(c.fsrs, '$.difficulty')" if memory else "NULL"
        sql = (
            "SELECT c.question_id, c.due, c.state, c.suspended, c.stability, c.last_review,"
            f" c.lapses, c.leech, {difficulty} FROM cards c" + join
        )
        parse = datetime.fromisoformat
        lo, hi = limits.STORED_YEAR_MIN, limits.STORED_YEAR_MAX
        states = {s.value: s for s in State}  # a dict lookup: an Enum call per card is slow
        infos = {}
        kept = {}
        card_id = None
        try:
            for (
                card_id,
                due_at,
                state,
                suspended,
                stability,
                last_at,
                lapses,
                leech,
                hard,
            ) in self.conn.execute(sql, args):
                due = parse(due_at)
                last = parse(last_at) if last_at else None
                if due.tzinfo is None or (last is not None and last.tzinfo is None):
                    raise ValueError("a time without its zone")
                if not lo <= due.year <= hi or (last is not None and not lo <= last.year <= hi):
                    raise ValueError("out of range")
                if type(state) is not int or state not in states:
                    raise ValueError(f"{state!r} is not a card state")
                if stability is not None:
                    stability = float(stability)
                    if not 0 < stability < math.inf:  # a recall curve needs a positive one
                        raise ValueError(f"{stability!r} is not a stability")
                infos[card_id] = CardInfo(
                    card_id, due, states[state], bool(suspended), stability, last, int(lapses),
                    bool(leech),
                )  # fmt: skip
                if stability is not None and isinstance(hard, int | float):
                    if not MIN_DIFFICULTY <= hard <= MAX_DIFFICULTY:
                        raise ValueError(f"{hard!r} is not a difficulty")
                    kept[card_id] = (stability, float(hard))
        except (TypeError, ValueError) as exc:
            raise damaged(self.path, f"the schedule of card {card_id} ({exc})") from None
        return CardTable(infos, kept)

    @guarded
    def card_state(self, card_id: int) -> CardState | None:
        """The full schedule of one card, or None if it was never rated."""
        row = _stored_row(self.conn, card_id)
        return None if row is None else self._state_of(row)

    def _state_of(self, row: dict[str, Any]) -> CardState:
        from refresher.srs.schedule import Card, CardState

        try:
            card = Card.from_dict(json.loads(row["fsrs"]))
            introduced = stored_time(self.path, row["introduced_at"], "a first rating")
            stored_time(self.path, iso(card.due), "a due time")
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

    @guarded
    def introduced_between(self, start: datetime, end: datetime, bank: str | None = None) -> int:
        """Cards (of `bank`) first rated in [start, end): the new cards of one study day."""
        row = self.scoped(
            "cards",
            bank,
            "SELECT count(*) FROM cards WHERE introduced_at >= ? AND introduced_at < ?{bank}",
            iso(start),
            iso(end),
        ).fetchone()
        return int(row[0])

    @guarded
    def due_between(self, start: datetime, end: datetime, bank: str | None = None) -> list[str]:
        """Due times (ISO, UTC) in [start, end) of the cards (of `bank`) not suspended."""
        sql = "SELECT due FROM cards WHERE suspended = 0 AND due >= ? AND due < ?{bank}"
        return [r[0] for r in self.scoped("cards", bank, sql, iso(start), iso(end))]

    @guarded
    def rate_card(self, request: CardRating) -> ReviewRecord:
        """Rate a card, log the review and the answer, and commit, all in one transaction.

        The card's state is read again inside the write lock and the rating settled on it
        (`srs.rating.settle`): the preview the learner saw when that state is still the one
        shown, else computed afresh from it, so a rating made in another window meanwhile is
        built upon, never overwritten."""
        from refresher.srs.rating import settle

        card_id = request.card_id
        with self.write() as conn:
            before_row = _stored_row(conn, card_id)
            stored = None if before_row is None else self._state_of(before_row)
            rated = settle(request, stored)
            after_row = card_row(card_id, rated.after)
            conn.execute(
                f"INSERT OR REPLACE INTO cards ({CARD_COLUMNS})"
                f" VALUES ({', '.join('?' for _ in CARD_FIELDS)})",
                [after_row[f] for f in CARD_FIELDS],
            )
            attempt_id = insert_attempt(
                conn,
                card_id,
                request.question,
                request.outcome,
                request.seconds,
                "review",
                request.now,
                seed=request.seed,
            )
            cur = conn.execute(
                "INSERT INTO reviews (question_id, reviewed_at, rating, auto, duration_ms,"
                " state_before, due_after, attempt_id, card_before)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    iso(rated.log.review_datetime),
                    int(rated.rating),
                    int(request.auto),
                    rated.log.review_duration,
                    None if rated.before is None else int(rated.before.card.state),
                    after_row["due"],
                    attempt_id,
                    None if before_row is None else compact(before_row),
                ),
            )
            return ReviewRecord(int(cur.lastrowid or 0), rated)

    @guarded
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
                    f"UPDATE cards SET {', '.join(f'{f} = ?' for f in CARD_FIELDS[1:])}"
                    " WHERE question_id = ?",
                    [*(restored[f] for f in CARD_FIELDS[1:]), card_id],
                )
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if attempt_id is not None:
                conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        return int(card_id)

    @guarded
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

    @guarded
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

    @guarded
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
