"""Shell completion callbacks: each asks `refresher.app.completion` for the words.

A callback sees the command line parsed so far (`ctx.params`), so `refresher quiz my-bank
--topic <Tab>` offers my-bank's topics; without a bank it offers every bank's.
"""

from __future__ import annotations

from types import ModuleType

import typer


def _bank(ctx: typer.Context) -> str | None:
    """The bank named so far on the command line, if any."""
    params = ctx.params or {}
    name = params.get("bank") or params.get("bank_option")
    if isinstance(name, str):
        return name
    # An option still waiting for its value stops the parse before the positional arguments
    # are assigned, so they are still among the leftover words: the bank comes first, or
    # after the kind in `drill KIND BANK`.
    words = [w for w in ctx.args if not w.startswith("-")]
    at = 1 if ctx.command.name == "drill" else 0
    return words[at] if len(words) > at else None


def _app() -> ModuleType:
    """`refresher.app.completion`, imported only when a Tab asks (it reads the banks)."""
    from refresher.app import completion

    return completion


def bank_ids(incomplete: str) -> list[str]:
    return _app().bank_ids(incomplete)


def topics(ctx: typer.Context, incomplete: str) -> list[str]:
    return _app().topics(_bank(ctx), incomplete)


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    return _app().tags(_bank(ctx), incomplete)


def question_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _app().question_ids(_bank(ctx), incomplete)


def card_refs(incomplete: str) -> list[str]:
    return _app().card_refs(None, incomplete)


def question_types(incomplete: str) -> list[str]:
    return _app().question_types(incomplete)


def drill_kinds(ctx: typer.Context, incomplete: str) -> list[str]:
    return _app().drill_kinds(_bank(ctx), incomplete)


def config_keys(incomplete: str) -> list[str]:
    return _app().config_keys(incomplete)
