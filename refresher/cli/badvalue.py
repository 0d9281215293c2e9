"""A bad option value in the tool's own words: one line, exit 1, like every user's error.

The argument parser reports a value it cannot take (`--tries 3`, `--mode foo`, `--count x`)
with its validation library's wording in a boxed usage message; `in_own_words` turns it into
`--tries: must be a whole number from 1 to 2, got 3`, as the tool's own checks word it.
"""

from __future__ import annotations

import re
from typing import Any

_CHOICES = re.compile(r"is not one of (.+?)\.?$")


def _name(param: Any) -> str:
    """The option's long names (every one of them, as the parser does not say which was
    typed: `--limit/--last`), else its metavar."""
    opts = [o for o in getattr(param, "opts", ()) or () if o.startswith("--")]
    if opts:
        return "/".join(opts)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "value")).upper()


def _details(exc: BaseException) -> dict[str, Any]:
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return {}
    try:
        found = errors(include_url=False)
    except TypeError:
        return {}
    return found[0] if found else {}


def _bounds(param: Any, ctx: dict[str, Any]) -> tuple[Any, Any]:
    low = getattr(param, "min", None)
    high = getattr(param, "max", None)
    if low is None:
        low = ctx.get("ge", ctx.get("gt"))
    if high is None:
        high = ctx.get("le", ctx.get("lt"))
    return low, high


def in_own_words(exc: Any) -> str:
    """One line for a `BadParameter`: the option, the value, and what it takes."""
    param = getattr(exc, "param", None)
    name = _name(param)
    detail = _details(exc)
    kind = str(detail.get("type", ""))
    given = detail.get("input")
    number = "a number" if "float" in kind else "a whole number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        low, high = _bounds(param, dict(detail.get("ctx") or {}))
        number = "a number" if isinstance(low, float) or isinstance(high, float) else number
        if low is not None and high is not None:
            wanted = f"{number} from {low} to {high}"
        elif low is not None:
            wanted = f"{number} of at least {low}"
        else:
            wanted = f"{number} of at most {high}"
        return f"{name}: must be {wanted}, got {given}"
    if kind in ("int_parsing", "int_from_float", "float_parsing"):
        return f"{name}: must be {number}, got '{given}'"
    message = str(getattr(exc, "message", exc)).removeprefix("Value error, ")
    choices = _CHOICES.search(message)
    if choices:
        words = [w.strip().strip("'") for w in choices.group(1).split(",")]
        return f"{name}: must be one of {', '.join(words)}, got '{given}'"
    return f"{name}: {message.rstrip('.')}"
