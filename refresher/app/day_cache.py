"""The history's totals per study day, kept between runs of `stats` (an edge of the app layer).

`stats` shows a year of days; counting them is most of its time on a long history, and between
two runs only a few answers and reviews are added. The totals of each (bank, day shift) are kept
in one small JSON file in the cache folder (`days.json`, safe to delete) with the store's
`Mark` of what they count, and `totals()` brings them up to date from the rows added since
(`storage/days.py` says when it counts everything again instead). Only the latest `KEEP` are
kept. The file is untrusted like every cache entry: read only when it is a regular file of
bounded size, decoded with every field's type checked, and anything unexpected is a miss.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import msgspec

from refresher.app import kept_file
from refresher.core import limits
from refresher.storage.days import DAY_FIELDS, Mark
from refresher.storage.store import Store

FILE = "days.json"
FORMAT = 2
KEEP = 8  # one for each bank and for all banks, and a day shift or two (summer time)
MAX_BYTES = 8 * 1024 * 1024  # a few decades of days for each of KEEP


_Count = Annotated[int, msgspec.Meta(ge=0, lt=limits.COUNT_MAX)]


class _Kept(msgspec.Struct, forbid_unknown_fields=True):
    scope: str | None
    shift: int
    mark: tuple[str, int, int, int, str, str]
    days: dict[str, list[_Count]]


class _File(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    fields: list[str]
    kept: list[_Kept]


def totals(
    store: Store, scope: str | None, shift_minutes: int, folder: Path | None
) -> dict[str, list[int]]:
    """Study day (YYYY-MM-DD) -> totals (`DAY_FIELDS`) of `scope`'s history (None: every
    bank), kept in `folder` when given."""
    if folder is None:
        return store.day_totals(shift_minutes, scope, None).days
    kept = _load(folder)
    mine = next((k for k in kept if k.scope == scope and k.shift == shift_minutes), None)
    since = None if mine is None else Mark(*mine.mark)
    counted = store.day_totals(shift_minutes, scope, since)
    if mine is not None and not counted.whole:
        if counted.mark == since:
            return mine.days
        days = mine.days
        for day, added in counted.days.items():
            row = days.setdefault(day, [0] * len(DAY_FIELDS))
            days[day] = [a + b for a, b in zip(row, added, strict=True)]
    else:
        days = counted.days
    fresh = _Kept(scope, shift_minutes, tuple(counted.mark), days)
    rest = [k for k in kept if (k.scope, k.shift) != (scope, shift_minutes)]
    _write(folder, [fresh, *rest][:KEEP])
    return days


def _load(folder: Path) -> list[_Kept]:
    data = kept_file.read(folder / FILE, MAX_BYTES, _File)
    if data is None or data.format != FORMAT or tuple(data.fields) != DAY_FIELDS:
        return []
    width = len(DAY_FIELDS)
    try:
        for k in data.kept:
            for day, row in k.days.items():
                if len(day) != 10 or len(row) != width or min(row) < 0:
                    return []
                date.fromisoformat(day)
    except ValueError:
        return []
    return data.kept


def _write(folder: Path, kept: list[_Kept]) -> None:
    kept_file.write(folder / FILE, _File(FORMAT, list(DAY_FIELDS), kept))
