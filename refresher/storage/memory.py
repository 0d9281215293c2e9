"""The review history as FSRS training data, and card states rescheduled (an edge module).

`review_history` streams every rating of the cards of a bank (or of all banks) card by card,
oldest first: what `refresher optimize` fits FSRS parameters to. `reschedule` writes back card
states recomputed from that history under new parameters, in one transaction, leaving alone a
card rated meanwhile (its number of reviews is not the one replayed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from refresher.storage.cards import CARD_FIELDS, card_row
from refresher.storage.connection import Connection, damaged, guarded
from refresher.storage.days import history_mark

if TYPE_CHECKING:
    from refresher.srs.schedule import CardState

# card id, when, rating 1-4, answer time in ms (None: not timed)
HistoryRow = tuple[int, datetime, int, int | None]


class Memory(Connection):
    """The store's review history for fitting, and rescheduling (a part of `Store`)."""

    @guarded
    def review_history(self, bank: str | None = None) -> list[HistoryRow]:
        """Every rating of a card (of `bank`), card by card, oldest first."""
        join, args = "", ()
        if bank is not None:
            join, args = " JOIN questions q ON q.id = r.question_id WHERE q.bank = ?", (bank,)
        sql = (
            "SELECT r.question_id, r.reviewed_at, r.rating, r.duration_ms FROM reviews r"
            + join
            + " ORDER BY r.question_id, r.reviewed_at, r.id"
        )
        parse = datetime.fromisoformat
        rows: list[HistoryRow] = []
        for card_id, when, rating, ms in self.conn.execute(sql, args):
            try:
                rating = int(rating)
                if not 1 <= rating <= 4:
                    raise ValueError(f"rating {rating}")
                rows.append((int(card_id), parse(when), rating, None if ms is None else int(ms)))
            except (TypeError, ValueError) as exc:
                raise damaged(self.path, f"a review of card {card_id} ({exc})") from None
        return rows

    @guarded
    def history_mark(self, bank: str | None = None) -> tuple[str, int, int, str]:
        """(the store's name, reviews and answers deleted or regraded so far, highest review id
        and its time) of the cards of `bank` (every bank when None): changes whenever a review
        is added, undone or synced in (what `stats` keys its model fit on). Of every bank it is
        read from the end of an index and two rows; of one bank, from its entries of an index."""
        store, changed = history_mark(self.conn)
        if bank is None:
            sql, args = "SELECT max(id) FROM reviews", ()
        else:
            sql = (
                "SELECT max(r.id) FROM questions q CROSS JOIN reviews r"
                " ON r.question_id = q.id WHERE q.bank = ?"
            )
            args = (bank,)
        (top,) = self.conn.execute(sql, args).fetchone()
        row = self.conn.execute("SELECT reviewed_at FROM reviews WHERE id = ?", (top,)).fetchone()
        # a store that lost its mark's row matches nothing kept: its fit is scored each time;
        # the time of the latest review tells a store put back from a copy and studied on
        return store or os.urandom(8).hex(), changed, int(top or 0), str(row[0] if row else "")

    @guarded
    def reschedule(self, states: Iterable[tuple[int, int, CardState]]) -> int:
        """Write (card id, reviews replayed, new state) back; returns the cards written. A card
        whose review count is no longer the one replayed (rated meanwhile) is left as it is."""
        fields = CARD_FIELDS[1:]
        written = 0
        with self.write() as conn:
            for card_id, replayed, state in states:
                count = conn.execute(
                    "SELECT count(*) FROM reviews WHERE question_id = ?", (card_id,)
                ).fetchone()[0]
                if count != replayed:
                    continue
                row = card_row(card_id, state)
                cur = conn.execute(
                    f"UPDATE cards SET {', '.join(f'{f} = ?' for f in fields)}"
                    " WHERE question_id = ?",
                    [*(row[f] for f in fields), card_id],
                )
                written += cur.rowcount
        return written
