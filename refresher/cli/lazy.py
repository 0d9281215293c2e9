"""Command groups whose sub-commands are built only when the group is used.

`explain` builds one command per worked example from the examples' declarations, which is
about a fifth of `refresher`'s own import time; `--help`, `quiz` and `review` never need it.
The root app registers a stand-in group with the group's help; the real one (a Typer app in
its own module) is imported and built the first time a sub-command is listed or looked up.
"""

from __future__ import annotations

import importlib

import typer

from refresher.cli.help import PagedGroup

EXPLAIN_HELP = (
    "Print worked examples computed live: pooling, convolution, RNN, LSTM, GRU, "
    "gradients, backpropagation through time, parameter counts, attention, framework shapes, "
    "perplexity and beam search."
)


class LazyGroup(PagedGroup):
    """A group whose commands come from the Typer app `source` names (`module:attribute`)."""

    source = ""

    def _real(self) -> typer.core.TyperGroup:
        built = self.__dict__.get("_built")
        if built is None:
            module, _, attribute = self.source.partition(":")
            built = typer.main.get_group(getattr(importlib.import_module(module), attribute))
            self.__dict__["_built"] = built
        return built

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self._real().get_command(ctx, cmd_name)


def lazy_group(source: str) -> type[LazyGroup]:
    return type("LazyGroup", (LazyGroup,), {"source": source})


def register(app: typer.Typer) -> None:
    stand_in = typer.Typer(
        cls=lazy_group("refresher.cli.explain:explain_app"), help=EXPLAIN_HELP, no_args_is_help=True
    )
    app.add_typer(stand_in, name="explain")
