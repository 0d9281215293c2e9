"""Every command on the 100,000-answer store: wall time and peak memory of the whole process.

Builds the store of `bench_review` (5,000 cards, 20 reviews each with its answer), then runs
each command once in a subprocess under `/usr/bin/time -v` (GNU time) and prints its elapsed
time and maximum resident set size beside the goal (2 s, 300 MB). Options are taken at the far
end of their documented ranges (`--missed-days 3650`, `--days 3650`, the whole history, `--last`
of all but one row). `history` is measured piped (100 and 80 columns), and on a terminal through
a pager that reads every line (a pseudo-terminal; `PAGER` is a line counter). Run with
`make bench` or `python -m bench commands`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
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
        (["history", "@COLUMNS=80"], ""),
        (["history", "@TERMINAL"], ""),
        (["history", "bench", "--last", str(CARDS * 20 - 1)], ""),
        (["history", "--since", "2026-06-01", "--last", "20"], ""),
        (["history", "--csv"], ""),
        (["history", "--json"], ""),
        (["history", "bench", "--since", "2026-06-01", "--json"], ""),
        (["interview", b, "--history", "q00003"], ""),
        (["banks"], ""),
        (["check", b], ""),
        (["export", "--to", "@TMP/bench.csv"], ""),
    ]


def measure(home: Path, argv: list[str], stdin: str) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of one run under GNU time. `@COLUMNS=N` in `argv` sets
    the width; `@TERMINAL` runs it on a pseudo-terminal, through a pager that reads it all."""
    env = _env(home)
    for a in [a for a in argv if a.startswith("@COLUMNS=")]:
        env["COLUMNS"] = a.split("=", 1)[1]
    terminal = "@TERMINAL" in argv
    argv = [a for a in argv if not a.startswith("@")]
    command = [sys.executable, "-m", "refresher", *([] if terminal else ["--no-pager"]), *argv]
    if terminal:
        done = _on_a_terminal(["/usr/bin/time", "-v", *command], env)
    else:
        done = subprocess.run(
            ["/usr/bin/time", "-v", *command],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
    elapsed = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if not elapsed or not peak:
        raise RuntimeError(f"no figures from /usr/bin/time for {argv}: {done.stderr[-300:]}")
    hours, minutes, seconds = elapsed.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(peak.group(1)) / 1024, done.returncode


def _on_a_terminal(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`command` with a pseudo-terminal for its output (and a pager that counts the lines it
    is given, so all of it is read); GNU time's report comes back on stderr."""
    import pty

    master, slave = pty.openpty()
    env = {**env, "PAGER": "wc -l", "LINES": "40", "TERM": "xterm"}
    env.pop("NO_COLOR", None)

    def drain() -> None:  # what reaches the screen is read as it comes, so nothing blocks
        with contextlib.suppress(OSError):
            while os.read(master, 1 << 16):
                pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            command, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, timeout=600
        )
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return subprocess.CompletedProcess(command, done.returncode, "", done.stderr.decode())


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
