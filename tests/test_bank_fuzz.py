"""Fuzzing the bank loader: every mutant of the bundled bank either loads or fails with a
`BankError` whose every line names the file and a line. `make fuzz` runs many more."""

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
PROBLEM = re.compile(r"^mutant\.yaml:\d+(:\d+)?: ")


def test_mutants_load_or_fail_with_file_and_line(tmp_path):
    text = bank_paths()[0].read_text(encoding="utf-8")
    rng = random.Random(20261201)
    path = tmp_path / "mutant.yaml"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for n in range(COUNT):
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
