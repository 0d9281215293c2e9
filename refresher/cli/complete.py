"""Shell completion callbacks: each asks `refresher.app.completion` for the words.

A callback sees the command line parsed so far (`ctx.params`), so `refresher quiz my-bank
--topic <Tab>` offers my-bank's topics; without a bank it offers every bank's.

Words come from bank files, which are shared, so each is quoted for the shell it is completed
in: bash and PowerShell put a completion on the command line as it is (a tag `$(touch x)` would
run at Enter), while zsh and fish escape it themselves.
"""

from __future__ import annotations

import os
import re
import shlex
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


_PLAIN = re.compile(r"[\w@%+=:,./-]+", re.ASCII)


def quoted(words: list[str], shell: str | None = None) -> list[str]:
    """`words` quoted for the shell being completed (`_REFRESHER_COMPLETE=complete_bash`...);
    a word of letters, digits and `-_./:@%+=,` is left as it is, and a line break never
    reaches the shell (it would split the word)."""
    shell = shell if shell is not None else os.environ.get("_REFRESHER_COMPLETE", "")
    out = []
    for word in words:
        word = " ".join(word.splitlines())
        if _PLAIN.fullmatch(word) or shell in ("complete_zsh", "complete_fish"):
            out.append(word)
        elif shell in ("complete_powershell", "complete_pwsh"):
            out.append("'" + word.replace("'", "''") + "'")
        else:  # bash, and any shell not known to escape
            out.append(shlex.quote(word))
    return out


def _app() -> ModuleType:
    """`refresher.app.completion`, imported only when a Tab asks (it reads the banks)."""
    from refresher.app import completion

    return completion


def bank_ids(incomplete: str) -> list[str]:
    return quoted(_app().bank_ids(incomplete))


def topics(ctx: typer.Context, incomplete: str) -> list[str]:
    return quoted(_app().topics(_bank(ctx), incomplete))


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    return quoted(_app().tags(_bank(ctx), incomplete))


def question_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return quoted(_app().question_ids(_bank(ctx), incomplete))


def card_refs(incomplete: str) -> list[str]:
    return quoted(_app().card_refs(None, incomplete))


def question_types(incomplete: str) -> list[str]:
    return quoted(_app().question_types(incomplete))


def drill_kinds(ctx: typer.Context, incomplete: str) -> list[str]:
    return quoted(_app().drill_kinds(_bank(ctx), incomplete))


def config_keys(incomplete: str) -> list[str]:
    return quoted(_app().config_keys(incomplete))
