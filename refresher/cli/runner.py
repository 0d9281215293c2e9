"""The interactive loop that asks a round's items, shared by `quiz` and `drill`.

It reads lines, hands them to the pure `Round`, has the app's `QuizHistory` store each outcome
before the next prompt, and renders. `q`, end of input and Ctrl-C all end with the summary;
Ctrl-C then exits 130.

Piped input follows the same steps as typed input: a card or an interview question reads one
line to turn it (Enter), then y or n. With `tries` 2 a wrong typed answer is followed by a hint
and a second try (practice and drill). On a terminal, a wrong answer in practice may be
overruled with `o` ("I was right"); a pipe keeps the grade, as `review` keeps its rating.
`f` (or `flag`) at any prompt flags the question on screen and asks the same prompt again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from refresher.app.flags import f_answers, flag_question, is_flag
from refresher.app.quiz import QuizHistory
from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.model import Bank, Outcome, Question
from refresher.core.text import strip_controls
from refresher.kinds import kind_of
from refresher.quiz.round import Answered, Item, Mode, Round, second_try
from refresher.render import question as draw
from refresher.render.console import prompt_markup, stdin_is_tty

if TYPE_CHECKING:
    from refresher.kinds.open import OpenQuestion
    from refresher.render.console import Console

    TypedOpen = Callable[
        [OpenQuestion, str, Callable[[], None] | None],
        tuple[str, tuple[int, ...], BaseException | None],
    ]

OPEN_LABEL = "Type your answer (an empty line ends it), or Enter to reveal"

SKIP = {"s", "skip"}
QUIT = {"q", "quit", "exit"}
YES = {"y", "yes", "1", "t", "true", "k", "knew"}
NO = {"n", "no", "0", "false"}  # not `f`: at the y/n prompt it flags, as at every prompt
OVERRULE = {"o", "overrule"}
NEXT = {"n", "next", "s", "skip"}
# After a numeric slip on a terminal, the whole worked solution waits behind this prompt.
SOLUTION_LABEL = "Enter or w: the worked solution · n: next · o: I was right"
# Kinds answered by picking a letter: a wrong pick is no typo, so `o` is not offered after one.
PICKED = {"choice", "multi", "truefalse"}


class Ended(Enum):
    FINISHED = "finished"
    QUIT = "quit"
    EOF = "eof"
    INTERRUPTED = "interrupted"


class Quit(Exception):
    """The learner typed q: end the round (or review) with its summary."""


class Skip(Exception):
    """The learner typed s: move on, the item stays unanswered."""


def until_ended(console: Console, work: Callable[[], None]) -> Ended:
    """Run `work` (asking until there is nothing left) and say how it ended: finished, `q`
    typed, end of input or Ctrl-C (the last two after a line break)."""
    try:
        work()
    except Quit:
        return Ended.QUIT
    except EOFError:
        console.print()
        return Ended.EOF
    except KeyboardInterrupt:
        console.print()
        return Ended.INTERRUPTED
    return Ended.FINISHED


_CHUNK = 1 << 16  # characters read at a time past an over-long piped line


class _PipedLine:
    """A stream for `Console.input` that reads one piped line of at most `limit` characters;
    the rest of a longer line is counted in chunks and dropped, so a gigabyte line costs no
    memory. `size` is the line's length; the end of input raises EOFError, as `input()` does."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size, self.used = limit, 0, False

    def readline(self) -> str:
        self.used = True
        first = sys.stdin.readline(self.limit + 1)
        if not first:
            raise EOFError
        if first.endswith("\n"):
            self.size = len(first) - 1
            return first[:-1]
        self.size = len(first)
        if self.size <= self.limit:  # the last line, without a newline
            return first
        while chunk := sys.stdin.readline(_CHUNK):
            if chunk.endswith("\n"):
                self.size += len(chunk) - 1
                break
            self.size += len(chunk)
        return ""


def _input_line(console: Console, prompt: str, interactive: bool, limit: int) -> tuple[str, int]:
    """One line and its length in characters (a terminal bounds its own lines)."""
    if interactive:
        text = console.input(prompt)
        return text, len(text)
    piped = _PipedLine(limit)
    try:
        text = console.input("", stream=piped)  # the prompt is shown with the line (`read_line`)
    except EOFError:
        draw.echo(console, "", prompt, end="")  # the transcript ends at the prompt, as before
        raise
    return text, piped.size if piped.used else len(text)


def read_line(console: Console, prompt: str, interactive: bool, what: str = "answer") -> str:
    """One line with its control characters replaced (before it is shown, graded or stored),
    echoed on a pipe; a line longer than `limits.ANSWER_CHARS` is refused and asked again
    (never stored whole), naming it as `what`."""
    while True:
        text, size = _input_line(console, prompt, interactive, limits.ANSWER_CHARS)
        text = strip_controls(text)
        if not interactive:  # the prompt and the line read, as a terminal shows them
            draw.echo(console, text, prompt)
        if size <= limits.ANSWER_CHARS:
            break
        draw.reprompt(
            console, f"that {what} is {size:,} characters; at most {limits.ANSWER_CHARS:,}"
        )
    return text


@dataclass
class Prompter:
    """Reads one line per answer. On a pipe, echoes what it read so transcripts make sense.

    With a `flagger` (the question on screen), `flag` or `f` flags it and the same prompt is
    asked again; `f` only where it is no answer (`f_is_answer`: a true/false question, the
    letter F of a choice); at a y/n prompt `f` flags, `n` is the no."""

    console: Console
    interactive: bool
    flagger: Callable[[], None] | None = None
    f_is_answer: bool = False

    def read(self, label: str, *, f_is_answer: bool | None = None) -> str:
        """One line (`read_line`); only the flag words are given a meaning here."""
        prompt = prompt_markup(label)
        f_taken = self.f_is_answer if f_is_answer is None else f_is_answer
        while True:
            text = read_line(self.console, prompt, self.interactive)
            if self.flagger is None or not is_flag(text, f_taken):
                return text
            self.flagger()

    def ask(self, label: str, *, f_is_answer: bool | None = None) -> str:
        text = self.read(label, f_is_answer=f_is_answer)
        word = text.strip().lower()
        if word in QUIT:
            raise Quit
        if word in SKIP:
            raise Skip
        return text


def more_rows(prompter: Prompter, item: Item | None, first: str, read: Callable[[str], str]) -> str:
    """Further lines a kind asks for after the first (a cloze's blanks, on a terminal a matrix's
    rows); a blank line ends early. `read` reads each (so `q` and `s` keep their meaning).
    InputError when the first line already cannot be right (a matrix row of the wrong count)."""
    if item is None:
        return first

    labels = kind_of(item.question).more_inputs(item, first, prompter.interactive)
    lines = [first]
    for label in labels:
        more = read(label)
        if not more.strip():
            break
        lines.append(more)
    return "\n".join(lines)


@dataclass
class Runner:
    console: Console
    history: QuizHistory
    bank: Bank
    mode: Mode
    round_id: int | None = None
    on_answer: Callable[[Answered], None] | None = None
    tries: int = 1  # 2: a hint and a second try after a wrong typed answer (not in exams)
    # An interview question answered in writing on a terminal: (question, first line) ->
    # (the whole answer, the points ticked, what to raise once it is stored). `cli/quiz` gives
    # the interview's reader, so the quiz keeps typed answers and scores them by their points.
    typed_open: TypedOpen | None = None
    pending: BaseException | None = None

    def __post_init__(self) -> None:
        self.prompter = Prompter(self.console, stdin_is_tty())

    def run(self, rnd: Round) -> Ended:
        """Ask every item of `rnd` until done or ended early."""

        def ask_all() -> None:
            while not rnd.done:
                self._ask_one(rnd)

        return until_ended(self.console, ask_all)

    def _ask_one(self, rnd: Round) -> None:
        item = rnd.current
        assert item is not None
        q = item.question
        draw.question(
            self.console,
            item,
            rnd.position + 1,
            0 if self.mode is Mode.DRILL else len(rnd.items),
            rnd.right,
            len(rnd.answers),
            self.bank.topics.get(q.topic, q.topic),
            show_score=self.mode is not Mode.EXAM,
        )
        started = time.monotonic()
        self.prompter.flagger = lambda: self._flag(q)
        self.prompter.f_is_answer = f_answers(q)
        try:
            if q.self_graded:
                answered = self._self_graded(rnd, started)
            else:
                answered = self._objective(rnd, started)
        except Skip:
            skipped = rnd.skip()
            self._store_skip(skipped)
            draw.skipped(self.console)
            return
        attempt_id = self._record(answered)
        if self.pending is not None:  # ended at the points prompt: the answer is in
            then, self.pending = self.pending, None
            raise then
        if self.on_answer:
            self.on_answer(answered)
        if self.mode is not Mode.EXAM:
            folded = draw.feedback(self.console, answered, fold=self.prompter.interactive)
            if folded:
                self._offer_solution(rnd, attempt_id, answered)
            elif answered.outcome.correct is False and not q.self_graded and q.type not in PICKED:
                self._offer_overrule(rnd, attempt_id)

    def _flag(self, question: Question) -> None:
        draw.flagged(self.console, question.id, flag_question(self.history.store, question))

    def _record(self, answered: Answered) -> int:
        return self.history.record(answered, mode=self.mode.value, round_id=self.round_id)

    def _offer_solution(self, rnd: Round, attempt_id: int, answered: Answered) -> None:
        """On a terminal, after a slip was shown where it went off: Enter or w shows the whole
        worked solution, n goes on, o counts the answer right."""
        while True:
            word = self.prompter.read(SOLUTION_LABEL).strip().lower()
            if word in QUIT:
                raise Quit
            if word in ("", "w"):
                draw.unfold(self.console, answered)
                self._offer_overrule(rnd, attempt_id)
                return
            if word in NEXT:
                return
            if word in OVERRULE:
                self._overrule(rnd, attempt_id)
                return
            draw.reprompt(
                self.console, "press Enter (or w) for the worked solution, n to go on, o if right"
            )

    def _overrule(self, rnd: Round, attempt_id: int) -> None:
        answered = rnd.overrule()
        self.history.overrule(attempt_id)
        draw.overruled(self.console, answered)

    def _offer_overrule(self, rnd: Round, attempt_id: int) -> None:
        """On a terminal: Enter goes on, `o` counts the wrong answer right (a typo, a synonym)."""
        if not self.prompter.interactive:
            return
        while True:
            word = self.prompter.read("Enter goes on · o: I was right").strip().lower()
            if word in QUIT:
                raise Quit
            if not word or word in SKIP:  # the answer is in: s goes on too
                return
            if word in OVERRULE:
                self._overrule(rnd, attempt_id)
                return
            draw.reprompt(self.console, "press Enter to go on, or o if your answer was right")

    def _graded(self, rnd: Round, label: str) -> Outcome:
        """One readable answer, graded (unreadable ones are asked again)."""
        while True:
            text = self.prompter.ask(f"{label} ({draw.hint_for(rnd.current)})")
            try:
                text = self._more_rows(rnd.current, text)
                return rnd.grade(text)
            except InputError as exc:
                draw.reprompt(self.console, str(exc))

    def _objective(self, rnd: Round, started: float) -> Answered:
        outcome = self._graded(rnd, "Answer")
        if outcome.correct or self.tries < 2 or self.mode is Mode.EXAM:
            return rnd.take(outcome, time.monotonic() - started)
        draw.not_yet(self.console, rnd.current, outcome)
        try:
            second = self._graded(rnd, "Second try")
        except Skip:  # no second try: the first answer stands
            return rnd.take(outcome, time.monotonic() - started)
        except (Quit, EOFError, KeyboardInterrupt):
            self._record(rnd.take(outcome, time.monotonic() - started))  # nothing answered is lost
            raise
        return rnd.take(second_try(outcome, second), time.monotonic() - started)

    def _more_rows(self, item: Item | None, first: str) -> str:
        return more_rows(self.prompter, item, first, self.prompter.ask)

    def _self_graded(self, rnd: Round, started: float) -> Answered:
        item = rnd.current
        q = item.question
        if self.typed_open is not None and self.prompter.interactive and q.type == "open":
            first = self.prompter.ask(OPEN_LABEL)
            if first.strip():  # typed: scored by its key points, as in `interview`
                from refresher.app.interview import points_outcome, rating_for_share

                text, ticks, self.pending = self.typed_open(q, first, self.prompter.flagger)
                share = len(ticks) / len(q.points) if q.points else 0.0
                right = int(rating_for_share(share)) > 1  # not Again
                outcome = points_outcome(q, text, ticks, correct=right)
                return rnd.take(outcome, time.monotonic() - started)
        else:
            self.prompter.ask(draw.hint(q.type))  # Enter turns it, typed or piped
        draw.reveal(self.console, item)
        while True:
            text = self.prompter.ask("Did you know it? (y/n)", f_is_answer=False).strip().lower()
            if text in YES or text in NO:
                return rnd.self_score(text in YES, time.monotonic() - started)
            draw.reprompt(self.console, "answer y (I knew it) or n (review it again)")

    def _store_skip(self, item: Item) -> None:
        self.history.record_skip(item, mode=self.mode.value, round_id=self.round_id)

    def confirm(self, label: str) -> bool:
        """A y/N question after the round; end of input or anything else means no."""
        self.console.print()
        prompt = prompt_markup(label, "(y/N) ›")
        interactive = self.prompter.interactive
        try:
            text = self.console.input(prompt if interactive else "", stream=None)
        except EOFError:
            if not interactive:
                draw.echo(self.console, "", prompt)
            else:
                self.console.print()
            return False
        if not interactive:
            draw.echo(self.console, text, prompt)
        return text.strip().lower() in {"y", "yes"}
