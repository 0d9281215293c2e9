"""Two machines, one sync folder: a month of overlapping study, synced in random orders through a
file-sync tool that tears lines and leaves conflicted copies; every answer and review once on
both, the same card states, equal to a replay of every review, and the same stats."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from refresher.app import settings as app_settings
from refresher.app import stats as app_stats
from refresher.app import sync as app_sync
from refresher.app.review import open_sitting
from refresher.banks import load as banks
from refresher.core.model import Outcome
from refresher.env.config import Config
from refresher.srs import schedule as S
from refresher.storage.store import DB_NAME, open_store

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
EXACT = Config(fuzz=False)
SCHED = S.make_scheduler(fuzz=False)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Machine:
    """One data folder and its own view of the sync folder (a file-sync tool carries it)."""

    def __init__(self, root: Path, name: str, parity: int):
        self.name = name
        self.home = root / name
        self.folder = root / f"{name}-sync"
        self.folder.mkdir(parents=True)
        app_settings.change("fuzz", "false", self.home)
        (self.home / "machine-id").write_text(f"{name}-{parity:04d}\n")
        self.parity = parity  # this machine's answers fall on even or odd seconds: no ties
        self.reviews: list[tuple[str, str, int]] = []  # acknowledged (qid, time, rating)
        self.answers: list[tuple[str, str, str]] = []  # acknowledged (qid, time, given)

    def at(self, when: datetime) -> datetime:
        return when.replace(second=when.second // 2 * 2 + self.parity)

    def sync(self, now: datetime) -> app_sync.SyncResult:
        return app_sync.sync(self.folder, self.home, Clock(now))

    def study(self, bank, now: datetime, rng: random.Random) -> None:
        clock = Clock(self.at(now))
        with open_sitting(
            bank,
            bank.questions,
            EXACT,
            new_per_day=3,
            seed=rng.randrange(100),
            home=self.home,
            clock=clock,
        ) as sitting:
            sitting.start()
            for _ in range(rng.randint(1, 6)):
                card = sitting.next_card()
                if card is None:
                    break
                offer = sitting.offer(card)
                rating = rng.choice(S.RATINGS)
                sitting.rate(
                    card, rating, outcome=S.self_rated(rating), auto=False, seconds=2, offer=offer
                )
                self.reviews.append((card.question.id, _iso(offer.now), int(rating)))
                if rng.random() < 0.15:
                    undone = sitting.undo()
                    if undone.done is not None:
                        self.reviews.pop()
                clock.now = self.at(clock.now + timedelta(seconds=rng.randint(2, 90)))
        with open_store(self.home) as store:  # a quiz answer, sometimes overruled
            q = rng.choice(bank.questions)
            when = self.at(clock.now + timedelta(minutes=5))
            right = rng.random() < 0.5
            given = f"{self.name} {when.isoformat()}"
            attempt = store.record_attempt(
                q, Outcome(right, given, "x"), seconds=3.0, mode="practice", now=when
            )
            self.answers.append((q.id, _iso(when), given))
            if not right and rng.random() < 0.3:
                store.overrule_attempt(attempt)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds")


def carry(src: Path, dst: Path, rng: random.Random, *, whole: bool = False) -> None:
    """What a file-sync tool does: copy each file across, sometimes only part of one (a torn
    last line, finished next time)."""
    for path in src.glob("*.jsonl"):
        if path.name.startswith(dst.name.removesuffix("-sync") + "-"):
            continue  # the other machine's own file is never overwritten from here
        data = path.read_bytes()
        if not whole and rng.random() < 0.2 and len(data) > 10:
            data = data[: rng.randrange(len(data) // 2, len(data))]
        (dst / path.name).write_bytes(data)


def rows(home: Path) -> dict[str, object]:
    """The reviews and answers of a store (whose every reference leads to a row: a sync imports
    without foreign key checks)."""
    conn = sqlite3.connect(home / DB_NAME)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return {
            "reviews": Counter(
                conn.execute(
                    "SELECT q.qid, r.reviewed_at, r.rating, r.state_before, r.due_after"
                    " FROM reviews r JOIN questions q ON q.id = r.question_id"
                ).fetchall()
            ),
            "attempts": Counter(
                conn.execute(
                    "SELECT q.qid, a.answered_at, a.given, a.correct, a.mode, a.overruled"
                    " FROM attempts a JOIN questions q ON q.id = a.question_id"
                ).fetchall()
            ),
        }
    finally:
        conn.close()


def card_states(home: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        found = conn.execute(
            "SELECT q.qid, c.fsrs, c.reps, c.lapses, c.suspended, c.introduced_at, c.due"
            " FROM cards c JOIN questions q ON q.id = c.question_id"
        ).fetchall()
    finally:
        conn.close()
    import json

    out = {}
    for qid, fsrs, *rest in found:
        data = json.loads(fsrs)
        data.pop("card_id")
        out[qid] = (data, *rest)
    return out


def replayed(reviews: list[tuple[str, str, int]]) -> dict[str, tuple]:
    """What one machine that saw every review would hold: each card's reviews in time order."""
    by_card: dict[str, list[tuple[str, int]]] = {}
    for qid, when, rating in reviews:
        by_card.setdefault(qid, []).append((when, rating))
    out = {}
    for qid, found in by_card.items():
        state = None
        for when, rating in sorted(found):
            t = datetime.fromisoformat(when)
            state = S.rate(SCHED, state, 1, S.Rating(rating), t, duration_ms=2000).after
        assert state is not None
        data = state.card.to_dict()
        data.pop("card_id")
        out[qid] = (
            data,
            state.reps,
            state.lapses,
            int(state.suspended),
            _iso(state.introduced_at),
            _iso(state.card.due),
        )
    return out


def test_a_month_on_two_machines_loses_nothing_and_agrees(tmp_path, mini_path, monkeypatch):
    rng = random.Random(20)
    bank = banks.load_bank(mini_path)
    a, b = Machine(tmp_path, "laptop", 0), Machine(tmp_path, "lab", 1)
    day = T0
    for n in range(30):
        day = T0 + timedelta(days=n)
        order = [a, b]
        rng.shuffle(order)
        for m in order:
            if rng.random() < 0.2:
                continue  # a day away from this machine
            start = day + timedelta(hours=rng.randint(0, 10), minutes=rng.randint(0, 50))
            if rng.random() < 0.6:
                m.sync(start)
            m.study(bank, start + timedelta(minutes=1), rng)
            if rng.random() < 0.6:
                m.sync(start + timedelta(hours=1))
            if rng.random() < 0.7:  # the file-sync tool runs when it likes
                carry(a.folder, b.folder, rng)
                carry(b.folder, a.folder, rng)
        if n == 12:  # Syncthing keeps an older copy of lab's file as a conflict
            for path in a.folder.glob("lab-*.jsonl"):
                copy = path.with_name(path.stem + ".sync-conflict-20261114-101010-ABCDEF.jsonl")
                shutil.copyfile(path, copy)
        if n == 20:  # Dropbox's form, in the other folder, with a torn last line
            for path in b.folder.glob("laptop-*.jsonl"):
                data = path.read_bytes()
                (b.folder / f"{path.stem} (conflicted copy 2026-11-22).jsonl").write_bytes(
                    data[:-7]
                )
    end = day + timedelta(days=1)
    for _ in range(2):  # the tool catches up; each syncs twice
        carry(a.folder, b.folder, rng, whole=True)
        carry(b.folder, a.folder, rng, whole=True)
        a.sync(end)
        b.sync(end)
        carry(a.folder, b.folder, rng, whole=True)
        carry(b.folder, a.folder, rng, whole=True)
    reviews = a.reviews + b.reviews
    assert len(reviews) > 100 and len({q for q, _, _ in reviews}) == len(bank.questions)
    on_a, on_b = rows(a.home), rows(b.home)
    assert on_a == on_b
    # every acknowledged review and answer is there exactly once
    assert Counter((q, t, r) for q, t, r, _, _ in on_a["reviews"].elements()) == Counter(reviews)
    assert Counter((q, t, g) for q, t, g, _, _, _ in on_a["attempts"].elements() if g) >= Counter(
        a.answers + b.answers
    )
    assert sum(on_a["attempts"].values()) == len(reviews) + len(a.answers) + len(b.answers)
    states = card_states(a.home)
    assert states == card_states(b.home)
    assert states == replayed(reviews)
    monkeypatch.setenv("REFRESHER_NOW", end.isoformat())
    stats_a = app_stats.gather(str(mini_path), 60, a.home).stats.to_dict()
    assert stats_a == app_stats.gather(str(mini_path), 60, b.home).stats.to_dict()
    assert stats_a["reviews"] == len(reviews)


@pytest.fixture
def two(tmp_path):
    a, b = Machine(tmp_path, "laptop", 0), Machine(tmp_path, "lab", 1)
    shared = tmp_path / "shared"
    shared.mkdir()
    a.folder = b.folder = shared
    return a, b
