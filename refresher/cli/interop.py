"""`refresher export`, `refresher import` and `refresher history`: taking banks and history to
Anki, Moodle and spreadsheets, and decks from them back in. Options only; the work is in
`refresher.app.interop`."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

import typer

from refresher.cli.options import BankArg, NoPager, open_bank, pager_on
from refresher.core import limits
from refresher.core.errors import RefresherError


def _numeric_html(item: Any) -> tuple[str, str]:
    """A numeric item's inputs and worked solution, drawn as `print --export x.html` draws them."""
    from refresher.render.export import html_fragment
    from refresher.render.numeric import inputs_view
    from refresher.render.worked import worked_sections

    return html_fragment([inputs_view(item.instance)]), html_fragment(
        worked_sections(item.instance.worked)
    )


def export(
    bank: BankArg = None,
    to: Path = typer.Option(..., "--to", metavar="FILE", help="The file to write."),
    fmt: str = typer.Option(
        None,
        "--format",
        help="apkg, txt (Anki notes in plain text), gift, xml (Moodle XML; also"
        " moodlexml), csv or tsv; default: from the suffix of FILE.",
    ),  # fmt: skip
    subdecks: bool = typer.Option(False, "--subdecks", help="Anki: one sub-deck per topic."),
    seed: int = typer.Option(
        14, "--seed", help="Numbers of generated (numeric) questions come from this seed."
    ),
    raw: bool = typer.Option(
        False,
        "--raw",
        help="CSV/TSV: write cells as they are (by default a cell starting with = + - @ gets a"
        " leading ' so a spreadsheet never runs it as a formula).",
    ),
    excel: bool = typer.Option(
        False, "--excel", help="CSV/TSV: UTF-8 with a byte-order mark, for Excel on Windows."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="Name every question left out (default: one line per kind)."
    ),
) -> None:
    """Export a bank to Anki (.apkg or .txt), Moodle GIFT (.gift) or XML (.xml), or a
    spreadsheet (.csv/.tsv).

    Re-importing a newer .apkg or .txt into Anki updates the notes it made before (their GUIDs
    come from bank id/question id) and keeps your Anki progress. GIFT cannot hold every kind:
    each question left out is named on stderr. Moodle XML holds every kind; flashcards, order
    questions and matrix answers become descriptions (shown, not graded), named on stderr, which
    refresher import reads back as the questions they were.

    Example: refresher export --to session-14.apkg --subdecks
    """
    from refresher.app import interop
    from refresher.core.text import plural
    from refresher.render.console import make_console, print_warning

    kind = interop.export_format(to, fmt)
    the_bank = open_bank(bank)
    done = interop.export_bank(
        the_bank,
        to,
        kind,
        subdecks=subdecks,
        seed=seed,
        numeric_html=_numeric_html,
        raw=raw,
        excel=excel,
    )
    if verbose:
        for qid, why in done.left_out:
            print_warning(f"left out {qid}: {why}")
        for qid, why in done.described:
            print_warning(f"wrote {qid} as a Moodle description: {why}")
    else:
        for line in interop.left_out_summary(the_bank, done.left_out):
            print_warning(line)
        for line in interop.described_summary(the_bank, done.described):
            print_warning(line)
    for qid, what in done.changed:
        print_warning(f"{qid}: {what}")
    err = make_console(stderr=True)
    for line in done.notes:
        err.print(f"note: {line}", markup=False, highlight=False, emoji=False, soft_wrap=True)
    described = f" ({len(done.described)} as descriptions)" if done.described else ""
    err.print(
        f"wrote {plural(done.written, 'question')}{described} to {done.path}",
        markup=False,
        highlight=False,
        emoji=False,
    )


def import_(
    source: Path = typer.Argument(
        ..., metavar="FILE", help="CSV/TSV, Anki notes in plain text or package, or GIFT."
    ),  # fmt: skip
    to: Path = typer.Option(..., "--to", metavar="BANK.yaml", help="The bank file to write."),
    bank_id: str = typer.Option(None, "--id", help="The new bank's id (default: from FILE)."),
    title: str = typer.Option(None, "--title", help="The new bank's title (default: FILE)."),
    topic: str = typer.Option(
        None, "--topic", metavar="KEY", help="Topic of questions the file gives none."
    ),
    fmt: str = typer.Option(
        None, "--format", help="csv, tsv, anki, gift, apkg or xml (default: guessed)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace BANK.yaml if it exists."),
    separator: str = typer.Option(
        None,
        "--separator",
        metavar="SEP",
        help="CSV/Anki text: the separator (tab, comma, semicolon, pipe, or any short text,"
        " e.g. ' - ' for a Quizlet custom export); default: sniffed.",
    ),
    columns: str = typer.Option(
        None,
        "--columns",
        metavar="NAMES",
        help="CSV: the columns in order, e.g. front,back,tags (- skips one); the file's own"
        " header row is replaced.",
    ),
    no_history: bool = typer.Option(
        False, "--no-history", help="Anki packages: the notes alone, without the reviews."
    ),
) -> None:
    """Make a bank from a CSV/TSV file (or a Quizlet export), Anki notes in plain text, or GIFT.

    Every row or part that cannot be imported is printed as FILE:LINE: what and why; the rest is
    written, and the exit status is 1 when anything was left out.

    Example: refresher import deck.txt --to my-deck.yaml && refresher quiz my-deck.yaml
    """
    from refresher.app import interop
    from refresher.core.text import plural, strip_controls
    from refresher.render.console import make_console

    done = interop.import_file(
        source,
        to,
        bank_id=bank_id,
        title=title,
        topic=topic,
        fmt=fmt,
        force=force,
        separator=separator,
        columns=columns,
        history=not no_history,
    )
    err = make_console(stderr=True)
    for line in [*done.problems, *done.notes]:
        err.print(strip_controls(line), markup=False, highlight=False, emoji=False, soft_wrap=True)
    if done.bank is not None:
        err.print(
            f"wrote {plural(len(done.bank.questions), 'question')} to {done.path}"
            f" (bank '{done.bank.id}')",
            markup=False,
            highlight=False,
            emoji=False,
        )
    if done.reviews:
        err.print(
            f"stored {plural(done.reviews, 'Anki review')} in your history",
            markup=False,
            highlight=False,
        )
    if done.problems:
        raise typer.Exit(1)


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    from refresher.env.clock import local_now

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RefresherError(
            f"--since {text!r}: give a date (2026-11-25) or a time (2026-11-25T09:30)"
        ) from None
    if not limits.YEAR_MIN <= value.year <= limits.YEAR_MAX:
        raise RefresherError(
            f"--since {text.strip()!r}: give a date in the years"
            f" {limits.YEAR_MIN}-{limits.YEAR_MAX}"
        )
    if len(text.strip()) == 10:
        value = datetime.combine(value.date(), time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_now().tzinfo)
    return value


def history(
    ctx: typer.Context,
    bank: str = typer.Argument(None, help="Only this bank id (default: every bank)."),
    since: str = typer.Option(None, "--since", metavar="DATE", help="From this date or time."),
    limit: int = typer.Option(
        None, "--limit", "--last", "-n", metavar="N", min=1, help="Only the last N rows."
    ),
    as_json: bool = typer.Option(False, "--json", help="A JSON array of objects."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV with a header row."),
    raw: bool = typer.Option(
        False, "--raw", help="CSV: cells as they are (default: formula-like cells get a ')."
    ),
    no_pager: NoPager = False,
) -> None:
    """Every answer and review you gave: time, bank, question, kind, topic, mode, what you
    typed, right or wrong, seconds, rating and the interval it gave. Streamed, so any size of
    history exports.

    Example: refresher history session-14 --since 2026-11-01 --csv > history.csv
    """
    from refresher.app import history as past

    if as_json and as_csv:
        raise RefresherError("--json and --csv: choose one")
    when = _since(since)
    if as_json or as_csv:
        with past.history_rows(bank, when, limit) as rows:
            for piece in _json_pieces(rows) if as_json else _csv_pieces(rows, raw):
                sys.stdout.write(piece)
        return
    from refresher.render.console import make_console, paged_stream
    from refresher.render.history import history_table

    console = make_console()
    with (
        past.history_table(bank, when, limit) as (extent, rows),
        paged_stream(console, pager_on(ctx, no_pager)),
    ):
        history_table(console, extent, rows)


_PIECE_ROWS = limits.HISTORY_CHUNK_ROWS  # rows of --json or --csv written at a time


def _json_pieces(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array, one object a line, in pieces of `_PIECE_ROWS` rows."""
    import msgspec

    encode = msgspec.json.Encoder().encode
    yield "["
    lines: list[bytes] = []
    first = True
    for row in rows:
        lines.append(encode(row))
        if len(lines) == _PIECE_ROWS:
            yield ("" if first else ",") + "\n  " + b",\n  ".join(lines).decode("utf-8")
            lines, first = [], False
    if lines:
        yield ("" if first else ",") + "\n  " + b",\n  ".join(lines).decode("utf-8")
    yield "\n]\n"


def _csv_pieces(rows: Iterator[dict[str, Any]], raw: bool) -> Iterator[str]:
    """CSV with a header row, in pieces of `_PIECE_ROWS` rows; formula-like cells get a `'`
    unless `raw`, and a typed answer's control characters are replaced."""
    from refresher.app import history as past
    from refresher.core.text import strip_controls

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(past.HISTORY_COLUMNS)
    for n, row in enumerate(rows, 1):
        given = row["given"] or ""
        row["given"] = given if given.isprintable() else strip_controls(given)
        writer.writerow((row if raw else past.safe_row(row)).values())
        if n % _PIECE_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)
    app.command("history")(history)
