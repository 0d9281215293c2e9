"""2-D cross-correlation ("convolution" in deep-learning frameworks) and its worked example.

``out[i, j] = sum_{a, b} kernel[a, b] * padded[i*s + a, j*t + b]`` with zero padding; the kernel
is not flipped. Output size per axis ``floor((n + 2p - k) / s) + 1``. `conv2d` loops over the
kernel's k*l offsets, each a whole-array operation over every output cell at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from refresher.core.errors import InputError
from refresher.explain.inputs import as_matrix, as_pair, pair_text, shape_text
from refresher.explain.pooling import (
    MAX_CELLS,
    MAX_GRID,
    cell_steps,
    fit_problems,
    grid_problems,
    input_label,
    output_size,
    output_size_step,
    pair_of,
    raise_problems,
    read_input,
    read_input_size,
    read_stride_padding,
    setting_problems,
    size_rule,
    span_text,
    window_grid,
)
from refresher.explain.spec import Reader
from refresher.explain.specs.conv import CONV, CONV_SIZE
from refresher.explain.steps import Line, Num, Step, Worked, with_article

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
    problems = setting_problems(size, stride, padding, kernel_key, "kernel")
    return problems or fit_problems(shape, size, padding, kernel_key, "kernel")


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
    stride, padding = pair_of(stride), pair_of(padding)
    raise_problems(conv_problems(x.shape, kernel.shape, stride, padding))
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
    stride: int | tuple[int, int] = CONV.default("stride"),
    padding: int | tuple[int, int] = CONV.default("padding"),
    label: str = "C",
    max_cells: int = MAX_CELLS,
) -> Worked:
    """Cross-correlate and describe it: the size formula, then one step per output cell."""
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    stride, padding = pair_of(stride), pair_of(padding)
    output = conv2d(x, kernel, stride, padding)
    n, m = x.shape
    kr, kc = kernel.shape
    out = output.shape
    padded = np.pad(x, ((padding[0], padding[0]), (padding[1], padding[1])))
    whole = padded.shape[0] <= MAX_GRID and padded.shape[1] <= MAX_GRID
    small_out = out[0] <= MAX_GRID and out[1] <= MAX_GRID
    summary = out[0] * out[1] > max_cells  # too many cells: the first, the last, then a summary

    _, size_step = output_size_step(
        (n, m), (kr, kc), stride, padding, positions=("kernel position", max_cells)
    )

    def cell_step(i: int, j: int, heading: str) -> Step:
        r0, c0 = i * stride[0], j * stride[1]
        cells = padded[r0 : r0 + kr, c0 : c0 + kc]
        value = float(output[i, j])
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
            grid=window_grid(
                padded,
                padding,
                (i, j, r0, c0),
                (kr, kc),
                whole=whole,
                shape=(n, m),
                output=output if small_out and not summary else None,
                label=label,
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
    size: int | tuple[int, int] = CONV_SIZE.default("size"),
    stride: int | tuple[int, int] = CONV_SIZE.default("stride"),
    padding: int | tuple[int, int] = CONV_SIZE.default("padding"),
) -> Worked:
    """Just the output shape of a convolution: the formula, substituted per axis."""
    size, stride, padding = pair_of(size), pair_of(stride), pair_of(padding)
    raise_problems(conv_problems(shape, size, stride, padding, kernel_key="size"))
    out, step = output_size_step(shape, size, stride, padding)
    return Worked(
        kind="conv-size",
        title=f"Output size of {with_article(shape_text(size))} convolution over "
        f"{with_article(shape_text(shape))} input",
        inputs={"input_size": list(shape)},
        params={"size": list(size), "stride": list(stride), "padding": list(padding)},
        result={"output_size": out},
        steps=(step,),
        answer_key="output_size",
        intro=(size_rule(False, "kernel"),),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.conv`.


def read_conv(r: Reader) -> Callable[[], Worked]:
    x = read_input(r)
    kernel = r.get("kernel", as_matrix)
    stride, padding = read_stride_padding(r)
    r.check()
    r.require(conv_problems(x.shape, kernel.shape, stride, padding))
    r.require(grid_problems(r, x.shape, padding))
    label = input_label(r)
    return lambda: explain_conv(x, kernel, stride=stride, padding=padding, label=label)


def read_conv_size(r: Reader) -> Callable[[], Worked]:
    shape = read_input_size(r)
    size = r.get("size", as_pair)
    stride, padding = read_stride_padding(r)
    r.check()
    r.require(conv_problems(shape, size, stride, padding, kernel_key="size"))
    return lambda: explain_conv_size(shape, size=size, stride=stride, padding=padding)
