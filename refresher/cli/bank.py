"""`refresher banks` lists the question banks; `refresher check` validates bank files."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from refresher.errors import BankError, RefresherError


def _user_dirs() -> list[Path]:
    from refresher.store import home_dir

    return [home_dir() / "banks"]


def list_banks(
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List the question banks: id, title, counts by type and topic.

    Bundled banks come first, then any .yaml files in $REFRESHER_HOME/banks.
    """
    from refresher import bank as banks
    from refresher import catalog
    from refresher.render import banks as draw
    from refresher.render.console import make_console, print_warning
    from refresher.store import bank_cache_dir

    loaded = []
    for path in catalog.bank_paths(_user_dirs()):
        try:
            loaded.append(banks.load_bank(path, bank_cache_dir()))
        except BankError as exc:  # one broken bank must not hide the others
            print_warning(f"skipped {exc.problems[0]} (see `refresher check {path}`)")
    if as_json:
        typer.echo(json.dumps([draw.bank_dict(b) for b in loaded], indent=2, ensure_ascii=False))
        return
    draw.bank_table(make_console(), loaded)


def check(
    paths: list[Path] = typer.Argument(
        None, help="Bank files or folders (default: every bundled and user bank)."
    ),
) -> None:
    """Validate bank files; print every problem as FILE:LINE: QUESTION-ID: message.

    Exits 0 when every bank is clean, 1 otherwise.

    Example: refresher check my-bank.yaml
    """
    from refresher import bank as banks
    from refresher import catalog
    from refresher.render import banks as draw
    from refresher.render.console import make_console

    files: list[Path] = []
    for path in paths or []:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    if not paths:
        files = catalog.bank_paths(_user_dirs())
    if not files:
        raise RefresherError("no bank files to check")
    console = make_console()
    failed = 0
    for path in files:
        bank, problems = banks.check_file(path)
        if problems:
            failed += 1
            draw.problems(console, problems)
        else:
            draw.clean(console, bank)
    if failed:
        draw.check_failed(make_console(stderr=True), failed, len(files))
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("banks")(list_banks)
    app.command("check")(check)
