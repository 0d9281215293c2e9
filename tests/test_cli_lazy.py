"""Only the command being run is imported and built; help still lists every command."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer
from typer.testing import CliRunner

from refresher.cli import COMMANDS, app


def _registered(module: str) -> set[str]:
    own = typer.Typer()
    own.callback()(lambda: None)
    importlib.import_module(f"refresher.cli.{module}").register(own)
    return set(typer.main.get_group(own).commands)


def test_the_table_names_every_command_its_module_registers():
    modules = {m for m in COMMANDS.values()}
    for module in modules:
        assert _registered(module) == {c for c, m in COMMANDS.items() if m == module}, module


def test_help_lists_every_command_in_the_table_order():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    listed = [
        line.split()[1]
        for line in result.output.splitlines()
        if line.startswith("│ ") and line[2] != " " and line.split()[1] in COMMANDS
    ]
    assert listed == list(COMMANDS)


def _modules_after(args: list[str], stdin: str) -> set[str]:
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules))))\n"
        f"sys.argv = ['refresher', *{args!r}]\n"
        "from refresher.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=60
    )
    return set(proc.stderr.strip().splitlines()[-1].split()[1:])


def test_a_quiz_imports_no_other_command_and_no_worked_example(mini_path):
    loaded = _modules_after(["quiz", str(mini_path), "--no-shuffle"], "B\nq\n")
    assert "refresher.cli.quiz" in loaded
    for other in ("interop", "sheet", "explain", "optimize", "browse", "stats", "plan", "bank"):
        assert f"refresher.cli.{other}" not in loaded
    assert not any(m.startswith("refresher.explain") for m in loaded)


def test_an_unknown_command_is_refused_as_before():
    result = CliRunner().invoke(app, ["nosuch"])
    assert result.exit_code == 2 and "No such command 'nosuch'" in result.output
