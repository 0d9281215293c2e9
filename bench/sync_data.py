"""A machine's event file made without a store: `n` reviews (each with its answer) of `cards`
cards at increasing times, as `refresher sync` would have written them. Shared by the sync bench
and the kill -9 test."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from refresher.srs import schedule as S
from refresher.storage import replay
from refresher.storage.cards import card_row
from refresher.storage.connection import iso
from refresher.storage.events import Event, encode

START = datetime(2025, 11, 1, 8, 0, tzinfo=UTC)


def event_lines(machine: str, n: int, cards: int, seed: int = 1) -> Iterator[bytes]:
    rng = random.Random(seed)
    scheduler = S.make_scheduler(fuzz=False)
    states: dict[int, S.CardState] = {}
    now = START
    for k in range(1, n + 1):
        now += timedelta(seconds=rng.randint(1, 300))
        c = rng.randrange(cards)
        rating = S.Rating(rng.randint(1, 4))
        before = states.get(c)
        rated = S.rate(scheduler, before, c + 1, rating, now, duration_ms=2000)
        states[c] = rated.after
        answer = {
            "answered_at": iso(now),
            "given": rating.name,
            "correct": int(rating != S.Rating.Again),
            "seconds": 2.0,
            "mode": "review",
            "qtype": "card",
            "topic": "t",
            "points": None,
            "mistake": None,
            "tries": 1,
            "first_given": None,
            "overruled": 0,
            "seed": None,
        }
        payload = {
            "rating": int(rating),
            "auto": 0,
            "duration_ms": 2000,
            "before": None if before is None else replay.portable(card_row(c + 1, before)),
            "after": replay.portable(card_row(c + 1, rated.after)),
            "answer": answer,
        }
        yield encode(
            Event(f"{machine}.{k}", machine, iso(now), "review", "gen", f"q{c}", None, payload)
        )


def write_events(path: Path, machine: str, n: int, cards: int, seed: int = 1) -> None:
    with path.open("wb") as fh:
        for line in event_lines(machine, n, cards, seed):
            fh.write(line)
