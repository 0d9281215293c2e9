"""`refresher optimize`: fit the FSRS parameters to your own reviews (fsrs-rs).

`app.optimize` fits, evaluates and saves; this command picks the view and the progress bar.
"""

from __future__ import annotations

import json

import typer

from refresher.cli import complete


def optimize(
    bank: str = typer.Argument(
        None,
        help="Bank id or a .yaml file: fit on its reviews only, for it only (default: all).",
        autocompletion=complete.bank_ids,
    ),
    reset: bool = typer.Option(
        False, "--reset", help="Remove the fitted parameters (of BANK, or of all banks)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Fit FSRS's memory model to your reviews; keep it if it predicts you better.

    Fitted on your earlier reviews, scored on the later ones against the parameters in force
    (log loss, RMSE over bins): the better ones are kept and the cards rescheduled.
    `--reset` goes back to the defaults.

    Example: refresher optimize
    """
    from refresher.app import optimize as app_optimize
    from refresher.render import optimize as show
    from refresher.render.console import make_console

    if reset:
        result = app_optimize.reset(bank)
    elif as_json:
        result = app_optimize.run(bank)
    else:
        with show.progress(make_console(stderr=True)) as step:
            result = app_optimize.run(bank, progress=step)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    show.optimized(make_console(), result)


def register(app: typer.Typer) -> None:
    app.command()(optimize)
