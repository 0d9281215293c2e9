"""`refresher print`: a worksheet of a bank's questions, with an answer key, to study on paper."""

from __future__ import annotations

import json
import random
import secrets
from pathlib import Path

import typer

from refresher.cli.help import PagedCommand
from refresher.cli.options import BankArg, NoPager, Tags, Topics, Types, open_bank, pager_on


def print_sheet(
    ctx: typer.Context,
    bank: BankArg = None,
    topic: Topics = None,
    qtype: Types = None,
    tag: Tags = None,
    seed: int = typer.Option(None, "--seed", help="Seed for generated numbers (as in quiz)."),
    answers: bool = typer.Option(
        False, "--answers", help="Add the answer key and worked solutions."
    ),
    export: Path = typer.Option(None, "--export", help="Write to FILE (.html, .svg or .txt)."),
    as_json: bool = typer.Option(False, "--json", help="Print questions and answers as JSON."),
    no_pager: NoPager = False,
) -> None:
    """Print the questions of a bank (generated numbers filled in), optionally with answers.

    `refresher quiz --seed S` asks exactly the numbers that `refresher print --seed S` shows.
    Example: refresher print --topic cnn --seed 7 --answers --export cnn.html
    """
    from refresher.quiz.round import attach_instances, make_items, select
    from refresher.render import export as exporter
    from refresher.render import sheet as draw
    from refresher.render.console import make_console, paged

    if export is not None:
        exporter.check_export_path(export)
    the_bank = open_bank(bank)
    questions = select(the_bank, topics=topic or (), types=qtype or (), tags=tag or ())
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    items = attach_instances(
        make_items(questions, random.Random(seed), shuffle=False), seed, the_bank.path
    )
    if as_json:
        from refresher.quiz.worksheet import sheet_entry

        entries = [sheet_entry(i) for i in items]
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    if export is not None and export.suffix.lower() == ".html":
        from refresher.env.clock import local_now

        parts = draw.worksheet_parts(the_bank, items, seed, answers=answers)
        path = exporter.export_worksheet_html(parts, export, date=local_now().strftime("%d %B %Y"))
        make_console(stderr=True).print(f"saved {path}", markup=False, highlight=False)
        return
    sections = draw.worksheet(the_bank, items, seed, answers=answers)
    if export is not None:
        path = exporter.export_sections(sections, export, title=the_bank.title)
        make_console(stderr=True).print(f"saved {path}", markup=False, highlight=False)
        return
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        for section in sections:
            console.print(section)


def register(app: typer.Typer) -> None:
    app.command("print", cls=PagedCommand)(print_sheet)
