"""Flags: the questions the learner marked to look at again (an edge module).

Owns the `flags` table (migration 7): one row per flagged question, with the time it was
flagged. A flag is set by `f` at a prompt or `refresher flag`, cleared by `refresher unflag`.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from refresher.storage.connection import Connection, guarded, iso, stored_time


class Flag(msgspec.Struct, frozen=True):
    bank: str
    qid: str
    flagged_at: datetime


class Flags(Connection):
    """The store's flags (a part of `Store`)."""

    @guarded
    def flag(self, bank: str, qid: str, now: datetime) -> bool:
        """Flag `bank/qid`; False when it was flagged already (its time is kept)."""
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO questions (bank, qid) VALUES (?, ?)", (bank, qid))
            cur = conn.execute(
                "INSERT OR IGNORE INTO flags (question_id, flagged_at)"
                " SELECT id, ? FROM questions WHERE bank = ? AND qid = ?",
                (iso(now), bank, qid),
            )
            return cur.rowcount == 1

    @guarded
    def unflag(self, bank: str, qid: str) -> bool:
        """Clear the flag of `bank/qid`; False when it had none."""
        with self.write() as conn:
            cur = conn.execute(
                "DELETE FROM flags WHERE question_id IN"
                " (SELECT id FROM questions WHERE bank = ? AND qid = ?)",
                (bank, qid),
            )
            return cur.rowcount > 0

    @guarded
    def unflag_all(self, bank: str | None = None) -> int:
        """Clear every flag (of `bank`); returns how many there were."""
        with self.write() as conn:
            if bank is None:
                cur = conn.execute("DELETE FROM flags")
            else:
                cur = conn.execute(
                    "DELETE FROM flags WHERE question_id IN"
                    " (SELECT id FROM questions WHERE bank = ?)",
                    (bank,),
                )
            return cur.rowcount

    @guarded
    def flags(self, bank: str | None = None) -> list[Flag]:
        """The flagged questions (of `bank`), oldest flag first."""
        sql = (
            "SELECT q.bank, q.qid, f.flagged_at FROM flags f JOIN questions q"
            " ON q.id = f.question_id"
        )
        args: tuple[object, ...] = ()
        if bank is not None:
            sql += " WHERE q.bank = ?"
            args = (bank,)
        rows = self.conn.execute(sql + " ORDER BY f.flagged_at, q.id", args).fetchall()
        return [
            Flag(str(r[0]), str(r[1]), stored_time(self.path, r[2], "a flag's time")) for r in rows
        ]
