"""The sync folder and its files (an edge module): this machine's id, the lock a sync holds, the
event files of a folder, their lines read whole and bounded, and lines appended.

A sync folder holds one file per machine, `MACHINE.jsonl` (`own_file`), one event per line
(`storage.events`), only ever appended, and only by its machine; conflicted copies a sync tool
leaves are `*.jsonl` files too, read like any other. A file is opened only when it is a regular
file (no symlink, no FIFO); a line longer than `limits.SYNC_LINE_BYTES` is skipped without being
read into memory; an append is synced to disk (and, for a new file, its folder) before its
caller records it sent. A file's read offset is kept with a hash of the bytes before it
(`tail_hash`), so a file rewritten from an older copy shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from refresher.core import limits
from refresher.core.errors import RefresherError
from refresher.env import paths
from refresher.env.files import write_atomically
from refresher.storage.events import MACHINE_RE

SUFFIX = ".jsonl"
TAIL_BYTES = 64  # the bytes before a file's read offset, hashed: a rewritten file shows


class SyncError(RefresherError):
    """The sync folder cannot be used (missing, not a folder, not writable)."""


# --- this machine -------------------------------------------------------------------------------


def _slug(text: str) -> str:
    word = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    word = "-".join(p for p in word.split("-") if p)[:24].strip("-")
    return word or "machine"


def machine_id(home: Path | None = None) -> str:
    """This machine's id, made once from its host name and kept in the data folder."""
    path = paths.machine_file(home)
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncError(f"cannot read {path}: {exc}") from None
    if text:
        if not MACHINE_RE.match(text):
            raise SyncError(f"{path} holds {text[:40]!r}, not a machine id; delete it")
        return text
    made = f"{_slug(socket.gethostname())}-{secrets.token_hex(3)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, (made + "\n").encode("ascii"))
    except OSError as exc:
        raise SyncError(f"cannot write {path}: {exc.strerror}") from None
    return made


@contextlib.contextmanager
def sync_lock(home: Path | None = None) -> Iterator[None]:
    """Held for the whole of a sync: a second sync of the same data folder waits."""
    path = paths.sync_lock_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: SQLite's lock still guards the store
            fcntl = None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- the folder ---------------------------------------------------------------------------------


def check_folder(folder: Path) -> Path:
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise SyncError(f"sync folder {folder} does not exist; create it first") from None
    except OSError as exc:
        raise SyncError(f"cannot use sync folder {folder}: {exc.strerror}") from None
    if stat.S_ISREG(info.st_mode):
        raise SyncError(f"{folder} is a file, not a sync folder")
    if not stat.S_ISDIR(info.st_mode):
        raise SyncError(f"{folder} is not a folder")
    return folder


def event_files(folder: Path) -> list[Path]:
    """The regular `*.jsonl` files of the folder, by name (at most `limits.SYNC_FILES`)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path))
    found.sort(key=lambda p: p.name)
    if len(found) > limits.SYNC_FILES:
        raise SyncError(
            f"sync folder {folder} holds {len(found):,} event files,"
            f" more than {limits.SYNC_FILES:,}"
        )
    return found


def own_file(folder: Path, machine: str) -> Path:
    """The file machine `machine` appends to in `folder`."""
    return folder / f"{machine}{SUFFIX}"


def tail_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def tail_at(fh: Any, offset: int) -> str:
    """`tail_hash` of the `TAIL_BYTES` before `offset` of the open file `fh` (where it reads
    next is left as it was)."""
    at = fh.tell()
    fh.seek(max(0, offset - TAIL_BYTES))
    found = tail_hash(fh.read(offset - max(0, offset - TAIL_BYTES)))
    fh.seek(at)
    return found


def open_regular(path: Path) -> Any:
    """`path` opened to read bytes, if it is a regular file (not followed if a symlink, and a
    FIFO does not block the open); raises OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        raise OSError("not a regular file")
    return fh


def read_lines(fh: Any, start: int) -> Iterator[tuple[int, bytes]]:
    """(offset after, line) for each line from `start`; a line past the limit comes as its
    first `limits.SYNC_LINE_BYTES + 1` bytes and the rest is skipped unread into memory; a last
    line without its newline comes as is (torn)."""
    fh.seek(start)
    at = start  # counted, not asked of the file at each line
    limit = limits.SYNC_LINE_BYTES
    readline = fh.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of a long line
                more = readline(1 << 16)
                if not more or more.endswith(b"\n"):
                    break
            at = fh.tell()
            yield at, line[: limit + 1] + b"\n"
            continue
        at += len(line)
        yield at, line


def append_lines(path: Path, lines: list[bytes]) -> int:
    """Append whole lines and sync them; returns the file's size after."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        data = b"".join(lines)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if created:
        with contextlib.suppress(OSError):
            dfd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    return size
