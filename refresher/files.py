"""Reading a small file a user names (an input, a params file, config.toml) without trusting it.

A FIFO or a device blocks or never ends, and a huge file exhausts memory, so the file is checked
by `stat` before it is opened, opened without blocking, checked again on the open descriptor
(it may have been swapped in between), and read up to its size limit and no further.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from refresher.errors import InputError


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
