"""Browsing the banks (app layer): `refresher find TEXT` and `refresher show ID`.

`find` looks for every word of the text (case-insensitive) in a question's id, topic, tags,
prompt, answer and explanation, and gives each match with the learner's record on it. `show`
gives one question whole: its answer, and every answer and rating it has had.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from refresher.app import banks as bank_access
from refresher.core.errors import RefresherError
from refresher.core.model import Bank, Question
from refresher.env.clock import local_now
from refresher.kinds import kind_of
from refresher.kinds.base import Item
from refresher.srs.schedule import CardInfo
from refresher.storage.attempts import AttemptRow
from refresher.storage.browse import Record
from refresher.storage.store import open_store

FIND_LIMIT = 50  # matches shown; the rest are counted


@dataclass(frozen=True)
class Found:
    bank: str
    question: Question
    topic_name: str
    record: Record | None
    flagged: bool = False


@dataclass(frozen=True)
class Finding:
    text: str
    found: list[Found]
    total: int  # matches in all (more than `found` when cut at FIND_LIMIT)
    skipped: list[bank_access.Skipped]
    zone: tzinfo | None  # the learner's time zone, for the dates shown


def answer_text(question: Question) -> str:
    """The right answer as text, or "" for a question whose numbers are drawn per attempt."""
    if question.type == "numeric" and not getattr(question, "fixed", False):
        return ""
    kind = kind_of(question)
    item = Item(question, kind.arrange(question, random.Random(0), False))
    try:
        return kind.answer_text(item)
    except NotImplementedError:
        return ""


def _haystack(question: Question, topic_name: str) -> str:
    options = " ".join(str(o) for o in getattr(question, "options", ()))
    parts = [
        question.id,
        question.type,
        question.topic,
        topic_name,
        " ".join(question.tags),
        question.prompt,
        options,
        answer_text(question),
        question.explanation,
    ]
    return " ".join(parts).casefold()


def search(banks: Sequence[Bank], text: str) -> list[tuple[Bank, Question]]:
    """Questions of `banks` holding every word of `text`, in bank order."""
    words = text.casefold().split()
    if not words:
        raise RefresherError("find: give some text to look for, e.g. refresher find forget gate")
    out = []
    for b in banks:
        for q in b.questions:
            hay = _haystack(q, b.topics.get(q.topic, q.topic))
            if all(w in hay for w in words):
                out.append((b, q))
    return out


def find(text: str, bank: str | None = None, home: Path | None = None) -> Finding:
    banks, skipped = bank_access.open_banks(bank, home)
    hits = search(banks, text)
    records: dict[str, dict[str, Record]] = {}
    found = []
    with open_store(home) as store:
        flagged = {(f.bank, f.qid) for f in store.flags()}
        for b, q in hits[:FIND_LIMIT]:
            if b.id not in records:
                records[b.id] = store.records(b.id)
            topic = b.topics.get(q.topic, q.topic)
            found.append(Found(b.id, q, topic, records[b.id].get(q.id), (b.id, q.id) in flagged))
    return Finding(text, found, len(hits), skipped, local_now().tzinfo)


# --- `refresher show ID` --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    bank: Bank
    question: Question
    topic_name: str
    answer: str
    layout: dict[str, Any]  # what the question shows besides its prompt (options, pairs, points)
    attempts: list[AttemptRow]
    reviews: list[tuple[int, str, int | None]]  # (rating, reviewed_at, duration_ms)
    card: CardInfo | None
    also_in: list[str]  # other banks with a question of this id
    zone: tzinfo | None
    flagged_at: datetime | None = None  # when the learner flagged it, if flagged


def unknown_question(ref: str, known: Sequence[str]) -> RefresherError:
    near = difflib.get_close_matches(ref, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    return RefresherError(
        f"no question '{ref}'{hint}; `refresher find TEXT` searches the banks for ids"
    )


def show(ref: str, bank: str | None = None, home: Path | None = None) -> Shown:
    """The question `ref` (a question id, or `bank/question-id`) with its history."""
    ref = ref.strip()
    if "/" in ref and bank is None:
        bank, _, ref = ref.partition("/")
    banks, _ = bank_access.open_banks(bank, home)
    matches = [(b, q) for b in banks for q in b.questions if q.id == ref]
    if not matches:
        raise unknown_question(ref, [q.id for b in banks for q in b.questions])
    b, q = matches[0]
    with open_store(home) as store:
        card_id = store.known_ids(b.id).get(q.id)
        attempts = [a for a in store.attempts(b.id) if a.qid == q.id]
        reviews = store.review_logs(card_id) if card_id is not None else []
        card = store.card_infos(b.id).get(card_id) if card_id is not None else None
        flagged_at = next((f.flagged_at for f in store.flags(b.id) if f.qid == q.id), None)
    if q.type == "numeric" and not getattr(q, "fixed", False):
        answer = "drawn afresh for each attempt (see `refresher explain`)"
    else:
        answer = answer_text(q)
    kind = kind_of(q)
    layout = kind.sheet(Item(q, kind.arrange(q, random.Random(0), False)))
    return Shown(
        bank=b,
        question=q,
        topic_name=b.topics.get(q.topic, q.topic),
        answer=answer,
        layout=layout,
        attempts=attempts,
        reviews=reviews,
        card=card,
        also_in=[other.id for other, _ in matches[1:]],
        zone=local_now().tzinfo,
        flagged_at=flagged_at,
    )
