"""Drawing a mock interview: the header, each question, the countdown in the prompt, the model
answer with the key-point checklist, the score, the summary, and `interview --history`.

The learner's own text comes from the keyboard or the history file: it is shown with control
characters replaced (`text.strip_controls`, which keeps every character's place, so the matched
words found by `refresher.quiz.points` can be highlighted where they are).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.app.interview import (
    AnswerHistory,
    Asked,
    InterviewSummary,
    PastAnswer,
    Scored,
    rating_name,
)
from refresher.core import limits
from refresher.core.text import plural, strip_controls
from refresher.kinds.open import OpenQuestion
from refresher.quiz.points import Coverage
from refresher.render.layout import progress_rule
from refresher.render.review import RATING_STYLES
from refresher.render.summary import duration
from refresher.srs.schedule import Rating

MATCHED = "bold underline"
NARROW = 80  # below this width the history stacks the model answer over the answers


def clock(seconds: float) -> str:
    """`1:58`, `0:07`: minutes and seconds left, never negative."""
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


def header(
    console: Console, title: str, count: int, matching: int, limit: int, seed: int | None
) -> None:
    asked = f"{count} question{'s' if count != 1 else ''}"
    if matching > count:
        asked += f" of {matching}"
    bits = [asked, f"{clock(limit)} each" if limit else "no countdown"]
    if seed is not None:
        bits.append(f"seed {seed}")
    lines = ["Answer in several lines; an empty line (or Ctrl-D) ends the answer."]
    if limit:
        lines.append(
            "Each line's prompt shows the time left; a line sent after the time is up ends "
            "the answer."
        )
    lines.append(
        "Enter alone: you answered aloud. s skips, f flags the question, q ends (Ctrl-C too):"
        " nothing answered is lost."
    )
    keys = "\n".join(lines)
    body = Text.assemble((" · ".join(bits), "accent"), "\n", (keys, "muted"))
    console.print(
        Panel(body, title=Text(f"Interview · {title}", style="bold"), expand=False, padding=(0, 1))
    )


def question(console: Console, asked: Asked, total: int, topic: str) -> None:
    console.print()
    console.print(progress_rule(f"Question {asked.number} of {total}", topic))
    if asked.follows is not None:
        console.print(Text("Follow-up", style="accent"))
    else:
        console.print(Text("Interviewer", style="accent"))
    console.print(Text(asked.question.prompt, style="bold"))


def answer_prompt(first: bool, left: float | None, until: str | None = None) -> str:
    """The prompt of one answer line (console markup), with the time left when counting, as it
    was when the prompt was drawn, and on the first line the time of day the answer is due."""
    label = "[accent]Answer[/accent]" if first else "[muted]  …[/muted]"
    if left is None:
        return f"{label} [muted]›[/muted] "
    style = "wrong" if left <= 15 else "skip" if left <= 30 else "muted"
    due = f" [muted](until {until})[/muted]" if first and until else ""
    return f"{label} [{style}]{clock(left)} left[/{style}]{due} [muted]›[/muted] "


def times_up(console: Console, limit: int) -> None:
    console.print(
        Text(f"⏱ Time is up ({clock(limit)}): your answer ends here.", style="skip"),
    )


def reprompt(console: Console, message: str) -> None:
    """Why a line is asked again; a long reason wraps under itself."""
    from refresher.render.question import reprompt as said

    said(console, message)


def skipped(console: Console) -> None:
    console.print(Text("↷ Skipped", style="skip"))


def highlighted(text: str, guess: Coverage) -> Text:
    """The learner's answer with the words that matched a key point highlighted."""
    shown = Text(strip_controls(text))
    for start, end in guess.spans:
        shown.stylize(MATCHED, start, end)
    return shown


def model_answer(console: Console, q: OpenQuestion) -> None:
    console.print(
        Panel(Text(q.answer), title="Model answer", title_align="left", border_style="accent")
    )


def your_answer(console: Console, text: str, guess: Coverage) -> None:
    if not text.strip():
        console.print(Text("You answered aloud: tick the points you made.", style="muted"))
        return
    console.print(Text("Your answer (the words that matched a key point stand out):", "muted"))
    console.print(Padding(highlighted(text, guess), (0, 0, 0, 2), expand=False))


def checklist(console: Console, q: OpenQuestion, guess: Coverage, ticked: Sequence[int]) -> None:
    """The key points, numbered, ticked as they stand, with the words that matched each."""
    console.print(Text("Key points", style="accent"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for k, point in enumerate(q.points):
        on = k in ticked
        mark = Text(f"[{'x' if on else ' '}] {k + 1}", style="right" if on else "muted")
        line = Text(point)
        found = guess.points[k] if k < len(guess.points) else None
        if found is not None and found.covered:
            line.append(f"  — you said: {', '.join(found.matched)}", style="muted")
        grid.add_row(mark, line)
    console.print(Padding(grid, (0, 0, 0, 2), expand=False))


def ticks_label(ticked: Sequence[int]) -> str:
    now = " ".join(str(k + 1) for k in ticked) or "none"
    return f"Points you covered (Enter keeps: {now}; or type like 1 3, 0 for none)"


def score_line(covered: int, of: int, rating: Rating) -> Text:
    pct = 100.0 * covered / of if of else 0.0
    return Text.assemble(
        ("Score: ", "bold"),
        (f"{covered} of {of} points", "bold"),
        (f" ({pct:.0f}%)", "muted"),
        " · ",
        (rating_name(rating), RATING_STYLES[rating]),
    )


def scored(console: Console, s: Scored) -> None:
    line = score_line(s.covered, len(s.question.points), s.rating)
    line.append(f" · {duration(s.seconds)}", style="muted")
    if s.over_time:
        line.append(f" ({duration(s.over_time)} over)", style="skip")
    console.print(line)


def follow_up(console: Console, asked: Asked) -> None:
    console.print(Text("Good answer. The interviewer follows up…", style="right"))


# --- summary ------------------------------------------------------------------------------------


def summary(console: Console, s: InterviewSummary) -> None:
    console.print()
    console.rule(Text("Interview over", style="accent"), align="left", style="progress")
    if not s.answers:
        console.print(Text("No question answered.", style="muted"))
    else:
        table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 1))
        table.add_column("#", justify="right", style="muted")
        table.add_column("Question", ratio=1)
        table.add_column("Time", justify="right", no_wrap=True)
        table.add_column("Points", justify="right", no_wrap=True)
        table.add_column("Rating", no_wrap=True)
        for a in s.answers:
            prompt = Text("↳ " if a.asked.follows else "") + Text(a.question.prompt)
            if a.aloud:
                prompt.append(" (aloud)", style="muted")
            spent = Text(duration(a.seconds) + (" ⏱" if a.over_time else ""))
            if a.over_time:
                spent.stylize("skip")
            table.add_row(
                str(a.asked.number),
                prompt,
                spent,
                f"{a.covered}/{len(a.question.points)}",
                Text(rating_name(a.rating), style=RATING_STYLES[a.rating]),
            )
        console.print(table)
    if s.answers:
        line = Text.assemble(("Points covered: ", "bold"), (f"{100 * s.share:.0f}%", "bold"))
        line.append(f" over {len(s.answers)} answered", style="muted")
    else:
        line = Text("Nothing answered", style="bold")
    if s.skipped:
        line.append(f" · {len(s.skipped)} skipped", style="skip")
    if s.unasked:
        line.append(f" · {s.unasked} not reached", style="muted")
    line.append(f" · {duration(s.seconds)} in all", style="muted")
    console.print(line)
    if s.missed_most:
        console.print()
        console.print(Text("Points missed most (over all your answers to these)", "accent"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for m in s.missed_most:
            grid.add_row(
                Text("•", style="wrong"),
                Text.assemble(
                    m.point,
                    "\n",
                    (f"{m.question.id} · missed in {m.missed} of {m.answers} answers", "muted"),
                ),
            )
        console.print(Padding(grid, (0, 0, 0, 2), expand=False))


# --- history ------------------------------------------------------------------------------------


def history(console: Console, h: AnswerHistory, *, most: int = limits.PAST_ANSWERS_SHOWN) -> None:
    q = h.question
    console.print(Rule(Text.assemble((q.id, "progress"), " · ", (h.topic, "muted")), align="left"))
    console.print(Text(q.prompt, style="bold"))
    if not h.answers:
        console.print(
            Text(
                "No typed or scored answers to this question yet: run `refresher interview`.",
                style="muted",
            )
        )
        return
    shown = h.answers[-most:]
    console.print()
    console.print(_points_grid(q, shown, console.width))
    console.print()
    model = Panel(Text(q.answer), title="Model answer", title_align="left", border_style="accent")
    answers = [_past_panel(p) for p in reversed(shown)]
    if console.width < NARROW:
        console.print(model)
        for panel in answers:
            console.print(panel)
        return
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(model, Group(*answers))
    console.print(grid)


def every_answer(
    console: Console, q: OpenQuestion, topic: str, answers: Iterable[PastAnswer]
) -> int:
    """Every past answer, oldest first, each printed as it is read (`--history ID --all`);
    returns how many."""
    console.print(Rule(Text.assemble((q.id, "progress"), " · ", (topic, "muted")), align="left"))
    console.print(Text(q.prompt, style="bold"))
    count = 0
    chunk = Text()
    for count, p in enumerate(answers, start=1):
        # A line and the text, left for the terminal to wrap, printed a hundred answers at a
        # time: no layout per answer, so the time per answer stays small however many there are.
        chunk.append(_past_title(p) + "\n", style="muted")
        chunk.append_text(Text("  ") + _past_body(p) + Text("\n"))
        if count % 100 == 0:
            console.print(chunk, soft_wrap=True, end="")
            chunk = Text()
    if chunk:
        console.print(chunk, soft_wrap=True, end="")
    if count == 0:
        console.print(
            Text(
                "No typed or scored answers to this question yet: run `refresher interview`.",
                style="muted",
            )
        )
    else:
        console.print(Text(f"{plural(count, 'answer')}, oldest first.", style="muted"))
    return count


def _date(p: PastAnswer) -> str:
    return p.answered_at.strftime("%d %b\n%H:%M")  # two answers a day stay apart


def _points_grid(q: OpenQuestion, shown: Sequence[PastAnswer], width: int) -> Table:
    room = max(1, (width - 34) // 8)
    cols = list(shown[-room:])
    table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 1))
    table.add_column("", justify="right", style="muted", no_wrap=True)
    table.add_column("Key point", ratio=1)
    for p in cols:
        table.add_column(_date(p), justify="center", no_wrap=True)
    for k, point in enumerate(q.points):
        table.add_row(
            str(k + 1),
            Text(point),
            *(Text("✓", "right") if k in p.ticked else Text("·", "muted") for p in cols),
        )
    table.add_row(
        "",
        Text("Covered", style="bold"),
        *(Text(f"{p.score}/{p.of}", style="bold") for p in cols),
    )
    return table


def _past_panel(p: PastAnswer) -> Panel:
    return Panel(
        _past_body(p), title=Text(_past_title(p)), title_align="left", border_style="muted"
    )


def _past_title(p: PastAnswer) -> str:
    when = p.answered_at.strftime("%d %b %H:%M")
    return f"{when} · {p.mode} · {p.score}/{p.of} · {duration(p.seconds)}"


def _past_body(p: PastAnswer) -> Text:
    return highlighted(p.given, p.guess) if p.given.strip() else Text("(answered aloud)", "muted")
