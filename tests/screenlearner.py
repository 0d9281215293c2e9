"""A simulated learner at the terminal: it runs `refresher review` through CliRunner, reads what
the screen shows, and types its answers, one line at a time, as a learner would. Its memory
follows FSRS with known parameters (each answer drawn from its true recall, seeded); the time it
takes is injected: `REFRESHER_NOW` moves on by its seconds per answer at each rating, and so
does the clock `review` times answers with.

The cards of its bank are flashcards whose fronts name them (`Fact c007`), so that the learner
knows which card it is looking at only from the screen."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from refresher.cli import app
from refresher.cli import reviewer as reviewer_module
from tests.simlearner import Learner

FRONT = re.compile(r"Fact c(\d+)")


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

    # --- what it types -------------------------------------------------------------------------
    def type_line(self, screen: str) -> str:
        fronts = FRONT.findall(screen)
        if fronts:
            self.card = int(fronts[-1])
        if "Rate 1-4" not in screen.rstrip().splitlines()[-1]:
            return ""  # Enter shows the answer
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
