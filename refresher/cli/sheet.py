"""`refresher print`: a worksheet of a bank's questions, with an answer key, to study on paper."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from refresher.cli.help import PagedCommand
from refresher.cli.options import BankArg, NoPager, Tags, Topics, Types, pager_on
from refresher.core.errors import InputError


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
    key_only: bool = typer.Option(False, "--key-only", help="Print only the answer key."),
    no_cards: bool = typer.Option(False, "--no-cards", help="Leave the flashcards out."),
    paper: str = typer.Option(
        None,
        "--paper",
        help="Page size of an .html or .pdf export: a4 or letter (.html: the printer's, .pdf: a4).",
    ),
    export: Path = typer.Option(
        None, "--export", help="Write to FILE (.html, .pdf, .svg or .txt)."
    ),
    theme: str = typer.Option(
        "light",
        "--theme",
        metavar="light|dark",
        help="An .svg export: light to print, dark for screens.",
    ),
    show: bool = typer.Option(False, "--show", help="With --export: also print it here."),
    as_json: bool = typer.Option(False, "--json", help="Print questions and answers as JSON."),
    no_pager: NoPager = False,
) -> None:
    """Print the questions of a bank (generated numbers filled in), optionally with answers.

    `refresher quiz --seed S` asks exactly the numbers that `refresher print --seed S` shows.
    Example: refresher print --topic cnn --seed 7 --answers --export cnn.html
    """
    from refresher.app.quiz import plan_sheet
    from refresher.render import export as exporter
    from refresher.render import sheet as draw
    from refresher.render.console import make_console, paged

    if export is not None:
        exporter.check_export_path(export)
        exporter.check_theme(theme)
    if paper is not None and paper.lower() not in ("a4", "letter"):
        raise InputError(f"--paper: {paper!r}: use a4 or letter")
    the_bank, items, seed = plan_sheet(
        bank, topics=topic or (), types=qtype or (), tags=tag or (), cards=not no_cards, seed=seed
    )
    from refresher.quiz.worksheet import Again

    again = Again.of(
        seed, bank=bank, topics=topic or (), types=qtype or (), tags=tag or (),
        cards=not no_cards, answers=answers, key_only=key_only,
    )  # fmt: skip
    if as_json:
        from refresher.quiz.worksheet import sheet_entry

        entries = [sheet_entry(i) for i in items]
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    if export is not None and export.suffix.lower() == ".pdf":
        from refresher.env.clock import local_now
        from refresher.render.pdf import worksheet_pdf, write_pdf

        data = worksheet_pdf(
            the_bank,
            items,
            seed,
            date=local_now().strftime("%d %B %Y"),
            answers=answers,
            key_only=key_only,
            paper=(paper or "a4").lower(),
            again=again,
        )
        path = write_pdf(export, data)
        make_console(stderr=True).print(f"saved {path}", markup=False, highlight=False)
        if not show:
            return
    elif export is not None and export.suffix.lower() == ".html":
        from refresher.env.clock import local_now
        from refresher.render.paper import worksheet_html

        page = worksheet_html(
            the_bank,
            items,
            seed,
            date=local_now().strftime("%d %B %Y"),
            answers=answers,
            key_only=key_only,
            paper=None if paper is None else {"a4": "A4", "letter": "letter"}[paper.lower()],
            again=again,
        )
        path = exporter.write_export(export, page)
        make_console(stderr=True).print(f"saved {path}", markup=False, highlight=False)
        if not show:
            return
    sections = draw.worksheet(the_bank, items, seed, answers=answers or key_only, again=again)
    if key_only:  # the title, then the key from its rule on
        sections = sections[:2] + sections[2 + len(items) :]
    if export is not None and export.suffix.lower() not in (".html", ".pdf"):
        path = exporter.export_sections(sections, export, title=the_bank.title, theme=theme)
        make_console(stderr=True).print(f"saved {path}", markup=False, highlight=False)
        if not show:
            return
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        for section in sections:
            console.print(section)


def register(app: typer.Typer) -> None:
    app.command("print", cls=PagedCommand)(print_sheet)
