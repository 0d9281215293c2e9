"""Turning spec values and file contents into checked arrays; hand-checkable seeded weights.

Every coercion takes the name of what it reads (``"--input"`` on the command line, ``"input"``
in a bank's compute spec) and raises `InputError` with that name and the shape it expected.
Spec values may be numbers, nested lists, NumPy arrays or text in `refresher.core.parse`'s forms.
Files are read by the caller (the command line): `matrix_from_file` turns what it read into a
matrix; a weights file is `refresher.formats.params`'s to parse.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.parse import parse_matrix, parse_scalar, parse_vector
from refresher.explain.steps import plural

# ------------------------------------------------------------------------------ scalars


def shape_text(shape: Sequence[int]) -> str:
    """``(2, 3)`` -> ``2x3``."""
    return "x".join(str(int(n)) for n in shape) if len(shape) else "a single number"


def pair_text(pair: Sequence[int]) -> str:
    """A stride or padding: ``2`` when both axes agree, else ``2x3``."""
    return str(int(pair[0])) if pair[0] == pair[1] else shape_text(pair)


_INT_RE = re.compile(r"\s*[+-]?\d+\s*")


def _int_text(n: int) -> str:
    text = str(n)
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} digits)"


def as_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number within ``minimum..maximum``; big integers are kept exact (never rounded)."""
    if isinstance(value, bool):
        raise InputError(f"{name}: expected a whole number, got {value!r}")
    if isinstance(value, int | np.integer) or (isinstance(value, str) and _INT_RE.fullmatch(value)):
        try:
            result = int(value)
        except ValueError:  # more digits than Python converts from text
            raise InputError(f"{name}: {len(value.strip())} digits is too long a number") from None
    else:
        if isinstance(value, str):
            number = parse_scalar(value, name=name)
        elif isinstance(value, float | np.floating):
            number = float(value)
        else:
            raise InputError(f"{name}: expected a whole number, got {type(value).__name__}")
        if not np.isfinite(number) or number != int(number):
            raise InputError(f"{name}: expected a whole number, got {value!r}")
        result = int(number)
    low = minimum is not None and result < minimum
    high = maximum is not None and result > maximum
    if (low or high) and minimum is not None and maximum is not None:
        raise InputError(
            f"{name}: must be a whole number from {minimum} to {maximum}, got {_int_text(result)}"
        )
    if low:
        raise InputError(f"{name}: must be at least {minimum}, got {_int_text(result)}")
    if high:
        raise InputError(f"{name}: must be at most {maximum}, got {_int_text(result)}")
    return result


def as_float(value: Any, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool):
        raise InputError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, str):
        number = parse_scalar(value, name=name)
    elif isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        raise InputError(f"{name}: expected a number, got {type(value).__name__}")
    if not np.isfinite(number):
        raise InputError(f"{name}: expected a finite number, got {value!r}")
    check_magnitude(np.array([number]), name)
    if positive and number <= 0:
        raise InputError(f"{name}: must be positive, got {number:g}")
    return number


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "off", "0"}:
        return False
    raise InputError(f"{name}: expected true or false, got {value!r}")


def as_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    text = str(value).strip().lower()
    if text not in choices:
        raise InputError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return text


_PAIR_RE = re.compile(r"\s*(\S+?)\s*(?:[xX×,]|\s)\s*(\S+)\s*")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"


def as_pair(
    value: Any, name: str, *, minimum: int = 0, maximum: int | None = None
) -> tuple[int, int]:
    """``2``, ``"2"``, ``"2x3"``, ``"2,3"`` or ``[2, 3]`` -> ``(rows, cols)``."""
    if isinstance(value, str):
        text = value.strip()
        match = _PAIR_RE.fullmatch(text)
        parts: list[Any] = [match.group(1), match.group(2)] if match else [text]
    elif isinstance(value, list | tuple | np.ndarray):
        parts = list(value)
    else:
        parts = [value]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise InputError(f"{name}: expected N or RxC, got {_short(value)}")
    try:
        rows, cols = (as_int(p, name, minimum=minimum) for p in parts)
    except InputError:
        raise InputError(
            f"{name}: expected a whole number N or RxC with each at least {minimum}, "
            f"got {_short(value)}"
        ) from None
    if maximum is not None and max(rows, cols) > maximum:
        raise InputError(f"{name}: at most {maximum}, got {_int_text(max(rows, cols))}")
    return rows, cols


# ------------------------------------------------------------------------------ arrays


def check_cells(shape: Sequence[int], name: str) -> None:
    """Refuse an array of more than `limits.ARRAY_CELLS` cells (before it is computed on)."""
    cells = math.prod(int(n) for n in shape)
    if cells > limits.ARRAY_CELLS:
        raise InputError(
            f"{name}: {shape_text(shape)} is {cells:,} values; at most {limits.ARRAY_CELLS:,}"
        )


def _g(x: float) -> str:
    """``1e+12`` -> ``1e12``, as the worked examples write numbers."""
    return f"{x:g}".replace("e+", "e")


_BOUND_TEXT = f"numbers must be from -{_g(limits.NUMBER_ABS)} to {_g(limits.NUMBER_ABS)}"


def check_magnitude(arr: np.ndarray, name: str) -> None:
    """Refuse a number beyond ±`limits.NUMBER_ABS`, so that no sum of products a worked example
    forms (at most `limits.ARRAY_CELLS` terms) comes near the float limit (about 1.8e308)."""
    if arr.size and not np.max(np.abs(arr)) <= limits.NUMBER_ABS:
        bad = float(arr.flat[int(np.argmax(np.abs(arr)))])
        raise InputError(f"{name}: {_g(bad)} is too large; {_BOUND_TEXT}")


_DTYPE_TEXT = {
    "c": "complex numbers",
    "M": "dates",
    "m": "time spans",
    "U": "text",
    "S": "bytes",
    "V": "records",
}


def _array(value: Any, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.array(value, dtype=float)
        except ValueError:
            raise InputError(
                f"{name}: rows of different lengths or values that are not numbers"
            ) from None
        except TypeError:
            raise InputError(f"{name}: expected numbers, got {type(value).__name__}") from None
    if arr.dtype.kind not in "biuf":  # complex parts would be dropped; text, dates: no numbers
        what = _DTYPE_TEXT.get(arr.dtype.kind, "values that are not numbers")
        raise InputError(f"{name}: expected real numbers, got {what}")
    check_cells(arr.shape, name)
    with np.errstate(over="ignore"):  # a long double past the float range: ∞, refused here
        floats = arr.astype(float)
    if not np.all(np.isfinite(floats)):
        if np.all(np.isfinite(arr)):
            raise InputError(f"{name}: a value is too large; {_BOUND_TEXT}")
        raise InputError(f"{name}: every value must be a finite number")
    check_magnitude(floats, name)
    return floats


def _is_number(value: Any) -> bool:
    if isinstance(value, str):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def check_rows(value: Any, name: str) -> None:
    """Name the first ragged row or non-number in nested lists (``row 2 has 1 number ...``).

    Anything else (a scalar, an array, text) passes through for the caller to read.
    """
    if not isinstance(value, list | tuple) or not value:
        return
    rows = list(value)
    nested = [isinstance(row, list | tuple) for row in rows]
    if any(nested) and not all(nested):
        bad = nested.index(not nested[0])
        raise InputError(
            f"{name}: entry {bad + 1} is {'a row' if nested[bad] else 'a single number'} but "
            f"entry 1 is {'a row' if nested[0] else 'a single number'}; write a matrix as "
            "[[1, 2], [3, 4]]"
        )
    if not all(nested):
        for j, entry in enumerate(rows, start=1):
            if not _is_number(entry):
                raise InputError(f"{name}: entry {j}: {entry!r} is not a number")
        return
    width = len(rows[0])
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise InputError(
                f"{name}: row {i} has {plural(len(row), 'number')} but row 1 has {width}; "
                "every row needs the same count"
            )
        for j, entry in enumerate(row, start=1):
            if not _is_number(entry):
                raise InputError(f"{name}: row {i}, entry {j}: {entry!r} is not a number")


def _text_array(rows: list[Any], name: str) -> np.ndarray:
    """Numbers parsed from text (rectangular already) as a float array within the cell limit."""
    shape = (len(rows), len(rows[0])) if rows and isinstance(rows[0], list) else (len(rows),)
    check_cells(shape, name)
    arr = np.array(rows, dtype=float)
    check_magnitude(arr, name)
    return arr


def as_matrix(value: Any, name: str) -> np.ndarray:
    """A 2-D float array from text, nested lists or an array; a flat list is one row."""
    if isinstance(value, str):
        return _text_array(parse_matrix(value, name=name), name)
    check_rows(value, name)
    arr = _array(value, name)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"{name}: expected a non-empty matrix, got shape {shape_text(arr.shape)}")
    return arr


def as_vector(value: Any, name: str) -> np.ndarray:
    """A 1-D float array from text, a list, a one-row/one-column matrix or a single number."""
    if isinstance(value, str):
        return _text_array(parse_vector(value, name=name), name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value]
    arr = _array(value, name)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name}: expected a vector, got shape {shape_text(arr.shape)}")
    return arr


def as_sequence(value: Any, name: str) -> np.ndarray:
    """Inputs over time: a vector (one step) or a matrix with one row per time step -> (T, X)."""
    if isinstance(value, str):
        return _text_array(parse_matrix(value, name=name), name)
    arr = _array(value, name)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"{name}: expected a vector or one row per time step")
    return arr


# ------------------------------------------------------------------------------ files


def matrix_from_file(data: bytes, suffix: str, label: str) -> np.ndarray:
    """A matrix from a file's bytes (the caller reads the file): a .npy array, its header read
    and its shape checked before its data, or .txt/.csv text (the forms of `parse_matrix`)."""
    if suffix == ".npy":
        return as_matrix(_read_npy(data, label), label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: cannot read the file ({exc})") from None
    return _text_array(parse_matrix(text, name=label), label)


def _read_npy(data: bytes, label: str) -> np.ndarray:
    """A .npy array from its bytes: header first (version, dtype, shape), then the data."""
    fh = io.BytesIO(data)
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = fmt.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, dtype = fmt.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unsupported .npy format version {version[0]}.{version[1]}")
    except (OSError, ValueError, TypeError, SyntaxError) as exc:
        raise InputError(f"{label}: not a readable .npy array ({exc})") from None
    if dtype.hasobject:
        raise InputError(f"{label}: not a readable .npy array (it holds Python objects)")
    if dtype.kind not in "biuf":  # read as numbers, these would warn, lose parts or fail
        what = _DTYPE_TEXT.get(dtype.kind, str(dtype))
        raise InputError(f"{label}: expected a .npy array of real numbers, it holds {what}")
    if len(shape) > 2:
        raise InputError(f"{label}: expected a matrix, got shape {shape_text(shape)}")
    check_cells(shape, label)
    try:
        fh.seek(0)
        return np.load(fh, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{label}: not a readable .npy array ({exc})") from None


# ------------------------------------------------------------------------------ weights


def hand_weights(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Weights in multiples of 0.1 between -0.5 and 0.5, so every product is checkable by hand."""
    return rng.integers(-5, 6, size=shape) / 10.0


def cycle_vector(pattern: Sequence[float], n: int) -> np.ndarray:
    """A default vector of length `n` repeating `pattern` (``[1, -1, 1, ...]``)."""
    return np.array([pattern[i % len(pattern)] for i in range(n)], dtype=float)


# A weight layout lists (name, kind) in order; kind is "hx" (hidden x input), "hh"
# (hidden x hidden), "h" (a bias of length hidden), "oh" (output x hidden) or "o" (output bias).
Layout = Sequence[tuple[str, str]]
_KIND_TEXT = {
    "hx": "hidden x input",
    "hh": "hidden x hidden",
    "h": "hidden",
    "oh": "output x hidden",
    "o": "output",
}


def _size_of(value: Any, axis: int) -> int | None:
    """Length along `axis` of a nested list / scalar, or None if it cannot be read."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if arr.ndim == 0:
        return 1
    if arr.ndim == 1:
        return arr.shape[0] if axis in (0, -1) else None
    return arr.shape[axis] if arr.ndim == 2 else None


def check_weights(raw: Mapping[str, Any], layout: Layout, name: str) -> dict[str, np.ndarray]:
    """Coerce `raw` to arrays of the shapes `layout` asks for, or raise one clear `InputError`.

    Sizes are read from the data: hidden from the first bias, input from the first ``hx``
    matrix, output from the first ``o`` bias. A scalar is a 1x1 matrix; a flat list is a row
    when the matrix has one row, and a bias may be given as a column.
    """
    if not isinstance(raw, Mapping):
        raise InputError(f"{name}: expected a mapping of weight names to values")
    expected = [n for n, _ in layout]
    unknown = [k for k in raw if k not in expected]
    if unknown:
        raise InputError(
            f"{name}: unknown weight {unknown[0]!r}; expected the names {' '.join(expected)}"
        )
    missing = [n for n in expected if n not in raw]
    if missing:
        raise InputError(f"{name}: missing {' '.join(missing)} (expected {' '.join(expected)})")
    # Read every value first, so a ragged or non-numeric one is named (weight, row, entry)
    # rather than reported as a size that cannot be read.
    values: dict[str, Any] = {}
    for key, _ in layout:
        label = f"{name}: {key}"
        value = raw[key]
        if isinstance(value, str):
            value = parse_matrix(value, name=label)
        elif not (_is_number(value) or isinstance(value, list | tuple | np.ndarray)):
            raise InputError(f"{label}: expected numbers, got {type(value).__name__}")
        check_rows(value, label)
        values[key] = value

    def first(kind: str, axis: int) -> int | None:
        key = next(n for n, k in layout if k == kind)
        return _size_of(values[key], axis)

    sizes = {"h": first("h", 0), "x": first("hx", 1), "o": None}
    if any(k == "o" for _, k in layout):
        sizes["o"] = first("o", 0)
    for key, size in sizes.items():
        if key in ("h", "x") and not size:
            which = {"h": "hidden size (from the first bias)", "x": "input size"}[key]
            raise InputError(f"{name}: cannot read the {which}")
    hidden, inputs, outputs = sizes["h"], sizes["x"], sizes["o"]
    dims = {
        "hx": (hidden, inputs),
        "hh": (hidden, hidden),
        "h": (hidden,),
        "oh": (outputs, hidden),
        "o": (outputs,),
    }
    out: dict[str, np.ndarray] = {}
    for key, kind in layout:
        want = dims[kind]
        label = f"{name}: {key}"
        arr = _array(values[key], label)
        if len(want) == 1:
            if arr.ndim == 0:
                arr = arr.reshape(1)
            elif arr.ndim == 2 and 1 in arr.shape:
                arr = arr.ravel()
        elif arr.ndim == 0:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1 and want[0] == 1:
            arr = arr[None, :]
        if arr.shape != want:
            raise InputError(
                f"{label} should be {shape_text(want)} ({_KIND_TEXT[kind]}), "
                f"got {shape_text(arr.shape)}"
            )
        out[key] = arr
    return out


def check_vector(value: Any, name: str, size: int, what: str) -> np.ndarray:
    vec = as_vector(value, name)
    if vec.shape[0] != size:
        raise InputError(f"{name}: expected {plural(size, 'value')} ({what}), got {vec.shape[0]}")
    return vec
