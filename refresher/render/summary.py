"""The end-of-round summary: score, time, a table by topic, skipped/unanswered, the misses."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from refresher.core.text import excerpt
from refresher.quiz.round import Answered, Summary
from refresher.render.kinds import view_of
from refresher.render.layout import hanging, hung
from refresher.render.question import expected_text, given_text, lettered


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
    if s.answered:
        score = Text.assemble(("Score: ", "bold"), (f"{s.right}/{s.answered}", "bold"))
        score.append(f"  ({s.percent:.1f}%)", style=_pct_style(s.percent))
    else:
        score = Text("Nothing answered", style="bold")
    if s.second_try:
        score.append(f"  {s.first_try}/{s.answered} at the first try", style="muted")
    score.append(f"   time {duration(s.seconds)}", style="muted")
    console.print(score)
    if len(s.skipped) == 1:
        lead = "Skipped (1): "
        named = shortened(s.skipped[0].question.prompt, console.width - len(lead))
        console.print(Text(lead + named, style="skip"))
    elif s.skipped:
        console.print(Text(f"Skipped ({len(s.skipped)}):", style="skip"))
        for item in s.skipped:
            named = shortened(item.question.prompt, console.width - 4)
            console.print(Text(f"  · {named}", style="skip"))
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
        console.print(Text("To go over", style="accent"))
        for n, miss in enumerate(s.misses, 1):
            _miss(console, n, miss)


def _miss(console: Console, n: int, miss: Answered) -> None:
    """One missed question: the prompt, what you said, the answer, why (and numeric workings)."""
    q = miss.item.question
    console.print()
    console.print(hanging([(f"{n}.", "wrong")], [q.prompt], indent=0))
    view = view_of(q)
    given = given_text(miss)
    given.stylize("wrong")
    picked = view.given_options(miss)
    if len(picked) > 1:  # options wrap under their own text, as the question shows them
        lines: list = [Text("You:", style="muted"), lettered(picked, 2, style="wrong")]
    elif "\n" in given.plain:
        lines = [Text("You:", style="muted"), Padding(given, (0, 0, 0, 2), expand=False)]
    else:
        lines = [Text.assemble(("You: ", "muted"), given)]
    answer = expected_text(miss)
    right = view.expected_options(miss)
    if len(right) > 1:
        lines += [Text("Answer:", style="muted"), lettered(right, 2)]
    elif "\n" in answer.plain:
        lines += [Text("Answer:", style="muted"), hung(answer, 2)]
    else:
        lines.append(Text.assemble(("Answer: ", "muted"), answer))
    said = miss.outcome.detail.get("diagnosis")
    if said:
        lines.append(Text(f"⚑ {said}", style="skip"))
    if q.explanation:
        lines.append(Text(q.explanation, style="muted"))
    console.print(Padding(Group(*lines), (0, 0, 0, 3), expand=False))
    if miss.item.instance is not None:
        from refresher.render.numeric import worked_solution  # NumPy: only with numbers

        worked_solution(console, miss.item.instance)


def shortened(text: str, width: int = 60) -> str:
    """A question's text on one line of at most `width` characters (20 at least), to name it
    in a message: a longer one is cut at a word boundary and ends with `…`."""
    width = max(width, 20)
    flat = excerpt(text, 4 * width)  # one control-free line
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if flat[width - 1] != " ":  # the cut falls inside a word: end at the word before it
        space = cut.rfind(" ")
        if space >= width // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def topics_index(topics: dict[str, str], key: str) -> int:
    keys = list(topics)
    return keys.index(key) if key in keys else len(keys)
