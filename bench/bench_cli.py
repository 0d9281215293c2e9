"""CLI start-up and bank loading.

- `refresher --help` beside `python -c "import typer, rich"`, as a ratio (start-up cost of our
  own code on top of the libraries we cannot avoid);
- loading and validating a generated 10,000-question bank.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from refresher.banks.load import load_bank

REPEATS = 7


def _median_seconds(argv: list[str]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generated_bank(n: int) -> str:
    lines = ["id: generated", "title: Generated", "topics: {rnn: RNN, lstm: LSTM}", "questions:"]
    kinds = [
        "    type: choice\n    prompt: Question {i}?\n    options: [one, two, three, four]\n"
        "    answer: C\n    explanation: Because {i}.",
        "    type: multi\n    prompt: Pick {i}\n    options: [a, b, c]\n    answer: [A, C]\n"
        "    explanation: Two of them.",
        "    type: truefalse\n    prompt: Statement {i}.\n    answer: false\n    explanation: No.",
        "    type: blank\n    prompt: Fill ____ {i}\n    answer: [word, words]\n    explanation: Word.",
        "    type: open\n    prompt: Explain {i}.\n    answer: Because.\n    points: [one, two, three]",
        "    type: card\n    front: Front {i}\n    back: Back {i}",
    ]
    for i in range(n):
        topic = "rnn" if i % 2 else "lstm"
        lines.append(
            f"  - id: q-{i}\n    topic: {topic}\n    tags: [gen]\n" + kinds[i % 6].format(i=i)
        )
    return "\n".join(lines) + "\n"


TWO_COMMAND_APP = """
import typer
app = typer.Typer(rich_markup_mode="rich")
@app.command()
def one(x: int = 1):
    \"\"\"One.\"\"\"
@app.command()
def two(y: int = 2):
    \"\"\"Two.\"\"\"
app()
"""


def main() -> None:
    python = sys.executable
    base = _median_seconds([python, "-c", "import typer, rich"])
    with tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "two_commands.py"
        floor_app.write_text(TWO_COMMAND_APP)
        floor = _median_seconds([python, str(floor_app), "--help"])
    helps = _median_seconds([python, "-m", "refresher", "--help"])
    print(f"import typer, rich        {base * 1000:8.1f} ms  (median of {REPEATS})")
    print(f"two-command Typer --help  {floor * 1000:8.1f} ms  ratio {floor / base:.2f}x")
    print(f"refresher --help          {helps * 1000:8.1f} ms  ratio {helps / base:.2f}x")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generated_bank(10_000))
        times = []
        for _ in range(5):
            start = time.perf_counter()
            bank = load_bank(path)
            times.append(time.perf_counter() - start)
        assert len(bank.questions) == 10_000
        size_kb = path.stat().st_size / 1024
        print(
            f"load 10,000-question bank {statistics.median(times) * 1000:8.1f} ms"
            f"  ({size_kb:.0f} KiB, median of 5)"
        )


if __name__ == "__main__":
    main()
