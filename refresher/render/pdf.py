"""PDF exports: a worked example or a worksheet set by Typst (`formats/typst*.py`).

The markup is made by the format writers; the one thing drawn here is a chart (with the same
Unicode drawing as the terminal, set in a monospaced block). The file is written as every
export is: checked, beside its final name, then renamed into place.
"""

from __future__ import annotations

from pathlib import Path

from refresher.core.model import Bank
from refresher.explain.steps import Chart, Worked
from refresher.quiz.round import Item
from refresher.quiz.worksheet import Again
from refresher.render.chart import draw_chart

CHART_WIDTH = 72  # columns of a chart in a PDF (7 pt DejaVu Sans Mono fits a column of A4)


def chart_text(chart: Chart) -> str:
    return "\n".join(
        line.rstrip() for line in draw_chart(chart, width=CHART_WIDTH).plain.split("\n")
    )


def worked_pdf(worked: Worked, precision: int, paper: str = "a4") -> bytes:
    from refresher.formats import typst as ty
    from refresher.formats.typst_sheet import INPUT_NAMES

    body = ty.worked_markup(
        worked, precision, names=INPUT_NAMES.get(worked.kind, {}), chart=chart_text
    )
    return ty.compile_pdf(ty.document(worked.title, body, paper=paper))


def worksheet_pdf(
    bank: Bank,
    items: list[Item],
    seed: int,
    *,
    date: str,
    answers: bool = False,
    key_only: bool = False,
    paper: str = "a4",
    again: Again | None = None,
) -> bytes:
    from refresher.formats import typst as ty
    from refresher.formats.typst_sheet import worksheet

    source = worksheet(
        bank,
        items,
        seed,
        date=date,
        answers=answers,
        key_only=key_only,
        paper=paper,
        chart=chart_text,
        again=again,
    )
    return ty.compile_pdf(source)


def write_pdf(path: str | Path, data: bytes) -> Path:
    from refresher.render.export import check_export_path, write_bytes

    path = check_export_path(path)
    write_bytes(path, data)
    return path
