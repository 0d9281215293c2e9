"""Fuzzing the bank loader: every mutant of the bundled bank either loads or fails with a
`BankError` whose every line names the file and a line. `make fuzz` runs many more, in chunks
of `CHUNK` (one test each, with its own seed), so that a long run reports every chunk that fails
and the per-test time limit of `tests/conftest.py` catches a mutant that hangs."""

from __future__ import annotations

import os
import random
import re

import pytest

from refresher.banks.catalog import bank_paths
from refresher.banks.load import load_bank
from refresher.core.errors import BankError
from tests.bank_mutants import mutate

COUNT = int(os.environ.get("REFRESHER_FUZZ", "200"))
CHUNK = 500
PROBLEM = re.compile(r"^mutant\.yaml:\d+(:\d+)?: ")


@pytest.mark.parametrize("start", range(0, COUNT, CHUNK))
def test_mutants_load_or_fail_with_file_and_line(start, tmp_path):
    text = bank_paths()[0].read_text(encoding="utf-8")
    rng = random.Random(20261201 + start)
    path = tmp_path / "mutant.yaml"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for n in range(start, min(start + CHUNK, COUNT)):
            mutant = mutate(text, rng)
            path.write_text(mutant, encoding="utf-8", errors="surrogatepass")
            try:
                load_bank(path)
            except BankError as exc:
                bad = [p for p in exc.problems if not PROBLEM.match(p)]
                assert exc.problems and not bad, (n, bad[:3])
                assert all("\x1b" not in p and "\x9b" not in p for p in exc.problems), n
            except Exception as exc:  # noqa: BLE001 - anything else is the bug being hunted
                pytest.fail(f"mutant {n}: {type(exc).__name__}: {exc}\n{mutant[:2000]}")
    finally:
        os.chdir(cwd)
