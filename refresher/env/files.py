"""Reading a file that is not trusted (a bank, an input, a params file, config.toml, a cache
entry) by its size and type, and writing a file so that it is either whole or not there.

A FIFO or a device blocks or never ends, and a huge file exhausts memory, so `read_bounded`
checks the file by `stat` before it is opened, opens it without blocking, checks it again on the
open descriptor (it may have been swapped in between), and reads up to its size limit and no
further; it raises `Refused` saying why, and each caller words that its own way (`read_regular`
for a file named on the command line, `refresher.banks.load` for a bank file).
`write_atomically` writes beside the target, syncs the file and its folder, then renames.
`check_target` is the one check of a file about to be written (`--to`, `--export`): a link, a
device, a FIFO, a socket or a folder is refused, so only a regular file is ever replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from refresher.core.errors import InputError
from refresher.core.text import strip_controls


class Refused(Exception):
    """Why `read_bounded` read nothing: `kind` is one of "missing", "folder", "special" (not a
    regular file), "too-big" (`size` bytes by `stat`), "grew" (past the limit while read) or
    "unreadable" (`reason`, the system's words)."""

    def __init__(self, kind: str, *, size: int = 0, reason: str = ""):
        super().__init__(kind)
        self.kind, self.size, self.reason = kind, size, reason


def _check(info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise Refused("folder")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("special")
    if info.st_size > limit:
        raise Refused("too-big", size=info.st_size)


def _unreadable(exc: OSError) -> Refused:
    return Refused("unreadable", reason=str(exc.strerror or exc))


def read_bounded(path: str | os.PathLike[str], limit: int, *, follow: bool = True) -> bytes:
    """The bytes of the regular file `path` of at most `limit` bytes, else `Refused`.

    Refuses a missing path, a folder, anything that is not a regular file (with `follow=False`,
    a symbolic link too) and a file larger than `limit`, all before reading a byte of it.
    """
    try:
        before = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as exc:
        raise _unreadable(exc) from None
    _check(before, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise Refused("missing") from None
    except IsADirectoryError:
        raise Refused("folder") from None
    except OSError as exc:
        raise _unreadable(exc) from None
    with os.fdopen(fd, "rb") as fh:
        _check(os.fstat(fh.fileno()), limit)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _unreadable(exc) from None
    if len(data) > limit:  # it grew after the stat
        raise Refused("grew")
    return data


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def read_regular(path: str | Path, limit: int, label: str) -> bytes:
    """The bytes of `path` (`read_bounded`), or `InputError` starting with `label` (one line,
    naming the limit)."""
    try:
        return read_bounded(path, limit)
    except Refused as why:
        if why.kind == "missing":
            message = "no such file"
        elif why.kind == "folder":
            message = "is a folder, not a file"
        elif why.kind == "special":
            message = "not a regular file (a pipe, socket or device); give a file"
        elif why.kind == "unreadable":
            message = f"cannot read the file ({why.reason})"
        else:  # too big, or grew while read
            message = f"larger than {_mib(limit)}, the limit for this file"
        raise InputError(f"{label}: {message}") from None


def is_folder(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a folder; False for a path the system cannot take (too long, a loop),
    which the read or write that follows then reports in one line."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _quoted(path: str | os.PathLike[str]) -> str:
    text = strip_controls(os.fspath(path))
    return text if len(text) <= 120 else text[:60] + "…" + text[-59:]


def check_target(path: str | os.PathLike[str], label: str, *, force: bool = True) -> Path:
    """`path` as a file that may be written, else `InputError` (one line, starting `label`).

    Refuses a symbolic link (dangling or not: the file it points to is not ours to replace), a
    folder, a device, a FIFO or a socket, a path the system cannot take (too long) and a missing
    folder; an existing regular file is replaced only with `force`. `write_atomically(...,
    follow=False)` then renames over the name itself, never through a link planted meanwhile.
    """
    where = _quoted(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{label}: {where}: {exc.strerror or exc}") from None
    if info is None:
        folder = os.path.dirname(os.fspath(path)) or "."
        try:
            if not stat.S_ISDIR(os.stat(folder).st_mode):
                raise InputError(f"{label}: {_quoted(folder)}: not a folder")
        except FileNotFoundError:
            raise InputError(f"{label}: {_quoted(folder)}: no such folder") from None
        except OSError as exc:
            raise InputError(f"{label}: {where}: {exc.strerror or exc}") from None
        return Path(path)
    if stat.S_ISLNK(info.st_mode):
        raise InputError(f"{label}: {where} is a symbolic link; name the file itself")
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{label}: {where} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{label}: {where} is not a regular file (a device, pipe or socket); not replaced"
        )
    if not force:
        raise InputError(f"{label}: {where} exists; add --force to replace it")
    return Path(path)


def write_atomically(path: Path, data: bytes, *, follow: bool = True) -> None:
    """Write `data` to a new file beside `path`, sync it, rename it over `path`, sync the folder.

    A full disk or a crash leaves the old file whole (or no file), never a truncated one. A
    symbolic link is followed (the file it points to is replaced) unless `follow` is False, when
    the link itself is replaced; an existing file keeps its permissions. The new file has a
    short random name of its own, created exclusively and never through a link, so a planted
    `NAME.tmp` link cannot redirect the write and a long name still fits. Raises `OSError`.
    """
    target = Path(os.path.realpath(path)) if follow else Path(os.path.abspath(path))
    try:
        info = os.stat(target) if follow else os.lstat(target)
        mode: int | None = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
    except FileNotFoundError:
        mode = None
    tmp = target.with_name(f".refresher-{os.urandom(6).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where a folder can be opened and synced)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
