"""2-D cross-correlation ("convolution" in deep-learning frameworks) and its worked example.

``out[i, j] = sum_{a, b} kernel[a, b] * padded[i*s + a, j*t + b]`` with zero padding; the kernel
is not flipped. Output size per axis ``floor((n + 2p - k) / s) + 1``. `conv2d` loops over the
kernel's k*l offsets, each a whole-array operation over every output cell at once.
"""

from __future__ import annotations

import numpy as np

from refresher.core.errors import InputError
from refresher.explain.inputs import pair_text, shape_text
from refresher.explain.pooling import (
    MAX_CELLS,
    MAX_GRID,
    cell_steps,
    output_size,
    size_lines,
    size_rule,
    span_text,
)
from refresher.explain.steps import Grid, Line, Num, Step, Worked, plural, with_article

__all__ = ["conv2d", "conv_problems", "explain_conv", "explain_conv_size"]

MAX_TERMS = 16  # kernels with more cells show the sum without every product


def conv_problems(
    shape: tuple[int, int],
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    kernel_key: str = "kernel",
) -> list[tuple[str, str]]:
    """Problems with convolution settings as ``(key, message)``; empty when valid."""
    problems: list[tuple[str, str]] = []
    if min(size) < 1:
        problems.append((kernel_key, f"the kernel must be at least 1x1, got {shape_text(size)}"))
    if min(stride) < 1:
        problems.append(("stride", f"the stride must be at least 1, got {pair_text(stride)}"))
    if min(padding) < 0:
        problems.append(("padding", f"padding cannot be negative, got {pair_text(padding)}"))
    if problems:
        return problems
    padded = (shape[0] + 2 * padding[0], shape[1] + 2 * padding[1])
    if size[0] > padded[0] or size[1] > padded[1]:
        problems.append(
            (
                kernel_key,
                f"the {shape_text(size)} kernel does not fit in the padded input "
                f"({shape_text(shape)} input + padding {pair_text(padding)} = "
                f"{shape_text(padded)})",
            )
        )
    return problems


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InputError("; ".join(f"{key}: {message}" for key, message in problems))


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """Cross-correlate `x` with `kernel` (zero padding, no flip), vectorised over output cells."""
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if x.ndim != 2 or x.size == 0:
        raise InputError(f"input: expected a non-empty matrix, got shape {shape_text(x.shape)}")
    if kernel.ndim != 2 or kernel.size == 0:
        raise InputError(
            f"kernel: expected a non-empty matrix, got shape {shape_text(kernel.shape)}"
        )
    stride, padding = _pair(stride), _pair(padding)
    _raise(conv_problems(x.shape, kernel.shape, stride, padding))
    out = [output_size(x.shape[a], kernel.shape[a], stride[a], padding[a]) for a in (0, 1)]
    padded = np.pad(x, ((padding[0], padding[0]), (padding[1], padding[1])))
    span_r = (out[0] - 1) * stride[0] + 1
    span_c = (out[1] - 1) * stride[1] + 1
    acc = np.zeros(out)
    # Values near the float limit can overflow to ±∞ (a true result out of range): no warning.
    with np.errstate(over="ignore", invalid="ignore"):
        for a in range(kernel.shape[0]):  # offsets inside the kernel; each covers every output
            for b in range(kernel.shape[1]):
                acc += kernel[a, b] * padded[a : a + span_r : stride[0], b : b + span_c : stride[1]]
    return acc


def _products(cells: np.ndarray, kernel: np.ndarray, value: float) -> Line:
    if kernel.size > MAX_TERMS:
        return (
            f"sum of the {kernel.size} products kernel[a, b]·x[a, b] = ",
            Num(value, "cell.out"),
        )
    parts: list = []
    for i, (w, v) in enumerate(zip(kernel.ravel(), cells.ravel(), strict=True)):
        parts += [" + " if i else "", Num(float(w), paren=i > 0), "·", Num(float(v), paren=True)]
    parts += [" = ", Num(value, "cell.out")]
    return tuple(parts)


def explain_conv(
    x: np.ndarray,
    kernel: np.ndarray,
    *,
    stride: tuple[int, int] = (1, 1),
    padding: tuple[int, int] = (0, 0),
    label: str = "C",
    max_cells: int = MAX_CELLS,
) -> Worked:
    """Cross-correlate and describe it: the size formula, then one step per output cell."""
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    stride, padding = _pair(stride), _pair(padding)
    output = conv2d(x, kernel, stride, padding)
    n, m = x.shape
    kr, kc = kernel.shape
    out = output.shape
    padded = np.pad(x, ((padding[0], padding[0]), (padding[1], padding[1])))
    whole = padded.shape[0] <= MAX_GRID and padded.shape[1] <= MAX_GRID
    small_out = out[0] <= MAX_GRID and out[1] <= MAX_GRID
    summary = out[0] * out[1] > max_cells  # too many cells: the first, the last, then a summary

    size_step = Step(
        title="output size",
        lines=(
            *size_lines(n, kr, stride[0], padding[0], False, "rows"),
            *size_lines(m, kc, stride[1], padding[1], False, "cols"),
        ),
        note=f"{with_article(shape_text(out))} output: "
        f"{plural(out[0] * out[1], 'kernel position')}, "
        + (
            "too many to show one by one."
            if out[0] * out[1] > max_cells
            else ("one step each." if out[0] * out[1] > 1 else "one step.")
        ),
        role="accent",
        values={"output_size": [out[0], out[1]]},
    )

    def cell_step(i: int, j: int, heading: str) -> Step:
        r0, c0 = i * stride[0], j * stride[1]
        cells = padded[r0 : r0 + kr, c0 : c0 + kc]
        value = float(output[i, j])
        if whole:
            values, origin, window = padded, padding, (r0, r0 + kr, c0, c0 + kc)
        else:
            values, origin, window = cells, (padding[0] - r0, padding[1] - c0), (0, kr, 0, kc)
        return Step(
            title=heading,
            lines=(
                (
                    "kernel over "
                    + span_text(r0 - padding[0], r0 - padding[0] + kr, n, padding[0], "rows")
                    + ", "
                    + span_text(c0 - padding[1], c0 - padding[1] + kc, m, padding[1], "cols"),
                ),
                _products(cells, kernel, value),
            ),
            role="window",
            values={f"output[{i}][{j}]": value},
            grid=Grid(
                values=values,
                origin=origin,
                shape=(n, m),
                window=window,
                output=output if small_out and not summary else None,
                position=(i, j),
                input_label=label if whole else f"{label}: this window",
                whole=whole,
                kernel=kernel if kernel.size <= 64 else None,
            ),
        )

    steps, summarised = cell_steps(
        size_step,
        out,
        cell_step,
        output,
        max_cells,
        "position",
        "outputs are computed together with NumPy; each is the same sum of products as the two"
        " above.",
    )

    return Worked(
        kind="conv",
        title=(
            f"Convolution (cross-correlation) of {label} ({shape_text(x.shape)}) with "
            f"{with_article(shape_text(kernel.shape))} kernel, stride {pair_text(stride)}"
            + (f", padding {pair_text(padding)}" if any(padding) else "")
        ),
        inputs={"input": x, "kernel": kernel},
        params={"stride": list(stride), "padding": list(padding)},
        result={"output": output},
        steps=tuple(steps),
        answer_key="output",
        intro=(
            size_rule(False, "kernel"),
            (
                "Each output cell is the sum of kernel × the input cells under it. The kernel is "
                "not flipped: this is cross-correlation, what deep-learning frameworks call "
                "convolution.",
            ),
            *((("Padding adds zeros around the input.",),) if any(padding) else ()),
        ),
        summarised=summarised,
    )


def explain_conv_size(
    shape: tuple[int, int],
    *,
    size: tuple[int, int] = (3, 3),
    stride: tuple[int, int] = (1, 1),
    padding: tuple[int, int] = (0, 0),
) -> Worked:
    """Just the output shape of a convolution: the formula, substituted per axis."""
    size, stride, padding = _pair(size), _pair(stride), _pair(padding)
    _raise(conv_problems(shape, size, stride, padding, kernel_key="size"))
    out = [output_size(shape[a], size[a], stride[a], padding[a]) for a in (0, 1)]
    return Worked(
        kind="conv-size",
        title=f"Output size of {with_article(shape_text(size))} convolution over "
        f"{with_article(shape_text(shape))} input",
        inputs={"input_size": list(shape)},
        params={"size": list(size), "stride": list(stride), "padding": list(padding)},
        result={"output_size": out},
        steps=(
            Step(
                title="output size",
                lines=(
                    *size_lines(shape[0], size[0], stride[0], padding[0], False, "rows"),
                    *size_lines(shape[1], size[1], stride[1], padding[1], False, "cols"),
                ),
                note=f"the output is {out[0]}x{out[1]}.",
                role="accent",
                values={"output_size": out},
            ),
        ),
        answer_key="output_size",
        intro=(size_rule(False, "kernel"),),
    )
