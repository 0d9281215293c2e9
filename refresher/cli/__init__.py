"""The root Typer app: sub-commands, --version, and the error boundary.

The shell: commands only gather options, ask the app layer (`refresher.app`) or the core,
render and exit; no command touches the history database itself. A `RefresherError` raised anywhere
below a command becomes one line on stderr and exit code 1; Ctrl-C becomes exit 130; a reader that
closes the pipe (`| head`) ends the command quietly with 141, as Unix tools do. The boundary
lives in the root group's `invoke`, so CliRunner tests see exactly what a user sees.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from refresher import __version__
from refresher.errors import RefresherError

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


class _Boundary(TyperGroup):
    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, inside the boundary
            return result
        except BrokenPipeError:
            # The reader went away (`refresher explain lstm | head -2`): stop quietly.
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except RefresherError as exc:
            from refresher.render.console import print_error

            print_error(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None


app = typer.Typer(
    name="refresher",
    cls=_Boundary,
    help="Study Session 14 (Deep Learning 2: RNN & LSTM): quizzes, spaced review, worked examples.",
    no_args_is_help=True,
    add_completion=False,
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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Study Session 14 (Deep Learning 2: RNN & LSTM) in the terminal."""


def main() -> None:
    app()


# Command modules register themselves on `app`. None imports numpy at import time, which keeps
# `--help` and `quiz` fast; the explain engine is imported inside the commands that use it.
from refresher.cli import bank as _bank  # noqa: E402
from refresher.cli import drill as _drill  # noqa: E402
from refresher.cli import explain as _explain  # noqa: E402
from refresher.cli import plan as _plan  # noqa: E402
from refresher.cli import quiz as _quiz  # noqa: E402
from refresher.cli import review as _review  # noqa: E402
from refresher.cli import sheet as _sheet  # noqa: E402
from refresher.cli import stats as _stats  # noqa: E402

for _module in (_quiz, _review, _plan, _drill, _stats, _sheet, _bank, _explain):
    _module.register(app)
