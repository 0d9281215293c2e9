"""Text -> numbers: scalars, vectors and matrices as a learner or an option types them.

Pure and numpy-free on purpose: the quiz parses learners' numeric answers with these functions,
and `refresher quiz` / `--help` must never pay for importing numpy.

Accepted forms
--------------
scalar   ``3.5``  ``-1e-3``  ``7/2``  ``+.5``  ``−2`` (Unicode minus)
vector   ``0.5 -1 2``  ``0.5, -1, 2``  ``[0.5, -1, 2]``  or a column ``1; 2; 3``
matrix   ``1 2; 3 4``  ``1,2;3,4``  ``[[1, 2], [3, 4]]``  ``[1 2; 3 4]``  one row per line,
         and NumPy's own printout ``[[1. 2.]\\n [3. 4.]]``

Numbers inside a row are separated by spaces, tabs or commas; rows by ``;`` or line breaks.
Blank rows are ignored. Every problem raises `InputError` whose message says where it is
("row 2 has 3 numbers but row 1 has 4"); pass ``name=`` to prefix it with what was being read.
Only finite numbers are accepted: ``nan`` and ``inf`` are refused.
"""

from __future__ import annotations

import re

from refresher.core.errors import InputError

__all__ = ["parse_matrix", "parse_scalar", "parse_vector"]

# Characters learners paste from slides or word processors, mapped to what they mean here.
_NORMALISE = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2012": "-",  # figure dash
        "\u00a0": " ",  # no-break space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\r": "\n",
    }
)

_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"(?P<num>{_DECIMAL})(?:/(?P<den>{_DECIMAL}))?")
_GROUP_RE = re.compile(r"\[([^\[\]]*)\]")


def _fail(message: str, name: str | None) -> InputError:
    return InputError(f"{name}: {message}" if name else message)


def _show(token: str) -> str:
    token = token if len(token) <= 30 else token[:27] + "..."
    return repr(token)


def _number(token: str) -> float:
    """One token -> float; raises ValueError with a learner-facing message."""
    match = _NUMBER_RE.fullmatch(token)
    if match is None:
        raise ValueError(f"{_show(token)} is not a number")
    value = float(match["num"])
    if match["den"] is not None:
        den = float(match["den"])
        if den == 0:
            raise ValueError(f"{_show(token)} divides by zero")
        value /= den
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{_show(token)} is too large")
    return value


def parse_scalar(text: str, *, name: str | None = None) -> float:
    """One number: ``3.5``, ``-1e-3`` or a fraction ``7/2`` (both sides may be decimals)."""
    token = text.translate(_NORMALISE).strip()
    if not token:
        raise _fail("expected a number, got nothing", name)
    try:
        return _number(token)
    except ValueError as exc:
        if len(token.split()) > 1 or "," in token or ";" in token:
            raise _fail(f"expected one number, got {_show(token)}", name) from None
        raise _fail(str(exc), name) from None


def _split_row(row: str) -> list[str]:
    """Tokens of one row; commas and/or whitespace separate, a trailing comma is allowed."""
    if "," not in row:
        return row.split()
    pieces = row.split(",")
    if pieces and not pieces[-1].strip():
        pieces.pop()  # "1, 2," is fine
    tokens: list[str] = []
    for piece in pieces:
        words = piece.split()
        if not words:
            raise ValueError("empty entry between commas")
        tokens.extend(words)
    return tokens


def _rows_from_flat(text: str) -> list[str]:
    """Rows of a bracket-free matrix: split on ';' and line breaks, dropping blank rows."""
    return [row for row in re.split(r"[;\n]", text) if row.strip()]


def _check_between(gap: str, where: str) -> None:
    if "[" in gap or "]" in gap:
        raise ValueError("unbalanced or too deeply nested brackets: expected [[row], [row], ...]")
    if gap.strip(" \t\n,;"):
        raise ValueError(f"unexpected {_show(gap.strip())} {where}")


def _rows_from_brackets(text: str) -> list[str]:
    """Rows of ``[[1, 2], [3, 4]]``, ``[1 2; 3 4]`` or ``[1, 2, 3]`` as bracket-free strings."""
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise ValueError("unbalanced brackets: start with '[' and end with ']'")
    inner = body[1:-1]
    if "[" not in inner and "]" not in inner:
        return _rows_from_flat(inner)  # one bracketed row, or MATLAB style [1 2; 3 4]
    rows: list[str] = []
    last = 0
    for match in _GROUP_RE.finditer(inner):
        _check_between(inner[last : match.start()], "between rows")
        if ";" in match.group(1):
            raise ValueError("use either [[...], [...]] or ';' between rows, not both")
        rows.append(match.group(1))
        last = match.end()
    _check_between(inner[last:], "after the last row")
    return rows


def _parse_rows(text: str) -> list[list[float]]:
    text = text.translate(_NORMALISE).strip()
    if not text:
        raise ValueError("expected numbers, got nothing")
    if "[" in text or "]" in text:
        try:
            rows = _rows_from_brackets(text)
        except ValueError:
            # "[1, 2], [3, 4]": rows in brackets without the outer pair
            try:
                rows = _rows_from_brackets(f"[{text}]")
            except ValueError:
                rows = None
            if rows is None or not text.startswith("["):
                raise
    else:
        rows = _rows_from_flat(text)
    matrix: list[list[float]] = []
    for r, row in enumerate(rows, start=1):
        try:
            tokens = _split_row(row)
        except ValueError as exc:
            raise ValueError(f"row {r}: {exc}") from None
        if not tokens:
            continue  # "[]" rows inside brackets
        values: list[float] = []
        for c, token in enumerate(tokens, start=1):
            try:
                values.append(_number(token))
            except ValueError as exc:
                where = f"row {r}, column {c}" if len(rows) > 1 else f"entry {c}"
                raise ValueError(f"{where}: {exc}") from None
        matrix.append(values)
    if not matrix:
        raise ValueError("expected numbers, got nothing")
    width = len(matrix[0])
    for r, values in enumerate(matrix[1:], start=2):
        if len(values) != width:
            raise ValueError(
                f"row {r} has {len(values)} number{'s' * (len(values) != 1)} but row 1 has "
                f"{width}; every row needs the same count"
            )
    return matrix


def parse_matrix(text: str, *, name: str | None = None) -> list[list[float]]:
    """A rectangular matrix, e.g. ``"1 2; 3 4"`` -> ``[[1.0, 2.0], [3.0, 4.0]]``.

    A single row (``"1 2 3"``) is a 1x3 matrix. Raises `InputError` for ragged rows,
    non-numbers, unbalanced brackets or empty text.
    """
    try:
        return _parse_rows(text)
    except ValueError as exc:
        raise _fail(str(exc), name) from None


def parse_vector(text: str, *, name: str | None = None) -> list[float]:
    """A vector: one row (``"0.5 -1 2"``, ``"[0.5, -1, 2]"``) or one column (``"1; 2; 3"``)."""
    try:
        rows = _parse_rows(text)
    except ValueError as exc:
        raise _fail(str(exc), name) from None
    if len(rows) == 1:
        return rows[0]
    if all(len(row) == 1 for row in rows):
        return [row[0] for row in rows]
    raise _fail(
        f"expected a vector (one row of numbers), got a {len(rows)}x{len(rows[0])} matrix", name
    )
