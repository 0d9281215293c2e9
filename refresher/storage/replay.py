"""A card's state as the replay of its review events (an edge module's pure part).

Every machine computes a card's state the same way from the same events: its reviews and
suspensions, undone reviews left out, in (time, event id) order. A review whose recorded state
before is the state the replay has reached keeps its recorded state after exactly (fuzz and a
plan's shortening included, as the machine that made it showed the learner); a review that
finds another state (a review from another machine came in between) is rated afresh on it by
FSRS, with the desired retention and leech threshold its machine had then and no fuzz, so the
result does not depend on which machine computes it.

Card rows are "portable" in events: `fsrs` (py-fsrs's dict without the card id, which differs
between machines), `reps`, `lapses`, `suspended`, `leech` and `introduced_at`; the other columns
of the `cards` table are copies computed from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refresher.storage.cards import CARD_FIELDS
from refresher.storage.connection import compact, iso

PORTABLE = ("fsrs", "reps", "lapses", "suspended", "leech", "introduced_at")
DEFAULT_SETTINGS = {"desired_retention": 0.9, "leech_threshold": 8}


class BadRow(ValueError):
    """A card row in an event that cannot be one refresher wrote."""


def portable(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A card row (as stored, `fsrs` as JSON text or a dict) in the form events carry."""
    if row is None:
        return None
    fsrs = row["fsrs"]
    fsrs = dict(json.loads(fsrs) if isinstance(fsrs, str) else fsrs)
    fsrs.pop("card_id", None)
    return {
        "fsrs": fsrs,
        "reps": int(row["reps"]),
        "lapses": int(row["lapses"]),
        "suspended": int(bool(row["suspended"])),
        "leech": int(bool(row["leech"])),
        "introduced_at": str(row["introduced_at"]),
    }


def checked(value: object) -> dict[str, Any] | None:
    """A portable row read from a file, checked to be one (None stays None); raises BadRow."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != set(PORTABLE):
        raise BadRow("not a card row")
    try:
        row = local_row(value, 1)
        state_of(row)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise BadRow(str(exc)) from None
    for key in ("reps", "lapses"):
        if not isinstance(value[key], int) or not 0 <= value[key] < 10**9:
            raise BadRow(f"{key} is {value[key]!r}")
    return portable(row)


def local_row(row: Mapping[str, Any], card_id: int) -> dict[str, Any]:
    """A portable row as this machine's `cards` row of card `card_id`."""
    from refresher.srs.schedule import Card

    fsrs = dict(row["fsrs"])
    fsrs["card_id"] = card_id
    card = Card.from_dict(fsrs)
    return {
        "question_id": card_id,
        "fsrs": compact(fsrs),
        "state": int(card.state),
        "due": iso(card.due),
        "stability": card.stability,
        "last_review": None if card.last_review is None else iso(card.last_review),
        "reps": int(row["reps"]),
        "lapses": int(row["lapses"]),
        "suspended": int(bool(row["suspended"])),
        "leech": int(bool(row["leech"])),
        "introduced_at": iso(datetime.fromisoformat(row["introduced_at"])),
    }


def state_of(row: Mapping[str, Any]):  # type: ignore[no-untyped-def]
    from refresher.srs.schedule import Card, CardState

    introduced = datetime.fromisoformat(row["introduced_at"])
    if introduced.tzinfo is None:
        raise ValueError("a time without its zone")
    return CardState(
        card=Card.from_dict(json.loads(row["fsrs"])),
        reps=int(row["reps"]),
        lapses=int(row["lapses"]),
        suspended=bool(row["suspended"]),
        leech=bool(row["leech"]),
        introduced_at=introduced,
    )


@dataclass(frozen=True)
class Step:
    """One event of a card, as replay needs it."""

    kind: str  # review | suspend
    at: str
    event_id: str
    machine: str
    payload: Mapping[str, Any]
    review_id: int | None = None


@dataclass(frozen=True)
class ReplayedReview:
    review_id: int
    card_before: str | None  # the whole `cards` row before, as JSON (as cards.py writes it)
    state_before: int | None
    due_after: str


@dataclass(frozen=True)
class Replayed:
    row: dict[str, Any] | None  # the card's `cards` row; None: no review left
    reviews: list[ReplayedReview]


class Settings:
    """The scheduling settings each machine had, by time (its `setting` events)."""

    def __init__(self, rows: Iterable[tuple[str, str, str, Mapping[str, Any]]]):
        self._by_machine: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
        for machine, at, event_id, payload in rows:
            self._by_machine.setdefault(machine, []).append((at, event_id, payload))
        for found in self._by_machine.values():
            found.sort(key=lambda s: (s[0], s[1]))

    def at(self, machine: str, at: str) -> Mapping[str, Any]:
        found = self._by_machine.get(machine)
        if not found:
            return DEFAULT_SETTINGS
        chosen = found[0][2]
        for when, _, payload in found:
            if when <= at:
                chosen = payload
        return chosen


def order(steps: Iterable[Step]) -> list[Step]:
    return sorted(steps, key=lambda s: (s.at, s.event_id))


def replay(card_id: int, steps: Sequence[Step], settings: Settings) -> Replayed:
    """Card `card_id`'s state after `steps` (in `order`), and each review's state before."""
    from refresher.srs import schedule
    from refresher.storage.cards import card_row

    state: dict[str, Any] | None = None  # the local `cards` row
    reviews: list[ReplayedReview] = []
    schedulers: dict[float, Any] = {}
    for step in order(steps):
        if step.kind == "suspend":
            if state is not None:
                state = {**state, "suspended": int(bool(step.payload.get("suspended")))}
            continue
        before = state
        recorded_before = step.payload.get("before")
        if portable(before) == recorded_before:
            after = local_row(step.payload["after"], card_id)
        else:
            rules = settings.at(step.machine, step.at)
            retention = float(rules["desired_retention"])
            if retention not in schedulers:
                schedulers[retention] = schedule.make_scheduler(desired_retention=retention)
            duration = step.payload.get("duration_ms")
            rated = schedule.rate(
                schedulers[retention],
                None if before is None else state_of(before),
                card_id,
                schedule.Rating(int(step.payload["rating"])),
                datetime.fromisoformat(step.at),
                duration_ms=duration if isinstance(duration, int) else None,
                leech_threshold=int(rules["leech_threshold"]),
            )
            after = card_row(card_id, rated.after)
        if step.review_id is not None:
            reviews.append(
                ReplayedReview(
                    step.review_id,
                    None if before is None else compact({f: before[f] for f in CARD_FIELDS}),
                    None if before is None else int(before["state"]),
                    after["due"],
                )
            )
        state = after
    return Replayed(state, reviews)
