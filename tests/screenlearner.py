"""A simulated learner at the terminal: it runs `refresher review` through CliRunner, reads what
the screen shows, and types its answers, one line at a time, as a learner would. Its memory
follows FSRS with known parameters (each answer drawn from its true recall, seeded); the time it
takes is injected: `REFRESHER_NOW` moves on by its seconds per answer at each rating, and so
does the clock `review` times answers with.

The cards of its bank are flashcards whose fronts name them (`Fact c007`), so that the learner
knows which card it is looking at only from the screen."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from refresher.cli import app
from refresher.cli import reviewer as reviewer_module
from refresher.env import config
from refresher.env.paths import config_file
from refresher.srs import schedule as S
from refresher.srs.schedule import StudyDay
from refresher.storage.store import open_store
from tests.simlearner import T0, Learner

FRONT = re.compile(r"Fact c(\d+)")
RATING = re.compile(r"Rate 1-4|^1 Again\b")
DAY = StudyDay()
SECONDS = 15  # the learner's seconds per answer

# A second learner, unlike the first (`simlearner.TRUE`): it keeps a card well from the start
# (high initial stabilities) and forgets along a flatter curve (decay 0.25).
TRUE2 = (0.6, 1.8, 4.5, 12.0, 6.0, 0.6, 2.2, 0.02, 1.6, 0.12, 0.9,
         1.6, 0.07, 0.3, 1.5, 0.4, 2.2, 0.6, 0.1, 0.05, 0.25)  # fmt: skip


def write_cards(path: Path, n: int) -> Path:
    """A bank of `n` flashcards over three topics."""
    topics = ("rnn", "lstm", "gru")
    lines = [
        "id: facts",
        "title: Facts",
        "topics: {rnn: RNN, lstm: LSTM, gru: GRU}",
        "questions:",
    ]
    for k in range(n):
        lines += [
            f"  - id: c{k:03d}",
            "    type: card",
            f"    topic: {topics[k % 3]}",
            f'    front: "Fact c{k:03d}: what is it?"',
            f'    back: "Answer {k}."',
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


class _Keyboard(io.RawIOBase):
    """stdin for one `review`: each line is typed when the program asks for one, from what it
    has printed so far."""

    def __init__(self, learner: ScreenLearner):
        self.learner = learner
        self.pending = b""
        self.seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.pending:
            sys.stdout.flush()
            screen = sys.stdout.buffer.getvalue().decode("utf-8", "replace")
            new, self.seen = screen[self.seen :], len(screen)
            self.pending = (self.learner.type_line(new) + "\n").encode()
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class ScreenLearner:
    """A `Learner` (true memory) reviewing through the command line."""

    def __init__(self, learner: Learner, seconds: float, monkeypatch: pytest.MonkeyPatch):
        self.learner = learner
        self.seconds = seconds
        self.monkeypatch = monkeypatch
        self.now: datetime | None = None
        self.elapsed = 0.0  # the clock `review` times answers with
        self.card: int | None = None
        self.answers = 0
        self.screens: list[str] = []
        self.blank = 0  # Enters typed in a row without a rating asked for

    # --- what it types -------------------------------------------------------------------------
    def type_line(self, screen: str) -> str:
        fronts = FRONT.findall(screen)
        if fronts:
            self.card = int(fronts[-1])
        last = screen.rstrip().splitlines()[-1] if screen.strip() else ""
        # on a pipe a prompt is echoed with the line it read, so the rating buttons are the
        # last thing on the screen when a rating is asked for
        if not RATING.search(last):
            # Enter shows the answer; a screen that asks for something else again and again is
            # one this learner does not know, and the test fails instead of typing Enter forever
            self.blank += 1
            assert self.blank < 3, f"the learner cannot read this screen:\n{screen}"
            return ""
        self.blank = 0
        assert self.card is not None and self.now is not None, screen
        self.now += timedelta(seconds=self.seconds)
        self.elapsed += self.seconds
        self.monkeypatch.setenv("REFRESHER_NOW", self.now.isoformat())
        self.answers += 1
        return str(int(self.learner.answer(self.card, self.now)))

    # --- one sitting ---------------------------------------------------------------------------
    def review(self, bank: Path, at: datetime, *args: str) -> str:
        """One `refresher review BANK` at `at`; returns what the screen showed."""
        self.now = at
        self.monkeypatch.setenv("REFRESHER_NOW", at.isoformat())
        with self._keyboard() as keys:
            result = CliRunner().invoke(
                app, ["review", str(bank), "--seed", str(at.toordinal()), *args], input=keys
            )
        assert result.exit_code == 0, result.output
        self.screens.append(result.output)
        return result.output

    @contextmanager
    def _keyboard(self) -> Iterator[_Keyboard]:
        keys = _Keyboard(self)
        original = typer.testing.make_input_stream

        def stream(input: Any, charset: str) -> Any:
            return io.BufferedReader(input) if input is keys else original(input, charset)

        class Timer:
            @staticmethod
            def monotonic() -> float:
                return self.elapsed

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(typer.testing, "make_input_stream", stream)
            patch.setattr(reviewer_module, "time", Timer)
            yield keys


# --- the second simulated learner: the budget plan against plain FSRS ------------------------

N_CARDS = 40
MINUTES = 4
DAYS = 21  # the interview is on day 21
WARM_UP = 8


@dataclass
class Run:
    recall: float  # the learner's true mean recall on the interview morning, unseen cards 0
    minutes: list[float]  # review minutes stored each day
    new: list[int]  # new cards each day
    interview_day: int  # cards reviewed on the interview day itself
    forecast: float | None  # `plan`'s readiness if followed, on day 0


def drive(
    root: Path, monkeypatch: pytest.MonkeyPatch, name: str, settings: config.Config, seed: int
) -> Run:
    """`DAYS` daily reviews of `N_CARDS` new cards at the terminal, in `root / name`, under
    `settings`, then the interview day's; the learner's true recall on its morning."""
    home = root / name
    monkeypatch.setenv("REFRESHER_HOME", str(home))
    config.save(config_file(home), settings)
    bank = write_cards(root / "facts.yaml", N_CARDS)
    learner = Learner(seed=seed, truth=S.make_scheduler(parameters=TRUE2))
    screen = ScreenLearner(learner, SECONDS, monkeypatch)
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    plan = json.loads(CliRunner().invoke(app, ["plan", str(bank), "--json"]).stdout)
    for d in range(DAYS):
        screen.review(bank, T0 + timedelta(days=d))
    interview = DAY.date_of(T0) + timedelta(days=DAYS)
    morning = DAY.start(interview)
    recall = sum(learner.recall(k, morning) for k in learner.memory) / N_CARDS
    screen.review(bank, T0 + timedelta(days=DAYS))  # the interview day itself
    minutes, new = [], []
    with open_store() as store:
        for k in range(DAYS + 1):
            d = DAY.date_of(T0) + timedelta(days=k)
            start, end = DAY.start(d), DAY.start(d + timedelta(days=1))
            minutes.append(store.review_seconds_between(start, end) / 60)
            new.append(store.introduced_between(start, end))
        day_cards = {c for c, at, _, _ in store.review_history(None) if at >= morning and at < end}
    return Run(
        recall,
        minutes[:DAYS],
        new,
        len(day_cards),
        plan["forecast"]["readiness_if_followed"],
    )


def compare(root: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> tuple[Run, Run]:
    """The same learner (same seed) with `MINUTES` a day toward an interview `DAYS` days out,
    and with the same minutes under plain FSRS (no date): (planned, plain)."""
    interview = DAY.date_of(T0) + timedelta(days=DAYS)
    toward = config.Config(
        fuzz=False, interview_date=interview, daily_minutes=MINUTES, interview_warm_up=WARM_UP
    )
    planned = drive(root, monkeypatch, f"plan-{seed}", toward, seed)
    plain_settings = config.Config(fuzz=False, daily_minutes=MINUTES)
    return planned, drive(root, monkeypatch, f"plain-{seed}", plain_settings, seed)
