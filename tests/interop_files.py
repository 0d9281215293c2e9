"""Importing one of the files in `tests/data/interop/` through the CLI, for the interop tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from refresher.banks.load import check_file
from refresher.cli import app

DATA = Path(__file__).parent / "data" / "interop"


def import_file(tmp_path, monkeypatch, name: str, *extra: str):
    """`refresher import NAME --to out.yaml` in `tmp_path`; the bank written must check clean."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / name, tmp_path / name)
    result = CliRunner().invoke(app, ["import", name, "--to", "out.yaml", *extra])
    bank, problems = check_file(tmp_path / "out.yaml")
    assert problems == [] and bank is not None, (problems, result.stderr)
    return result, bank
