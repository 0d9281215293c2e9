"""What a sync did and what is waiting, in words and as JSON (shell, render)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.app.sync import SyncResult, SyncStatus
from refresher.core.text import plural

_KINDS = (
    ("review", "review"),
    ("answer", "answer"),
    ("round", "quiz round"),
    ("undo", "undo"),
    ("overrule", "overrule"),
    ("suspend", "suspension"),
    ("setting", "setting"),
)

_PROBLEMS = {
    "torn": "torn last line{s} skipped (read again at the next sync)",
    "too-long": "line{s} too long skipped",
    "junk": "line{s} that are not refresher events skipped",
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
        text = _PROBLEMS.get(why, why + "{s}").format(s="" if n == 1 else "s")
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
