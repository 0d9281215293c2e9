"""Drawing one question, the feedback after it, and the reveal of self-graded items."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.grading import LETTERS, letter
from refresher.model import (
    BlankQuestion,
    CardQuestion,
    ChoiceQuestion,
    MultiQuestion,
    OpenQuestion,
    QType,
    TrueFalseQuestion,
)
from refresher.session import Answered, Item

HINTS = {
    QType.CHOICE: "one letter",
    QType.MULTI: "every right letter, e.g. A C",
    QType.TRUEFALSE: "t or f",
    QType.BLANK: "the missing word(s)",
    QType.NUMERIC: "a number, vector (1 2) or matrix (1 2; 3 4)",
    QType.OPEN: "Enter to reveal the model answer",
    QType.CARD: "Enter to turn the card",
}


def header(
    console: Console, title: str, count: int, matching: int, mode: str, seed: int | None
) -> None:
    asked = f"{count} question{'s' if count != 1 else ''}" if count else "fresh numbers each time"
    if matching > count:
        asked += f" of {matching}"
    bits = [asked, f"{mode} mode"]
    if seed is not None:
        bits.append(f"seed {seed}")
    body = Text.assemble(
        (" · ".join(bits), "accent"),
        "\n",
        (
            "At any prompt: s skips, q ends the round (Ctrl-C too). Nothing answered is lost.",
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
        Rule(
            Text.assemble(
                (f"Question {number} of {total}" if total else f"Question {number}", "progress"),
                " · ",
                (topic_name, "muted"),
                " · ",
                (score, "muted"),
            ),
            align="left",
            style="progress",
        )
    )
    body(console, item)


def body(console: Console, item: Item) -> None:
    """The question itself, without the numbered rule above it (shared with `review`)."""
    q = item.question
    label = {QType.CARD: "Card", QType.OPEN: "Interview question"}.get(q.type)
    if label:
        console.print(Text(label, style="accent"))
    console.print(Text(q.prompt, style="bold"))
    if item.options:
        console.print(options_view(item.options))
    if isinstance(q, MultiQuestion) and "all that apply" not in q.prompt.lower():
        console.print(Text("  Select all that apply.", style="muted"))
    if isinstance(q, TrueFalseQuestion):
        console.print(Text("  True or false?", style="muted"))
    if item.instance is not None:  # numeric: the generated inputs (imports NumPy only here)
        from refresher.render.numeric import show_inputs

        show_inputs(console, item.instance)


def hanging(labels: list[tuple[str, str]], texts: Sequence[str], indent: int = 2) -> Padding:
    """Labelled lines whose wrapped text stays under itself, not under the label."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for (label, style), text in zip(labels, texts, strict=True):
        grid.add_row(Text(label, style=style), Text(text))
    return Padding(grid, (0, 0, 0, indent), expand=False)


def options_view(options: Sequence[str], indent: int = 2) -> Padding:
    labels = [(f"{letter(k)})", "letter") for k in range(len(options))]
    return hanging(labels, options, indent)


def hint(q_type: QType) -> str:
    return HINTS[q_type]


def hint_for(item: Item | None) -> str:
    """What to type: by kind, or by the expected shape for a numeric item."""
    if item is None:
        return ""
    instance = item.instance
    if instance is None:
        return HINTS[item.question.type]
    shape = instance.expected.shape
    if len(shape) == 2:
        return f"a {shape[0]}x{shape[1]} matrix, rows split by ';'"
    if len(shape) == 1 and shape[0] > 1:
        return f"{shape[0]} numbers separated by spaces"
    return "a number"


def reprompt(console: Console, message: str) -> None:
    console.print(Text.assemble(("  ? ", "skip"), (message, "skip")))


def skipped(console: Console) -> None:
    console.print(Text("↷ Skipped", style="skip"))


def echo(console: Console, text: str) -> None:
    """Show a piped answer, so a scripted transcript reads like a typed one."""
    console.print(Text(text, style="muted"))


def given_text(answered: Answered) -> Text:
    """What the learner answered, with the option texts behind the letters."""
    q, outcome = answered.item.question, answered.outcome
    if isinstance(q, ChoiceQuestion | MultiQuestion) and outcome.given:
        picked = outcome.given.split()
        parts = [f"{g}) {answered.item.options[LETTERS.index(g)]}" for g in picked]
        return Text("\n".join(parts))
    return Text(outcome.given)


def expected_text(answered: Answered) -> Text:
    """The right answer as shown to the learner (letters with their options, model answers)."""
    q, outcome = answered.item.question, answered.outcome
    if q.type in (QType.CHOICE,):
        return Text.assemble(
            (f"{outcome.expected})", "letter"), " ", outcome.detail.get("expected_text", "")
        )
    if isinstance(q, MultiQuestion):
        parts: list = []
        for k, opt_index in enumerate(answered.item.order):
            if opt_index in q.answers:
                parts.extend(
                    [
                        ("\n" if parts else "", ""),
                        (f"{letter(k)})", "letter"),
                        " ",
                        q.options[opt_index],
                    ]
                )
        return Text.assemble(*parts)
    if isinstance(q, BlankQuestion):
        others = [a for a in q.answers[1:]]
        text = Text(q.answers[0], style="bold")
        if others:
            text.append(f"  (also accepted: {', '.join(others)})", style="muted")
        return text
    if isinstance(q, OpenQuestion):
        return Text(q.answer)
    if isinstance(q, CardQuestion):
        return Text(q.back)
    return Text(outcome.expected, style="bold")


def feedback(console: Console, answered: Answered) -> None:
    """Right/wrong, the right answer and the explanation (practice mode)."""
    outcome = answered.outcome
    q = answered.item.question
    if q.self_graded:
        mark = (
            ("✓ Marked as known", "right") if outcome.correct else ("✗ Marked to review", "wrong")
        )
        console.print(Text(mark[0], style=mark[1]))
        return
    if outcome.correct:
        console.print(Text("✓ Right", style="right"))
    else:
        line = Text.assemble(("✗ Wrong", "wrong"), f" — you answered {outcome.given}.")
        console.print(line)
        missing, extra = outcome.detail.get("missing"), outcome.detail.get("extra")
        if missing or extra:
            bits = []
            if missing:
                bits.append(f"missed {' '.join(missing)}")
            if extra:
                bits.append(f"{' '.join(extra)} should not be ticked")
            console.print(Text("  " + "; ".join(bits), style="muted"))
        answer = expected_text(answered)
        if "\n" in answer.plain:  # several options: one per line, aligned
            console.print(Text("  The answer:"))
            console.print(Padding(answer, (0, 0, 0, 4), expand=False))
        else:
            console.print(Text.assemble("  The answer: ", answer))
        if answered.item.instance is not None:
            from refresher.render.numeric import worked_solution, wrong_cells

            wrong_cells(console, answered.item.instance, outcome.detail.get("wrong_cells", []))
            worked_solution(console, answered.item.instance)
    if q.explanation:
        console.print(Padding(Text(q.explanation, style="muted"), (0, 0, 0, 2), expand=False))


def reveal(console: Console, item: Item) -> None:
    """The model answer and key points of an open item, or the back of a card."""
    q = item.question
    if isinstance(q, OpenQuestion):
        parts: list = [Text(q.answer)]
        if q.points:
            parts.append(Text("\nKey points", style="accent"))
            parts.append(hanging([("•", "accent")] * len(q.points), q.points))
        console.print(
            Panel(Group(*parts), title="Model answer", title_align="left", border_style="accent")
        )
    elif isinstance(q, CardQuestion):
        console.print(
            Panel(
                Text(q.back),
                title="Back",
                title_align="left",
                border_style="accent",
            )
        )
