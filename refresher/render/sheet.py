"""Worksheets for paper: numbered questions with their inputs, then an answer key."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.model import Bank, BlankQuestion, CardQuestion, OpenQuestion, QType
from refresher.render.question import options_view
from refresher.session import Item
from refresher.worksheet import answer_of

INDENT = 4
_IN_KEY = {QType.OPEN: "model answer and key points", QType.CARD: "the back of the card"}


def _question(n: int, item: Item, topics: dict[str, str]) -> RenderableType:
    q = item.question
    head = Table.grid(padding=(0, 1))  # a wrapped prompt stays right of its number
    head.add_column(no_wrap=True)
    head.add_column()
    head.add_row(Text(f"{n}.", style="accent"), Text(q.prompt, style="bold"))
    kind = {QType.OPEN: "interview question", QType.CARD: "flashcard"}.get(q.type, q.type.value)
    head.add_row("", Text(f"{topics.get(q.topic, q.topic)} · {kind} · {q.id}", style="muted"))
    parts: list[RenderableType] = [head]
    if item.options:
        parts.append(options_view(item.options, indent=3))
    if q.type is QType.TRUEFALSE:
        parts.append(Text("  True / False", style="muted"))
    if isinstance(q, BlankQuestion):
        parts.append(Text("  Answer: ______________________", style="muted"))
    if item.instance is not None:
        from refresher.render.numeric import inputs_view

        parts.append(inputs_view(item.instance))
    if q.type in (QType.OPEN, QType.CARD):
        parts.append(Text(f"  ({_IN_KEY[q.type]} in the answer key)", style="muted"))
    return Padding(Group(*parts), (0, 0, 1, 0), expand=False)


def _answer(n: int, item: Item) -> RenderableType:
    q = item.question
    answer = answer_of(item)
    parts: list[RenderableType] = []
    if q.type is QType.CHOICE:
        text = Text.assemble(
            (f"{answer})", "letter"), " ", item.options["ABCDEFGHIJ".index(answer)]
        )
    elif q.type is QType.MULTI:
        text = Text(", ".join(f"{a}) {item.options['ABCDEFGHIJ'.index(a)]}" for a in answer))
    elif q.type is QType.TRUEFALSE:
        text = Text("True" if answer else "False", style="bold")
    elif isinstance(q, BlankQuestion):
        text = Text(q.answers[0], style="bold")
        if len(q.answers) > 1:
            text.append(f"  (also: {', '.join(q.answers[1:])})", style="muted")
    elif isinstance(q, OpenQuestion):
        text = Text(q.answer)
        for point in q.points:
            text.append(f"\n  • {point}")
    elif isinstance(q, CardQuestion):
        text = Text(q.back)
    else:
        from refresher.numeric import format_answer

        text = Text(format_answer(item.instance.expected), style="bold")
    parts.append(Text.assemble((f"{n}. ", "accent"), text))
    if q.explanation:
        parts.append(Padding(Text(q.explanation, style="muted"), (0, 0, 0, INDENT), expand=False))
    if item.instance is not None:
        from refresher.render.worked import worked_sections

        parts.append(Padding(Group(*worked_sections(item.instance.worked)), (0, 0, 0, INDENT)))
    return Padding(Group(*parts), (0, 0, 1, 0), expand=False)


def worksheet(bank: Bank, items: list[Item], seed: int, *, answers: bool) -> list[RenderableType]:
    """Sections to print or export: title, the questions, and (with `answers`) the key."""
    has_numbers = any(i.instance is not None for i in items)
    subtitle = f"{len(items)} questions"
    if has_numbers:
        subtitle += f" · numbers from seed {seed} (quiz --seed {seed} asks the same)"
    sections: list[RenderableType] = [
        Panel(Text.assemble((bank.title, "bold"), "\n", (subtitle, "muted")), expand=False),
        Text(""),
    ]
    sections.extend(_question(n, item, bank.topics) for n, item in enumerate(items, 1))
    if answers:
        sections.append(Rule(Text(" Answer key ", style="accent"), align="left"))
        sections.extend(_answer(n, item) for n, item in enumerate(items, 1))
    return sections
