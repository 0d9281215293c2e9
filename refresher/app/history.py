"""`refresher history`: every answer and review in the store, streamed as rows (an app
module): each value checked as it is read, the last N rows, the cells a spreadsheet would run
quoted, and what the rows hold at most for a table's column widths. Imports only the store, so
the command starts as fast as any."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from typing import Any

from refresher.core.text import FORMULA_STARTS, safe_cell
from refresher.storage.store import Extent, open_store

HISTORY_COLUMNS = (
    "time",
    "bank",
    "question",
    "kind",
    "topic",
    "mode",
    "given",
    "correct",
    "seconds",
    "rating",
    "interval_days",
    "machine",
)
RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """A history row for a spreadsheet: text that would run as a formula starts with `'`
    (the row itself when no cell would: the usual case, checked one first character a cell)."""
    out = row
    first = _FORMULA_FIRST
    for key in _TEXT_COLUMNS:
        value = row[key]
        if value and value[0] in first:
            if out is row:
                out = dict(row)
            out[key] = safe_cell(value)
    return out


_FORMULA_FIRST = frozenset(FORMULA_STARTS)
_NUMBERS = ("correct", "seconds", "interval_days")
_TEXT_COLUMNS = tuple(c for c in HISTORY_COLUMNS if c not in _NUMBERS)


def history(
    store: Any,
    bank: str | None,
    since: datetime | None,
    last: int | None = None,
    machine: bool = True,
) -> Iterator[dict[str, Any]]:
    """Every attempt and review in the store, oldest first (only the last `last` of them, if
    given), one dict at a time (streamed); `machine` None with `machine=False`.

    The start-up check reads only what it can read fast, so each value is checked here as it
    streams: a text column holding bytes is decoded, a number that is not one is null, and an
    interval is computed only between two times."""
    texty = _TEXTY
    parse_time = datetime.fromisoformat
    # a stream left part-read is closed by its `with` (`history_rows`), which closes this
    # cursor (its frame let go) while the store is still open
    for row in store.history_rows(bank, since, last, machine):
        (at, bank_id, qid, kind, topic, mode, given, correct, seconds, rating, rated, due, on) = row
        if not {type(at), type(bank_id), type(qid), type(kind), type(topic), type(mode),
                type(given), type(on)} <= texty:  # fmt: skip
            at, bank_id, qid, kind, topic, mode, given, on = map(
                _stored_text, (at, bank_id, qid, kind, topic, mode, given, on)
            )
        interval = None
        if rated is not None and due is not None:
            try:
                start, end = parse_time(rated), parse_time(due)
            except (TypeError, ValueError):  # not text, or not a time: no interval
                pass
            else:
                if start.tzinfo is not None and end.tzinfo is not None:
                    interval = round((end - start).total_seconds() / 86400, 3)
        yield {
            "time": at,
            "bank": bank_id,
            "question": qid,
            "kind": kind,
            "topic": topic,
            "mode": mode or "-",
            "given": given,
            "correct": bool(correct) if correct in (0, 1) else None,
            "seconds": _stored_number(seconds),
            "rating": RATINGS.get(rating) if type(rating) is int else None,
            "interval_days": interval,
            "machine": on,
        }


_TEXTY = {str, type(None)}


def _stored_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _stored_number(value: Any) -> float | int | None:
    """`value` if it is a finite number, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


@contextmanager
def history_rows(
    bank: str | None, since: datetime | None, last: int | None = None
) -> Iterator[Iterator[dict[str, Any]]]:
    """The history store opened for the length of a `with`, and its rows streamed from it (a
    stream left part-read, by a reader gone from the pipe, is closed before the store is)."""
    with open_store() as store, closing(history(store, bank, since, last)) as rows:
        yield rows


@contextmanager
def history_table(
    bank: str | None, since: datetime | None, last: int | None = None
) -> Iterator[tuple[Extent, Iterator[dict[str, Any]]]]:
    """`history_rows` without the machine, and what the rows hold at most (for a table's
    column widths)."""
    with open_store() as store:
        extent = store.history_extent(bank, since, last)
        with closing(history(store, bank, since, last, machine=False)) as rows:
            yield extent, rows
