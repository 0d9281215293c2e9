"""Worked examples computed live: pooling, convolution, RNN, LSTM, GRU, gradients, parameters.

Pure NumPy cores that return a `Worked` (see `steps`); nothing here prints or draws. The usual
entry point is `registry.compute(spec)`; the CLI and the quiz's numeric questions both use it.
Each kind declares its options and defaults in `specs` (NumPy-free, see `spec`), and reads and
computes in its maths module (``pooling``, ``conv``, ``rnn``, ...).

Importing this package loads no NumPy: `Step` and `Worked` (from `steps`, which needs it) are
imported on first use, so the command line can read the kinds' declarations at start-up.
"""

from typing import Any

from refresher.explain.registry import compute, kinds, validate

__all__ = ["Step", "Worked", "compute", "kinds", "validate"]


def __getattr__(name: str) -> Any:
    if name in ("Step", "Worked"):
        from refresher.explain import steps  # lazy: steps loads NumPy

        return getattr(steps, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
