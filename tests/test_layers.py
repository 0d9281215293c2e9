"""The layering DESIGN.md draws, checked on the source: the shell asks the app, never the store.

`refresher/cli/` imports neither `sqlite3` nor `refresher.storage.store` (Rich and Typer bans are ruff's
TID251 in pyproject.toml); `bench/` imports nothing from `refresher.cli`; the core and the app
import neither Rich nor Typer nor the front end.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ["core", "kinds", "explain", "quiz", "srs"]
EDGES = ["formats", "banks", "storage", "env"]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def offending(files: list[Path], banned: tuple[str, ...]) -> list[str]:
    return [
        f"{f.relative_to(ROOT)}: {name}"
        for f in files
        for name in sorted(imported(f))
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


def test_cli_does_not_touch_the_store():
    files = sorted((ROOT / "refresher" / "cli").glob("*.py"))
    assert files
    assert (
        offending(files, ("sqlite3", "refresher.storage.store", "refresher.storage.migrations"))
        == []
    )


def test_bench_does_not_import_the_cli():
    files = sorted((ROOT / "bench").glob("*.py"))
    assert files
    assert offending(files, ("refresher.cli",)) == []


@pytest.mark.parametrize("layer", ["app", *CORE, *EDGES])
def test_core_and_app_stay_out_of_the_shell(layer):
    base = ROOT / "refresher"
    files = sorted((base / layer).rglob("*.py"))
    assert files
    assert offending(files, ("rich", "typer", "refresher.cli", "refresher.render")) == []


def test_the_check_sees_a_banned_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text(
        "def f():\n    from refresher.storage.store import open_store\n    import sqlite3\n"
    )
    assert sorted(imported(sample)) == [
        "refresher.storage.store",
        "refresher.storage.store.open_store",
        "sqlite3",
    ]


@pytest.mark.parametrize("layer", ["core", "kinds", "quiz", "srs"])
def test_the_core_reads_no_files_and_no_database(layer):
    base = ROOT / "refresher"
    files = sorted((base / layer).rglob("*.py"))
    assert (
        offending(files, ("sqlite3", "yaml", "refresher.storage.store", "refresher.env.files"))
        == []
    )
