"""Worksheets for paper: numbered questions with their inputs, then an answer key.

Questions are named by number only (an id such as `exploding-gradients-name` gives the answer
away); the key names each number's id, to find the question in the bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.core.model import Bank
from refresher.quiz.round import Item
from refresher.quiz.worksheet import Again
from refresher.render.kinds import view_of

INDENT = 4


def _question(n: int, item: Item, topics: dict[str, str]) -> RenderableType:
    q = item.question
    view = view_of(q)
    head = Table.grid(padding=(0, 1))  # a wrapped prompt stays right of its number
    head.add_column(no_wrap=True)
    head.add_column()
    head.add_row(Text(f"{n}.", style="accent"), view.prompt(item))
    head.add_row("", Text(topics.get(q.topic, q.topic), style="muted"))  # no kind names
    parts: list[RenderableType] = [head, *view.sheet_question(item), *_room(item)]
    return Padding(Group(*parts), (0, 0, 1, 0), expand=False)


RULED = "_" * 60  # a line to write on


def _grid(rows: int, cols: int) -> Table:
    """An empty grid of the answer's shape, to fill in."""
    grid = Table(show_header=False, show_lines=True, box=box.SQUARE, padding=(0, 3))
    for _ in range(cols):
        grid.add_column(width=2)
    for _ in range(rows):
        grid.add_row(*[""] * cols)
    return grid


def _room(item: Item) -> list[RenderableType]:
    """Room to write the answer in, shaped like it (as on the HTML sheet)."""
    from refresher.render.paper import entry

    q = item.question
    if q.type == "blank":  # its view prints the answer line
        return []
    room = entry(item).room
    lines = room.count('class="line"')
    if q.type == "numeric" and item.instance is not None and item.instance.expected.ndim:
        shape = item.instance.expected.shape
        return [Padding(_grid(*(shape if len(shape) == 2 else (1, shape[0]))), (1, 0, 0, 3))]
    if q.type == "cloze":
        return [Text(f"   [{k}] {RULED[:40]}") for k in range(1, len(q.blanks) + 1)]
    if room.count('class="box"'):
        return [Text("   " + "  ".join("[   ]" for _ in range(room.count('class="box"'))))]
    return [Text(f"   {RULED}", style="muted") for _ in range(lines)]


def _answer(n: int, item: Item) -> RenderableType:
    q = item.question
    view = view_of(q)
    parts: list[RenderableType] = [
        Text.assemble((f"{n}. ", "accent"), (f"({q.id}) ", "muted"), view.sheet_answer(item))
    ]
    if q.explanation:
        parts.append(Padding(Text(q.explanation, style="muted"), (0, 0, 0, INDENT), expand=False))
    parts.extend(view.sheet_workings(item))
    return Padding(Group(*parts), (0, 0, 1, 0), expand=False)


# Lines left to write in under a question on paper (HTML print), by question type.
ROOM = {"numeric": 6, "open": 8}


@dataclass(frozen=True)
class Worksheet:
    """A worksheet in parts, for an export that lays out pages: the heading, each question
    with the lines of room to leave under it, and the answer key (empty without answers)."""

    title: str
    subtitle: str
    questions: list[tuple[RenderableType, int]]
    key: list[RenderableType]


def worksheet_parts(
    bank: Bank, items: list[Item], seed: int, *, answers: bool, again: Again | None = None
) -> Worksheet:
    subtitle = f"{len(items)} question{'' if len(items) == 1 else 's'}"
    questions = [
        (_question(n, item, bank.topics), ROOM.get(item.question.type, 0))
        for n, item in enumerate(items, 1)
    ]
    key: list[RenderableType] = []
    if answers:  # the seed goes in the key, to print the same sheet again
        key = [_answer(n, item) for n, item in enumerate(items, 1)]
        again = again or Again.of(seed)
        key.append(
            Text(
                f"Printed from seed {seed}: {again.print_command} prints this sheet again, and"
                f" {again.quiz_command} asks the same numbers.",
                style="muted",
            )
        )
    return Worksheet(bank.title, subtitle, questions, key)


def worksheet(
    bank: Bank, items: list[Item], seed: int, *, answers: bool, again: Again | None = None
) -> list[RenderableType]:
    """Sections to print or export: title, the questions, and (with `answers`) the key."""
    parts = worksheet_parts(bank, items, seed, answers=answers, again=again)
    sections: list[RenderableType] = [
        Panel(
            Text.assemble(
                (parts.title, "bold"),
                "\n",
                (parts.subtitle, "muted"),
                "\n\nName: ________________________   Date: ______________",
            ),
            expand=False,
        ),
        Text(""),
    ]
    sections.extend(question for question, _ in parts.questions)
    if answers:
        sections.append(Rule(Text(" Answer key ", style="accent"), align="left", style="muted"))
        sections.extend(parts.key)
    return sections
