"""Help that pages and reads like the rest: `--help` text taller than the terminal goes through
the pager, as long output does (`refresher.render.console.page`); piped help, `--no-pager` and
`PAGER=cat` print it at once, without the spaces Typer pads lines with.

Help text wraps to the terminal: the line breaks of a docstring are not kept (`reflow`), only its
paragraphs and list items. Every value an option or argument takes is named for what it is
(`N`, `FILE`, `BANK`, `avg|max`), never by its Python type (`<int range> [x>=0]`, `<str>`), and
the usage line shows a required argument as `FILE`, an optional one as `[BANK]` (`name_values`).
"""

from __future__ import annotations

import contextlib
import enum
import inspect
import io
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup


class _TerminalBuffer(io.StringIO):
    """Collects the help Typer draws while letting it draw for the terminal (colours, width)."""

    def isatty(self) -> bool:
        return True


def _paged_help(ctx: typer.Context, draw) -> None:
    from refresher.render.console import make_console, page, pager_wanted  # Rich: help only

    root = ctx.find_root()
    if not _isatty(sys.stdout):  # piped: Typer's padding stripped, as for all piped output
        plain = io.StringIO()
        with contextlib.redirect_stdout(plain):
            draw()
        sys.stdout.write("".join(line.rstrip() + "\n" for line in plain.getvalue().splitlines()))
        return
    if root.params.get("no_pager") or ctx.meta.get(NO_PAGER) or not pager_wanted():
        draw()
        return
    buffer = _TerminalBuffer()
    with contextlib.redirect_stdout(buffer):
        draw()
    page(buffer.getvalue(), make_console(file=sys.stdout))


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


NO_PAGER = "refresher.no_pager"  # ctx.meta key: --no-pager given anywhere on the line


def _take_no_pager(command, ctx, args):
    """`--no-pager` anywhere on the line: noted for the pager, and taken off the arguments of a
    command that has no such option of its own."""
    if "--no-pager" in args:
        ctx.meta[NO_PAGER] = True
        if not any(p.name == "no_pager" for p in command.params):
            args = [a for a in args if a != "--no-pager"]
    return args


_ITEM = re.compile(r"^(\s+|[-*•] |\d+[.)] )")


def reflow(text: str | None) -> str | None:
    """Help text whose paragraphs are each one line, so that help wraps to the terminal; a
    line starting a list item (`- `, `1. `) or indented stays a line of its own, and a paragraph
    marked with click's `\\b` is kept as written."""
    if not text:
        return text
    paragraphs = []
    for para in inspect.cleandoc(text).split("\n\n"):
        if para.startswith("\b"):
            paragraphs.append(para)
            continue
        lines: list[str] = []
        for line in para.split("\n"):
            if lines and not _ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _value_name(param: Any) -> str | None:
    """What an option's value is, in capitals (`N`, `FILE`, `TITLE`) or as its choices."""
    if param.metavar is not None:
        return str(param.metavar)
    if getattr(param, "is_flag", False):
        return None
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation) or (str,)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "|".join(str(m.value) for m in annotation)
    if annotation is bool:
        return None
    if annotation is int:
        return "N"
    if annotation is float:
        return "X"
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "FILE"
    if annotation is datetime:
        return "DATE"
    longs = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    word = longs[0][2:] if longs else str(param.name or "value")
    return word.replace("-", "_").upper()


def name_values() -> None:
    """Name every value in help for what it is (see the module's docstring).

    This Typer labels values with Python types (`<int range> [x>=0]`, `<list[str]>`), names an
    argument in lower case and writes a required one `{FILE}` on the usage line."""
    from typer import core

    option, argument = getattr(core, "TyperOption", None), getattr(core, "TyperArgument", None)
    if option is None or argument is None or getattr(option, "_refresher_named", False):
        return

    def option_value(self: Any, ctx: Any) -> str | None:
        return _value_name(self)

    def argument_name(self: Any) -> str:
        return str(self.metavar) if self.metavar is not None else str(self.name).upper()

    def usage_name(self: Any) -> str:
        name = argument_name(self)
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"

    option.display_type_rich = option_value
    option._get_number_range_help_str = lambda self: None
    argument.display_name_raw = property(argument_name)
    argument.display_type_rich = lambda self, ctx: None
    argument._get_number_range_help_str = lambda self: None
    argument._usage_display_name = usage_name
    option._refresher_named = True


class PagedCommand(TyperCommand):
    """A command whose help pages; every command takes `--no-pager`, wherever it stands (even
    after `-h`), whether or not its output is long enough to page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["help"] = reflow(kwargs.get("help"))
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _take_no_pager(self, ctx, args))

    def format_help(self, ctx, formatter):
        _paged_help(ctx, lambda: super(PagedCommand, self).format_help(ctx, formatter))


class PagedGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["help"] = reflow(kwargs.get("help"))
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _take_no_pager(self, ctx, args))

    def format_help(self, ctx, formatter):
        _paged_help(ctx, lambda: super(PagedGroup, self).format_help(ctx, formatter))
