"""`Step` and `Worked`: what every worked example returns, and how its numbers read as text.

A `Worked` holds every named value of one computation (`result`), what it was computed from
(`inputs`, `params`) and the numbered `steps` a tutor would write on the board. It is pure data:
the terminal renderer (`refresher.render.worked`), `--json` (`Worked.to_dict`) and `--export`
all read the same object, so the three never disagree.

Formula lines are tuples of parts: plain strings, `Sym` (a symbol drawn in a role's colour),
`Num` (a number), raw numbers and arrays, and a closing `Comment` (renderers line up the comments
of a block of equations in one column). Numbers stay numbers until `format_line` turns them
into text at the precision the learner chose; the renderer and the JSON `text` lines both use
it, so they read the same.

JSON contract (`Worked.to_dict`)::

    {"kind": str,
     "inputs": {name: number | nested list | str | bool},
     "params": {name: number | nested list | str | bool},
     "result": {name: number | nested list},     # every named value, full float precision
                                                 # (gradients adds "verdict" strings)
     "steps":  [{"n": 1, "title": str, "text": [str, ...], "note": str,
                 "values": {name: number | nested list},
                 "window": {"rows": [r0, r1], "cols": [c0, c1]},   # pooling/conv steps only
                 "position": [i, j],                               # pooling/conv steps only
                 "table": {"header": [str], "rows": [[str]]}}]}    # steps with a table only

NumPy values become plain floats, ints and lists. JSON has no literal for non-finite numbers, so
they are written as the strings ``"inf"``, ``"-inf"`` and ``"nan"`` (a string, unlike ``null``,
keeps the sign). Window coordinates are 0-based, end-exclusive, in input coordinates (negative
or past the edge where a window covers padding).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from refresher.core.text import plural

__all__ = [
    "Chart",
    "Comment",
    "Grid",
    "Line",
    "Num",
    "ParamGroup",
    "Series",
    "Step",
    "Sym",
    "Table",
    "Worked",
    "format_array",
    "format_entries",
    "format_block",
    "format_line",
    "format_number",
    "format_part",
    "plural",
    "split_comment",
    "to_jsonable",
    "with_article",
]

# Smaller magnitudes print as 0: floating-point residue, not a value a tutor would write.
NOISE = 1e-12
# Vectors longer than this are shown with an ellipsis in formula lines (never in JSON values).
MAX_INLINE = 8
# Space between an equation and its comment (the narrowest the comment column gets).
COMMENT_GAP = "   "


@dataclass(frozen=True)
class Sym:
    """A symbol in a formula (``f_t``, ``W_fh``), drawn in `role`'s colour (a theme style name)."""

    text: str
    role: str = ""


@dataclass(frozen=True)
class Num:
    """A number (or a vector) in a formula, drawn in `role`'s colour.

    `paren` wraps a negative scalar: ``0.1·(-0.5)``. `tiny` keeps magnitudes below `NOISE`
    (a vanishing gradient) instead of printing them as the 0 they are in a hand calculation.
    """

    value: Any
    role: str = ""
    paren: bool = False
    tiny: bool = False


@dataclass(frozen=True)
class Comment:
    """What an equation means, closing its line (``forget gate``).

    The renderer lines up the comments of consecutive equations in one column, measured from
    what is displayed, so ``σ(`` or ``tanh(`` never push one comment out of line.
    """

    text: str


Part = str | Sym | Num | Comment | float | int | np.ndarray
Line = tuple[Part, ...]


@dataclass(frozen=True)
class Grid:
    """A 2-D input with the current window highlighted, beside the output map filled so far.

    `values` is the input as the step sees it: padding included, plus NaN for cells a ceil-mode
    window overhangs past the padding. The real input occupies `origin` .. `origin + shape`.
    `window` is ``(r0, r1, c0, c1)`` in `values` coordinates (end-exclusive, clipped to it).
    Output cells up to `position` (row-major) are shown filled; the rest are blank.
    """

    values: np.ndarray
    origin: tuple[int, int]
    shape: tuple[int, int]
    window: tuple[int, int, int, int]
    output: np.ndarray
    position: tuple[int, int]
    input_label: str = "input"
    output_label: str = "output"
    kernel: np.ndarray | None = None
    pad_text: str = "0"
    whole: bool = True  # False: `values` is just the window, cut from an input too big to draw


@dataclass(frozen=True)
class Series:
    """One line of a chart: y values for x = 1..len(values)."""

    label: str
    values: tuple[float, ...]
    role: str = ""
    marker: str = "●"


@dataclass(frozen=True)
class Chart:
    """A small chart drawn in the terminal; `log` puts y on a log10 scale."""

    series: tuple[Series, ...]
    x_label: str = "T"
    y_label: str = ""
    log: bool = True


@dataclass(frozen=True)
class ParamGroup:
    """A row of the weights table shown above the steps: one gate and its matrices."""

    label: str
    names: tuple[str, ...]
    role: str = ""


@dataclass(frozen=True)
class Table:
    """A small table of numbers inside a step; cells are formula parts."""

    header: tuple[str, ...]
    rows: tuple[tuple[Part, ...], ...]
    roles: tuple[str, ...] = ()  # a role per column ("" = plain)


@dataclass(frozen=True)
class Step:
    """One numbered step: a title, formula lines with numbers, and a one-line reading."""

    title: str
    lines: tuple[Line, ...] = ()
    note: str = ""
    role: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    grid: Grid | None = None
    chart: Chart | None = None
    table: Table | None = None


@dataclass(frozen=True)
class Worked:
    """A worked example: what went in, every value that came out, and the steps between.

    `answer_key` names the value a numeric question grades by default (``Worked.answer``).
    `intro` states the formula and the rule before step 1; `outro` closes the example.
    `summarised` is True when the input was too big to show every step. `weights_note` says
    where the weights came from (``seed 14, multiples of 0.1``), shown beside them.
    """

    kind: str
    title: str
    inputs: Mapping[str, Any]
    params: Mapping[str, Any]
    result: Mapping[str, Any]
    steps: tuple[Step, ...]
    answer_key: str
    intro: tuple[Line, ...] = ()
    outro: tuple[Line, ...] = ()
    groups: tuple[ParamGroup, ...] = ()
    summarised: bool = False
    weights_note: str = ""

    @property
    def answer(self) -> Any:
        """The main result (``output`` for pooling, ``h`` for a cell, ...)."""
        return self.result[self.answer_key]

    def to_dict(self, precision: int = 4) -> dict[str, Any]:
        """The JSON object described in the module docstring; `precision` is for `text` lines."""
        steps = []
        for n, step in enumerate(self.steps, start=1):
            item: dict[str, Any] = {
                "n": n,
                "title": step.title,
                "text": [format_line(line, precision) for line in step.lines],
                "note": step.note,
                "values": to_jsonable(dict(step.values)),
            }
            if step.grid is not None:
                g = step.grid
                r0, r1, c0, c1 = g.window
                item["window"] = {
                    "rows": [r0 - g.origin[0], r1 - g.origin[0]],
                    "cols": [c0 - g.origin[1], c1 - g.origin[1]],
                }
                item["position"] = list(g.position)
            if step.table is not None:
                item["table"] = {
                    "header": list(step.table.header),
                    "rows": [[format_part(c, precision) for c in row] for row in step.table.rows],
                }
            steps.append(item)
        return {
            "kind": self.kind,
            "inputs": to_jsonable(dict(self.inputs)),
            "params": to_jsonable(dict(self.params)),
            "result": to_jsonable(dict(self.result)),
            "steps": steps,
        }


# --------------------------------------------------------------------------- JSON conversion


def _json_float(x: float) -> float | str:
    if math.isfinite(x):
        return x
    if math.isnan(x):
        return "nan"
    return "inf" if x > 0 else "-inf"


def to_jsonable(value: Any) -> Any:
    """NumPy arrays and scalars -> plain lists and numbers; non-finite floats -> strings."""
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return value.tolist()
        if np.issubdtype(value.dtype, np.integer):
            return value.tolist()
        floats = value.astype(float)
        if np.all(np.isfinite(floats)):
            return floats.tolist()  # fast path: plain floats all the way down
        return to_jsonable(floats.tolist())
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _json_float(float(value))
    return value


# --------------------------------------------------------------------------- number formatting


def _round_text(x: float, places: int) -> str:
    """`x` rounded half-up to `places` decimals, as written by hand (5.25 -> 5.3, not 5.2).

    Rounds the shortest decimal form of the float (``repr``), so 2.675 gives 2.68 the way a
    learner expects, not 2.67 from its binary value.
    """
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP):f}"


def _is_zero(text: str) -> bool:
    return not text.strip("-0.")


# A value too small for the chosen precision is still written with up to this many decimals
# (0.05 at precision 1) before switching to scientific notation (4e-3).
SMALL_PLACES = 2


def _decimals_needed(x: float, precision: int) -> int:
    """How many decimals `x` needs to show at most `precision` of them (trailing zeros dropped)."""
    text = _round_text(x, precision)
    if x != 0 and _is_zero(text) and precision < SMALL_PLACES:
        text = _round_text(x, SMALL_PLACES)
    if "." not in text:
        return 0
    return len(text.rstrip("0").split(".")[1])


def _needs_sci(x: float, precision: int) -> bool:
    if x == 0:
        return False
    return abs(x) >= 1e7 or _is_zero(_round_text(x, max(precision, SMALL_PLACES)))


def _sci(x: float | Decimal, precision: int) -> str:
    mantissa, exponent = f"{x:.{max(precision - 1, 1)}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


_FLOAT_MIN = sys.float_info.min  # the smallest normal float: below it, digits are lost


def format_number(
    x: float, precision: int = 4, decimals: int | None = None, tiny: bool = False
) -> str:
    """A number as a tutor writes it: at most `precision` decimals, no trailing zeros.

    `decimals` forces a fixed count (used to align a column). Rounding is half-up, as by hand.
    Magnitudes below `NOISE` are floating-point residue (0.3 - 0.1 - 0.2) and print as 0,
    unless `tiny` says the value is meant to be that small. Other values too small to show at
    this precision get up to two decimals (0.05 at precision 1), then scientific notation (as
    do very large ones), so a vanishing gradient never reads as 0. Non-finite values
    read ``∞``, ``-∞``, ``nan``. A `Decimal` too large or too small for a float (the exact sum
    of a few numbers near the float limit, a product of tiny probabilities) is written in
    scientific notation.
    """
    if isinstance(x, Decimal):
        if x.is_finite() and x and not _FLOAT_MIN <= abs(float(x)) < math.inf:
            return _sci(x, precision)
        x = float(x)
    x = float(x)
    if not tiny and abs(x) < NOISE:
        x = 0.0
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else "-∞")
    if _needs_sci(x, precision):
        return _sci(x, precision)
    places = _decimals_needed(x, precision) if decimals is None else decimals
    text = _round_text(x, places)
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_entries(values: Any, precision: int = 4, tiny: bool = False) -> list[str]:
    """Every entry of an array formatted with one shared decimal count (flat, row-major).

    A shared count keeps a column of numbers aligned on the decimal point: ``3.50`` over
    ``3.75`` rather than ``3.5`` over ``3.75``.
    """
    flat = np.asarray(values, dtype=float).ravel()
    if not tiny:
        flat = np.where(np.abs(flat) < NOISE, 0.0, flat)
    finite = [float(v) for v in flat if math.isfinite(v)]
    if any(_needs_sci(v, precision) for v in finite):
        return [format_number(v, precision, tiny=tiny) for v in flat]
    places = max((_decimals_needed(v, precision) for v in finite), default=0)
    return [format_number(v, precision, places, tiny=tiny) for v in flat]


def format_array(
    values: Any, precision: int = 4, max_items: int = MAX_INLINE, tiny: bool = False
) -> str:
    """``[0.59, 0.91]`` or ``[[1, 2], [3, 4]]``; long vectors elide the middle with ``…``."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        return format_number(float(arr), precision, tiny=tiny)
    if arr.ndim == 1:
        texts = format_entries(arr, precision, tiny)
        if len(texts) > max_items:
            texts = [*texts[: max_items - 2], "…", *texts[-1:]]
        return "[" + ", ".join(texts) + "]"
    texts = format_entries(arr, precision, tiny)
    rows = [texts[i : i + arr.shape[1]] for i in range(0, len(texts), arr.shape[1])]
    return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"


def format_part(part: Part, precision: int = 4) -> str:
    """One part of a formula line as plain text."""
    if isinstance(part, str):
        return part
    if isinstance(part, Sym):
        return part.text
    if isinstance(part, Comment):
        return COMMENT_GAP + part.text
    if isinstance(part, Num):
        if isinstance(part.value, np.ndarray | list | tuple):
            return format_array(part.value, precision, tiny=part.tiny)
        text = format_number(part.value, precision, tiny=part.tiny)
        return f"({text})" if part.paren and text.startswith("-") else text
    if isinstance(part, np.ndarray | list | tuple):
        return format_array(part, precision)
    return format_number(float(part), precision)


def format_line(line: Sequence[Part], precision: int = 4) -> str:
    """A formula line as plain text (what `--json` puts in a step's ``text``)."""
    return "".join(format_part(part, precision) for part in line)


def split_comment(line: Sequence[Part]) -> tuple[tuple[Part, ...], str | None]:
    """A line without its closing `Comment`, and the comment's text (None if it has none)."""
    if line and isinstance(line[-1], Comment):
        return tuple(line[:-1]), line[-1].text
    return tuple(line), None


def format_block(lines: Sequence[Sequence[Part]], precision: int = 4) -> list[str]:
    """Lines as plain text with their comments lined up in one column (for text output)."""
    split = [split_comment(line) for line in lines]
    texts = [format_line(body, precision) for body, _ in split]
    column = max((len(t) for t, (_, c) in zip(texts, split, strict=True) if c), default=0)
    return [
        t if c is None else t.ljust(column) + COMMENT_GAP + c
        for t, (_, c) in zip(texts, split, strict=True)
    ]


# --------------------------------------------------------------------------- words with numbers


def _sounds_like_vowel(text: str) -> bool:
    """Whether `text` (a number or a shape like ``8x8``) is read starting with a vowel sound.

    Numbers: eight, eleven and eighteen, as the leading group of thousands (``8``, ``80``,
    ``800``, ``11``, ``18,000``, ``8x8``). Words: a leading vowel letter.
    """
    head = text.strip()
    digits = ""
    for ch in head:
        if ch.isdigit() or (ch == "," and digits):
            digits += ch
        else:
            break
    digits = digits.replace(",", "")
    if not digits:
        return head[:1].lower() in {"a", "e", "i", "o", "u"}
    lead = digits[: len(digits) % 3 or 3]  # the leading group of thousands: 11 of 11000
    return lead.startswith("8") or lead in {"11", "18"}


def with_article(text: str) -> str:
    """``a 4x4 output``, ``an 8x8 matrix``, ``an 11x11 window``, ``an output``."""
    return ("an " if _sounds_like_vowel(text) else "a ") + text
