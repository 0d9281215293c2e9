"""Save a rendering as .html, .svg or .txt through a recording Rich console.

The file holds exactly what the terminal shows (same sections, same precision) at a fixed,
printable width, so an export does not depend on the size of the window it was made in. It is
written beside its final name and renamed into place, so a full disk never leaves a truncated
export or loses the file it replaces.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path

from rich.console import RenderableType

from refresher.errors import InputError
from refresher.files import write_atomically
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


_FRAGMENT = (
    "<pre style=\"font-family:Menlo,'DejaVu Sans Mono',Consolas,'Courier New',monospace;"
    'text-align:left">'
    '<code style="font-family:inherit">{code}</code></pre>'
)


def html_fragment(sections: Sequence[RenderableType], width: int = EXPORT_WIDTH) -> str:
    """The same rendering as an `.html` export, as one `<pre>` block with inline styles (for a
    field of an Anki note), without the page around it."""
    console = make_console(file=io.StringIO(), width=width, record=True, force_terminal=True)
    for section in sections:
        console.print(section)
    return console.export_html(inline_styles=True, code_format=_FRAGMENT)


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
