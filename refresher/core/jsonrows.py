"""JSON for people to read (pure): indented like `json.dumps(indent=2)`, except that a list of
plain values (a vector, a matrix's row) stays on one line, so a 4x4 matrix takes four lines,
not thirty. The text parses back to the very same value."""

from __future__ import annotations

import json
from typing import Any


def _plain(value: Any) -> bool:
    return not isinstance(value, dict | list)


def dumps(value: Any, indent: int = 2, *, _at: int = 0) -> str:
    """`value` as JSON (no NaN or infinity: ValueError, as `allow_nan=False`)."""

    def one(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    pad, inner = " " * _at, " " * (_at + indent)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{one(str(k))}: {dumps(v, indent, _at=_at + indent)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(_plain(v) for v in value):
            return "[" + ", ".join(one(v) for v in value) + "]"
        items = [f"{inner}{dumps(v, indent, _at=_at + indent)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return one(value)
