"""refresher run on a pseudo-terminal, with a pager that keeps what it is given in a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def on_a_terminal(
    args: list[str], tmp_path: Path, *, lines: int = 10, columns: int = 80, colour: bool = True
) -> tuple[Path | None, bytes]:
    """Run refresher on a pseudo-terminal `lines` rows tall and `columns` wide (with NO_COLOR
    left out when `colour`); the file the pager wrote (None when no pager ran), and what reached
    the screen."""
    pty = pytest.importorskip("pty")
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())\""
    master, slave = pty.openpty()
    env = {**os.environ, "PAGER": pager, "LINES": str(lines), "COLUMNS": str(columns)}
    env["TERM"] = "xterm"
    if colour:
        env.pop("NO_COLOR", None)
    script = "from refresher.cli import app; app(prog_name='refresher')"
    try:
        subprocess.run(
            [sys.executable, "-c", script, *args],
            stdin=slave, stdout=slave, stderr=slave, env=env, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(slave)
    screen = b""
    try:
        while chunk := os.read(master, 65536):
            screen += chunk
    except OSError:
        pass
    os.close(master)
    return (paged if paged.exists() else None), screen
