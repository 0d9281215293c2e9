"""`refresher explain ...`: worked examples (filled in by the explain work)."""

from __future__ import annotations

import typer

explain_app = typer.Typer(
    help="Print worked examples computed live: pooling, RNN, LSTM, GRU, ...", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(explain_app, name="explain")
