"""Save a rendering as .html, .svg or .txt through a recording Rich console.

The file holds exactly what the terminal shows (same sections, same precision) at a fixed,
printable width, so an export does not depend on the size of the window it was made in. It is
written beside its final name and renamed into place, so a full disk never leaves a truncated
export or loses the file it replaces.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from rich.console import RenderableType

from refresher.errors import InputError
from refresher.render.console import make_console

EXPORT_WIDTH = 100
FORMATS = (".html", ".svg", ".txt")

# The page Rich fills in (its placeholders: stylesheet, foreground, background, code), with a
# <title> so a browser tab or bookmark names the example.
_HTML_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
}}}}
</style>
</head>
<body>
<pre style="font-family:Menlo,'DejaVu Sans Mono',Consolas,'Courier New',monospace">\
<code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def _html_page(title: str) -> str:
    """The page template with `title` filled in (escaped, and braces doubled for Rich)."""
    safe = html.escape(title).replace("{", "{{").replace("}", "}}")
    return _HTML_PAGE.format(title=safe)


def check_export_path(path: str | Path) -> Path:
    """The path to write, or `InputError` for an unknown extension or a missing folder."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(
            f"--export: {path.name}: unknown extension {path.suffix or '(none)'!r}; use "
            ".html, .svg or .txt"
        )
    if not path.parent.is_dir():
        raise InputError(f"--export: {path.parent}: no such folder")
    return path


def export_sections(
    sections: Sequence[RenderableType],
    path: str | Path,
    *,
    title: str = "refresher",
    width: int = EXPORT_WIDTH,
) -> Path:
    """Render `sections` on a recording console and save them in the format `path` names."""
    path = check_export_path(path)
    console = make_console(file=io.StringIO(), width=width, record=True, force_terminal=True)
    for section in sections:
        console.print(section)
    suffix = path.suffix.lower()
    if suffix == ".html":
        content = console.export_html(inline_styles=True, code_format=_html_page(title))
    elif suffix == ".svg":
        content = console.export_svg(title=title)
    else:
        text = console.export_text(styles=False)
        content = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    try:
        write_atomically(path, content.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"--export: cannot write {path}: {exc.strerror or exc}") from None
    return path


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
