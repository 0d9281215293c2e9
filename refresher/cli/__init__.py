"""The root Typer app: sub-commands, --version, and the error boundary.

The shell: commands only gather options, ask the app layer (`refresher.app`) or the core,
render and exit; no command touches the history database itself. A `RefresherError` raised anywhere
below a command becomes one line on stderr and exit code 1; Ctrl-C becomes exit 130; a reader that
closes the pipe (`| head`) ends the command quietly with 141, as Unix tools do. The boundary
lives in the root group's `invoke`, so CliRunner tests see exactly what a user sees.

The command modules import `refresher.app` and `refresher.render` inside the commands, so that
`--help`, shell completion and `quiz` start fast and never load NumPy.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from typing import Any

import typer

from refresher import __version__
from refresher.cli.help import PagedCommand, PagedGroup, name_values
from refresher.core.errors import RefresherError
from refresher.env import collector

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `yes | head -1`


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (CliRunner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class _Pieces:
    """stdout written in pieces of `SIZE` characters, each flushed.

    One large write to a pipe whose reader has gone (`--json | head -c 10`) returns short
    without an error and the rest is silently lost; written piece by piece, the next piece
    fails with a broken pipe, which the boundary turns into exit 141.
    """

    SIZE = 1 << 15

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if len(text) <= self.SIZE:
            return self._stream.write(text)
        for start in range(0, len(text), self.SIZE):
            self._stream.write(text[start : start + self.SIZE])
            self._stream.flush()
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _Boundary(PagedGroup):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name):
        module = COMMANDS.get(cmd_name)
        return None if module is None else built(module).get(cmd_name)

    def invoke(self, ctx):
        collector.release_after_start_up()  # the command begins: its own garbage is collected
        stdout = sys.stdout
        sys.stdout = _Pieces(stdout)
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, inside the boundary
            return result
        except BrokenPipeError:
            # The reader went away (`refresher explain lstm | head -2`): stop quietly.
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except RefresherError as exc:
            from refresher.render.console import print_error  # Rich only when there is output

            print_error(str(exc))
            raise typer.Exit(getattr(exc, "exit_code", 1)) from None
        except typer.BadParameter as exc:  # a value an option cannot take: a user's error
            if type(exc).__name__ == "MissingParameter":  # no value at all: a usage error
                raise  # the parser's usage message and exit 2, as for an option with none
            from refresher.cli.badvalue import in_own_words
            from refresher.render.console import print_error

            print_error(in_own_words(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        finally:
            sys.stdout = stdout


def _flags_take_no_value() -> None:
    """Help shows an on/off flag (`--no-shuffle`, `-h`) without a type, as it takes no value.

    This Typer labels every option with its Python type, flags included (`--missed <bool>`),
    which reads as if `--missed true` were expected.
    """
    option = getattr(typer.core, "TyperOption", None)
    shown = getattr(option, "display_type_rich", None)
    if shown is None or getattr(shown, "_refresher", False):
        return

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else shown(self, ctx)

    display_type_rich._refresher = True
    option.display_type_rich = display_type_rich


_flags_take_no_value()
name_values()

app = typer.Typer(
    name="refresher",
    cls=_Boundary,
    help="Study Session 14 (Deep Learning 2: RNN & LSTM): quizzes, spaced review, worked examples.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"refresher {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    no_pager: bool = typer.Option(
        False,
        "--no-pager",
        help="Never page long output or help (by default a terminal pages what is taller "
        "than the screen; pipes never are).",
    ),
) -> None:
    """Study Session 14 (Deep Learning 2: RNN & LSTM) in the terminal.

    Run with no command for the home screen: what is due, your streak, and what to do next.
    """
    if ctx.invoked_subcommand is not None or ctx.resilient_parsing:
        return
    from refresher.app.home import gather  # the home screen: no NumPy, like --help
    from refresher.render import home as show
    from refresher.render.console import make_console, print_warning

    home = gather()
    for line in home.warnings:  # on stderr, as `refresher banks` gives them
        print_warning(line)
    show.home(make_console(), home)


def main() -> None:
    app()


# Which module of `refresher.cli` registers each command, in the order help lists them. Only the
# module of the command being run is imported and built (`_Boundary.get_command`); help and
# shell completion, which list every command, build them all. None imports NumPy at import
# time; the explain engine is imported inside the commands that use it, and the explain
# commands themselves are built only when `explain` is used (`refresher.cli.lazy`).
COMMANDS: dict[str, str] = {
    "quiz": "quiz",
    "review": "review",
    "unsuspend": "review",
    "config": "review",
    "plan": "plan",
    "optimize": "optimize",
    "interview": "interview",
    "drill": "drill",
    "stats": "stats",
    "print": "sheet",
    "banks": "bank",
    "check": "bank",
    "find": "browse",
    "show": "browse",
    "flag": "browse",
    "unflag": "browse",
    "explain": "lazy",
    "export": "interop",
    "import": "interop",
    "history": "interop",
    "sync": "sync",
}


@functools.cache
def built(module: str) -> dict[str, Any]:
    """The commands module `module` registers, built as the root app builds its own."""
    from refresher.cli import sync

    own = typer.Typer(rich_markup_mode=app.rich_markup_mode, pretty_exceptions_enable=False)
    own.callback()(lambda: None)  # a group, whatever the number of its commands
    importlib.import_module(f"refresher.cli.{module}").register(own)
    for info in own.registered_commands:
        if info.callback is not None and info.callback.__name__ in sync.STUDYING:
            info.callback = sync.studying(info.callback)  # synced with `config sync_dir`
        if info.cls in (None, typer.core.TyperCommand):
            info.cls = PagedCommand  # its help pages like the rest, piped without padding
    return dict(typer.main.get_group(own).commands)
