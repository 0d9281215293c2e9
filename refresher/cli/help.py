"""Help that pages: `--help` text taller than the terminal goes through the pager, as long
output does (`refresher.render.console.page`); piped help, `--no-pager` and `PAGER=cat` print
it at once, without the spaces Typer pads lines with."""

from __future__ import annotations

import contextlib
import io
import sys

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


class PagedCommand(TyperCommand):
    """A command whose help pages; every command takes `--no-pager`, wherever it stands (even
    after `-h`), whether or not its output is long enough to page."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _take_no_pager(self, ctx, args))

    def format_help(self, ctx, formatter):
        _paged_help(ctx, lambda: super(PagedCommand, self).format_help(ctx, formatter))


class PagedGroup(TyperGroup):
    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _take_no_pager(self, ctx, args))

    def format_help(self, ctx, formatter):
        _paged_help(ctx, lambda: super(PagedGroup, self).format_help(ctx, formatter))
