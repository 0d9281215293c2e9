"""What a sync did and what is waiting (values of an edge module, read by the app and render).

`SyncResult` is counted as a sync goes: events sent and sent again, what each machine's file
brought in by kind, copies passed over, each kind of problem by file, and cards replayed.
`SyncStatus` is what `sync --status` shows: each machine seen, and events waiting either way.
`Reading` is how far an import has read a file, told to a progress callback as it goes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


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


class Reading(NamedTuple):
    """How far an import has read one file of the folder (told to its progress callback at the
    start of each file with something to read, every few thousand lines, after each chunk is
    stored, and when the file is done)."""

    name: str  # the file's name in the folder
    read: int  # its bytes read so far, from where the last sync stopped
    size: int  # its bytes to read, from there
    lines: int  # its lines read so far
    file: int  # which of the files with something to read (from 1)
    files: int  # the files of the folder this sync reads
    done: bool = False  # the file is read, and all of it stored


Progress = Callable[[Reading], None]  # what an import tells how far it has read
