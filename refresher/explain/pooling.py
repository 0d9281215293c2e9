"""2-D average and max pooling with PyTorch's semantics, and its worked example.

Semantics are those of ``torch.nn.functional.avg_pool2d`` / ``max_pool2d`` (dilation 1):

* output size per axis: ``floor((n + 2p - k) / s) + 1``; in ceil mode ``ceil(...) + 1``, minus
  one if that last window would start inside the right padding (``(out - 1) * s >= n + p``);
* padding is ``p <= k // 2`` and the window must fit in the padded input;
* average pooling pads with zeros. Its divisor is the window clipped to the padded input
  (``count_include_pad=True``), or only the real input cells it covers (``exclude_pad``) --
  so a ceil-mode window hanging past the padding is divided by the cells it covers;
* max pooling pads with -inf, so padding never wins.

`pool2d` is the vectorised core: it loops over the k*l offsets inside a window, each a whole-array
NumPy operation over every output cell at once (several times faster than reducing a strided 4-D
window view). `explain_pool` adds the steps; it loops over output cells only to describe them,
and only when there are at most `max_cells` of them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.explain.inputs import as_bool, as_choice, as_matrix, as_pair, pair_text, shape_text
from refresher.explain.spec import Reader
from refresher.explain.specs.pooling import POOL, POOL_SIZE
from refresher.explain.steps import Grid, Line, Num, Step, Sym, Worked, plural, with_article

__all__ = [
    "explain_pool",
    "explain_pool_size",
    "exact_sum",
    "output_size",
    "pool2d",
    "pool_problems",
    "safe_mean",
]

MAX_CELLS = 64  # more output cells than this: a summary instead of one step per cell
MAX_GRID = 16  # padded inputs up to this many rows/cols are drawn whole in each step
MAX_TERMS = 16  # windows with more cells list a sum instead of every term


def output_size(n: int, k: int, s: int, p: int = 0, ceil_mode: bool = False) -> int:
    """Output length along one axis (PyTorch's ``pooling_output_shape`` with dilation 1)."""
    span = n + 2 * p - k
    if span < 0:
        return 0
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1  # the last window must start inside the input or the left padding
    return out


def setting_problems(
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    key: str = "size",
    what: str = "window",
) -> list[tuple[str, str]]:
    """A window (`key`: its spec key), stride or padding below its least value, as ``(key,
    message)`` pairs; shared with convolution (its kernel is the window)."""
    problems: list[tuple[str, str]] = []
    if min(size) < 1:
        problems.append((key, f"the {what} must be at least 1x1, got {shape_text(size)}"))
    if min(stride) < 1:
        problems.append(("stride", f"the stride must be at least 1, got {pair_text(stride)}"))
    if min(padding) < 0:
        problems.append(("padding", f"padding cannot be negative, got {pair_text(padding)}"))
    return problems


def fit_problems(
    shape: tuple[int, int],
    size: tuple[int, int],
    padding: tuple[int, int],
    key: str = "size",
    what: str = "window",
) -> list[tuple[str, str]]:
    """The window (or kernel) larger than the padded input, as a ``(key, message)`` pair."""
    padded = (shape[0] + 2 * padding[0], shape[1] + 2 * padding[1])
    if size[0] <= padded[0] and size[1] <= padded[1]:
        return []
    return [
        (
            key,
            f"the {shape_text(size)} {what} does not fit in the padded input "
            f"({shape_text(shape)} input + padding {pair_text(padding)} = "
            f"{shape_text(padded)})",
        )
    ]


def pool_problems(
    shape: tuple[int, int],
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
) -> list[tuple[str, str]]:
    """Problems with these pooling settings as ``(key, message)`` pairs; empty when valid."""
    problems = setting_problems(size, stride, padding)
    if problems:
        return problems
    if padding[0] > size[0] // 2 or padding[1] > size[1] // 2:
        limit = (size[0] // 2, size[1] // 2)
        problems.append(
            (
                "padding",
                f"padding {pair_text(padding)} is more than half the {shape_text(size)} window; "
                f"at most {pair_text(limit)} (padding <= window // 2)",
            )
        )
    return problems + fit_problems(shape, size, padding)


def raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InputError("; ".join(f"{key}: {message}" for key, message in problems))


def pair_of(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _window(
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None,
    padding: int | tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Size, stride (default: the size) and padding as (rows, cols) pairs."""
    size = pair_of(size)
    return size, size if stride is None else pair_of(stride), pair_of(padding)


def _starts(out: int, s: int, p: int) -> np.ndarray:
    return np.arange(out) * s - p


def _covered(
    shape: tuple[int, int],
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    out: tuple[int, int],
    count_include_pad: bool,
) -> list[np.ndarray]:
    """Per axis, how many cells each window counts in its divisor (PyTorch's rule)."""
    covered = []
    for axis in (0, 1):
        n, k, s, p = shape[axis], size[axis], stride[axis], padding[axis]
        start = _starts(out[axis], s, p)
        if count_include_pad:
            covered.append(np.minimum(start + k, n + p) - start)
        else:
            covered.append(np.minimum(start + k, n) - np.maximum(start, 0))
    return covered


def divisors(
    shape: tuple[int, int],
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    out: tuple[int, int],
    count_include_pad: bool = True,
) -> np.ndarray:
    """The divisor of every average-pooling window, as PyTorch computes it."""
    rows, cols = _covered(shape, size, stride, padding, out, count_include_pad)
    return np.outer(rows, cols).astype(float)


def _buffer(
    x: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    out: tuple[int, int],
    fill: float,
) -> np.ndarray:
    """`x` padded with `fill`, extended (or cut) to exactly the extent the windows cover."""
    rows = (out[0] - 1) * stride[0] + size[0]
    cols = (out[1] - 1) * stride[1] + size[1]
    if padding == (0, 0) and rows <= x.shape[0] and cols <= x.shape[1]:
        return x[:rows, :cols]  # nothing to pad: a view, no copy
    buf = np.full((rows, cols), fill, dtype=float)
    keep_r = min(x.shape[0], rows - padding[0])
    keep_c = min(x.shape[1], cols - padding[1])
    buf[padding[0] : padding[0] + keep_r, padding[1] : padding[1] + keep_c] = x[:keep_r, :keep_c]
    return buf


def pool2d(
    x: np.ndarray,
    size: int | tuple[int, int] = 2,
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    mode: str = "avg",
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Pool a 2-D array; `stride` defaults to the window size (as in PyTorch)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.size == 0:
        raise InputError(f"input: expected a non-empty matrix, got shape {shape_text(x.shape)}")
    if mode not in ("avg", "max"):
        raise InputError(f"mode: expected avg or max, got {mode!r}")
    size, stride, padding = _window(size, stride, padding)
    raise_problems(pool_problems(x.shape, size, stride, padding, ceil_mode))
    out = tuple(output_size(x.shape[a], size[a], stride[a], padding[a], ceil_mode) for a in (0, 1))
    buf = _buffer(x, size, stride, padding, out, 0.0 if mode == "avg" else -np.inf)
    span_r = (out[0] - 1) * stride[0] + 1
    span_c = (out[1] - 1) * stride[1] + 1
    parts = (
        buf[a : a + span_r : stride[0], b : b + span_c : stride[1]]
        for a in range(size[0])  # offsets inside the window; each covers every output cell
        for b in range(size[1])
    )
    if mode == "max":
        acc = next(parts).copy()
        for part in parts:
            np.maximum(acc, part, out=acc)
        return acc
    rows, cols = _covered(x.shape, size, stride, padding, out, count_include_pad)
    if np.all(rows == rows[0]) and np.all(cols == cols[0]):
        div: float | np.ndarray = float(rows[0] * cols[0])  # the usual case: all windows alike
    else:
        div = np.outer(rows, cols).astype(float)
    if np.max(np.abs(x)) <= _FLOAT_MAX / (size[0] * size[1]):
        acc = next(parts).copy()
        for part in parts:
            acc += part
        return acc / div
    # Numbers near the float limit: the sum of a window would overflow, so divide each term
    # first. A mean never exceeds the largest term, so nothing overflows.
    acc = next(parts) / div
    for part in parts:
        acc += part / div
    return acc


_FLOAT_MAX = float(np.finfo(float).max)


def exact_sum(values: np.ndarray) -> float | Decimal:
    """The sum of `values` as a float, or as an exact `Decimal` when a float would overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.sum(values))
    if np.isfinite(total) or not np.all(np.isfinite(values)):
        return total
    return sum((Decimal(float(v)) for v in np.ravel(values)), Decimal(0))


def safe_mean(values: np.ndarray) -> float:
    """The mean of finite `values` without overflowing, even near the float limit."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.mean(values))
    if np.isfinite(mean) or not np.all(np.isfinite(values)):
        return mean
    return float(np.sum(np.asarray(values, dtype=float) / values.size))


# ------------------------------------------------------------------------------ worked example


def cell_steps(
    size_step: Step,
    out: tuple[int, int],
    cell_step: Callable[[int, int, str], Step],
    output: np.ndarray,
    max_cells: int,
    noun: str,
    together: str,
) -> tuple[list[Step], bool]:
    """One step per output cell; past `max_cells`, the first, the last and a summary instead.

    Returns the steps and whether they are a summary. Shared by pooling and convolution.
    """
    cells = out[0] * out[1]
    if cells <= max_cells:
        every = [
            cell_step(i, j, f"output ({i + 1}, {j + 1})")
            for i in range(out[0])
            for j in range(out[1])
        ]
        return [size_step, *every], False
    summary = Step(
        title=f"every other {noun}, all at once",
        lines=(
            (f"{cells:,} {together}",),
            (
                "min ",
                Num(float(output.min())),
                "   mean ",
                Num(safe_mean(output)),
                "   max ",
                Num(float(output.max())),
            ),
        ),
        note=f"{cells:,} output cells, more than {max_cells}: showing a summary.",
        role="accent",
    )
    last = f"the last {noun}, output ({out[0]}, {out[1]})"
    return [
        size_step,
        cell_step(0, 0, f"the first {noun}, output (1, 1)"),
        cell_step(out[0] - 1, out[1] - 1, last),
        summary,
    ], True


def window_grid(
    shown: np.ndarray,
    padding: tuple[int, int],
    at: tuple[int, int, int, int],
    size: tuple[int, int],
    *,
    whole: bool,
    label: str,
    **grid: Any,
) -> Grid:
    """What a window step draws (`at`: the output cell i, j and the window's top-left corner
    in `shown`, the padded input): all of `shown` with the window marked, or, when it is too
    big to draw whole, just the window, in place. Shared with conv (the kernel's window)."""
    i, j, r0, c0 = at
    r1, c1 = r0 + size[0], c0 + size[1]
    if whole:
        values, origin, window = shown, padding, (r0, r1, c0, c1)
    else:
        values = shown[r0:r1, c0:c1]
        origin, window = (padding[0] - r0, padding[1] - c0), (0, size[0], 0, size[1])
    return Grid(
        values=values,
        origin=origin,
        window=window,
        position=(i, j),
        input_label=label if whole else f"{label}: this window",
        whole=whole,
        **grid,
    )


def size_rule(ceil_mode: bool = False, window: str = "window") -> Line:
    """The output-size formula as a line: ``out = floor((n + 2p - k) / s) + 1``."""
    fn = "ceil" if ceil_mode else "floor"
    return (
        "Output size: ",
        Sym(f"out = {fn}((n + 2p - k) / s) + 1", "accent"),
        f"  (n input, k {window}, s stride, p padding)",
    )


def size_lines(n: int, k: int, s: int, p: int, ceil_mode: bool, axis: str) -> list[Line]:
    span = n + 2 * p - k
    fn = "ceil" if ceil_mode else "floor"
    raw = (-(-span // s) if ceil_mode else span // s) + 1
    line: Line = (
        Sym(f"{axis:<4}", "accent"),
        f" = {fn}(({n} + 2·{p} - {k}) / {s}) + 1 = {fn}({span}/{s}) + 1 = {raw}",
    )
    lines = [line]
    final = output_size(n, k, s, p, ceil_mode)
    if final != raw:
        last = (raw - 1) * s - p
        lines.append(
            (
                "       ",
                f"the last window would start at {axis[:-1]} {last + 1} (1-based), inside the "
                f"right padding, so it is dropped: {final}",
            )
        )
    return lines


def output_size_step(
    shape: tuple[int, int],
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    positions: tuple[str, int] | None = None,
) -> tuple[list[int], Step]:
    """The output size (rows, cols) and the step that works it out, axis by axis. Its note
    counts the output's `positions` (what they are called, how many are shown one by one)
    when given, else just gives the size."""
    out = [output_size(shape[a], size[a], stride[a], padding[a], ceil_mode) for a in (0, 1)]
    note = f"the output is {out[0]}x{out[1]}."
    if positions is not None:
        what, max_cells = positions
        count = out[0] * out[1]
        note = f"{with_article(shape_text(out))} output: {plural(count, what)}, " + (
            "too many to show one by one."
            if count > max_cells
            else ("one step each." if count > 1 else "one step.")
        )
    step = Step(
        title="output size",
        lines=(
            *size_lines(shape[0], size[0], stride[0], padding[0], ceil_mode, "rows"),
            *size_lines(shape[1], size[1], stride[1], padding[1], ceil_mode, "cols"),
        ),
        note=note,
        role="accent",
        values={"output_size": out},
    )
    return out, step


def _range(a: int, b: int, what: str) -> str:
    """1-based ``rows 1–2`` / ``row 3`` for 0-based a..b-1."""
    return f"{what} {a + 1}–{b}" if b - a > 1 else f"{what[:-1]} {a + 1}"


def span_text(a: int, b: int, n: int, p: int, what: str) -> str:
    """Input rows/cols a..b-1 (0-based) in 1-based words, naming the parts that are padding.

    Row 0 and rows past n are padding; rows past n + p are outside even the padding (a ceil-mode
    window hanging over the edge).
    """
    notes = []
    if a < 0:
        part = _range(a, min(b, 0), what)
        notes.append(f"{part} {'is' if min(b, 0) - a == 1 else 'are'} padding")
    if b > n and n + p > max(a, n):
        lo, hi = max(a, n), min(b, n + p)
        notes.append(f"{_range(lo, hi, what)} {'is' if hi - lo == 1 else 'are'} padding")
    if b > n + p:
        lo = max(a, n + p)
        notes.append(f"{_range(lo, b, what)} past the padding")
    return _range(a, b, what) + (f" ({'; '.join(notes)})" if notes else "")


def _rules(
    mode: str, padding: tuple[int, int], ceil_mode: bool, exclude_pad: bool
) -> tuple[Line, ...]:
    lines: list[Line] = [size_rule(ceil_mode)]
    if mode == "avg":
        lines.append(("Average pooling: each output cell is the mean of the window it covers.",))
        if any(padding):
            if exclude_pad:
                lines.append(
                    (
                        "Padding adds zeros; the divisor counts only real input cells "
                        "(--exclude-pad, count_include_pad=False).",
                    )
                )
            else:
                lines.append(
                    (
                        "Padding adds zeros and the divisor counts them "
                        "(PyTorch's default, count_include_pad=True).",
                    )
                )
    else:
        lines.append(("Max pooling: each output cell is the largest value in its window.",))
        if any(padding):
            lines.append(("Padding is -∞, so a padded cell never wins.",))
    if ceil_mode:
        lines.append(
            (
                "Ceil mode keeps a last, partial window if it starts inside the input or the left "
                "padding; cells past the padding are not counted in its divisor.",
            )
        )
    return tuple(lines)


def _window_lines(
    cells: np.ndarray,
    real: np.ndarray,
    divisor: float,
    value: float,
    mode: str,
    exclude_pad: bool,
) -> tuple[Line, ...]:
    """The arithmetic of one window. `cells` are its values (NaN past the padding), `real`
    marks the cells inside the input."""
    if mode == "avg":
        terms = cells[real] if exclude_pad else cells[~np.isnan(cells)]
        total = exact_sum(terms)
        if terms.size == 1:  # one cell: nothing to add up
            return ((Num(float(terms[0])), " / ", Num(divisor), " = ", Num(value, "cell.out")),)
        if terms.size <= MAX_TERMS:
            parts: list = ["("]
            for i, t in enumerate(terms):
                parts += [" + " if i else "", Num(float(t), paren=i > 0)]
            parts += [
                ") / ",
                Num(divisor),
                " = ",
                Num(total),
                " / ",
                Num(divisor),
                " = ",
                Num(value, "cell.out"),
            ]
            return (tuple(parts),)
        return (
            (f"sum of the {terms.size} cells = ", Num(total)),
            ("", Num(total), " / ", Num(divisor), " = ", Num(value, "cell.out")),
        )
    terms = cells[real]
    if terms.size <= MAX_TERMS:
        parts = ["max("]
        for i, t in enumerate(terms):
            parts += [", " if i else "", Num(float(t))]
        parts += [") = ", Num(value, "cell.out")]
        return (tuple(parts),)
    return ((f"max of the {terms.size} input cells = ", Num(value, "cell.out")),)


def explain_pool(
    x: np.ndarray,
    *,
    mode: str = POOL.default("mode"),
    size: int | tuple[int, int] = POOL.default("size"),
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = POOL.default("padding"),
    ceil_mode: bool = POOL.default("ceil"),
    exclude_pad: bool = POOL.default("exclude_pad"),
    label: str = "C",
    max_cells: int = MAX_CELLS,
) -> Worked:
    """Pool `x` and describe it: the output-size formula, then one step per window."""
    x = np.asarray(x, dtype=float)
    size, stride, padding = _window(size, stride, padding)
    output = pool2d(x, size, stride, padding, mode, ceil_mode, not exclude_pad)
    n, m = x.shape
    out = output.shape
    divs = divisors(x.shape, size, stride, padding, out, not exclude_pad)

    # What each step shows: the padded input, NaN where a ceil window overhangs the padding.
    fill = 0.0 if mode == "avg" else -np.inf
    full_r = max(n + 2 * padding[0], (out[0] - 1) * stride[0] + size[0])
    full_c = max(m + 2 * padding[1], (out[1] - 1) * stride[1] + size[1])
    shown = np.full((full_r, full_c), np.nan)
    shown[: n + 2 * padding[0], : m + 2 * padding[1]] = fill
    shown[padding[0] : padding[0] + n, padding[1] : padding[1] + m] = x
    real = np.zeros(shown.shape, dtype=bool)
    real[padding[0] : padding[0] + n, padding[1] : padding[1] + m] = True
    whole = full_r <= MAX_GRID and full_c <= MAX_GRID
    small_out = out[0] <= MAX_GRID and out[1] <= MAX_GRID
    summary = out[0] * out[1] > max_cells  # too many cells: the first, the last, then a summary

    name = "Average" if mode == "avg" else "Max"
    title = (
        f"{name} pooling of {label} ({shape_text(x.shape)}), {shape_text(size)} window, "
        f"stride {pair_text(stride)}"
        + (f", padding {pair_text(padding)}" if any(padding) else "")
        + (", ceil mode" if ceil_mode else "")
    )
    _, size_step = output_size_step(
        (n, m), size, stride, padding, ceil_mode, positions=("window", max_cells)
    )

    def window_step(i: int, j: int, heading: str) -> Step:
        r0, c0 = i * stride[0], j * stride[1]
        r1, c1 = r0 + size[0], c0 + size[1]
        cells = shown[r0:r1, c0:c1]
        value = float(output[i, j])
        lines = (
            (
                "window over "
                + span_text(r0 - padding[0], r1 - padding[0], n, padding[0], "rows")
                + ", "
                + span_text(c0 - padding[1], c1 - padding[1], m, padding[1], "cols"),
            ),
            *_window_lines(cells, real[r0:r1, c0:c1], float(divs[i, j]), value, mode, exclude_pad),
        )
        grid = window_grid(
            shown,
            padding,
            (i, j, r0, c0),
            size,
            whole=whole,
            shape=(n, m),
            output=output if small_out and not summary else None,
            label=label,
            output_label="output",
            pad_text="0" if mode == "avg" else "-∞",
        )
        note = ""
        if mode == "avg" and divs[i, j] != size[0] * size[1]:
            note = f"divided by {int(divs[i, j])}, not {size[0] * size[1]}: " + (
                "only real input cells count."
                if exclude_pad
                else (
                    "the window hangs past the padding; only the cells it covers count."
                    if any(padding)
                    else "the window hangs past the input's edge; only the cells it covers count."
                )
            )
        return Step(
            title=heading,
            lines=lines,
            note=note,
            role="window",
            values={f"output[{i}][{j}]": value},
            grid=grid,
        )

    steps, summarised = cell_steps(
        size_step,
        out,
        window_step,
        output,
        max_cells,
        "window",
        "windows are computed together with NumPy; each follows the same rule as the two above.",
    )

    return Worked(
        kind="pool",
        title=title,
        inputs={"input": x},
        params={
            "mode": mode,
            "size": list(size),
            "stride": list(stride),
            "padding": list(padding),
            "ceil": ceil_mode,
            "exclude_pad": exclude_pad,
        },
        result={"output": output},
        steps=tuple(steps),
        answer_key="output",
        intro=_rules(mode, padding, ceil_mode, exclude_pad),
        summarised=summarised,
    )


def explain_pool_size(
    shape: tuple[int, int],
    *,
    size: int | tuple[int, int] = POOL_SIZE.default("size"),
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = POOL_SIZE.default("padding"),
    ceil_mode: bool = POOL_SIZE.default("ceil"),
) -> Worked:
    """Just the output shape of a pooling: the formula, substituted per axis."""
    size, stride, padding = _window(size, stride, padding)
    raise_problems(pool_problems(shape, size, stride, padding, ceil_mode))
    out, step = output_size_step(shape, size, stride, padding, ceil_mode)
    return Worked(
        kind="pool-size",
        title=f"Output size of {with_article(shape_text(size))} pooling over "
        f"{with_article(shape_text(shape))} input",
        inputs={"input_size": list(shape)},
        params={
            "size": list(size),
            "stride": list(stride),
            "padding": list(padding),
            "ceil": ceil_mode,
        },
        result={"output_size": out},
        steps=(step,),
        answer_key="output_size",
        intro=(size_rule(ceil_mode),),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.pooling`.


def read_input(r: Reader) -> np.ndarray | None:
    """The ``input`` matrix, or the option's default (the session's C); shared with conv."""
    return r.get("input", as_matrix)


def input_label(r: Reader) -> str:
    return "input" if r.has("input") else "C"


def grid_problems(
    r: Reader, shape: tuple[int, int], padding: tuple[int, int]
) -> list[tuple[str, str]]:
    """The padded input must fit `limits.GRID` rows/columns and `limits.ARRAY_CELLS` cells."""
    rows, cols = shape[0] + 2 * padding[0], shape[1] + 2 * padding[1]
    if max(rows, cols) <= limits.GRID and rows * cols <= limits.ARRAY_CELLS:
        return []
    key = "padding" if r.has("padding") and max(padding) > 0 else "input"
    return [
        (
            key,
            f"the padded input is {rows}x{cols}; at most {limits.GRID} rows or columns and "
            f"{limits.ARRAY_CELLS:,} values",
        )
    ]


def read_input_size(r: Reader) -> tuple[int, int] | None:
    """``input_size``, or the shape of ``input`` (not both); shared with conv-size."""
    if r.has("input_size") and r.has("input"):
        r.add("input_size", "give input_size or input, not both")
        return None
    if r.has("input"):
        x = r.get("input", as_matrix)
        return None if x is None else x.shape
    return r.get("input_size", as_pair)


def read_stride_padding(
    r: Reader, size: tuple[int, int] | None = None
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """``stride`` (not given: its option's default, or the window `size` when it has none)
    and ``padding``; shared with conv."""
    given = r.has("stride") or r.default("stride") is not None
    return r.get("stride", as_pair) if given else size, r.get("padding", as_pair)


def read_pool(r: Reader) -> Callable[[], Worked]:
    x = read_input(r)
    mode = r.get("mode", as_choice)
    size = r.get("size", as_pair)
    stride, padding = read_stride_padding(r, size)
    ceil = r.get("ceil", as_bool)
    exclude = r.get("exclude_pad", as_bool)
    if x is None or size is None or stride is None or padding is None:
        r.check()  # the window cannot be checked against the input; a bad mode can wait
    r.require(pool_problems(x.shape, size, stride, padding, bool(ceil)))
    r.require(grid_problems(r, x.shape, padding))
    label = input_label(r)
    return lambda: explain_pool(
        x,
        label=label,
        mode=mode,
        size=size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil,
        exclude_pad=exclude,
    )


def read_pool_size(r: Reader) -> Callable[[], Worked]:
    shape = read_input_size(r)
    size = r.get("size", as_pair)
    stride, padding = read_stride_padding(r, size)
    ceil = r.get("ceil", as_bool)
    r.check()
    r.require(pool_problems(shape, size, stride, padding, ceil))
    return lambda: explain_pool_size(
        shape, size=size, stride=stride, padding=padding, ceil_mode=ceil
    )
