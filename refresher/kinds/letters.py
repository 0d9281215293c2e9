"""Option letters: the one definition of how options are named and how typed letters are read.

Pure. A bank may give a question up to 26 options (A-Z); typed answers accept letters in any
case, their numbers (`2` for B), and several at once (`A C`, `a,c`, `AC`, `1 3`).
"""

from __future__ import annotations

import re

from refresher.core.errors import InputError
from refresher.core.text import excerpt

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter(index: int) -> str:
    return LETTERS[index]


def index_of(text: str) -> int:
    """The position named by one letter (`K` -> 10)."""
    return LETTERS.index(text.strip().upper())


def parse_letters(text: str, count: int, *, what: str = "an option") -> list[int]:
    """`B`, `b`, `2`, `A C`, `a,c`, `AC`, `1 3` -> display indices, in typed order, no repeats.

    Raises InputError naming the accepted range.
    """
    cleaned = text.strip()
    if not cleaned:
        raise InputError("type a letter")
    tokens = [t.upper() for t in re.split(r"[\s,;/+]+", cleaned) if t]
    last = LETTERS[count - 1]
    if len(tokens) == 1 and len(tokens[0]) > 1 and all(c in LETTERS[:count] for c in tokens[0]):
        tokens = list(tokens[0])  # "AC" means A and C
    out: list[int] = []
    for token in tokens:
        if token.isdigit() and 1 <= int(token) <= count:
            index = int(token) - 1
        elif len(token) == 1 and token in LETTERS[:count]:
            index = LETTERS.index(token)
        else:
            shown = cleaned if len(tokens) == 1 else token
            raise InputError(f"'{_short(shown)}' is not {what}: answer A-{last} (or 1-{count})")
        if index not in out:
            out.append(index)
    return out


def _short(text: str) -> str:
    return excerpt(text, 30)
