"""Commands, help and errors behave alike: a bad option value is one line in the tool's own
words (exit 1); `--no-pager` is taken by every command; `config KEY VALUE` mends a broken
file; Ctrl-C in `make run` is not a failure; articles and plurals read right."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.core.text import a_or_an

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["quiz", "--tries", "3"], "error: --tries: must be a whole number from 1 to 2, got 3"),
        (["quiz", "--count", "x"], "error: --count: must be a whole number, got 'x'"),
        (["quiz", "--mode", "zz"], "error: --mode: must be one of practice, exam, got 'zz'"),
        (["stats", "--days", "0"], "error: --days: must be a whole number from 1 to 3650, got 0"),
        (["review", "--new", "-1"], "error: --new: must be a whole number of at least 0, got -1"),
        (["explain", "pool", "--mode", "foo"], "error: --mode: must be one of avg, max, got 'foo'"),
    ],
)
def test_a_bad_option_value_is_one_line_and_exit_1(args: list[str], line: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [line]
    assert "Input should" not in result.stderr and "Value error" not in result.stderr


def test_an_unknown_option_is_still_a_usage_error() -> None:
    assert CliRunner().invoke(app, ["quiz", "--nope"]).exit_code == 2


@pytest.mark.parametrize(
    ("args", "missing"),
    [(["flag"], "'ID...'"), (["show"], "'ID'"), (["find"], "'TEXT'")],
)
def test_a_missing_argument_is_a_usage_error_that_names_it(args, missing) -> None:
    """Not `error: ID...:` and exit 1 (its empty message taken for a bad value)."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"Missing argument {missing}" in result.output and "error: ID" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["quiz", "-h", "--no-pager"],
        ["history", "--no-pager"],
        ["--no-pager"],
        ["config", "--no-pager"],
        ["explain", "-h", "--no-pager"],
        ["explain", "pool", "--no-pager", "--json"],
        ["find", "forget", "--no-pager"],
    ],
)
def test_every_command_takes_no_pager(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "No such option" not in result.output


def test_config_key_value_mends_a_broken_file(refresher_home: Path) -> None:
    refresher_home.mkdir(parents=True, exist_ok=True)
    (refresher_home / "config.toml").write_text(
        'desired_retention = "high"\nnew_per_day = "x"\ntries = 2\n'
    )
    assert CliRunner().invoke(app, ["stats"]).exit_code == 1  # broken: it is said
    result = CliRunner().invoke(app, ["config", "desired_retention", "0.9"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "desired_retention = 0.9\n"
    assert "new_per_day must be int (found x): back to its default" in result.stderr
    assert CliRunner().invoke(app, ["config", "tries"]).stdout == "2\n"  # good values kept
    assert CliRunner().invoke(app, ["stats"]).exit_code == 0
    bad = CliRunner().invoke(app, ["config", "desired_retention", "5"])
    assert bad.exit_code == 1 and "between 0.7 and 0.99" in bad.stderr


def test_articles() -> None:
    assert a_or_an("order") == "an order" and a_or_an("match") == "a match"
    assert a_or_an("open") == "an open" and a_or_an("cloze") == "a cloze"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("code", "ok"), [(0, True), (130, True), (3, False)])
def test_make_run_takes_ctrl_c_as_done(tmp_path: Path, code: int, ok: bool) -> None:
    """`make run` ends as refresher does, except that 130 (Ctrl-C after the summary) is not
    reported as `make: *** [run] Error 130`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "refresher"):
        tool = bin_dir / name
        tool.write_text(f"#!/bin/sh\nexit {code}\n")
        tool.chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    os.utime(stamp, (2**31 - 10, 2**31 - 10))  # newer than pyproject.toml
    proc = subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "run", f"BIN={bin_dir}", f"STAMP={stamp}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (proc.returncode == 0) is ok, proc.stderr
    assert "Error 130" not in proc.stderr


@pytest.mark.parametrize(
    "args", [["flag"], ["show"], ["find"], ["quiz", "--tag"], ["drill"], ["interview", "--history"]]
)
def test_an_argument_quoted_back_carries_no_control_or_markup(args) -> None:
    """An argument holding an escape sequence (or Rich markup) is quoted back with `?` for
    each control character, on stderr as on stdout; nothing reaches the terminal raw."""
    typed = "x\x1b[31mred[bold]b\x07"
    result = CliRunner().invoke(app, [*args, typed])
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "x?[31mred[bold]b?" in shown
