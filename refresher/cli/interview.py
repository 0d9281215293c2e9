"""`refresher interview`: a mock interview on the bank's `open` questions.

The questions, follow-ups, scores and history are the app's (`app.interview`); this module
reads the answer line by line with the time left in each line's prompt (no full-screen timer:
line input keeps working in any terminal, tmux and pipes), asks the learner to confirm the
pre-ticked key points, and draws. Every answer is stored before the next question. `q`, end of
input and Ctrl-C end with the summary; Ctrl-C mid-answer drops only the answer being typed and
exits 130. The typed-answer path of `review` uses `read_answer` and `confirm_points` too.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import typer

from refresher.cli.options import BankArg, Topics, open_bank
from refresher.core.errors import InputError

if TYPE_CHECKING:
    from refresher.app.interview import Asked, Interview, InterviewHistory
    from refresher.kinds.open import OpenQuestion
    from refresher.quiz.points import Coverage
    from refresher.render.console import Console


def interview(
    bank: BankArg = None,
    count: int = typer.Option(
        5, "--count", "-n", min=0, help="Questions, follow-ups included; 0 asks every one."
    ),
    topic: Topics = None,
    seconds: int = typer.Option(
        120, "--time", min=0, metavar="SECONDS", help="Time per answer; 0 for no countdown."
    ),
    seed: int = typer.Option(None, "--seed", help="Seed for a reproducible order."),
    history: str = typer.Option(
        None,
        "--history",
        metavar="ID",
        help="Show your past answers to question ID next to the model answer, and stop.",
    ),
    every: bool = typer.Option(
        False,
        "--all",
        help="With --history: every past answer, oldest first, each shown as it is read "
        "(not only the latest 6).",
    ),
) -> None:
    """Practise the interview questions as in a real interview.

    Each question is asked with a countdown; type your answer over several lines and end it
    with an empty line (or Ctrl-D), or answer aloud and press Enter. Then compare with the
    model answer: the key points your answer covers are ticked for you; Enter keeps the ticks,
    or type the numbers of the points you covered (1 3 4). A good answer may get a follow-up.

    At the answer prompt: s skips, f flags the question, q ends (Ctrl-C too).

    Example: refresher interview session-14 --count 4 --time 90
    """
    from refresher.app.interview import Interview, check_time, choose, open_interview_history
    from refresher.app.quiz import check_seed
    from refresher.render import interview as draw
    from refresher.render.console import make_console, stdin_is_tty

    if seed is not None:
        check_seed(seed)
    check_time(seconds)
    the_bank = open_bank(bank)
    console = make_console()
    if every and history is None:
        raise InputError("--all goes with --history ID: the question whose answers to show")
    if history is not None:
        with open_interview_history() as past:
            if every:
                draw.every_answer(console, *past.every_past(the_bank, history.strip()))
            else:
                draw.history(console, past.past(the_bank, history.strip()))
        return
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    planned, matching = choose(the_bank, rng, topics=topic or (), count=count or None)
    with open_interview_history() as past:
        session = Interview(the_bank, planned, rng, limit=seconds)
        draw.header(console, the_bank.title, session.total, matching, seconds, seed)
        asker = Interviewer(console, past, session, past.start(the_bank.id, seed), stdin_is_tty())
        started = _now()
        ended = asker.run()
        draw.summary(console, past.summary(session, _now() - started))
    if ended == "interrupted":
        raise typer.Exit(130)


@dataclass
class Lines:
    """Reads one line at a time; on a pipe, echoes it so a transcript reads like a session.
    With a `flagger`, a line `f` or `flag` flags the question on screen and is read again."""

    console: Console
    interactive: bool
    flagger: Callable[[], None] | None = None

    def read(self, prompt: str) -> str:
        """One line with its control characters replaced (before it is shown, matched or
        stored); a line longer than `limits.ANSWER_CHARS` is refused and asked again."""
        from refresher.app.flags import is_flag
        from refresher.cli.runner import read_line

        while True:
            text = read_line(self.console, prompt, self.interactive, "line")
            if self.flagger is None or not is_flag(text):
                return text
            self.flagger()


def read_answer(
    lines: Lines,
    first: str | None = None,
    *,
    limit: int = 0,
    clock: Callable[[], float] | None = None,
    on_first: Callable[[str], None] | None = None,
) -> str:
    """An answer of several lines, ended by an empty line or end of input (Ctrl-D), or by the
    first line sent after `limit` seconds. An empty first line is an answer given aloud ("").
    `on_first` sees the first line (to give `q` and `s` their meaning). End of input before
    anything was typed passes up as EOFError; Ctrl-C always passes up."""
    from refresher.core import limits
    from refresher.render import interview as draw

    clock = clock or _now
    started = clock()
    until = None
    if limit and lines.interactive:
        from refresher.env.clock import local_now

        until = (local_now() + timedelta(seconds=limit)).strftime("%H:%M:%S")
    typed: list[str] = []
    if first is not None:
        typed.append(first)
    while True:
        left = limit - (clock() - started) if limit and lines.interactive else None
        try:
            line = lines.read(draw.answer_prompt(not typed, left, until))
        except EOFError:
            if typed:
                lines.console.print()
                break
            raise
        if not typed and on_first is not None:
            on_first(line)
        if not line.strip():
            break
        if sum(len(t) + 1 for t in typed) + len(line) > limits.INTERVIEW_ANSWER_CHARS:
            draw.reprompt(
                lines.console,
                f"an answer holds at most {limits.INTERVIEW_ANSWER_CHARS:,} characters:"
                " it ends before this line",
            )
            break
        typed.append(line)
        if limit and clock() - started >= limit:
            draw.times_up(lines.console, limit)
            break
    return "\n".join(typed)


def confirm_points(
    lines: Lines, q: OpenQuestion, text: str, guess: Coverage
) -> tuple[tuple[int, ...], BaseException | None]:
    """Show the model answer and the checklist pre-ticked from `guess`; the learner keeps the
    ticks (Enter) or types others. Returns the ticks and, when the learner ended the session at
    this prompt (q, end of input, Ctrl-C), what to raise once the answer is stored."""
    from refresher.app.interview import parse_ticks
    from refresher.cli.runner import QUIT, Quit
    from refresher.render import interview as draw

    console = lines.console
    draw.your_answer(console, text, guess)
    draw.model_answer(console, q)
    ticks = guess.ticked
    draw.checklist(console, q, guess, ticks)
    while True:
        try:
            word = lines.read(f"[accent]{draw.ticks_label(ticks)}[/accent] [muted]›[/muted] ")
        except (EOFError, KeyboardInterrupt) as exc:
            console.print()
            return ticks, exc  # the answer is in: keep the ticks as they stand
        if word.strip().lower() in QUIT:
            return ticks, Quit()
        try:
            return parse_ticks(word, len(q.points), ticks), None
        except InputError as exc:
            draw.reprompt(console, str(exc))


@dataclass
class Interviewer:
    """Asks an `Interview`'s questions until done or ended; returns how it ended."""

    console: Console
    history: InterviewHistory
    session: Interview
    round_id: int
    interactive: bool

    def __post_init__(self) -> None:
        self.lines = Lines(self.console, self.interactive)

    def run(self) -> str:
        from refresher.cli.runner import Quit

        try:
            while (asked := self.session.next()) is not None:
                self._one(asked)
        except Quit:
            return "quit"
        except EOFError:
            self.console.print()
            return "eof"
        except KeyboardInterrupt:
            self.console.print()
            return "interrupted"
        return "finished"

    def _one(self, asked: Asked) -> None:
        from refresher.app.interview import guess
        from refresher.cli.runner import Skip
        from refresher.render import interview as draw

        q = asked.question
        session = self.session
        draw.question(self.console, asked, session.total, session.bank.topics.get(q.topic, q.topic))
        self.lines.flagger = lambda: self._flag(q)
        started = _now()
        try:
            text = read_answer(self.lines, limit=session.limit, on_first=_quit_or_skip)
        except Skip:
            self.history.record_skip(session.skip(), self.round_id)
            draw.skipped(self.console)
            return
        spent = _now() - started
        ticks, then = confirm_points(self.lines, q, text, guess(q, text))
        scored = session.score(text, ticks, spent)
        self.history.record(scored, self.round_id)
        draw.scored(self.console, scored)
        if then is not None:
            raise then
        if session.follow_up is not None:
            draw.follow_up(self.console, session.follow_up)

    def _flag(self, q: OpenQuestion) -> None:
        from refresher.app.flags import flag_question
        from refresher.render import question as draw

        draw.flagged(self.console, q.id, flag_question(self.history.store, q))


def _now() -> float:
    """Seconds on a monotonic clock (one place, so tests can move time on)."""
    return time.monotonic()


def _quit_or_skip(line: str) -> None:
    from refresher.cli.runner import QUIT, SKIP, Quit, Skip

    word = line.strip().lower()
    if word in QUIT:
        raise Quit
    if word in SKIP:
        raise Skip


def register(app: typer.Typer) -> None:
    app.command()(interview)


def typed_points(
    console: Console, q: OpenQuestion, first: str, flagger: Callable[[], None] | None = None
) -> tuple[str, tuple[int, ...], BaseException | None]:
    """An interview question answered in writing on a terminal (a quiz round's): the rest of
    the answer, then the checklist pre-ticked from it for the learner to confirm."""
    from refresher.app.interview import guess

    lines = Lines(console, True, flagger)
    text = read_answer(lines, first)
    ticks, then = confirm_points(lines, q, text, guess(q, text))
    return text, ticks, then
