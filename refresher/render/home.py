"""Drawing the home screen of bare `refresher`: one line per bank (due, new, readiness), the
streak, the interview, the last study, and the command to run next. At 60 columns every line
stays whole: the bank's title is what folds."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.app.home import Home
from refresher.core.text import plural
from refresher.render.layout import COMMAND_STYLE


def _when(home: Home) -> str:
    last = home.last
    if last is None or home.last_day is None or home.last_local is None:
        return "never — nothing answered yet"
    days = (home.today - home.last_day).days
    ago = "today" if days <= 0 else ("yesterday" if days == 1 else f"{days} days ago")
    count = plural(home.last_day_answers, "answer")
    return f"{ago} ({home.last_local:%Y-%m-%d %H:%M}), {last.mode} in {last.bank}, {count}"


def home(console: Console, home: Home) -> None:
    console.print(Text("refresher", style="accent"), Text(f"— {home.today:%A %d %B %Y}", "muted"))
    console.print()
    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column("bank", header_style="muted", no_wrap=True)
    table.add_column("due", justify="right", header_style="muted", no_wrap=True)
    table.add_column("new", justify="right", header_style="muted", no_wrap=True)
    with_readiness = any(b.readiness is not None for b in home.banks)
    if with_readiness:
        table.add_column("ready", justify="right", header_style="muted", no_wrap=True)
    table.add_column("title", header_style="muted", overflow="fold", ratio=1)
    for b in home.banks:
        cells = [
            Text(b.id, "accent"),
            Text(str(b.due), "skip" if b.due else "muted"),
            Text(str(b.new), "right" if b.new else "muted"),
        ]
        if with_readiness:
            cells.append(Text("" if b.readiness is None else f"{100 * b.readiness:.0f}%"))
        cells.append(Text(f"{b.title} · {plural(b.questions, 'question')}", "muted"))
        table.add_row(*cells)
    if home.banks:
        console.print(table)
    else:
        console.print(Text.assemble("No bank loads: see ", ("refresher banks", COMMAND_STYLE), "."))
    console.print()
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="muted", no_wrap=True)
    rows.add_column(overflow="fold")
    if home.streak:
        days = plural(home.streak, "day")
        note = "" if home.studied_today else " — study today to keep it"
        rows.add_row("Streak", f"{days}{note}")
    else:
        rows.add_row("Streak", "none yet — one answer today starts it")
    if home.days_left is not None and home.interview is not None:
        rows.add_row("Interview", f"{home.interview} — in {plural(home.days_left, 'day')}")
    elif home.interview is not None:
        rows.add_row("Interview", f"{home.interview} (passed)")
    else:
        rows.add_row("Interview", "no date set (refresher plan --date YYYY-MM-DD)")
    rows.add_row("Last study", _when(home))
    console.print(rows)
    console.print()
    console.print(Text.assemble(("Next: ", "accent"), (home.next_command, COMMAND_STYLE)))
    console.print(Text("Every command: refresher --help", "muted"))
