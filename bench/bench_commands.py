"""Every command on the 100,000-answer store: wall time and peak memory of the whole process.

Builds the store of `bench_review` (5,000 cards, 20 reviews each with its answer), then runs
each command once in a subprocess under `/usr/bin/time -v` (GNU time) and prints its elapsed
time and maximum resident set size beside the goal (2 s, 300 MB). Options are taken at the far
end of their documented ranges (`--missed-days 3650`, `--days 3650`, the whole history). Run
with `make bench` or `python -m bench commands`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_review import CARDS, INTERVIEW, _env, build_history, generated_bank

GOAL_SECONDS = 2.0
GOAL_MB = 300


def commands(bank: Path) -> list[tuple[list[str], str]]:
    """(arguments, standard input) of each command measured."""
    b = str(bank)
    return [
        (["--help"], ""),
        (["review", b, "--seed", "1"], "q\n"),
        (["quiz", b, "--seed", "1", "-n", "5"], "q\n"),
        (["quiz", b, "--missed-days", "3650", "--seed", "1"], "q\n"),
        (["stats", b], ""),
        (["stats", b, "--json", "--days", "3650"], ""),
        (["plan", b, "--date", INTERVIEW.isoformat()], ""),
        (["plan", b, "--json"], ""),
        (["history"], ""),
        (["history", "--csv"], ""),
        (["history", "--json"], ""),
        (["interview", b, "--history", "q00003"], ""),
        (["banks"], ""),
        (["check", b], ""),
        (["export", "--to", "@TMP/bench.csv"], ""),
    ]


def measure(home: Path, argv: list[str], stdin: str) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of one run under GNU time."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "refresher", "--no-pager", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(home),
        timeout=600,
    )
    elapsed = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if not elapsed or not peak:
        raise RuntimeError(f"no figures from /usr/bin/time for {argv}: {done.stderr[-300:]}")
    hours, minutes, seconds = elapsed.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(peak.group(1)) / 1024, done.returncode


def main() -> None:
    if not shutil.which("/usr/bin/time"):
        print("skipped: needs GNU time at /usr/bin/time (apt-get install time)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        home, bank_path = Path(tmp) / "home", Path(tmp) / "bench.yaml"
        bank_path.write_text(generated_bank(CARDS))
        n = build_history(home, bank_path)
        print(f"store: {n:,} reviews with their answers over {CARDS:,} cards")
        print(f"{'command':<58}{'time':>8}{'peak':>9}  exit")
        for argv, stdin in commands(bank_path):
            argv = [a.replace("@TMP", tmp) for a in argv]
            seconds, mb, code = measure(home, argv, stdin)
            over = " over" if seconds > GOAL_SECONDS or mb > GOAL_MB else ""
            shown = " ".join(a if a != str(bank_path) else "BANK" for a in argv)
            shown = shown.replace(tmp, "TMP")
            print(f"{shown[:57]:<58}{seconds:7.2f}s{mb:7.0f}MB  {code}{over}")


if __name__ == "__main__":
    main()
