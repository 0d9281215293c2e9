"""Save a rendering as .html, .svg or .txt through a recording Rich console.

The file holds exactly what the terminal shows (same sections, same precision) at a fixed,
printable width, so an export does not depend on the size of the window it was made in. It is
written beside its final name and renamed into place, so a full disk never leaves a truncated
export or loses the file it replaces.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

from rich.cells import cell_len
from rich.console import RenderableType
from rich.terminal_theme import TerminalTheme
from rich.theme import Theme

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.text import excerpt
from refresher.env.files import check_target, write_atomically
from refresher.render.console import make_console

EXPORT_WIDTH = 100
FORMATS = (".html", ".svg", ".txt", ".pdf")

# Fonts every system has one of; nothing is fetched from the network, so an export looks the
# same offline. Every character is placed at its own cell (see `_place_cells`), so a fallback
# font with other glyph widths cannot push borders or chart axes out of line.
MONO_FONTS = (
    "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', 'Noto Sans Mono', 'Courier New', "
    "monospace"
)

# Rich fills in the placeholders in single braces; doubled braces are literal CSS braces.
_SVG_PAGE = """\
<svg class="rich-terminal" viewBox="0 0 {{width}} {{height}}" \
xmlns="http://www.w3.org/2000/svg" xml:space="preserve">
<title>{title}</title>
<style>
.{{unique_id}}-matrix {{{{
    font-family: {fonts};
    font-size: {font_size}px;
    line-height: {{line_height}}px;
    white-space: pre;
}}}}
.{{unique_id}}-title {{{{
    font-size: 18px;
    font-weight: bold;
    font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif;
}}}}
{{styles}}
</style>
<defs>
<clipPath id="{{unique_id}}-clip-terminal">
  <rect x="0" y="0" width="{{terminal_width}}" height="{{terminal_height}}" />
</clipPath>
{{lines}}
</defs>
{{chrome}}
<g transform="translate({{terminal_x}}, {{terminal_y}})" \
clip-path="url(#{{unique_id}}-clip-terminal)">
{{backgrounds}}
<g class="{{unique_id}}-matrix">
{{matrix}}
</g>
</g>
</svg>
"""

# Exports to HTML are for reading and printing: dark text on white, every colour dark enough
# to read on paper, and a pale highlight behind the current window (not black on olive).
PRINT_COLOURS = TerminalTheme(
    (255, 255, 255),
    (20, 20, 20),
    [
        (20, 20, 20), (163, 21, 21), (26, 107, 42), (122, 82, 0),
        (20, 74, 160), (122, 31, 140), (0, 90, 120), (90, 90, 90),
    ],
    [
        (70, 70, 70), (163, 21, 21), (26, 107, 42), (255, 230, 128),
        (20, 74, 160), (122, 31, 140), (0, 90, 120), (20, 20, 20),
    ],
)  # fmt: skip
PRINT_STYLES = Theme(
    {
        "muted": "#4d4d4d",
        "accent": "bold #005a78",
        "progress": "#005a78",
        "window": "#000000 on #ffe680",
        "rule.line": "#8c8c8c",
    }
)

# The same image to print: white, no window, the text moved up where the title bar was.
_SVG_PAPER = (
    _SVG_PAGE.replace("{{chrome}}", '<rect fill="#ffffff" width="100%" height="100%"/>')
    .replace("translate({{terminal_x}}, {{terminal_y}})", "translate({{terminal_x}}, 10)")
    .replace(' clip-path="url(#{{unique_id}}-clip-terminal)"', "")  # keep the last subscripts
)
_PAPER_LIFT = 24  # px of title bar the paper image leaves out
THEMES = ("light", "dark")

_TEXT_RUN = re.compile(
    r'<text class="([^"]+)" x="([0-9.]+)" y="([0-9.]+)" textLength="([0-9.]+)" '
    r'clip-path="([^"]+)">(.*?)</text>',
    re.S,
)

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
            ".html, .pdf, .svg or .txt"
        )
    if path.suffix.lower() == ".pdf":
        from refresher.formats.typst import MISSING, available

        if not available():
            raise InputError(MISSING)
    return check_target(path, "--export")


def check_theme(theme: str) -> str:
    if theme not in THEMES:
        raise InputError(f"--theme: {theme!r}: use light or dark")
    return theme


def export_sections(
    sections: Sequence[RenderableType],
    path: str | Path,
    *,
    title: str = "refresher",
    width: int = EXPORT_WIDTH,
    theme: str = "light",
) -> Path:
    """Render `sections` on a recording console and save them in the format `path` names.

    An SVG is black on white to print (`theme="dark"`: the terminal's look, in a window)."""
    path = check_export_path(path)
    dark = theme == "dark"
    suffix = path.suffix.lower()
    console = _recorder(width, printable=suffix == ".html" or (suffix == ".svg" and not dark))
    for section in sections:
        console.print(section)
    if suffix == ".html":
        content = _html_lines(
            console.export_html(
                theme=PRINT_COLOURS, inline_styles=True, code_format=_html_page(title)
            )
        )
    elif suffix == ".svg":
        content = _svg(console, title, dark=dark)
    else:
        text = console.export_text(styles=False)
        content = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    _write(path, content)
    return path


def _recorder(width: int, *, printable: bool):
    console = make_console(file=io.StringIO(), width=width, record=True, force_terminal=True)
    if printable:
        console.push_theme(PRINT_STYLES)
    return console


def _html_lines(page: str) -> str:
    """Rich pads every line to the full width with spaces: drop them (they wrap when printed)."""
    return "\n".join(line.rstrip() for line in page.split("\n")) + "\n"


def write_export(path: str | Path, content: str) -> Path:
    """Save `content` (made elsewhere) at `path`, checked as every export is."""
    path = check_export_path(path)
    _write(path, content)
    return path


def _write(path: Path, content: str) -> None:
    write_bytes(path, content.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Save `data` at a checked export `path`, atomically; a failure is one clear line."""
    try:
        write_atomically(path, data, follow=False)
    except OSError as exc:
        raise InputError(f"--export: cannot write {path}: {exc.strerror or exc}") from None


def _svg(console, title: str, *, dark: bool = False) -> str:
    """The recording as a self-contained SVG that draws alike in browsers and librsvg."""
    lines = sum(1 for _ in console.export_text(clear=False).splitlines())
    if lines > limits.SVG_LINES:
        raise InputError(
            f"--export: {lines:,} lines is too long for one SVG image (at most "
            f"{limits.SVG_LINES}); export .html and print it, or save it as PDF, from a browser"
        )
    safe = html.escape(title).replace("{", "{{").replace("}", "}}")
    char_width = 20 * 0.61  # Rich's cell width for its 20px font
    # DejaVu Sans Mono and Menlo advance 0.602 em: this size fills a cell exactly with them
    page = (_SVG_PAGE if dark else _SVG_PAPER).format(
        title=safe, fonts=MONO_FONTS, font_size=round(char_width / 0.602, 2)
    )
    if dark:
        chrome = excerpt(title, 90)  # a longer title runs over the window buttons
        return _place_cells(console.export_svg(title=chrome, code_format=page), char_width)
    svg = console.export_svg(title="", code_format=page, theme=PRINT_COLOURS)

    def lift(match: re.Match[str]) -> str:
        return f'viewBox="0 0 {match[1]} {float(match[2]) - _PAPER_LIFT:g}"'

    return _place_cells(re.sub(r'viewBox="0 0 (\S+) (\S+)"', lift, svg, count=1), char_width)


def _place_cells(svg: str, char_width: float) -> str:
    """Pin each short piece of a text run to its own cell.

    Rich positions a whole run once and stretches it with `textLength`, which librsvg
    ignores: with a fallback font of other glyph widths, borders drift out of line, a chart's
    axis ends short of its dots, and leading spaces collapse. Here every piece of at most
    `_PIECE` characters is a `<tspan>` with its own x (and
    spaces are no-break spaces), so the grid holds in every renderer.
    """

    def place(match: re.Match[str]) -> str:
        cls, x, y, _length, _clip, body = match.groups()
        if not body.strip():
            return ""  # the newline Rich closes each row with draws nothing
        pieces: list[str] = []
        at, start, piece = float(x), float(x), ""
        for ch in html.unescape(body):
            if len(piece) == _PIECE:
                pieces.append(_tspan(start, piece))
                piece = ""
            if not piece:
                start = at
            piece += ch
            at += cell_len(ch) * char_width
        if piece:
            pieces.append(_tspan(start, piece))
        return f'<text class="{cls}" y="{y}">{"".join(pieces)}</text>'

    return _TEXT_RUN.sub(place, svg)


_PIECE = 4  # characters placed together: a fallback font drifts less than a pixel over 4


def _tspan(x: float, piece: str) -> str:
    # spaces as no-break spaces, which no renderer collapses
    text = html.escape(piece).replace(" ", "&#160;").replace("\u00a0", "&#160;")
    return f'<tspan x="{x:g}">{text}</tspan>'
