"""`refresher sync DIR`: share study between machines through a folder (shell)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import typer

from refresher.cli.help import PagedCommand


def sync(
    folder: str | None = typer.Argument(  # as typed: "" is refused, not taken as "."
        None,
        help="The sync folder (a git checkout, a Syncthing or cloud folder); default: sync_dir.",
    ),
    show_status: bool = typer.Option(
        False, "--status", help="Show machines seen and what is waiting; change nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
) -> None:
    """Send this machine's answers and reviews to a sync folder and bring in the others'.

    Each machine appends to its own file in the folder; never sync the data folder itself.

    Example: refresher sync ~/Sync/refresher
    """
    from refresher.app import settings
    from refresher.app import sync as app
    from refresher.core.errors import UsageError
    from refresher.render import sync as show
    from refresher.render.console import make_console, print_warning

    chosen = folder if folder is not None else settings.load().sync_dir
    if chosen is None:  # an empty name given is refused by the app, in its own words
        raise UsageError("name the sync folder: refresher sync DIR (or config sync_dir DIR)")
    if show_status:
        status = app.status(chosen)
        if as_json:
            typer.echo(json.dumps(show.status_json(status), indent=2, ensure_ascii=False))
        else:
            show.status_view(make_console(), status)
        return
    if as_json:
        result = app.sync(chosen)
    else:  # a bar on stderr while a long import runs, on a terminal only
        with show.import_progress(make_console(stderr=True)) as progress:
            result = app.sync(chosen, progress=progress)
    for line in show.problem_lines(result):
        print_warning(line)
    if as_json:
        typer.echo(json.dumps(show.result_json(result), indent=2, ensure_ascii=False))
        return
    for line in show.summary_lines(result):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command(cls=PagedCommand)(sync)


STUDYING = ("quiz", "review", "interview", "drill")  # synced before and after with sync_dir


def studying(command: Callable[..., Any]) -> Callable[..., Any]:
    """`command` with a sync before and after it when `config sync_dir` is set; what a sync
    brought in or skipped is told on stderr, so piped answers and output stay as they are."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from refresher.app import settings

        if not settings.load().sync_dir:  # no sync: the sync machinery is not even imported
            return command(*args, **kwargs)
        from refresher.app.sync import around_study
        from refresher.render import sync as show
        from refresher.render.console import make_console, print_warning

        def tell(result: Any) -> None:
            for line in show.problem_lines(result):
                print_warning(line)
            if result.brought:
                for line in show.summary_lines(result)[:-1]:
                    typer.echo(f"sync: {line}", err=True)

        def showing() -> Any:
            return show.import_progress(make_console(stderr=True))

        with around_study(tell, print_warning, showing=showing):
            return command(*args, **kwargs)

    return wrapper
