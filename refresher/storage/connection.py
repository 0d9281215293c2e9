"""The open history connection every part of the store shares (an edge module).

`Connection` owns the SQLite connection and its file's path: one short immediate transaction per
write (`write()`, committed on exit), SQLite errors turned into one-line `StoreError`s naming the
file (`guarded`, `sqlite_error`, `damaged`), the one time format the file holds (`iso`,
`stored_time`) and the narrowing of a query to one bank's questions (`scoped`).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, Self, TypeVar

from refresher.core import limits
from refresher.core.errors import StoreError

MOVE_ASIDE = "it was left untouched — move it aside or set REFRESHER_HOME to another folder"

P = ParamSpec("P")
R = TypeVar("R")


def damaged(path: Path, detail: object) -> StoreError:
    """The one-line error for a history file that cannot be read as refresher's."""
    return StoreError(
        f"{path} is not a readable refresher database: it is damaged ({detail}); {MOVE_ASIDE}"
    )


def sqlite_error(path: Path, exc: sqlite3.Error, doing: str) -> StoreError:
    message = str(exc)
    if "malformed" in message or "not a database" in message or "no such" in message:
        return damaged(path, message)
    return StoreError(f"cannot {doing} the history database {path}: {message}")


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A store method whose SQLite errors become one-line StoreErrors naming the file (its
    object has the file's `path`: a store, or a `storage.sync.Sync`)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            path = args[0].path  # a store's, or a sync's
            raise sqlite_error(path, exc, "read") from None

    return wrapper


def iso(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("store times must be timezone-aware")
    return now.astimezone(UTC).isoformat(timespec="milliseconds")


def stored_time(path: Path, text: object, what: str) -> datetime:
    """A time read back from the file: aware, and in years refresher can compute with."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise damaged(path, f"{what} is {str(text)[:40]!r}, not a time refresher writes") from None
    if value.tzinfo is None or not (limits.STORED_YEAR_MIN <= value.year <= limits.STORED_YEAR_MAX):
        raise damaged(path, f"{what} is {str(text)[:40]!r}, out of range")
    return value


def compact(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))


class Closing:
    """Something that holds an open resource: `with` closes it on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Connection(Closing):
    """The open database and its path. Use `open_store()`; close with `close()` or `with`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

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
            raise sqlite_error(self.path, exc, "write") from None

    def scoped(self, table: str, bank: str | None, sql: str, *args: object) -> sqlite3.Cursor:
        """Run `sql`, its `{bank}` replaced by the narrowing of `table` to the questions of
        `bank` (nothing when None); that narrowing's argument comes after `args`."""
        where, extra = bank_filter(table, bank)
        return self.conn.execute(sql.replace("{bank}", where), (*args, *extra))


def bank_filter(table: str, bank: str | None) -> tuple[str, tuple[object, ...]]:
    """A `WHERE` clause's tail keeping the rows of `table` about the questions of `bank`."""
    if bank is None:
        return "", ()
    return (
        f" AND {table}.question_id IN (SELECT id FROM questions WHERE bank = ?)",
        (bank,),
    )


def cards_of(bank: str | None) -> tuple[str, tuple[object, ...]]:
    """The tail of a query over `cards c` keeping the cards of `bank`'s questions."""
    if bank is None:
        return "", ()
    return " JOIN questions q ON q.id = c.question_id WHERE q.bank = ?", (bank,)
