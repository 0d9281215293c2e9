"""Plain data with line numbers: what every file-format reader hands to the bank validator.

A reader (YAML today, CSV or Anki text next) returns ordinary dicts, lists and scalars, using
these two subclasses where it knows lines, so that every problem can name its line. Pure.
"""

from __future__ import annotations

from typing import Any


class LineDict(dict):
    """A mapping that remembers where it starts and where each of its keys is."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, line: int = 0, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = {}


class LineList(list):
    """A sequence that remembers the line of each entry."""

    item_lines: list[int]

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.item_lines = []


def line_of(mapping: Any, key: Any = None, default: int = 0) -> int:
    """The line of `key` in `mapping` (or of the mapping itself), when the reader recorded it."""
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line or default
    return default


def plain(value: Any) -> Any:
    """The same data as ordinary dicts and lists (specs are stored without line tracking)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
