"""The convolution kinds' declarations: ``conv`` (position by position) and ``conv-size``.

Read and computed by `refresher.explain.conv` (`read_conv`, `read_conv_size`); the input and
window options are pooling's (`refresher.explain.specs.pooling`).
"""

from __future__ import annotations

from dataclasses import replace

from refresher.explain.spec import Example, Option
from refresher.explain.specs.pooling import (
    INPUT,
    INPUT_SIZE,
    PADDING,
    SHAPE_INPUT,
    SIZE,
    STRIDE,
    shape_option,
)

KERNEL = ((1, 0), (0, -1))
CONV_STRIDE = replace(STRIDE, default=1, help="Stride.")

CONV = Example(
    "conv",
    "2-D cross-correlation, position by position",
    (
        replace(INPUT, help="Input matrix (default: the session's C)."),
        Option("kernel", KERNEL, help='Kernel (default: "{default}").', metavar="M", unset=True),
        CONV_STRIDE,
        replace(PADDING, help="Zero padding on each side."),
    ),
    ("output",),
    "output",
    "conv:read_conv",
    command=("input", "kernel", "stride", "padding"),
    help="2-D convolution (cross-correlation, as deep-learning frameworks compute it), "
    "cell by cell.",
)

CONV_SIZE = Example(
    "conv-size",
    "output shape of a convolution",
    (INPUT_SIZE, SHAPE_INPUT, *map(shape_option, (SIZE, CONV_STRIDE, PADDING))),
    ("output_size",),
    "output_size",
    "conv:read_conv_size",
)
