"""The end-of-round summary: score, time, a table by topic, skipped/unanswered, the misses."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.render.question import expected_text
from refresher.session import Summary


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _pct_style(pct: float) -> str:
    return "right" if pct >= 80 else ("skip" if pct >= 50 else "wrong")


def summary(console: Console, s: Summary, topics: dict[str, str], *, show_misses: bool) -> None:
    console.print()
    console.rule(Text("Round over", style="accent"), align="left", style="progress")
    score = Text.assemble(("Score: ", "bold"), (f"{s.right}/{s.answered}", "bold"))
    if s.answered:
        score.append(f"  ({s.percent:.1f}%)", style=_pct_style(s.percent))
    score.append(f"   time {duration(s.seconds)}", style="muted")
    console.print(score)
    if s.skipped:
        ids = ", ".join(i.question.id for i in s.skipped)
        console.print(Text(f"Skipped ({len(s.skipped)}): {ids}", style="skip"))
    if s.unanswered:
        console.print(
            Text(
                f"Not reached ({len(s.unanswered)} question"
                f"{'s' if len(s.unanswered) != 1 else ''})",
                style="muted",
            )
        )
    if s.by_topic:
        table = Table(title=None, show_edge=False, pad_edge=False, box=None, padding=(0, 2))
        table.add_column("Topic")
        table.add_column("Right", justify="right")
        table.add_column("Answered", justify="right")
        table.add_column("%", justify="right")
        for topic, (right, total) in sorted(
            s.by_topic.items(), key=lambda kv: topics_index(topics, kv[0])
        ):
            pct = 100.0 * right / total
            table.add_row(
                topics.get(topic, topic),
                str(right),
                str(total),
                Text(f"{pct:.0f}", style=_pct_style(pct)),
            )
        console.print()
        console.print(table)
    if show_misses and s.misses:
        console.print()
        table = Table(title="To go over", title_justify="left", show_lines=True, expand=True)
        table.add_column("Question", ratio=3)
        table.add_column("You", ratio=1)
        table.add_column("Answer", ratio=3)
        table.add_column("Why", ratio=3, style="muted")
        for miss in s.misses:
            q = miss.item.question
            table.add_row(
                q.prompt,
                Text(miss.outcome.given, style="wrong"),
                expected_text(miss),
                q.explanation,
            )
        console.print(table)


def topics_index(topics: dict[str, str], key: str) -> int:
    keys = list(topics)
    return keys.index(key) if key in keys else len(keys)
