"""Fitting the memory model: `refresher optimize` on the 100,000-review store, and the
simulated learner of the tests over three seeds.

- the store of `bench_review` (5,000 cards, 20 ratings each over a year): `optimize BANK --json`
  the first time (the fitted parameters win, are saved and every card is rescheduled), then
  again (the saved ones stay), and `optimize BANK` piped (no progress bar: nothing on stderr),
  whole command in a subprocess; in process, the history read and turned into items, and the fits and
  evaluations (`srs.optimize.decide`) alone; and the model fit `stats` now adds;
- the simulated learner (`tests/simlearner.py`, memory following FSRS with known parameters):
  60 days of review on 60 cards, then held-out log loss and RMSE of the defaults and of the
  fitted parameters, and the mean distance of their predicted recall from the true one.

Run with `make bench` or `python -m bench optimize`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from msgspec.structs import replace

from bench.bench_review import CARDS, NOW, _env, build_history, generated_bank

REPEATS = 3
SEEDS = (1, 2, 3)


def run_cli(home: Path, argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "refresher", *argv], check=True, capture_output=True,
        env=_env(home), text=True,
    )  # fmt: skip
    return time.perf_counter() - start, proc.stderr


def in_process(home: Path) -> tuple[float, float, float, int, int, str]:
    os.environ["REFRESHER_HOME"] = str(home)
    from refresher.srs import optimize as core
    from refresher.srs.schedule import StudyDay
    from refresher.storage.store import open_store

    t0 = time.perf_counter()
    with open_store(home) as store:
        items, n = core.training_items(store.review_history("bench"), StudyDay())
    t1 = time.perf_counter()
    fitted = core.decide(items, n, core.default_parameters())
    t2 = time.perf_counter()
    core.evaluate(core.default_parameters(), items)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, n, len(items), fitted.reason


def simulated(seed: int) -> dict[str, float]:
    from refresher.app import banks as app_banks
    from refresher.app import optimize as app_optimize
    from refresher.env import config
    from refresher.env.paths import config_file
    from refresher.srs import optimize as core
    from refresher.srs.schedule import StudyDay
    from refresher.storage.store import open_store
    from tests.simlearner import T0, TRUE, Learner, study
    from tests.test_optimize import predicted

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REFRESHER_HOME"] = tmp
        bank = app_banks.open_bank(None)
        bank = replace(bank, questions=bank.questions[:60])
        ratings = study(bank, Learner(seed=seed), 60, new_per_day=6)
        config.save(config_file(None), config.Config(fuzz=False))
        f = app_optimize.run(None, now=T0 + timedelta(days=60)).fitted
        with open_store() as store:
            items, _ = core.training_items(store.review_history(None), StudyDay())
        held = core.folds(items)[-1]
        truth = predicted(TRUE, held)

        def off(params: tuple[float, ...]) -> float:
            pairs = zip(predicted(params, held), truth, strict=True)
            return sum(abs(a - b) for a, b in pairs) / len(held)

        return {
            "ratings": ratings,
            "items": f.items,
            "kept": "old" if f.kept else "new",
            "old_ll": f.old_score.log_loss,
            "new_ll": f.new_score.log_loss,
            "old_rmse": f.old_score.rmse,
            "new_rmse": f.new_score.rmse,
            "old_off": off(core.default_parameters()),
            "new_off": off(f.new),
        }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, bank_path = Path(tmp) / "home", Path(tmp) / "bench.yaml"
        bank_path.write_text(generated_bank(CARDS))
        n = build_history(home, bank_path)
        print(f"store: {n:,} reviews over {CARDS:,} cards")
        first = run_cli(home, ["optimize", str(bank_path), "--json"])  # saves, reschedules
        json_runs = [run_cli(home, ["optimize", str(bank_path), "--json"]) for _ in range(REPEATS)]
        piped = [run_cli(home, ["optimize", str(bank_path)]) for _ in range(REPEATS)]
        parts = [in_process(home) for _ in range(REPEATS)]

        def s(values: list[float]) -> str:
            return f"{statistics.median(values):8.2f} s"

        print(f"{'measure (median of ' + str(REPEATS) + ')':<52}{'time':>11}")
        print(f"{'optimize --json, first run (saves, 5,000 rescheduled)':<52}{s([first[0]])}")
        print(
            f"{'optimize --json again (old kept: nothing written)':<52}{s([r[0] for r in json_runs])}"
        )
        print(f"{'optimize piped, whole command':<52}{s([r[0] for r in piped])}")
        print(f"{'  in process: read history, build items':<52}{s([p[0] for p in parts])}")
        print(
            f"{'  in process: 4 held-out fits + final fit + scores':<52}{s([p[1] for p in parts])}"
        )
        print(
            f"{'  in process: model fit for stats (one evaluation)':<52}{s([p[2] for p in parts])}"
        )
        _, _, _, reviews, items, reason = parts[0]
        print(f"{reviews:,} reviews -> {items:,} training items; decision: {reason}")
        print(f"stderr when piped: {'empty' if not any(r[1] for r in piped) else piped[0][1]!r}")
        _ = NOW
    print("\nsimulated learner (60 cards, 60 days), held-out reviews: defaults -> fitted")
    for seed in SEEDS:
        r = simulated(seed)
        print(
            f"seed {seed}: {r['ratings']} ratings, {r['items']} items, kept {r['kept']}; "
            f"log loss {r['old_ll']:.4f} -> {r['new_ll']:.4f}, RMSE {r['old_rmse']:.4f} -> "
            f"{r['new_rmse']:.4f}, |recall - true recall| {r['old_off']:.4f} -> {r['new_off']:.4f}"
        )


if __name__ == "__main__":
    main()
