"""Spaced repetition at scale: a store of 100,000 reviews over 5,000 cards.

Builds a 5,000-question bank and a history made by replaying 20 ratings per card through py-fsrs
at random times over the past year (each review with its answer, as `review` stores them: about
270 a day), then times:

- until the first card is shown: the real CLI in a subprocess, `refresher review BANK` with `q`
  piped in, from spawn until "Card 1 of" is printed (interpreter start-up, imports, loading the
  bank from its parse cache after the first run, building the queue, drawing the card); and
  in-process, parsing the bank without the cache and the queue-building path alone;
- `refresher stats BANK` and `stats BANK --json`: subprocess wall time, and the in-process part
  (store queries and computing the stats) alone;
- `refresher plan BANK --date` (20 days ahead) and `plan --json`: the same two ways.

Medians of several runs. Run with `make bench` or `python bench/bench_review.py`.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CARDS = 5_000
REVIEWS_PER_CARD = 20
REPEATS = 5
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
INTERVIEW = (NOW + timedelta(days=20)).date()


def generated_bank(n: int) -> str:
    lines = ["id: bench", "title: Bench bank", "topics: {rnn: RNN, lstm: LSTM, gru: GRU}"]
    lines.append("questions:")
    kinds = (
        "    type: card\n    front: Front of card {i}\n    back: Back of card {i}",
        "    type: choice\n    prompt: Question {i}?\n    options: [one, two, three, four]\n"
        "    answer: B",
        "    type: truefalse\n    prompt: Statement {i}.\n    answer: true",
        "    type: open\n    prompt: Explain {i}.\n    answer: Because {i}.\n    points: [a, b]",
    )
    for i in range(n):
        topic = ("rnn", "lstm", "gru")[i % 3]
        lines.append(f"  - id: q{i:05d}\n    topic: {topic}\n" + kinds[i % len(kinds)].format(i=i))
    return "\n".join(lines) + "\n"


def build_history(home: Path, bank_path: Path) -> int:
    """Replay ratings through py-fsrs and write cards, reviews and attempts in one go.

    Uses the store's own row format (its row helpers), so the file is exactly what
    `review` would have written, only faster to make.
    """
    from refresher.banks import load as banks
    from refresher.srs import schedule as S
    from refresher.storage import cards as sc
    from refresher.storage import connection as sconn
    from refresher.storage import store as st

    bank = banks.load_bank(bank_path)
    rng = random.Random(14)
    sched = S.make_scheduler(fuzz=False)
    with st.open_store(home) as store:
        ids = store.question_ids(bank.id, [q.id for q in bank.questions])
        cards, reviews, attempts = [], [], []
        attempt_id = 0
        for q in bank.questions:
            card_id = ids[q.id]
            first = NOW - timedelta(days=365) + timedelta(minutes=rng.randrange(200 * 24 * 60))
            span = int((NOW - timedelta(hours=1) - first).total_seconds())
            times = sorted(
                first + timedelta(seconds=rng.randrange(span)) for _ in range(REVIEWS_PER_CARD)
            )
            state = None
            for now in times:
                roll = rng.random()
                rating = (
                    S.Rating.Again
                    if roll < 0.12
                    else S.Rating.Hard
                    if roll < 0.2
                    else S.Rating.Easy
                    if roll > 0.95
                    else S.Rating.Good
                )
                rated = S.rate(sched, state, card_id, rating, now, duration_ms=4000)
                attempt_id += 1
                before = None if state is None else sconn.compact(sc.card_row(card_id, state))
                after = sc.card_row(card_id, rated.after)
                outcome = S.self_rated(rating)
                attempts.append(
                    (attempt_id, card_id, None, sconn.iso(now), outcome.given, int(outcome.correct),
                     4.0, "review", q.type, q.topic)
                )  # fmt: skip
                reviews.append(
                    (card_id, sconn.iso(now), int(rating), 0, 4000,
                     None if state is None else int(state.card.state), after["due"],
                     attempt_id, before)
                )  # fmt: skip
                state = rated.after
            assert state is not None
            row = sc.card_row(card_id, state)
            cards.append(tuple(row[f] for f in sc.CARD_FIELDS))
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO attempts (id, question_id, round_id, answered_at, given, correct,"
                " seconds, mode, qtype, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                attempts,
            )
            conn.executemany(
                "INSERT INTO reviews (question_id, reviewed_at, rating, auto, duration_ms,"
                " state_before, due_after, attempt_id, card_before)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                reviews,
            )
            conn.executemany(
                f"INSERT INTO cards ({sc.CARD_COLUMNS})"
                f" VALUES ({', '.join('?' for _ in sc.CARD_FIELDS)})",
                cards,
            )
        return len(reviews)


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "REFRESHER_HOME": str(home),
        "REFRESHER_NOW": NOW.isoformat(),
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }


def time_to_first_card(home: Path, bank_path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "refresher", "review", str(bank_path), "--seed", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(home),
    )
    assert proc.stdout is not None and proc.stdin is not None
    seen = ""
    while "Card 1 of" not in seen:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"review ended before a card: {seen}{proc.stderr.read()}")
        seen += line
    elapsed = time.perf_counter() - start
    proc.communicate("q\n", timeout=60)
    header = next(line for line in seen.splitlines() if " due · " in line)
    return elapsed, header.strip("│ ").strip()


def time_command(home: Path, argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "refresher", *argv], check=True, capture_output=True, env=_env(home)
    )
    return time.perf_counter() - start


def in_process(home: Path, bank_path: Path) -> tuple[float, float, float, float]:
    """(load bank, build the queue, compute stats, compute the plan) in this process, seconds."""
    os.environ["REFRESHER_HOME"] = str(home)
    os.environ["REFRESHER_NOW"] = NOW.isoformat()
    from refresher.app import plan as app_plan
    from refresher.app import stats as app_stats
    from refresher.app.review import ReviewSitting
    from refresher.banks import load as banks
    from refresher.env import config as settings
    from refresher.env.clock import local_now
    from refresher.storage.store import open_store

    t0 = time.perf_counter()
    bank = banks.load_bank(bank_path)
    t1 = time.perf_counter()
    with open_store() as store:
        sitting = ReviewSitting(store, bank, bank.questions, settings.Config(), new_per_day=10)
        queue = sitting.build_queue(local_now())
        t2 = time.perf_counter()
        assert queue.entries
        app_stats.compute(
            store, [bank], scope=bank.id, days=14, settings=settings.Config(), now=local_now()
        )
        t3 = time.perf_counter()
        app_plan.compute(
            store, bank, settings.Config(), local_now(), INTERVIEW, remember_note=False
        )
        t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, bank_path = Path(tmp) / "home", Path(tmp) / "bench.yaml"
        bank_path.write_text(generated_bank(CARDS))
        start = time.perf_counter()
        n = build_history(home, bank_path)
        size = (home / "refresher.db").stat().st_size / 2**20
        print(
            f"store: {n:,} reviews over {CARDS:,} cards, {size:.0f} MiB"
            f" (built in {time.perf_counter() - start:.1f} s)"
        )

        first = [time_to_first_card(home, bank_path) for _ in range(REPEATS)]
        stats_text = [time_command(home, ["stats", str(bank_path)]) for _ in range(REPEATS)]
        stats_json = [
            time_command(home, ["stats", str(bank_path), "--json"]) for _ in range(REPEATS)
        ]
        plan_args = ["plan", str(bank_path), "--date", INTERVIEW.isoformat()]
        plan_text = [time_command(home, plan_args) for _ in range(REPEATS)]
        plan_json = [time_command(home, [*plan_args, "--json"]) for _ in range(REPEATS)]
        parts = [in_process(home, bank_path) for _ in range(REPEATS)]
        baseline = [
            time_command(home, ["--help"]) for _ in range(REPEATS)
        ]  # start-up and imports only

        def ms(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000:8.0f} ms"

        print(f"queue at {NOW:%Y-%m-%d %H:%M} UTC: {first[0][1]}")
        print(f"{'measure (median of ' + str(REPEATS) + ')':<44}{'time':>11}")
        print(f"{'refresher --help (start-up only)':<44}{ms(baseline)}")
        print(f"{'review: spawn -> first card shown':<44}{ms([f[0] for f in first])}")
        print(f"{'  in process: parse the bank (no cache)':<44}{ms([p[0] for p in parts])}")
        print(f"{'  in process: ids, card states, queue':<44}{ms([p[1] for p in parts])}")
        print(f"{'stats (terminal view), whole command':<44}{ms(stats_text)}")
        print(f"{'stats --json, whole command':<44}{ms(stats_json)}")
        print(f"{'  in process: stats queries + compute':<44}{ms([p[2] for p in parts])}")
        print(f"{'plan --date (terminal view), whole command':<44}{ms(plan_text)}")
        print(f"{'plan --json, whole command':<44}{ms(plan_json)}")
        print(f"{'  in process: plan queries + compute':<44}{ms([p[3] for p in parts])}")


if __name__ == "__main__":
    main()
