"""Help reads like the rest: it wraps to the terminal (no hard line breaks from docstrings) and
names every value for what it is (`N`, `FILE`, `BANK`), never by its Python type; checked for
every command and sub-command at 60 and 100 columns."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from refresher.cli import app
from refresher.cli.help import reflow


def _commands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        found.append(path)
        if not hasattr(cmd, "list_commands"):
            return
        # listed and looked up as help does: the groups build their commands when asked
        for name in sorted(cmd.list_commands(None)):
            walk(cmd.get_command(None, name), [*path, name])

    walk(get_command(app), [])
    return found


COMMANDS = _commands()
TYPE_NAMES = re.compile(r"<[a-z]|\{[A-Z]+\}|list\[|\[x>=|<=x|\[\d+<=x")
ITEM = re.compile(r"^\s*([-*•] |\d+[.)] |Usage)")


def _help(path: list[str], columns: int) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_walked() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"quiz", "review", "history", "import", "explain pool", "unflag"} <= names


@pytest.mark.parametrize("columns", [60, 100])
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "refresher")
def test_help_names_values_and_wraps(path: list[str], columns: int) -> None:
    out = _help(path, columns)
    lines = out.splitlines()
    assert not [line for line in lines if TYPE_NAMES.search(line)]
    assert max(len(line) for line in lines) <= columns
    # prose outside the panels: a line is never cut short when the next word would fit on it
    for a, b in zip(lines, lines[1:], strict=False):
        if not a.strip() or not b.strip() or a.lstrip()[:1] in "│╭╰" or b.lstrip()[:1] in "│╭╰":
            continue
        if ITEM.match(b) or "refresher" in b.split()[0]:
            continue
        assert len(a.rstrip()) + 1 + len(b.split()[0]) > columns - 2, (a, b)


def test_arguments_and_their_usage_are_named_in_capitals() -> None:
    quiz = _help(["quiz"], 100)
    assert "quiz [OPTIONS] [BANK]" in quiz and "│   BANK " in quiz
    assert "--count        -n      N " in quiz and "practice|exam" in quiz
    imported = _help(["import"], 100)
    assert "import [OPTIONS] FILE" in imported and "--title               TITLE" in imported


def test_a_ragged_docstring_becomes_paragraphs() -> None:
    text = """First line
    goes on.

    Second paragraph, written over
    two lines.
    - an item
    - another

    \b
    kept
    as is
    """
    assert reflow(text) == (
        "First line goes on.\n\nSecond paragraph, written over two lines.\n- an item\n"
        "- another\n\n\b\nkept\nas is"
    )
    review = _help(["review"], 100)
    assert (
        "Typed questions are graded and rated for you (wrong: Again, right: Good). Enter" in review
    )
