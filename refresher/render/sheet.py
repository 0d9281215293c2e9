"""Worksheets for paper: numbered questions with their inputs, then an answer key."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.model import Bank
from refresher.render.kinds import view_of
from refresher.session import Item

INDENT = 4


def _question(n: int, item: Item, topics: dict[str, str]) -> RenderableType:
    q = item.question
    view = view_of(q)
    head = Table.grid(padding=(0, 1))  # a wrapped prompt stays right of its number
    head.add_column(no_wrap=True)
    head.add_column()
    head.add_row(Text(f"{n}.", style="accent"), view.prompt(item))
    kind = view.sheet_name or q.type
    head.add_row("", Text(f"{topics.get(q.topic, q.topic)} · {kind} · {q.id}", style="muted"))
    parts: list[RenderableType] = [head, *view.sheet_question(item)]
    return Padding(Group(*parts), (0, 0, 1, 0), expand=False)


def _answer(n: int, item: Item) -> RenderableType:
    q = item.question
    view = view_of(q)
    parts: list[RenderableType] = [Text.assemble((f"{n}. ", "accent"), view.sheet_answer(item))]
    if q.explanation:
        parts.append(Padding(Text(q.explanation, style="muted"), (0, 0, 0, INDENT), expand=False))
    parts.extend(view.sheet_workings(item))
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
