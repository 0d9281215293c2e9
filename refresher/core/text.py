"""Text that came from a file or a keyboard, made safe to show: control characters found or cut;
`plural`, a count with its noun; and `safe_cell`, a spreadsheet cell that cannot run.

A bank is shared between learners, so its text must not be able to drive the terminal (escape
sequences that retitle the window, write the clipboard, hide text or clear the screen) or
reorder what is shown (bidirectional overrides). Pure.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embedding,
# override and isolate marks. A carriage return is refused too: it rewrites the line shown.
# A lone surrogate is how a byte that is not UTF-8 reaches a str (typed input is decoded with
# `surrogateescape`); it cannot be written to a terminal or stored, so it is replaced too.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)


def first_control(text: str) -> str | None:
    """The first character of `text` that must not reach a terminal, or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def strip_controls(text: str) -> str:
    """`text` with every control character replaced by a visible `?` (for echoing input)."""
    return _CONTROL.sub("?", text)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first)
    with a leading `'`, which spreadsheets show as text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excerpt(value: object, width: int = 40) -> str:
    """A short, one-line, control-free quotation of a value found in a file."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 4 * width:
        text = text[: 4 * width]
    text = strip_controls(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def a_or_an(word: str) -> str:
    """``a match``, ``an order``: the word with the article its sound takes (by its spelling)."""
    return f"{'an' if word[:1].lower() in 'aeio' else 'a'} {word}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 window``, ``4 windows``, ``1,024 windows``; `many` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
