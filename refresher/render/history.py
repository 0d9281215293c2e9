"""Drawing `refresher history` on a terminal: a header row, then one row per answer or rating
(time, question, kind, topic, mode, result, seconds, what was typed, rating and the interval
it gave, in the units the rating buttons show). `--csv` and `--json` are not drawn here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.core.text import strip_controls
from refresher.render.review import interval

VERDICT = {True: ("right", "right"), False: ("wrong", "wrong"), None: ("-", "muted")}


def _rating(row: dict[str, Any]) -> str:
    if not row["rating"]:
        return ""
    days = row["interval_days"]
    return row["rating"] + ("" if days is None else f" → {interval(timedelta(days=days))}")


def history_table(console: Console, rows: Iterable[dict[str, Any]]) -> int:
    """The rows under a header row; returns how many there were (0: a line saying so). From
    100 columns one line a row; narrower, the kind, topic, mode, what was typed and the rating
    go on a second line under each."""
    rows = list(rows)
    if not rows:
        console.print("No answers yet: `refresher quiz` or `refresher review` starts a history.")
        return 0
    banks = {row["bank"] for row in rows}
    wide = console.width >= 100
    table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="muted")
    table.add_column("time (UTC)", no_wrap=True)
    longest = max(len(r["question"]) for r in rows) + (0 if len(banks) == 1 else 12)
    table.add_column("question", overflow="fold", min_width=min(longest, 28))
    table.add_column("result", no_wrap=True)
    table.add_column("secs", justify="right", no_wrap=True)
    if wide:
        for name in ("kind", "topic", "mode", "typed"):
            table.add_column(name, overflow="fold")
        table.add_column("rating", overflow="fold", no_wrap=True)
    for row in rows:
        word, style = VERDICT[row["correct"]]
        seconds = row["seconds"]
        question = row["question"] if len(banks) == 1 else f"{row['bank']}/{row['question']}"
        cells: list[str | Text] = [
            row["time"][:16].replace("T", " "),
            question,
            Text(word, style),
            "-" if seconds is None else f"{seconds:.0f}",
        ]
        typed = strip_controls(row["given"] or "")
        more = [row["kind"] or "-", row["topic"] or "-", row["mode"], typed, _rating(row)]
        if wide:
            table.add_row(*cells, *more)
        else:
            table.add_row(*cells)
            shown = [m for m in more[:3]] + ([f"typed {typed!r}"] if typed else []) + more[4:]
            table.add_row("", Text(" · ".join(m for m in shown if m), "muted"), "", "")
    if len(banks) == 1:
        console.print(Text(f"bank {rows[0]['bank']}", "muted"))
    console.print(table)
    return len(rows)
