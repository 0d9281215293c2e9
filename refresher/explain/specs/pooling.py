"""The pooling kinds' declarations: ``pool`` (window by window) and ``pool-size`` (the shape).

Read and computed by `refresher.explain.pooling` (`read_pool`, `read_pool_size`). `SESSION_C`
(the session's array C, the default input) and the window options are shared with `conv`.
"""

from __future__ import annotations

from dataclasses import replace

from refresher.core import limits
from refresher.explain.spec import Example, Option

GRID, SHAPE_DIM = limits.GRID, limits.SHAPE_DIM

# The session's array C (the output of a convolution, to be average-pooled).
SESSION_C = ((1, 2, 3, 4), (5, 6, 7, 8), (1, 2, 3, 4), (5, 7, 6, 8))

INPUT = Option(
    "input",
    SESSION_C,
    "matrix",
    'Input matrix, e.g. "1 2 3 4; 5 6 7 8" (default: the session\'s C).',
    ("--input", "-i"),
    "M",
    unset=True,
)
SIZE = Option("size", 2, help="Window size.", flags=("--size", "-k"), metavar="K|KxL",
              minimum=1, maximum=GRID)  # fmt: skip
STRIDE = Option("stride", None, help="Stride (default: the window size).",
                flags=("--stride", "-s"), metavar="S|SxT", minimum=1, maximum=GRID)  # fmt: skip
PADDING = Option("padding", 0, help="Padding on each side.", flags=("--padding", "-p"),
                 metavar="P|PxQ", minimum=0, maximum=GRID)  # fmt: skip
CEIL = Option("ceil", False, "flag", "Ceil mode: keep a last partial window.")
# pool-size and conv-size: shapes only, no array, so much larger sizes
INPUT_SIZE = Option("input_size", 4, minimum=1, maximum=SHAPE_DIM)
SHAPE_INPUT = Option("input")


def shape_option(option: Option) -> Option:
    """A window option of a size-only kind: no array is made, so the bound is `SHAPE_DIM`."""
    return replace(option, maximum=SHAPE_DIM)


POOL = Example(
    "pool",
    "average or max pooling, window by window",
    (
        INPUT,
        Option("mode", "avg", "choice", "Average or max pooling.", choices=("avg", "max")),
        SIZE,
        STRIDE,
        PADDING,
        CEIL,
        Option("exclude_pad", False, "flag", "Average over real input cells only."),
    ),
    ("output",),
    "output",
    "pooling:read_pool",
    command=("input", "mode", "size", "stride", "padding", "ceil", "exclude_pad"),
    help="Average or max pooling, window by window (PyTorch's avg_pool2d / max_pool2d rules).",
)

POOL_SIZE = Example(
    "pool-size",
    "output shape of a pooling",
    (INPUT_SIZE, SHAPE_INPUT, *map(shape_option, (SIZE, STRIDE, PADDING)), CEIL),
    ("output_size",),
    "output_size",
    "pooling:read_pool_size",
)
