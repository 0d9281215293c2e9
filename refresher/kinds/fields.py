"""Reading one question's keys with their types checked and their lines known.

Every kind's `build` uses a `Fields` over the plain data a format reader returned; each problem
is recorded as (line, question id, message) and reading goes on, so a file's problems are all
reported at once. Text fields are refused when they hold control characters or exceed
`limits.TEXT_CHARS`. Pure.
"""

from __future__ import annotations

from typing import Any

from refresher.core import limits
from refresher.core.document import line_of
from refresher.core.text import codepoint, excerpt, first_control
from refresher.kinds.letters import LETTERS

Problem = tuple[int, str, str]  # line, question id, message


def as_text(value: Any) -> str | None:
    """Scalars authors write naturally (numbers in options, 1997 as a blank answer) as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value).strip()
    return None


def text_problem(value: str, key: str) -> str | None:
    """Why a text field cannot be shown as it is, or None."""
    bad = first_control(value)
    if bad is not None:
        return f"control character {codepoint(bad)} in '{key}'"
    if len(value) > limits.TEXT_CHARS:
        return f"'{key}' is longer than {limits.TEXT_CHARS:,} characters"
    return None


class Fields:
    def __init__(self, item: Any, problems: list[Problem], qid: str):
        self.item, self.problems, self.qid = item, problems, qid

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append((line_of(self.item, key), self.qid, message))

    def has(self, key: str) -> bool:
        return key in self.item

    def require(self, key: str) -> bool:
        if key in self.item:
            return True
        self.problem(None, f"missing required key '{key}'")
        return False

    def text(self, key: str, *, required: bool = True) -> str | None:
        if key not in self.item:
            if required:
                self.problem(None, f"missing required key '{key}'")
            return None
        value = as_text(self.item[key])
        if not value:
            self.problem(key, f"'{key}' must be non-empty text")
            return None
        return self.checked(value, key)

    def checked(self, value: str, key: str) -> str | None:
        why = text_problem(value, key)
        if why:
            self.problem(key, why)
            return None
        return value

    def text_list(
        self, key: str, *, min_len: int = 1, max_len: int | None = None
    ) -> tuple[str, ...] | None:
        if not self.require(key):
            return None
        return self.texts(self.item[key], key, min_len=min_len, max_len=max_len)

    def texts(
        self, raw: Any, key: str, *, min_len: int = 1, max_len: int | None = None
    ) -> tuple[str, ...] | None:
        """A list of non-empty texts found under `key` (its problems reported at `key`)."""
        if not isinstance(raw, list):
            self.problem(key, f"'{key}' must be a list")
            return None
        out = [as_text(v) for v in raw]
        if any(not v for v in out):
            self.problem(key, f"every entry of '{key}' must be non-empty text")
            return None
        most = limits.ITEMS_PER_QUESTION if max_len is None else max_len
        if len(out) < min_len or len(out) > most:
            span = f"{min_len}-{max_len}" if max_len else f"{min_len}-{most}"
            if max_len is None and len(out) < min_len:
                span = f"at least {min_len}"
            self.problem(key, f"'{key}' needs {span} entries, found {len(out)}")
            return None
        for value in out:
            if self.checked(value, key) is None:
                return None
        return tuple(out)

    def letter(self, value: Any, n_options: int, key: str = "answer") -> int | None:
        text = as_text(value)
        if text is None or len(text) != 1 or text.upper() not in LETTERS:
            self.problem(key, f"'{key}' must be an option letter like A, found {_quote(value)}")
            return None
        index = LETTERS.index(text.upper())
        if index >= n_options:
            last = LETTERS[n_options - 1]
            self.problem(key, f"answer {text.upper()} is not among the options A-{last}")
            return None
        return index

    def number(self, key: str) -> float | None:
        """An optional non-negative finite number (tolerances)."""
        value = self.item[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not 0 <= value <= limits.NUMBER_ABS:
            self.problem(key, f"'{key}' must be a non-negative number, found {_quote(value)}")
            return None
        return float(value)


def _quote(value: Any) -> str:
    return repr(excerpt(value)) if isinstance(value, str) else excerpt(value)
