"""Benchmark the explain cores against plain Python loops.

    python bench/bench_explain.py [--quick]

Two workloads, each timed as the median of several runs with time.perf_counter:

* average pooling of a 2048x2048 array, 2x2 window, stride 2 (`pooling.pool2d`), against a loop
  over output cells;
* an LSTM over 1,000 time steps, hidden 128, input 32 (`lstm.lstm_forward`), against a loop over
  units and weights. The loop runs LOOP_STEPS steps; when that is fewer than 1,000 its time is
  scaled up (an LSTM's cost is linear in the steps) and the table says so.

Both pairs are checked to agree before they are timed. Prints a table of seconds and the ratio.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import numpy as np

from refresher.explain.lstm import LSTM_LAYOUT, lstm_forward
from refresher.explain.pooling import pool2d

POOL_N = 2048
LSTM_STEPS, LSTM_HIDDEN, LSTM_INPUT = 1000, 128, 32
LOOP_STEPS = 1000  # lower it (the time is then scaled) on a slow machine


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ------------------------------------------------------------------------------ plain loops


def loop_avg_pool(x: list[list[float]], k: int, s: int) -> list[list[float]]:
    rows, cols = (len(x) - k) // s + 1, (len(x[0]) - k) // s + 1
    out = []
    for i in range(rows):
        line = []
        for j in range(cols):
            total = 0.0
            for a in range(k):
                row = x[i * s + a]
                for b in range(k):
                    total += row[j * s + b]
            line.append(total / (k * k))
        out.append(line)
    return out


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def loop_lstm(p: dict[str, list], xs: list[list[float]], h: list[float], c: list[float]):
    hidden = len(h)
    for x in xs:
        gates = {}
        for g in "fico":
            wx, wh, b = p[f"W_{g}x"], p[f"W_{g}h"], p[f"b_{g}"]
            pre = []
            for u in range(hidden):
                total = b[u]
                row_x, row_h = wx[u], wh[u]
                for j in range(len(x)):
                    total += row_x[j] * x[j]
                for j in range(hidden):
                    total += row_h[j] * h[j]
                pre.append(total)
            gates[g] = pre
        f = [_sig(v) for v in gates["f"]]
        i = [_sig(v) for v in gates["i"]]
        g_ = [math.tanh(v) for v in gates["c"]]
        o = [_sig(v) for v in gates["o"]]
        c = [f[u] * c[u] + i[u] * g_[u] for u in range(hidden)]
        h = [o[u] * math.tanh(c[u]) for u in range(hidden)]
    return h, c


# ------------------------------------------------------------------------------ benchmarks


def bench_pool(repeats: int, loop_repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    x = rng.random((POOL_N, POOL_N))
    as_lists = x.tolist()
    small = x[:64, :64]
    assert np.allclose(pool2d(small, 2, 2), loop_avg_pool(small.tolist(), 2, 2))
    fast = median_time(lambda: pool2d(x, 2, 2), repeats)
    slow = median_time(lambda: loop_avg_pool(as_lists, 2, 2), loop_repeats)
    return fast, slow


def bench_lstm(repeats: int, loop_repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(1)
    shapes = {
        "hx": (LSTM_HIDDEN, LSTM_INPUT),
        "hh": (LSTM_HIDDEN, LSTM_HIDDEN),
        "h": (LSTM_HIDDEN,),
    }
    p = {name: rng.normal(0, 0.1, shapes[kind]) for name, kind in LSTM_LAYOUT}
    xs = rng.normal(size=(LSTM_STEPS, LSTM_INPUT))
    h0 = c0 = np.zeros(LSTM_HIDDEN)
    lists = {k: v.tolist() for k, v in p.items()}
    hs, cs, _ = lstm_forward(p, xs[:50], h0, c0)
    h_loop, c_loop = loop_lstm(lists, xs[:50].tolist(), h0.tolist(), c0.tolist())
    assert np.allclose(hs[-1], h_loop) and np.allclose(cs[-1], c_loop)
    fast = median_time(lambda: lstm_forward(p, xs, h0, c0), repeats)
    part = median_time(
        lambda: loop_lstm(lists, xs[:LOOP_STEPS].tolist(), h0.tolist(), c0.tolist()), loop_repeats
    )
    return fast, part * LSTM_STEPS / LOOP_STEPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each loop version")
    args = parser.parse_args()
    repeats, loop_repeats = (3, 1) if args.quick else (7, 3)
    rows = [
        (f"avg pool {POOL_N}x{POOL_N}, 2x2 stride 2", *bench_pool(repeats, loop_repeats)),
        (
            f"LSTM {LSTM_STEPS} steps, hidden {LSTM_HIDDEN}, input {LSTM_INPUT}"
            + (f" (loop: {LOOP_STEPS} steps, scaled)" if LOOP_STEPS < LSTM_STEPS else ""),
            *bench_lstm(repeats, loop_repeats),
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'workload':<{width}}  {'numpy s':>9}  {'loop s':>9}  {'loop/numpy':>10}")
    for name, fast, slow in rows:
        print(f"{name:<{width}}  {fast:>9.4f}  {slow:>9.3f}  {slow / fast:>9.0f}x")
    print(f"(median of {repeats} numpy runs and {loop_repeats} loop runs, time.perf_counter)")


if __name__ == "__main__":
    main()
