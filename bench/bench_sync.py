"""Sync at scale: bringing in 100,000 events of another machine.

Writes a machine file of 100,000 reviews (each with its answer) of 2,000 cards, as another
machine's `refresher sync` would have, then times the real CLI in a subprocess, `refresher sync
DIR` on a fresh data folder (reading, checking and importing every line, then replaying every
card), a second sync with nothing new, and a sync of 1,000 new events on top; while the large
import runs, another connection takes the write lock every second (a `review` storing a rating)
and the longest it waited is shown: one chunk at most. Peak memory is the
child's maximum resident set size, beside the same import of 10,000 events: streaming keeps it
flat. Run with `make bench` or `python -m bench sync`.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.sync_data import event_lines
from refresher.storage.store import DB_NAME

EVENTS = 100_000
CARDS = 2_000


def _run(folder: Path, home: Path) -> tuple[float, float, float]:
    """(seconds, peak MiB, seconds of CPU) of one `refresher sync` in a fresh interpreter. The peak is the
    child's own high-water mark (`VmHWM`: `ru_maxrss` would carry the parent's across exec)."""
    env = {**os.environ, "REFRESHER_HOME": str(home), "REFRESHER_NOW": "2026-12-01T09:00:00+00:00"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    code = (
        "import resource, sys, time; t = time.perf_counter()\n"
        "from refresher.cli import app\n"
        "try:\n    app(['sync', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "peak = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(time.perf_counter() - t, peak)\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, text=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = done.stdout.strip().splitlines()[-1].split()
    seconds, kib = float(last[0]), int(last[1])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, kib / 1024, cpu


class Writer(threading.Thread):
    """Another command writing the store while a sync imports: each second it takes the write
    lock (as `review` does to store a rating) and notes how long it waited for it."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.waits, self.done = db, [], threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if self.db.exists():
                try:
                    conn = sqlite3.connect(self.db, timeout=120, isolation_level=None)
                    started = time.perf_counter()
                    conn.execute("BEGIN IMMEDIATE")
                    self.waits.append(time.perf_counter() - started)
                    conn.execute("ROLLBACK")
                    conn.close()
                except sqlite3.Error:
                    pass  # the file is being made
            self.done.wait(1.0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = list(event_lines("far-1", EVENTS + 1_000, CARDS))
        small = root / "small"
        small.mkdir()
        (small / "far-1.jsonl").write_bytes(b"".join(lines[:10_000]))
        folder = root / "sync"
        folder.mkdir()
        (folder / "far-1.jsonl").write_bytes(b"".join(lines[:EVENTS]))
        size = (folder / "far-1.jsonl").stat().st_size / 1024 / 1024
        print(f"a machine file of {EVENTS:,} events ({size:.0f} MiB, {CARDS:,} cards)")
        t10, m10, c10 = _run(small, root / "home-small")
        print(
            f"sync bringing in 10,000 events:   {t10:6.2f} s  peak {m10:5.0f} MiB  ({c10:.1f} s of CPU)"
        )
        writer = Writer(root / "home" / DB_NAME)
        writer.start()
        t100, m100, c100 = _run(folder, root / "home")
        writer.done.set()
        writer.join()
        print(
            f"sync bringing in {EVENTS:,} events:  {t100:6.2f} s  peak {m100:5.0f} MiB  ({c100:.1f} s of CPU)"
        )
        waited = max(writer.waits, default=0.0)
        print(
            f"  meanwhile another connection took the write lock {len(writer.waits)} times,"
            f" waiting at most {waited:.2f} s"
        )
        t0, _, c0 = _run(folder, root / "home")
        print(f"sync again, nothing new:          {t0:6.2f} s  ({c0:.1f} s of CPU)")
        with (folder / "far-1.jsonl").open("ab") as fh:
            fh.write(b"".join(lines[EVENTS:]))
        t1, _, c1 = _run(folder, root / "home")
        print(f"sync of 1,000 new events on top:  {t1:6.2f} s  ({c1:.1f} s of CPU)")
        junk = root / "junk"
        junk.mkdir()
        with (junk / "junk-1.jsonl").open("wb") as fh:
            fh.write(b"not an event at all\n" * 1_000_000)
        tj, mj, cj = _run(junk, root / "home-junk")
        print(
            f"sync of a file of 10^6 junk lines: {tj:6.2f} s  peak {mj:5.0f} MiB  ({cj:.1f} s of CPU)"
        )


if __name__ == "__main__":
    main()
