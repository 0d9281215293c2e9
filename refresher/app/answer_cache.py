"""The answers of `stats`' period per question, kept between runs (an edge of the app layer).

`stats` sums every graded answer of its period question by question (accuracy by topic, type and
question, first tries, overrules, time): a read of thousands of answers on a long history, and
the same sums again at each run of the same study day. They are kept in one small JSON file in
the cache folder (`answers.json`, safe to delete) with the store's `Mark` and the period's start,
and brought up to date from the answers added since (`Store.answers_counted` says when it
counts everything again instead: an answer deleted or regraded, a sync read on). The period
starts at a study day, so a new day or another `--days` counts afresh. The file is untrusted
like every cache entry: read only when it is a regular file of bounded size, decoded with every
field's type checked, and anything unexpected is a miss.

The seconds of a question kept and of its answers since are added: the same total as summing
them all at once, to the last bit or so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import msgspec

from refresher.app import kept_file
from refresher.core import limits
from refresher.storage.days import Mark
from refresher.storage.queries import AnswerTotal
from refresher.storage.store import Store

FILE = "answers.json"
FORMAT = 1
KEEP = 4  # one for each bank and for all banks, and a period or two
MAX_BYTES = 32 * 1024 * 1024  # a few hundred thousand questions

_Count = Annotated[int, msgspec.Meta(ge=0, lt=limits.COUNT_MAX)]
_Seconds = Annotated[float, msgspec.Meta(ge=0, lt=limits.COUNT_MAX)]
Row = tuple[int, str, str, _Count, _Count, _Count, _Count, _Seconds]


class _Kept(msgspec.Struct, forbid_unknown_fields=True):
    scope: str | None
    since: str
    mark: tuple[str, int, int, int, str, str]
    rows: list[Row]


class _File(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    kept: list[_Kept]


def totals(
    store: Store, scope: str | None, since: datetime, folder: Path | None
) -> list[AnswerTotal]:
    """`Store.answer_totals(since, scope)`, kept in `folder` when given."""
    if folder is None:
        return store.answer_totals(since, scope)
    start = since.isoformat()
    kept = _load(folder)
    mine = next((k for k in kept if k.scope == scope and k.since == start), None)
    counted = store.answers_counted(since, scope, None if mine is None else Mark(*mine.mark))
    if mine is not None and not counted.whole:
        if not counted.rows:
            return list(mine.rows)
        rows = _added(mine.rows, counted.rows)
    else:
        rows = counted.rows
    fresh = _Kept(scope, start, tuple(counted.mark), rows)
    rest = [k for k in kept if (k.scope, k.since) != (scope, start)]
    _write(folder, [fresh, *rest][:KEEP])
    return rows


def _added(kept: list[Row], new: list[AnswerTotal]) -> list[AnswerTotal]:
    """The sums of `kept` and `new`, question by question, in the order SQLite groups them."""
    sums = {(r[0], r[1], r[2]): list(r[3:]) for r in kept}
    for card_id, topic, qtype, *more in new:
        row = sums.get((card_id, topic, qtype))
        if row is None:
            sums[(card_id, topic, qtype)] = list(more)
        else:
            for k, value in enumerate(more):
                row[k] += value
    return [
        (card_id, topic, qtype, int(r[0]), int(r[1]), int(r[2]), int(r[3]), float(r[4]))
        for (card_id, topic, qtype), r in sorted(sums.items())
    ]


def _load(folder: Path) -> list[_Kept]:
    data = kept_file.read(folder / FILE, MAX_BYTES, _File)
    if data is None or data.format != FORMAT:
        return []
    for k in data.kept:
        if any(r[3] > r[4] or r[5] > r[3] for r in k.rows):  # right <= answered, first <= right
            return []
    return data.kept


def _write(folder: Path, kept: list[_Kept]) -> None:
    kept_file.write(folder / FILE, _File(FORMAT, kept))
