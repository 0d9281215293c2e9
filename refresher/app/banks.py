"""Finding and opening banks (app layer): the bundled ones, then `$REFRESHER_HOME/banks/`.

Broken user banks do not hide the others where every bank is wanted: they come back as
`Skipped` values for the front end to show as warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from refresher.banks import catalog
from refresher.banks import load as banks
from refresher.core.errors import BankError
from refresher.env import paths

if TYPE_CHECKING:
    from refresher.core.model import Bank


class Skipped(msgspec.Struct, frozen=True):
    """A bank file left out because it does not load; `problem` is its first problem line."""

    path: Path
    problem: str

    @property
    def warning(self) -> str:
        """The one line every command gives for it, worded alike everywhere."""
        return f"skipped {self.problem} (see `refresher check {self.path.stem}`)"


def user_dirs(home: Path | None = None) -> list[Path]:
    """Folders searched for the learner's own banks."""
    return [paths.user_banks_dir(home)]


def bank_paths(home: Path | None = None) -> list[Path]:
    """Every bank file, bundled first."""
    return catalog.bank_paths(user_dirs(home))


def open_bank(name: str | None, home: Path | None = None) -> Bank:
    """The bank `name` (id or file) among bundled and user banks; the bundled one by default."""
    return catalog.resolve(name, bank_paths(home), paths.bank_cache_dir(home))


def load_all(home: Path | None = None) -> tuple[list[Bank], list[Skipped]]:
    """Every bank that loads, and the files skipped because they do not."""
    loaded: list[Bank] = []
    skipped: list[Skipped] = []
    for path in bank_paths(home):
        try:
            loaded.append(banks.load_bank(path, paths.bank_cache_dir(home)))
        except BankError as exc:  # one broken bank must not hide the others
            skipped.append(Skipped(path, exc.problems[0]))
    return loaded, skipped


def shared_ids(loaded: list[Bank]) -> list[str]:
    """A warning for each two banks with one id (their progress would be one history), and for
    each two banks sharing question ids (a bare question id then names either: give
    `bank/question`)."""
    from refresher.banks.load import display_path
    from refresher.core.text import plural

    def where(bank: Bank) -> str:
        return display_path(Path(bank.path)) if bank.path else bank.id

    out = []
    for k, one in enumerate(loaded):
        ids = {q.id for q in one.questions}
        for other in loaded[k + 1 :]:
            if other.id == one.id:
                out.append(
                    f"banks {where(one)} and {where(other)} have one id '{one.id}': their"
                    " progress would be one history; give one of them another id"
                )
                continue
            both = sorted(ids & {q.id for q in other.questions})
            if both:
                shown = ", ".join(both[:3]) + (", ..." if len(both) > 3 else "")
                out.append(
                    f"banks '{one.id}' and '{other.id}' share {plural(len(both), 'question id')}"
                    f" ({shown}); name such a question as bank/question-id"
                )
    return out


def open_banks(name: str | None, home: Path | None = None) -> tuple[list[Bank], list[Skipped]]:
    """The bank `name`, or every bank when `name` is None (skipping the broken ones)."""
    if name is not None:
        return [open_bank(name, home)], []
    return load_all(home)
