"""Flags (app layer): the questions a learner marked to look at again.

`f` (or `flag`) at a quiz, review or interview prompt flags the question on screen
(`flag_question`), as Anki's flags mark a card; `refresher flag ID` does it from the shell and
`refresher unflag ID` / `--all` clears them. `quiz --flagged` asks only the flagged questions,
`stats` lists them, `find` and `show` mark them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import msgspec

from refresher.app import banks as bank_access
from refresher.core.errors import RefresherError
from refresher.core.model import Question
from refresher.env.clock import utcnow
from refresher.storage.store import Store, open_store

# A flag word at a prompt: `flag` always; `f` too where it is not an answer (see `f_answers`).
FLAG_WORDS = {"f", "flag"}


def f_answers(question: Question) -> bool:
    """Whether `f` is an answer at this question's prompt (false for a true/false question, the
    letter F of a choice of six options or more): there only `flag` flags. At a y/n prompt `n`
    is the no, so `f` flags there."""
    if question.type == "truefalse":
        return True
    return question.type in ("choice", "multi") and len(getattr(question, "options", ())) >= 6


def is_flag(text: str, f_is_answer: bool = False) -> bool:
    word = text.strip().lower()
    return word == "flag" or (word == "f" and not f_is_answer)


def flag_question(store: Store, question: Question, now: datetime | None = None) -> bool:
    """Flag `question`; False when it was flagged already."""
    return store.flag(question.bank_id, question.id, now or utcnow())


class Changed(msgspec.Struct, frozen=True):
    key: str  # bank/qid
    done: bool  # False: it was already (un)flagged


def _resolve(refs: Sequence[str], bank: str | None, home: Path | None) -> list[Question]:
    from refresher.app.browse import unknown_question

    banks, _ = bank_access.open_banks(bank, home)
    out: list[Question] = []
    for ref in refs:
        ref = ref.strip()
        wanted_bank, qid = (None, ref)
        if "/" in ref:
            wanted_bank, _, qid = ref.partition("/")
        hits = [
            q
            for b in banks
            if wanted_bank is None or b.id == wanted_bank
            for q in b.questions
            if q.id == qid
        ]
        if not hits:
            raise unknown_question(ref, [q.id for b in banks for q in b.questions])
        out.append(hits[0])
    return out


def flag(refs: Sequence[str], bank: str | None = None, home: Path | None = None) -> list[Changed]:
    """Flag the questions `refs` (ids or bank/id)."""
    questions = _resolve(refs, bank, home)
    with open_store(home) as store:
        return [Changed(q.key, flag_question(store, q)) for q in questions]


def unflag(refs: Sequence[str], bank: str | None = None, home: Path | None = None) -> list[Changed]:
    """Clear the flags of `refs` (ids or bank/id)."""
    questions = _resolve(refs, bank, home)
    with open_store(home) as store:
        return [Changed(q.key, store.unflag(q.bank_id, q.id)) for q in questions]


def unflag_all(bank: str | None = None, home: Path | None = None) -> int:
    """Clear every flag (of the bank `bank`); returns how many were cleared."""
    bank_id = None if bank is None else bank_access.open_bank(bank, home).id
    with open_store(home) as store:
        return store.unflag_all(bank_id)


def flagged_ids(store: Store, bank_id: str) -> list[str]:
    """The flagged question ids of a bank, oldest flag first."""
    return [f.qid for f in store.flags(bank_id)]


def no_flags(bank_id: str) -> RefresherError:
    return RefresherError(
        f"no flagged questions in '{bank_id}': type f at a question's prompt to flag it"
    )
