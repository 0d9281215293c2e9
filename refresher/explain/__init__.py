"""Worked examples computed live: pooling, convolution, RNN, LSTM, GRU, gradients, parameters.

Pure NumPy cores that return a `Worked` (see `steps`); nothing here prints or draws. The usual
entry point is `registry.compute(spec)`; the CLI and the quiz's numeric questions both use it.
"""

from refresher.explain.registry import compute, kinds, validate
from refresher.explain.steps import Step, Worked

__all__ = ["Step", "Worked", "compute", "kinds", "validate"]
