"""Words a shell completes (app layer): bank ids, topics, tags, question ids, drill kinds and
config keys, read from the real banks and settings.

Completion runs on every Tab, so nothing here imports NumPy or the explain engine, banks come
through the parsed-bank cache, and any problem gives no words rather than an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from refresher.app import banks
from refresher.core.errors import RefresherError
from refresher.env.config import SETTINGS
from refresher.kinds import NAMES
from refresher.quiz.drill import drill_kinds as kinds_of

if TYPE_CHECKING:
    from refresher.core.model import Bank


def _banks(name: str | None, home: Path | None) -> list[Bank]:
    try:
        if name:
            return [banks.open_bank(name, home)]
        return banks.load_all(home)[0]
    except (RefresherError, OSError):
        return []


def _words(found: Iterable[str], incomplete: str) -> list[str]:
    return sorted({w for w in found if w.startswith(incomplete)})


def bank_ids(incomplete: str = "", home: Path | None = None) -> list[str]:
    return _words((b.id for b in _banks(None, home)), incomplete)


def _from_banks(pick: Callable[[Bank], Iterable[str]]):
    def words(bank: str | None, incomplete: str = "", home: Path | None = None) -> list[str]:
        return _words((w for b in _banks(bank, home) for w in pick(b)), incomplete)

    return words


topics = _from_banks(lambda b: b.topics)
tags = _from_banks(lambda b: (t for q in b.questions for t in q.tags))
question_ids = _from_banks(lambda b: (q.id for q in b.questions))
card_refs = _from_banks(lambda b: (q.key for q in b.questions))


def drill_kinds(bank: str | None, incomplete: str = "", home: Path | None = None) -> list[str]:
    return _words((k for b in _banks(bank, home)[:1] for k in kinds_of(b)), incomplete)


def question_types(incomplete: str = "") -> list[str]:
    return _words(NAMES, incomplete)


def config_keys(incomplete: str = "") -> list[str]:
    return _words(SETTINGS, incomplete)
