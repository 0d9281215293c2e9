"""Bank listings and `check` reports."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.core.model import Bank
from refresher.core.text import plural
from refresher.kinds import NAMES


def bank_dict(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "title": bank.title,
        "path": bank.path,
        "questions": len(bank.questions),
        "by_type": bank.counts_by_type(),
        "by_topic": bank.counts_by_topic(),
        "topics": bank.topics,
    }


def bank_table(console: Console, loaded: list[Bank]) -> None:
    for bank in loaded:
        console.print(Text.assemble((bank.id, "accent"), "  ", (bank.title, "bold")))
        console.print(Text(f"{len(bank.questions)} questions · {bank.path}", style="muted"))
        table = Table(box=None, padding=(0, 2), show_edge=False)
        by_type = bank.counts_by_type()
        by_topic = bank.counts_by_topic()
        table.add_column("Type")
        table.add_column("Count", justify="right")
        table.add_column("Topic")
        table.add_column("Count", justify="right")
        types = [t for t in NAMES if t in by_type]
        topics = [t for t in bank.topics if t in by_topic]
        for k in range(max(len(types), len(topics))):
            t = types[k] if k < len(types) else ""
            p = topics[k] if k < len(topics) else ""
            table.add_row(
                t,
                str(by_type[t]) if t else "",
                f"{bank.topics[p]} ({p})" if p else "",
                str(by_topic[p]) if p else "",
            )
        console.print(table)
        console.print()


def problems(console: Console, lines: list[str]) -> None:
    for line in lines:
        console.print(Text(line, style="wrong"), soft_wrap=True)


def clean(console: Console, bank: Bank | None) -> None:
    if bank is None:
        return
    console.print(
        Text.assemble(
            ("✓ ", "right"),
            bank.path,
            (f"  {bank.id}: {plural(len(bank.questions), 'question')}, no problems", "muted"),
        )
    )


def check_failed(console: Console, failed: int, total: int) -> None:
    verb = "has" if failed == 1 else "have"
    console.print(
        Text(
            f"{failed} of {total} bank file{'s' if total != 1 else ''} {verb} problems",
            style="error",
        )
    )
