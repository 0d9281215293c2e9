"""`refresher banks` lists the question banks; `refresher check` validates bank files."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from refresher.cli.help import PagedCommand
from refresher.cli.options import NoPager, pager_on
from refresher.core.errors import RefresherError


def _user_dirs() -> list[Path]:
    from refresher.app.banks import user_dirs

    return user_dirs()


def list_banks(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    no_pager: NoPager = False,
) -> None:
    """List the question banks: id, title, counts by type and topic.

    Bundled banks come first, then any .yaml files in $REFRESHER_HOME/banks.
    """
    from refresher.app.banks import load_all, shared_ids
    from refresher.render import banks as draw
    from refresher.render.console import make_console, paged, print_warning

    loaded, skipped = load_all()
    for s in skipped:  # one broken bank must not hide the others
        print_warning(s.warning)
    for line in shared_ids(loaded):
        print_warning(line)
    if as_json:
        typer.echo(json.dumps([draw.bank_dict(b) for b in loaded], indent=2, ensure_ascii=False))
        return
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        draw.bank_table(console, loaded)


def check(
    paths: list[Path] = typer.Argument(
        None,
        metavar="BANK...",
        help="Bank files, folders or bank ids (default: every bundled and user bank).",
        show_default=False,
    ),
) -> None:
    """Validate bank files; print every problem as FILE:LINE: QUESTION-ID: message.

    Exits 0 when every bank is clean, 1 otherwise.

    Example: refresher check my-bank.yaml
    """
    from refresher.banks import catalog
    from refresher.banks import load as banks
    from refresher.env.files import is_folder
    from refresher.render import banks as draw
    from refresher.render.console import make_console

    files: list[Path] = []
    named: set[Path] = set()  # typed as a file: nothing there is an error, not a bad bank
    known = {p.stem: p for p in reversed(catalog.bank_paths(_user_dirs()))}
    for path in paths or []:
        if is_folder(path):
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif str(path) in known and not catalog.is_file_name(str(path)) and not path.exists():
            files.append(known[str(path)])  # a bank named by its id, as other commands take
        else:
            files.append(path)
            named.add(path)
    if not paths:
        files = catalog.bank_paths(_user_dirs())
    if not files:
        raise RefresherError("no bank files to check")
    console = make_console()
    failed = 0
    for path in files:
        bank, problems = banks.check_file(path, named=path in named)
        if problems:
            failed += 1
            draw.problems(console, problems)
        else:
            draw.clean(console, bank)
    if failed:
        draw.check_failed(make_console(stderr=True), failed, len(files))
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("banks", cls=PagedCommand)(list_banks)
    app.command("check", cls=PagedCommand)(check)
