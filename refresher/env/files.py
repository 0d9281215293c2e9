"""Reading a small file a user names (an input, a params file, config.toml) without trusting it,
and writing a file so that it is either whole or not there.

A FIFO or a device blocks or never ends, and a huge file exhausts memory, so the file is checked
by `stat` before it is opened, opened without blocking, checked again on the open descriptor
(it may have been swapped in between), and read up to its size limit and no further.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from refresher.core.errors import InputError


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _refuse_mode(mode: int, label: str) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(f"{label}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{label}: not a regular file (a pipe, socket or device); give a file")


def read_regular(path: str | Path, limit: int, label: str) -> bytes:
    """The bytes of `path`, or `InputError` starting with `label` (one line, naming the limit).

    Refuses a missing path, a folder, anything that is not a regular file, and a file larger
    than `limit` bytes, all before reading a byte of it.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    _refuse_mode(before.st_mode, label)
    too_big = f"{label}: larger than {_mib(limit)}, the limit for this file"
    if before.st_size > limit:
        raise InputError(too_big)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        _refuse_mode(os.fstat(fh.fileno()).st_mode, label)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew after the stat
        raise InputError(too_big)
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a new file beside `path`, then rename it over `path`.

    A full disk or a crash leaves the old file whole (or no file), never a truncated one. A
    symbolic link is followed, so the file it points to is replaced; an existing file keeps
    its permissions.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
