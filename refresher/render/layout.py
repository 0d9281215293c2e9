"""Small layout pieces every view shares: labelled lines that wrap under themselves."""

from __future__ import annotations

from collections.abc import Sequence

from rich.padding import Padding
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


def options_view(options: Sequence[str], indent: int = 2) -> Padding:
    labels = [(f"{letter(k)})", "letter") for k in range(len(options))]
    return hanging(labels, options, indent)


def marked(ok: bool) -> tuple[str, str]:
    """A ✓ or ✗ label with its colour."""
    return ("✓", "right") if ok else ("✗", "wrong")


def checked_lines(rows: list[tuple[Text, bool | None, str | None]]) -> Text:
    """One line per (text, right?, what the learner gave): led by ✓ or ✗ when marked, with
    "(you: ...)" after a wrong one."""
    out = Text()
    for k, (body, ok, given) in enumerate(rows):
        if k:
            out.append("\n")
        if ok is not None:
            mark, style = marked(ok)
            out.append(f"{mark} ", style=style)
        out.append_text(body)
        if ok is False and given:
            out.append(f"  (you: {given})", style="muted")
    return out


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
