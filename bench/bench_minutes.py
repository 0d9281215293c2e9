"""A plan that fits the minutes a day: the second simulated learner of the tests
(`tests/screenlearner.py`: memory following FSRS with known parameters, reviewing at the
terminal through the CLI, 15 s an answer) over three seeds, and the time `plan --minutes` takes.

For each seed, the same learner studies 40 new cards for 21 days within `daily_minutes` 4,
once toward an interview on day 21 (the budget plan) and once under plain FSRS (no date): its
true mean recall on the interview morning, the minutes it used in all and on its fullest day,
and `plan`'s forecast of that recall made on day 0.

Run with `make bench` or `python -m bench minutes`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = (11, 12, 13)
REPEATS = 3


def plan_time(root: Path) -> float:
    """`plan --minutes 40 --json` on the bundled bank, an interview 21 days out, as a learner
    runs it (a subprocess); the median of `REPEATS`."""
    env = {
        **os.environ,
        "REFRESHER_HOME": str(root / "plan-time"),
        "REFRESHER_NOW": "2026-12-01T09:00:00+00:00",
    }
    python = [sys.executable, "-m", "refresher"]
    subprocess.run(
        [*python, "config", "interview_date", "2026-12-22"], env=env, check=True, capture_output=True
    )  # fmt: skip
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(
            [*python, "plan", "--minutes", "40", "--json"], env=env, check=True, capture_output=True
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import pytest

    from tests.screenlearner import DAYS, MINUTES, N_CARDS, compare

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(
            f"{N_CARDS} new cards, {MINUTES} min a day, interview on day {DAYS}:"
            " true mean recall on its morning"
        )
        print(f"{'seed':<6}{'plan':>8}{'plain':>8}{'forecast':>10}{'min plan/plain':>17}"
              f"{'fullest day':>13}")  # fmt: skip
        for seed in SEEDS:
            with pytest.MonkeyPatch.context() as patch:
                planned, plain = compare(root, patch, seed)
            print(
                f"{seed:<6}{planned.recall:>8.3f}{plain.recall:>8.3f}{planned.forecast or 0:>10.3f}"
                f"{f'{sum(planned.minutes):.0f}/{sum(plain.minutes):.0f}':>17}"
                f"{f'{max(planned.minutes):.2f}/{max(plain.minutes):.2f}':>13}"
            )
        print(f"\nplan --minutes 40 --json, bundled bank, 21 days out: {plan_time(root):.2f} s")


if __name__ == "__main__":
    main()
