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
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import msgspec

from refresher.storage import shapes
from refresher.storage.connection import compact, iso
from refresher.storage.events import valid_time

_JSON = msgspec.json.Encoder()
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


FSRS_KEYS = {"state", "step", "stability", "difficulty", "due", "last_review"}


def _number(value: object, *, none: bool = True) -> bool:
    if value is None:
        return none
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value < 1e9
    )


def checked(value: object) -> dict[str, Any] | None:
    """A portable row read from a file, checked field by field to be one refresher writes
    (None stays None); raises BadRow."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != set(PORTABLE):
        raise BadRow("not a card row")
    fsrs = value["fsrs"]
    if not isinstance(fsrs, dict) or set(fsrs) != FSRS_KEYS:
        raise BadRow("not a py-fsrs card")
    ok = (
        fsrs["state"] in (1, 2, 3)
        and not isinstance(fsrs["state"], bool)
        and (fsrs["step"] is None or (_number(fsrs["step"]) and isinstance(fsrs["step"], int)))
        and _number(fsrs["stability"])
        and _number(fsrs["difficulty"])
        and valid_time(fsrs["due"])
        and (fsrs["last_review"] is None or valid_time(fsrs["last_review"]))
        and valid_time(value["introduced_at"])
        and all(
            _number(value[k], none=False) and isinstance(value[k], int) for k in ("reps", "lapses")
        )
        and value["suspended"] in (0, 1)
        and value["leech"] in (0, 1)
    )
    if not ok:
        raise BadRow("a card row's field")
    return value


def stored_time(text: str) -> str:
    """A time of an event as the store writes times (UTC, milliseconds)."""
    if len(text) == 32 and text[10] == "T" and text[19] == "." and text.endswith("+00:00"):
        return text[:23] + "+00:00"  # py-fsrs's microseconds, cut as `iso` cuts them
    if len(text) == 29 and text[10] == "T" and text[19] == "." and text.endswith("+00:00"):
        return text  # already so
    if len(text) == 25 and text[10] == "T" and text.endswith("+00:00"):
        return text[:19] + ".000+00:00"  # a whole second
    return iso(datetime.fromisoformat(text))


_time = stored_time


def local_row(row: Mapping[str, Any], card_id: int) -> dict[str, Any]:
    """A portable row as this machine's `cards` row of card `card_id` (the copied columns
    computed as `cards.card_row` computes them from py-fsrs's card)."""
    row = shapes.plain(row)
    fsrs = {"card_id": card_id, **row["fsrs"]}
    last = fsrs["last_review"]
    return {
        "question_id": card_id,
        "fsrs": _JSON.encode(fsrs).decode(),  # as `compact` writes it, several times faster
        "state": int(fsrs["state"]),
        "due": _time(fsrs["due"]),
        "stability": fsrs["stability"],
        "last_review": None if last is None else _time(last),
        "reps": int(row["reps"]),
        "lapses": int(row["lapses"]),
        "suspended": int(bool(row["suspended"])),
        "leech": int(bool(row["leech"])),
        "introduced_at": _time(row["introduced_at"]),
    }


def state_of(row: Mapping[str, Any], card_id: int = 1):
    """A portable row as the scheduler's `CardState` of card `card_id`."""
    from refresher.srs.schedule import Card, CardState

    return CardState(
        card=Card.from_dict({"card_id": card_id, **row["fsrs"]}),
        reps=int(row["reps"]),
        lapses=int(row["lapses"]),
        suspended=bool(row["suspended"]),
        leech=bool(row["leech"]),
        introduced_at=datetime.fromisoformat(row["introduced_at"]),
    )


class Step(NamedTuple):
    """One event of a card, as replay needs it (a tuple: a sync makes one per review)."""

    kind: str  # review | suspend
    at: str
    event_id: str
    machine: str
    payload: Mapping[str, Any]
    review_id: int | None = None


class ReplayedReview(NamedTuple):
    """A review's columns the replay gives, in the order `reviews` is updated with them."""

    card_before: str | None  # the whole `cards` row before, as JSON (as cards.py writes it)
    #                          for this machine's reviews; None for a new card or another's
    state_before: int | None
    due_after: str
    review_id: int


@dataclass(frozen=True)
class Replayed:
    row: dict[str, Any] | None  # the card's `cards` row; None: no review left
    reviews: list[ReplayedReview]
    state: dict[str, Any] | None = None  # the same, portable: where a later replay starts
    last: tuple[str, str] | None = None  # the (time, event id) of the last step replayed


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


_WHEN = operator.itemgetter(1, 2)  # a step's (time, event id)


def order(steps: Iterable[Step]) -> list[Step]:
    return sorted(steps, key=_WHEN)


def replay(
    card_id: int,
    steps: Sequence[Step],
    settings: Settings,
    start: dict[str, Any] | None = None,
    own: str | None = None,
    *,
    ordered: bool = False,
) -> Replayed:
    """Card `card_id`'s state after `steps` (in `order`; `ordered`: they are already), and each
    review's state before.

    `start` is the portable state a replay of the card's earlier steps reached (`Replayed.state`):
    replaying the later steps on it gives what replaying all of them from nothing gives. A state
    may be a dict or a `shapes.State` (a review read from a line into its shape): both read
    alike, and are equal when they hold the same. The whole row before (`card_before`, which
    undo puts back) is kept for the reviews of machine `own` only: another machine's review is
    never undone here."""
    state: dict[str, Any] | None = start  # portable
    row: dict[str, Any] | None = None  # the same as a local `cards` row, made when needed
    reviews: list[ReplayedReview] = []
    schedulers: dict[float, Any] = {}
    if not ordered:
        steps = order(steps)
    for kind, at, _, machine, payload, review_id in steps:
        if kind == "suspend":
            if state is not None:
                state = {**shapes.plain(state), "suspended": int(bool(payload.get("suspended")))}
                row = None
            continue
        before, before_row = state, row
        if type(payload) is shapes.StoredReview:  # read from a line: its fields, not keys
            recorded, after = payload.before, payload.after
        else:
            recorded, after = payload.get("before"), payload["after"]
        if recorded is before or shapes.same(recorded, before):
            state, row = after, None
        else:
            state, row = _rated(card_id, before, machine, at, payload, settings, schedulers)
        if review_id is None:
            continue
        kept = None  # the whole row before: only undo reads it, of this machine's reviews
        if before is not None and own is not None and machine == own:
            kept = compact(before_row or local_row(before, card_id))
        if row is not None:
            due = row["due"]
        elif type(state) is shapes.State:
            due = stored_time(state.fsrs.due)
        else:
            due = stored_time(state["fsrs"]["due"])
        if before is None:
            was = None
        elif type(before) is shapes.State:
            was = before.fsrs.state
        else:
            was = int(before["fsrs"]["state"])
        reviews.append(ReplayedReview(kept, was, due, review_id))
    if state is not None and row is None:
        row = local_row(state, card_id)
    last = (steps[-1].at, steps[-1].event_id) if steps else None
    return Replayed(row, reviews, state, last)


def _rated(
    card_id: int,
    before: dict[str, Any] | None,
    machine: str,
    at: str,
    payload: Mapping[str, Any],
    settings: Settings,
    schedulers: dict[float, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A review rated afresh by FSRS on the state `before` the replay reached: (the portable
    state after, the `cards` row)."""
    from refresher.srs import schedule
    from refresher.storage.cards import card_row

    rules = settings.at(machine, at)
    retention = float(rules["desired_retention"])
    if retention not in schedulers:
        schedulers[retention] = schedule.make_scheduler(desired_retention=retention)
    duration = payload.get("duration_ms")
    rated = schedule.rate(
        schedulers[retention],
        None if before is None else state_of(shapes.plain(before), card_id),
        card_id,
        schedule.Rating(int(payload["rating"])),
        datetime.fromisoformat(at),
        duration_ms=duration if isinstance(duration, int) else None,
        leech_threshold=int(rules["leech_threshold"]),
    )
    row = card_row(card_id, rated.after)
    return portable(row), row
