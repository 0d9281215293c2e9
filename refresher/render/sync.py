"""What a sync did and what is waiting, in words and as JSON; a long import's progress bar
(shell, render)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from refresher.app.sync import Reading, SyncResult, SyncStatus
from refresher.core.text import excerpt, plural

SHOW_AFTER = 1.0  # seconds an import runs before its bar is drawn
SHOW_LINES = 5_000  # an import of a file expected to hold more lines than this: drawn at once

_KINDS = (
    ("review", "review"),
    ("answer", "answer"),
    ("round", "quiz round"),
    ("undo", "undo"),
    ("overrule", "overrule"),
    ("suspend", "suspension"),
    ("setting", "setting"),
)

_PROBLEMS: dict[str, str | tuple[str, str]] = {  # one text with {s}, or (one, many)
    "torn": "torn last line{s} skipped (read again at the next sync)",
    "too-long": "line{s} too long skipped",
    "junk": (
        "line that is not a refresher event skipped",
        "lines that are not refresher events skipped",
    ),
    "checksum": "line{s} with a bad checksum skipped",
    "newer": "line{s} from a newer refresher skipped (upgrade refresher to read them)",
    "rewritten": "file{s} rewritten from an older copy read again from the start"
    " (nothing already brought in is removed)",
    "unreadable": "file{s} that could not be read",
}


def _counts(kinds: dict[str, int]) -> str:
    parts = [plural(kinds[k], word) for k, word in _KINDS if kinds.get(k)]
    return ", ".join(parts) or "nothing"


def summary_lines(result: SyncResult) -> list[str]:
    """One line per machine brought in, one for what was sent, one per kind of problem."""
    lines = []
    for machine, kinds in sorted(result.brought.items()):
        lines.append(f"brought in {_counts(dict(kinds))} from {machine}")
    if not result.brought:
        lines.append("nothing new from other machines")
    sent = f"sent {plural(result.exported, 'event')} from {result.machine}"
    if result.rewritten_own:
        sent += (
            f"; {plural(result.rewritten_own, 'event')} written again"
            " (this machine's file had been rolled back)"
        )
    lines.append(sent)
    if result.duplicates:
        lines.append(f"{plural(result.duplicates, 'event')} seen before ignored (copies)")
    return lines


def problem_lines(result: SyncResult) -> list[str]:
    lines = []
    for why, files in result.problems.items():
        n = sum(files.values())
        words = _PROBLEMS.get(why, why + "{s}")
        if isinstance(words, tuple):
            text = words[0] if n == 1 else words[1]
        else:
            text = words.format(s="" if n == 1 else "s")
        names = ", ".join(sorted(files))
        lines.append(f"{n:,} {text}: {names}")
    return lines


def result_json(result: SyncResult) -> dict[str, Any]:
    return {
        "machine": result.machine,
        "sent": result.exported,
        "sent_again": result.rewritten_own,
        "brought": {m: dict(sorted(k.items())) for m, k in sorted(result.brought.items())},
        "duplicates": result.duplicates,
        "cards_replayed": result.cards,
        "problems": {w: dict(sorted(f.items())) for w, f in sorted(result.problems.items())},
    }


def status_json(status: SyncStatus) -> dict[str, Any]:
    return {
        "machine": status.machine,
        "folder": str(status.folder),
        "to_send": status.to_send,
        "to_bring": status.to_bring,
        "machines": [
            {
                "machine": m.machine,
                "this": m.machine == status.machine,
                "events": m.events,
                "last_event": m.last_event,
                "last_sync": m.last_read,
            }
            for m in status.machines
        ],
    }


def status_view(console: Console, status: SyncStatus) -> None:
    console.print(
        Text.assemble(
            "This machine: ", (status.machine, "accent"), f"  sync folder: {status.folder}"
        )
    )
    table = Table(box=None, pad_edge=False)
    for name in ("machine", "events", "latest event (UTC)", "last sync (UTC)"):
        table.add_column(name)
    for m in status.machines:
        name = m.machine + (" (this one)" if m.machine == status.machine else "")
        table.add_row(
            name, f"{m.events:,}", _time(m.last_event), _time(m.last_read) if m.last_read else "-"
        )
    if status.machines:
        console.print(table)
    else:
        console.print("No events yet, from this machine or any other.", style="muted")
    console.print(
        f"Waiting: {plural(status.to_send, 'event')} to send,"
        f" {plural(status.to_bring, 'line')} to bring in."
    )


def _time(text: str | None) -> str:
    return "-" if not text else text[:16].replace("T", " ")


# --- a long import's progress ------------------------------------------------------------------


class ImportBars:
    """The callback an import tells how far it has read (`Reading`): a bar on `console` once the
    import has run `SHOW_AFTER` seconds, or at once for a file expected to hold more than
    `SHOW_LINES` lines (from the lines in the bytes read so far); nothing before, and nothing
    left on the screen after (`stop`)."""

    def __init__(
        self,
        console: Console,
        *,
        clock: Callable[[], float] = time.monotonic,
        auto_refresh: bool = True,
    ):
        self.console, self.clock = console, clock
        self.began = clock()
        self.auto_refresh = auto_refresh
        self.bars: Progress | None = None
        self.task: TaskID | None = None
        self.name: str | None = None

    def __call__(self, reading: Reading) -> None:
        if self.bars is None:
            if reading.done or not self._worth_showing(reading):
                return
            columns: list[ProgressColumn] = [
                TextColumn("{task.description}", markup=False),
                BarColumn(bar_width=None),
                TaskProgressColumn(),
                TextColumn("{task.fields[lines]:>7,} lines", markup=False),
                TimeRemainingColumn(),
            ]
            if self.console.width >= 100:  # room for the bytes too
                columns.insert(3, DownloadColumn(binary_units=True))
            self.bars = Progress(
                *columns,
                console=self.console,
                transient=True,
                expand=True,
                get_time=self.clock,
                auto_refresh=self.auto_refresh,
                refresh_per_second=5,
            )
            self.bars.start()
        self._draw(reading)

    def _worth_showing(self, reading: Reading) -> bool:
        if self.clock() - self.began >= SHOW_AFTER:
            return True
        return reading.read > 0 and reading.lines * reading.size / reading.read > SHOW_LINES

    def _draw(self, reading: Reading) -> None:
        bars = self.bars
        assert bars is not None
        what = f"bringing in {excerpt(reading.name, 20)}"
        if reading.files > 1:
            what += f" ({reading.file} of {reading.files})"
        if self.task is None:
            self.task = bars.add_task(what, total=reading.size, lines=0)
        elif reading.name != self.name:  # the next file: its own bar, from nothing
            bars.reset(self.task, total=reading.size, description=what, lines=0)
        self.name = reading.name
        bars.update(self.task, completed=reading.read, total=reading.size, lines=reading.lines)
        if not self.auto_refresh:
            bars.refresh()

    def renderable(self) -> RenderableType | None:
        """The bar as it is now (None: not drawn)."""
        return None if self.bars is None else self.bars.get_renderable()

    def stop(self) -> None:
        if self.bars is not None:
            self.bars.stop()
            self.bars = None


def _on_terminal(console: Console) -> bool:
    if not console.is_terminal or console.is_dumb_terminal:
        return False
    try:  # FORCE_COLOR makes Rich take a pipe for a terminal: a bar is for a person's screen
        return bool(console.file.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def import_progress(console: Console) -> Iterator[ImportBars | None]:
    """`ImportBars` on `console` (stderr) while it is a terminal; None on a pipe or a dumb
    terminal, where nothing is drawn. The bar is gone when the block ends."""
    if not _on_terminal(console):
        yield None
        return
    bars = ImportBars(console)
    try:
        yield bars
    finally:
        bars.stop()
