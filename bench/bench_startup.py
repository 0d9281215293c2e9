"""Start-up: each command that opens many times a day, beside the floor it cannot go below.

Whole processes, spawned as a learner would start them, in paired runs: each round runs the
command and its floor back to back (in alternating order), so a busy machine slows both alike;
the ratio printed is the median of the rounds' ratios. Read the ratios, not the times.

- `--help` beside a two-command Typer app's `--help`;
- `quiz` to its first question (the bundled bank, and a 10,000-question bank with its parse
  cache warm) beside that Typer app running one command;
- `check` on the 10,000-question bank beside PyYAML's C loader reading the file alone;
- `review` to its first card on a store of 100,000 reviews over 5,000 cards beside
  `refresher --help`; `stats` and `plan` there, whole, against 500 ms (beside the Typer app
  running one command: what is left once the interpreter and the argument parser are paid);
- card to card in process: rating a card and drawing the next one on that store.

Run with `make bench` or `python -m bench startup`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import bench_cli, bench_review

ROUNDS = 9
NOW = bench_review.NOW

TYPER_APP = """
import typer
app = typer.Typer(rich_markup_mode="rich")
@app.command()
def one(x: int = 1):
    \"\"\"One.\"\"\"
    print("one", x)
@app.command()
def two(y: int = 2):
    \"\"\"Two.\"\"\"
app()
"""

Run = Callable[[], float]


@dataclass(frozen=True)
class Row:
    work: str
    ours: list[float]
    floor: list[float]
    floor_name: str
    target: float | None = None  # the ratio to stay within
    limit_ms: float | None = None  # or the whole time to stay under

    def ratio(self) -> float:
        return statistics.median(a / b for a, b in zip(self.ours, self.floor, strict=True))

    def verdict(self) -> str:
        if self.target is not None:
            return "ok" if self.ratio() <= self.target else "SLOW"
        if self.limit_ms is not None:
            return "ok" if statistics.median(self.ours) * 1000 <= self.limit_ms else "SLOW"
        return ""


def env(home: Path) -> dict[str, str]:
    return {
        **_compiled(),
        "REFRESHER_HOME": str(home),
        "REFRESHER_NOW": NOW.isoformat(),
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }


def _compiled() -> dict[str, str]:
    """This environment, less PYTHONDONTWRITEBYTECODE: an installed refresher runs from
    compiled modules, so the runs measured do too (the warm-up run writes them)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def whole(argv: list[str], environ: dict[str, str] | None = None) -> Run:
    def run() -> float:
        start = time.perf_counter()
        subprocess.run(
            argv,
            check=True,
            capture_output=True,
            env=environ or _compiled(),
            stdin=subprocess.DEVNULL,
        )
        return time.perf_counter() - start

    return run


def until(argv: list[str], marker: str, environ: dict[str, str]) -> Run:
    """Spawn until `marker` is printed, then answer `q` and let the process end."""

    def run() -> float:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environ,
        )
        assert proc.stdout is not None
        seen = ""
        while marker not in seen:
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                raise RuntimeError(f"{argv[3:]} ended before {marker!r}: {seen[-500:]}")
            seen += line
        elapsed = time.perf_counter() - start
        proc.communicate("q\n", timeout=120)
        return elapsed

    return run


def paired(work: str, ours: Run, floor: Run, floor_name: str, **goal: float) -> Row:
    ours(), floor()  # warm the file cache and the parse cache
    a, b = [], []
    for i in range(ROUNDS):
        if i % 2:
            b.append(floor())
            a.append(ours())
        else:
            a.append(ours())
            b.append(floor())
    return Row(work, a, b, floor_name, **goal)


def card_to_card(home: Path, bank_path: Path) -> list[float]:
    """Milliseconds from a rating's call to the next card drawn, in this process."""
    os.environ["REFRESHER_HOME"] = str(home)
    from refresher.app.review import open_sitting
    from refresher.banks import load as banks
    from refresher.env import config
    from refresher.srs.schedule import Rating, self_rated

    bank = banks.load_bank(bank_path)
    clock = [NOW]
    times = []
    with open_sitting(
        bank, bank.questions, config.Config(), new_per_day=10, clock=lambda: clock[0]
    ) as sitting:
        sitting.start()
        card = sitting.next_card()
        for _ in range(30):
            assert card is not None
            offer = sitting.offer(card)
            start = time.perf_counter()
            sitting.rate(
                card,
                Rating.Good,
                outcome=self_rated(Rating.Good),
                auto=False,
                seconds=4.0,
                offer=offer,
            )
            card = sitting.next_card()
            times.append((time.perf_counter() - start) * 1000)
    return times


def table(rows: list[Row]) -> None:
    print(f"{'work':<62}{'refresher':>10}{'floor':>10}{'ratio':>8}  goal")
    for row in rows:
        ours = statistics.median(row.ours) * 1000
        if row.limit_ms is not None and not row.floor_name:
            goal = f"< {row.limit_ms:.0f} ms"
            print(f"{row.work:<62}{ours:7.0f} ms{'':>10}{'':>8}  {goal:<10} {row.verdict()}")
            continue
        floor = statistics.median(row.floor) * 1000
        goal = f"<= {row.target:.2f}x" if row.target is not None else ""
        if row.limit_ms is not None:
            goal = f"< {row.limit_ms:.0f} ms"
        print(
            f"{row.work:<62}{ours:7.0f} ms{floor:7.0f} ms{row.ratio():7.2f}x  {goal:<10}"
            f" {row.verdict()}"
        )
        print(f"{'  floor: ' + row.floor_name}")


def main() -> None:
    python = sys.executable
    cli = [python, "-m", "refresher"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        app = tmp_path / "two_commands.py"
        app.write_text(TYPER_APP)
        help_floor = whole([python, str(app), "--help"])
        run_floor = whole([python, str(app), "one"])
        quiet = env(tmp_path / "quiz-home")

        rows.append(
            paired("refresher --help", whole([*cli, "--help"], quiet), help_floor,
                   "a two-command Typer app's --help", target=1.3)
        )  # fmt: skip
        quiz = [*cli, "quiz", "session-14", "--count", "1", "--seed", "1"]
        rows.append(
            paired("quiz session-14 --count 1, to its first question",
                   until(quiz, "Question 1 of", quiet), run_floor,
                   "the same Typer app running one command", target=1.3)
        )  # fmt: skip

        big = tmp_path / "generated.yaml"
        big.write_text(bench_cli.generated_bank(10_000))
        quiz_big = [*cli, "quiz", str(big), "--count", "1", "--seed", "1"]
        rows.append(
            paired("quiz on 10,000 questions (cache warm), to its first question",
                   until(quiz_big, "Question 1 of", quiet), run_floor,
                   "the same Typer app running one command", target=1.5)
        )  # fmt: skip
        yaml_alone = [
            python, "-c",
            "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)",
            str(big),
        ]  # fmt: skip
        rows.append(
            paired("check on 10,000 questions (parse + validate)",
                   whole([*cli, "check", str(big)], quiet), whole(yaml_alone),
                   "PyYAML's C loader reading the file alone", target=1.35)
        )  # fmt: skip

        home, bank_path = tmp_path / "store", tmp_path / "bench.yaml"
        bank_path.write_text(bench_review.generated_bank(bench_review.CARDS))
        reviews = bench_review.build_history(home, bank_path)
        loaded = env(home)
        review = [*cli, "review", str(bank_path), "--seed", "1"]
        rows.append(
            paired(f"review to its first card ({reviews:,} reviews)",
                   until(review, "Card 1 of", loaded), whole([*cli, "--help"], loaded),
                   "refresher --help", target=1.5)
        )  # fmt: skip
        # against 500 ms whole; beside the Typer app running one command, for what is left
        # after the interpreter and the argument parser
        stats = whole([*cli, "stats", str(bank_path)], loaded)
        rows.append(paired("stats on that store, whole", stats, run_floor,
                           "the Typer app running one command", limit_ms=500))  # fmt: skip
        plan = [*cli, "plan", str(bank_path), "--date", bench_review.INTERVIEW.isoformat()]
        rows.append(paired("plan --date on that store, whole", whole(plan, loaded), run_floor,
                           "the Typer app running one command", limit_ms=500))  # fmt: skip
        steps = card_to_card(home, bank_path)

    print(f"paired runs: {ROUNDS} rounds each; times are medians")
    table(rows)
    step = statistics.median(steps)
    verdict = "ok" if step <= 30 else "SLOW"
    print(
        f"{'card to card in process (rate, then draw the next)':<62}{step:7.1f} ms"
        f"{'':>18}  {'<= 30 ms':<10} {verdict}  (median of {len(steps)}, max {max(steps):.1f})"
    )


if __name__ == "__main__":
    main()
