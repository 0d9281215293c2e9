"""Drawing one question, the feedback after it, and the reveal of self-graded items."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from refresher.core.model import Outcome
from refresher.kinds import KINDS, kind_of
from refresher.quiz.round import Answered, Item
from refresher.render.kinds import view_of
from refresher.render.layout import hanging, hung, options_view, progress_rule

__all__ = ["hanging", "options_view"]


def header(
    console: Console,
    title: str,
    count: int,
    matching: int,
    mode: str,
    seed: int | None,
    tries: int = 1,
) -> None:
    asked = f"{count} question{'s' if count != 1 else ''}" if count else "fresh numbers each time"
    if matching > count:
        asked += f" of {matching}"
    bits = [asked, f"{mode} mode"]
    if tries > 1:
        bits.append(f"{tries} tries at a typed answer")
    if seed is not None:
        bits.append(f"seed {seed}")
    body = Text.assemble(
        (" · ".join(bits), "accent"),
        "\n",
        (
            "At any prompt: s skips, f flags the question (flag where f is an answer),"
            " q ends the round (Ctrl-C too)."
            " Nothing answered is lost.",
            "muted",
        ),
    )
    console.print(Panel(body, title=Text(title, style="bold"), expand=False, padding=(0, 1)))


def question(
    console: Console,
    item: Item,
    number: int,
    total: int,
    right: int,
    answered: int,
    topic_name: str,
    *,
    show_score: bool = True,
) -> None:
    score = f"score {right}/{answered}" if answered else "no answers yet"
    if not show_score:  # exam mode: no hint of right or wrong until the end
        score = f"{answered} answered"
    console.print()
    console.print(
        progress_rule(
            f"Question {number} of {total}" if total else f"Question {number}", topic_name, score
        )
    )
    body(console, item)


def body(console: Console, item: Item) -> None:
    """The question itself, without the numbered rule above it (shared with `review`)."""
    view = view_of(item.question)
    if view.label:
        console.print(Text(view.label, style="accent"))
    console.print(view.prompt(item))
    for part in view.body(item):
        console.print(part)


def hint(q_type: str) -> str:
    return KINDS[q_type].hint


def hint_for(item: Item | None) -> str:
    """What to type: by kind, or by the expected shape for a numeric item."""
    if item is None:
        return ""
    return kind_of(item.question).hint_for(item)


def reprompt(console: Console, message: str) -> None:
    """Why an answer is asked again; a long reason wraps under itself."""
    console.print(hanging([("?", "skip")], [Text(message, style="skip")]))


def flagged(console: Console, qid: str, newly: bool) -> None:
    """One line after `f`: the question is flagged (the prompt is asked again below)."""
    if newly:
        said = "Flagged: refresher quiz --flagged asks it again."
    else:
        said = f"Flagged already: refresher unflag {qid} clears it."
    console.print(hanging([("⚑", "accent")], [Text(said, style="accent")]))


def skipped(console: Console) -> None:
    console.print(Text("↷ Skipped", style="skip"))


def echo(console: Console, text: str, prompt: str = "", end: str = "\n") -> None:
    """Show a piped answer after its prompt (Rich markup), so a scripted transcript reads like a
    typed one; an empty answer leaves no space after the prompt."""
    line = Text.from_markup(prompt, emoji=False) if prompt else Text()
    line.append(text, style="muted")
    line.rstrip()
    console.print(line, end=end)


def lettered(
    options: list[tuple[str, str]], indent: int, label: str = "", style: str = ""
) -> Padding:
    """Lettered options (`B) text`), each wrapped under its own text as the question shows
    them; with `label`, led by it on the first line (`The answer: B) text`)."""
    grid = Table.grid(padding=(0, 1))
    if label:
        grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for k, (code, text) in enumerate(options):
        row = [Text(f"{code})", style="letter"), Text(text, style=style)]
        grid.add_row(*([Text(label if k == 0 else "")] if label else []), *row)
    return Padding(grid, (0, 0, 0, indent), expand=False)


def given_text(answered: Answered) -> Text:
    """What the learner answered, with the option texts behind the letters."""
    return view_of(answered.item.question).given(answered)


def expected_text(answered: Answered) -> Text:
    """The right answer as shown to the learner (letters with their options, model answers)."""
    return view_of(answered.item.question).expected(answered)


def diagnosis(answered: Answered) -> Text | None:
    """The named mistake a wrong numeric answer matched, in one line, or None."""
    said = answered.outcome.detail.get("diagnosis")
    if not said or answered.outcome.correct:
        return None
    return hanging([("⚑", "skip")], [Text(str(said), style="skip")])


def tutor_hint(item: Item, width: int) -> list:
    """What is shown before a second try: the question's hint, or for a numeric item without
    one the first step of its worked solution with its numbers (the formulas instead when that
    step already holds the value asked)."""
    q = item.question
    if q.hint:
        return [hanging([("Hint:", "accent")], [q.hint])]  # wrapped lines stay under the hint
    instance = item.instance
    if instance is None:
        return []
    from refresher.render.worked import Equations, step_section  # NumPy: only with numbers

    worked = instance.worked
    if worked.steps and instance.ask not in worked.steps[0].values:
        step = step_section(worked.steps[0], 1, len(worked.steps), 4, width - 2)
        return [Text("  Hint: the first step", style="accent"), Padding(step, (0, 0, 0, 2))]
    if worked.intro:
        return [
            Text("  Hint: the formulas", style="accent"),
            Padding(Equations(worked.intro, 4), (0, 0, 0, 4)),
        ]
    return []


def not_yet(console: Console, item: Item, outcome: Outcome) -> None:
    """A wrong first try when a second is allowed: no answer shown, the mistake and a hint."""
    console.print(
        hanging(
            [("✗ Not yet", "wrong")], [f"— you answered {outcome.given}. One more try."], indent=0
        )
    )
    said = outcome.detail.get("diagnosis")
    if said:
        console.print(hanging([("⚑", "skip")], [Text(str(said), style="skip")]))
    for part in tutor_hint(item, console.width):
        console.print(part)


def overruled(console: Console, answered: Answered) -> None:
    console.print(Text("✓ Counted as right: you overruled it.", style="right"))


def feedback(console: Console, answered: Answered, *, fold: bool = False) -> bool:
    """Right/wrong, the right answer and the explanation (practice mode). With `fold` (on a
    terminal) a numeric slip shows where it went off, and True says the whole worked solution
    is held back for `unfold`."""
    folded = False
    outcome = answered.outcome
    q = answered.item.question
    view = view_of(q)
    if q.self_graded:
        mark = (
            ("✓ Marked as known", "right") if outcome.correct else ("✗ Marked to review", "wrong")
        )
        console.print(Text(mark[0], style=mark[1]))
        return False
    if outcome.correct:
        second = " on the second try" if answered.tries > 1 else ""
        console.print(Text(f"✓ Right{second}", style="right"))
        for note in view.notes(answered):
            console.print(note)
    else:
        # a long answer wraps under itself, not under the verdict
        console.print(hanging([("✗ Wrong", "wrong")], [f"— you answered {outcome.given}."], 0))
        said = diagnosis(answered)
        if said is not None:
            console.print(said)
        for note in view.notes(answered):
            console.print(note)
        answer = expected_text(answered)
        picked = view.expected_options(answered)
        if len(picked) > 1:  # options, one per line, wrapped as the question wraps them
            console.print(Text("  The answer:"))
            console.print(lettered(picked, 4))
        elif picked:
            console.print(lettered(picked, 2, "The answer:"))
        elif "\n" in answer.plain:  # several lines: one per line, aligned
            console.print(Text("  The answer:"))
            console.print(hung(answer, 4))
        else:
            console.print(hanging([("The answer:", "")], [answer]))  # wraps under itself
        folded = view.after_answer(console, answered, fold)
    if q.explanation:
        console.print(Padding(Text(q.explanation, style="muted"), (0, 0, 0, 2), expand=False))
    return folded


def unfold(console: Console, answered: Answered) -> None:
    """The part of the feedback `feedback(fold=True)` held back: the whole worked solution."""
    view_of(answered.item.question).folded(console, answered)


def reveal(console: Console, item: Item) -> None:
    """The model answer and key points of an open item, or the back of a card."""
    shown = view_of(item.question).reveal(item)
    if shown is not None:
        console.print(shown)
