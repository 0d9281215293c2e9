"""What a sync did and what is waiting (values of an edge module, read by the app and render).

`SyncResult` is counted as a sync goes: events sent and sent again, what each machine's file
brought in by kind, copies passed over, each kind of problem by file, and cards replayed.
`SyncStatus` is what `sync --status` shows: each machine seen, and events waiting either way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SyncResult:
    machine: str
    exported: int = 0
    rewritten_own: int = 0  # events of ours written again: our file was rolled back
    brought: dict[str, Counter[str]] = field(default_factory=dict)  # machine -> kind -> count
    duplicates: int = 0
    problems: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> file -> count
    cards: int = 0  # cards replayed

    def problem(self, why: str, name: str, n: int = 1) -> None:
        found = self.problems.setdefault(why, {})
        found[name] = found.get(name, 0) + n


@dataclass(frozen=True)
class MachineSeen:
    machine: str
    events: int
    last_event: str | None  # the time of its latest event
    last_read: str | None  # its last sync: its file's time in the folder (ours: the store's)


@dataclass(frozen=True)
class SyncStatus:
    machine: str
    folder: Path
    to_send: int  # events of this machine not in its file yet
    to_bring: int  # lines in the folder not read yet
    machines: list[MachineSeen]
