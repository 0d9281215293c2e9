"""The layering the README describes, checked on the source: the shell asks the app, never the store.

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


def module_graph() -> dict[str, set[str]]:
    """Every `refresher` module and the `refresher` modules it imports, counting imports made
    inside functions and under TYPE_CHECKING (a package's own face included)."""
    package = ROOT / "refresher"
    modules: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [base, *subs]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_among_refresher_modules():
    assert cycles(module_graph()) == []


def test_the_cycle_check_sees_a_cycle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert "refresher.quiz.round" in module_graph()["refresher.app.quiz"]


def test_nothing_loose_at_the_package_top_but_its_face():
    loose = sorted(p.name for p in (ROOT / "refresher").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def test_formats_never_import_the_bank_loader():
    files = sorted((ROOT / "refresher" / "formats").rglob("*.py"))
    assert files
    assert offending(files, ("refresher.banks", "refresher.app", "refresher.storage")) == []


def test_no_type_ignore_comments_without_a_type_checker():
    # no type checker runs in `make test`, so an ignore would silence nothing and rot
    marked = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "refresher").rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "# type: " + "ignore" in line
    ]
    assert marked == []
