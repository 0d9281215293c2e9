"""Small layout pieces every view shares: labelled lines that wrap under themselves, the rule
that heads a question or card, a report's section rule, and prose quoting commands to type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.kinds.letters import letter


def hanging(labels: list[tuple[str, str]], texts: Sequence[str | Text], indent: int = 2) -> Padding:
    """Labelled lines whose wrapped text stays under itself, not under the label."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for (label, style), text in zip(labels, texts, strict=True):
        grid.add_row(Text(label, style=style), text if isinstance(text, Text) else Text(text))
    return Padding(grid, (0, 0, 0, indent), expand=False)


def progress_rule(head: str, *notes: str) -> Rule:
    """``── Question 3 of 10 · RNN · 2/2 ──``: where the session is, then muted notes."""
    parts: list[str | tuple[str, str]] = [(head, "progress")]
    for note in notes:
        parts += [" · ", (note, "muted")]
    return Rule(Text.assemble(*parts), align="left", style="progress")


def section(console: Console, title: str, note: str = "") -> None:
    """A blank line, then a rule naming a report's section (`stats`, `plan`) and a muted note."""
    console.print()
    console.print(
        Rule(
            Text.assemble((title, "accent"), (f"  {note}" if note else "", "muted")),
            align="left",
            style="progress",
        )
    )


def options_view(options: Sequence[str], indent: int = 2) -> Padding:
    labels = [(f"{letter(k)})", "letter") for k in range(len(options))]
    return hanging(labels, options, indent)


def marked(ok: bool) -> tuple[str, str]:
    """A ✓ or ✗ label with its colour."""
    return ("✓", "right") if ok else ("✗", "wrong")


def checked_lines(
    bodies: Sequence[Text], marks: Sequence[bool] | None, given: Sequence[str]
) -> Text:
    """One line per body: led by ✓ or ✗ when `marks` are given, with "(you: ...)" after a
    wrong one when the learner gave something for it."""
    out = Text()
    for k, body in enumerate(bodies):
        ok = None if marks is None else marks[k]
        if k:
            out.append("\n")
        if ok is not None:
            mark, style = marked(ok)
            out.append(f"{mark} ", style=style)
        out.append_text(body)
        if ok is False and k < len(given) and given[k]:
            out.append(f"  (you: {given[k]})", style="muted")
    return out


def hung(text: Text, indent: int) -> Padding:
    """A multi-line answer whose lines wrap under their own text: a line led by a mark and a
    code (`✗ 1B  forget gate → ...`) keeps its text in a column after them; other lines (a
    matrix's rows) are shown as they are."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in text.split("\n"):
        plain = line.plain
        cut = plain.find("  ", 2) if plain[:2] in ("✓ ", "✗ ") else -1
        if cut < 0:
            return Padding(text, (0, 0, 0, indent), expand=False)
        grid.add_row(line[:cut], line[cut + 2 :])
    return Padding(grid, (0, 0, 0, indent), expand=False)


def diff_text(segments: list[tuple[str, str]]) -> Text:
    """A typed answer against the right one: `hidd[+e]n`, `[-x]` for a character too many."""
    out = Text()
    for tag, part in segments:
        if tag == "same":
            out.append(part)
        elif tag == "extra":
            out.append(f"[-{part}]", style="wrong")
        else:
            out.append(f"[+{part}]", style="right")
    return out


COMMAND_STYLE = "bold"  # a command to type, in prose as on the home screen's `Next:` line


@dataclass(frozen=True)
class Command:
    """A command quoted in prose: shown bold, never with backticks, never cut across lines."""

    text: str


def said(parts: Sequence[str | Command], width: int, style: str = "") -> Text:
    """Prose with commands in it, wrapped at `width` between words but never inside a command
    (a command that does not fit after the words before it starts the next line)."""
    units: list[list[tuple[str, str]]] = []  # what stays on one line: words, glued punctuation
    unit: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, Command):
            unit.append((part.text, COMMAND_STYLE))
            continue
        for token in re.split(r"(\s+)", part):
            if not token:
                continue
            if token.isspace():
                if unit:
                    units.append(unit)
                unit = []
            else:
                unit.append((token, style))
    if unit:
        units.append(unit)
    text = Text(style=style)
    used = 0
    for pieces in units:
        size = sum(cell_len(t) for t, _ in pieces)
        if used and used + 1 + size > width:
            text.append("\n")
            used = 0
        elif used:
            text.append(" ")
            used += 1
        for t, st in pieces:
            text.append(t, style=st)
        used += size
    return text
