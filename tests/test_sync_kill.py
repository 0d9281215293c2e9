"""`kill -9` at random moments of `refresher sync`: the next sync completes it, and the store and
the folder end as one clean sync would leave them (`REFRESHER_KILLS=N` for more rounds; `make
fuzz` runs 20)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.sync_data import event_lines
from refresher.app import sync as app_sync
from refresher.srs import schedule as S
from tests.test_sync import card_states, rows
from tests.test_sync_files import Clock, machine, rate

KILLS = int(os.environ.get("REFRESHER_KILLS", "2"))
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_kill_9_anywhere_in_a_sync_loses_nothing(tmp_path):
    rng = random.Random(9)
    folder = tmp_path / "sync"
    folder.mkdir()
    chunk = 2_000
    lines = list(event_lines("gen-1", chunk * (KILLS + 1), 150))
    (folder / "gen-1.jsonl").write_bytes(b"".join(lines[:chunk]))
    home = machine(tmp_path, "lab-2")
    for k in range(30):
        rate(home, f"c{k % 20}", S.Rating(rng.randint(1, 4)), T0 + timedelta(minutes=k))
    env = {**os.environ, "REFRESHER_HOME": str(home), "PYTHONPATH": str(Path.cwd())}
    env["REFRESHER_NOW"] = T0.isoformat()
    command = [sys.executable, "-m", "refresher", "sync", str(folder)]
    # how long one whole sync of a chunk takes here: the kills fall inside it, on a fast
    # machine as on a slow one
    started = time.monotonic()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    whole = time.monotonic() - started
    killed = 0
    for k in range(KILLS):
        with (folder / "gen-1.jsonl").open("ab") as fh:  # more to bring in each time
            fh.write(b"".join(lines[chunk * (k + 1) : chunk * (k + 2)]))
        for share in (rng.uniform(0.3, 0.9), 0.2, 0.1):  # sooner if it ended before the kill
            proc = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(whole * share)
            ended = proc.poll() is not None
            if not ended:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
            proc.wait()
            if not ended:
                break
        if rng.random() < 0.5:  # and sometimes study in between
            rate(home, "c1", S.Rating.Good, T0 + timedelta(hours=2, minutes=rng.randint(0, 59)))
    app_sync.sync(folder, home, Clock(T0))
    again = app_sync.sync(folder, home, Clock(T0))
    assert again.exported == 0 and not again.brought and not again.problems
    own = (folder / "lab-2.jsonl").read_bytes()
    assert own.endswith(b"\n")
    ids = [json.loads(x)["id"] for x in own.splitlines()]
    assert len(ids) == len(set(ids))
    # one clean sync from the same folder gives the same store
    clean = machine(tmp_path, "clean-3")
    app_sync.sync(folder, clean, Clock(T0))
    mine, theirs = rows(home), rows(clean)
    kinds = Counter(json.loads(x)["kind"] for x in own.splitlines())
    assert mine == theirs and sum(mine["reviews"].values()) == len(lines) + kinds["review"]
    assert card_states(home) == card_states(clean)
    assert killed == KILLS
