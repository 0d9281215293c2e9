"""One JSON file of kept results in the cache folder, read and written as every cache keeps
them (an edge of the app layer, for `day_cache`, `answer_cache` and `fit_cache`): read only when
it is a regular file of bounded size, decoded with every field's type checked, anything unexpected
a miss; written atomically, and a folder that cannot be written only costs time."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import msgspec

from refresher.env.files import Refused, read_bounded, write_atomically

T = TypeVar("T")


def read(path: Path, max_bytes: int, shape: type[T]) -> T | None:
    """The file decoded as `shape`, or None (absent, too big, not a regular file, or junk)."""
    try:
        return msgspec.json.decode(read_bounded(path, max_bytes, follow=False), type=shape)
    except (Refused, msgspec.DecodeError):
        return None


def write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, msgspec.json.encode(value))
    except OSError:
        pass  # a cache that cannot be written only costs time
