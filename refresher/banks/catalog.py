"""Finding banks: the bundled ones, a user's folders, and one bank by id or file name.

Edge module (reads folders). A broken bank in a user's folder never hides the others: it is
skipped and reported as data, and only named when it is the bank asked for.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import msgspec

from refresher.banks.load import every_problem, load_bank
from refresher.core.errors import BankError, RefresherError
from refresher.core.model import Bank
from refresher.core.text import excerpt

SUFFIXES = (".yaml", ".yml")


def bundled_dir() -> Path:
    """The banks shipped with the package (inside the wheel), or `content/` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    inside = here / "_content"
    if inside.is_dir():
        return inside
    return here.parent / "content"


def bank_paths(extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Every bank file: bundled first, then user folders (e.g. `$REFRESHER_HOME/banks`)."""
    out: list[Path] = []
    for folder in (bundled_dir(), *extra_dirs):
        try:
            if folder.is_dir():
                out.extend(sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES))
        except OSError:
            continue  # an unreadable folder holds no banks we can use
    return out


class Loaded(msgspec.Struct):
    """Every bank that loaded, and the files that did not (path, first problem)."""

    banks: list[Bank] = msgspec.field(default_factory=list)
    broken: list[tuple[Path, BankError]] = msgspec.field(default_factory=list)


def load_all(paths: list[Path], cache: Path | None = None) -> Loaded:
    out = Loaded()
    for path in paths:
        try:
            out.banks.append(load_bank(path, cache))
        except BankError as exc:
            out.broken.append((path, exc))
    return out


def is_file_name(name: str) -> bool:
    return name.endswith(SUFFIXES) or os.sep in name or "/" in name


def resolve(name: str | None, paths: list[Path], cache: Path | None = None) -> Bank:
    """A bank by id (or by file path), or the first bundled bank when `name` is None."""
    if name and is_file_name(name):
        try:
            return load_bank(name, cache)
        except BankError as exc:
            raise every_problem(name, exc) from None
    if not paths:
        raise RefresherError("no question banks found")
    banks: list[Bank] = []
    broken: list[tuple[Path, BankError]] = []
    for path in paths:
        try:
            bank = load_bank(path, cache)
        except BankError as exc:  # a broken bank elsewhere must not block this one
            broken.append((path, exc))
            continue
        if name is None or bank.id == name:
            return bank
        banks.append(bank)
    for path, exc in broken:
        if name is None or path.stem == name:  # the bank asked for is the broken one
            raise every_problem(path, exc) from None
    known = ", ".join(dict.fromkeys(b.id for b in banks)) or "none"  # each id once
    message = f"unknown bank '{excerpt(name or '', 60)}'; available: {known}"
    if broken:
        files = ", ".join(p.name for p, _ in broken)
        message += f" (not loaded, see `refresher check`: {excerpt(files, 120)})"
    raise RefresherError(message)
