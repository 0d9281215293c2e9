"""Drawing a review: the header, each card's heading, the rating choices with their intervals,
what a rating did, undo and leech notices, the summary, and the `config` table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from refresher.core.text import plural
from refresher.render.layout import progress_rule
from refresher.render.summary import duration, shortened
from refresher.srs.schedule import (
    RATING_NAMES,
    RATINGS,
    Queue,
    Rating,
    SessionSummary,
    interval_parts,
)

RATING_STYLES = {
    Rating.Again: "bold red",
    Rating.Hard: "bold yellow",
    Rating.Good: "bold green",
    Rating.Easy: "bold cyan",
}

KEYS = (
    "Enter reveals",
    "1 Again  2 Hard  3 Good  4 Easy",
    "u undoes",
    "s skips",
    "f flags",
    "q ends",
)


def keys_lines(width: int) -> str:
    """The keys, a line broken only between two of them (never `f` from `flags`), to `width`."""
    lines = [KEYS[0]]
    for key in KEYS[1:]:
        if len(lines[-1]) + 3 + len(key) <= width:
            lines[-1] += " · " + key
        else:
            lines[-1] += " ·"
            lines.append(key)
    return "\n".join(lines)


def interval(value: timedelta) -> str:
    """`10m`, `3d`, `1.5mo`: the interval a rating gives, as flashcard apps show it."""
    number, unit = interval_parts(value)
    return f"{number:g}{unit}"


def when(at: datetime, now: datetime) -> str:
    """A due time relative to `now`, both in the learner's zone: `in 3h (21:30)`, `Fri 27 Nov`."""
    local = at.astimezone(now.tzinfo)
    ahead = at - now
    if ahead <= timedelta(0):
        return "now"
    clock = local.strftime("%H:%M")
    if local.date() == now.date():
        return f"in {interval(ahead)} (at {clock})"
    if local.date() == (now + timedelta(days=1)).date():
        return f"tomorrow at {clock}"
    return f"in {interval(ahead)} ({local.strftime('%a %d %b')})"


def header(console: Console, title: str, queue: Queue, minutes: int | None = None) -> None:
    bits = [f"{queue.due_count} due", f"{queue.new_count} new"]
    if queue.due_total > queue.due_count:
        bits[0] += f" of {queue.due_total}"
    body = Text.assemble(
        (" · ".join(bits), "accent"),
        (f"  ({plural(len(queue.entries), 'card')})", "muted"),
    )
    if queue.held_back:
        body.append(f"\n{held_back(queue.held_back, minutes)}", style="skip")
    if queue.buried:
        body.append(f"\n{buried(queue.buried)}", style="skip")
    body.append("\n" + keys_lines(max(20, console.width - 4)), style="muted")  # the box's edges
    console.print(
        Panel(body, title=Text(f"Review · {title}", style="bold"), expand=False, padding=(0, 1))
    )


def held_back(n: int, minutes: int | None = None) -> str:
    why = "the daily review cap" if minutes is None else f"today's {minutes} minutes"
    return f"{n} held back for tomorrow ({why})"


def budget_used(console: Console, minutes: int | None, left: int) -> None:
    """The one line when today's daily_minutes end the review."""
    console.print(
        Text.assemble(
            (
                f"Today's {plural(minutes or 0, 'minute')} {'is' if minutes == 1 else 'are'} used",
                "skip",
            ),
            f": {plural(left, 'card')} left for tomorrow",
            ("  (review --no-budget goes on)", "muted"),
        )
    )


def buried(n: int) -> str:
    """Siblings left for tomorrow, as Anki buries them."""
    them = "waits" if n == 1 else "wait"
    return f"{plural(n, 'related card')} {them} for tomorrow (its group was answered today)"


def buried_now(n: int) -> str:
    """After a rating: the card's siblings still in this sitting are left for tomorrow."""
    if n == 1:
        return "↷ Its related card waits for tomorrow."
    return f"↷ Its {n} related cards wait for tomorrow."


def card_heading(console: Console, number: int, total: int, topic: str, status: str) -> None:
    console.print()
    console.print(progress_rule(f"Card {number} of {total}", topic, status))


def rating_bar(intervals: Mapping[Rating, timedelta], default: Rating | None = None) -> Text:
    """`1 Again (10m)  2 Hard (1d)  3 Good (3d)  4 Easy (8d)`; the default one bracketed."""
    text = Text()
    for k, rating in enumerate(RATINGS):
        if k:
            text.append("  ")
        label = f"{int(rating)} {RATING_NAMES[rating]} ({interval(intervals[rating])})"
        if rating == default:
            label = f"[{label}]"
        text.append(label, style=RATING_STYLES[rating])
    return text


def choices(console: Console, intervals: Mapping[Rating, timedelta]) -> None:
    console.print(rating_bar(intervals))


def auto_choice(console: Console, intervals: Mapping[Rating, timedelta], rating: Rating) -> None:
    console.print(rating_bar(intervals, default=rating))


def rated(
    console: Console,
    rating: Rating,
    gap: timedelta,
    *,
    again: bool,
    auto: bool,
) -> None:
    how = " (from your answer)" if auto else ""
    if again:
        tail = f" · due in {interval(gap)}, shown again in this review"
    else:
        tail = f" · next in {interval(gap)}"
    console.print(
        Text.assemble(("→ ", "muted"), (RATING_NAMES[rating], RATING_STYLES[rating]), how, tail)
    )


def leech(console: Console, card_id: int, key: str, lapses: int, prompt: str = "") -> None:
    named = f"“{shortened(prompt, 48)}” ({key})" if prompt else key
    console.print(
        Text.assemble(
            ("⚠ Leech: ", "wrong"),
            f"{named} has been failed {lapses} times and is now suspended. ",
            ("Rework it, then bring it back with ", "muted"),
            (f"refresher unsuspend {card_id}", "accent"),
        )
    )


def undone(console: Console, prompt: str, rating: Rating) -> None:
    """`↶ Undid Good on "What does the forget gate…"; here it is again.`"""
    console.print(
        Text.assemble(
            ("↶ Undid ", "skip"),
            (RATING_NAMES[rating], RATING_STYLES[rating]),
            f" on “{shortened(prompt, 48)}”; here it is again.",
        )
    )


def notice(console: Console, message: str, style: str = "skip") -> None:
    console.print(Text(message, style=style))


def nothing_due(
    console: Console,
    title: str,
    queue: Queue,
    new_per_day: int,
    now: datetime,
    minutes: int | None = None,
) -> None:
    console.print(Text.assemble(("Nothing to review in ", "accent"), (title, "bold"), " now."))
    if queue.held_back:
        console.print(Text(held_back(queue.held_back, minutes) + ".", style="skip"))
    if queue.buried:
        console.print(Text(buried(queue.buried) + ".", style="skip"))
    if queue.next_due is not None:
        console.print(Text(f"Next card due {when(queue.next_due, now)}.", style="muted"))
    if queue.new_unseen and not queue.new_left_today:
        console.print(
            Text(
                f"{plural(queue.new_unseen, 'new card')} waiting; "
                + (
                    "none asked today (--new 0)"
                    if new_per_day == 0
                    else f"today's {plural(new_per_day, 'new card')} "
                    + ("is" if new_per_day == 1 else "are")
                    + " done"
                )
                + " (more with --new N, or `refresher config new_per_day N`).",
                style="muted",
            )
        )
    elif not queue.new_unseen and queue.next_due is None:
        console.print(Text("No cards match those filters yet.", style="muted"))


def summary(
    console: Console,
    s: SessionSummary,
    seconds: float,
    after: Queue,
    now: datetime,
    tomorrow: int,
    minutes: int | None = None,
    left_at_budget: int | None = None,
) -> None:
    console.print()
    console.rule(Text("Review over", style="accent"), align="left", style="progress")
    line = Text.assemble(("Rated: ", "bold"), (plural(s.cards, "card"), "bold"))
    if s.ratings != s.cards:
        line.append(f" ({s.ratings} ratings)")
    if s.ratings:
        line.append("  ")
        for k, rating in enumerate(RATINGS):
            if k:
                line.append(" · ", style="muted")
            line.append(
                f"{RATING_NAMES[rating]} {s.by_rating[rating]}", style=RATING_STYLES[rating]
            )
    line.append(f"   time {duration(seconds)}", style="muted")
    console.print(line)
    if s.typed:
        pct = 100.0 * s.typed_right / s.typed
        console.print(
            Text.assemble(
                "Typed answers: ",
                (f"{s.typed_right}/{s.typed} right", "right" if pct >= 80 else "skip"),
                f" ({pct:.0f}%)",
            )
        )
    if s.skipped:
        them = "it stays" if s.skipped == 1 else "they stay"
        console.print(Text(f"Skipped {s.skipped}: {them} due.", style="skip"))
    if left_at_budget is not None:  # today's daily_minutes ended it
        budget_used(console, minutes, left_at_budget)
        return
    left = []
    if after.due_total:
        left.append(f"{after.due_total} due")
    if after.new_count:
        left.append(f"{after.new_count} new")
    if after.held_back:
        console.print(Text(held_back(after.held_back, minutes) + ".", style="skip"))
    if left:
        console.print(Text(f"Still to review today: {' and '.join(left)}.", style="muted"))
    else:
        upcoming = f"{tomorrow} due tomorrow" if tomorrow else "nothing due tomorrow"
        nxt = f"; next card {when(after.next_due, now)}" if after.next_due else ""
        console.print(Text(f"All done for today: {upcoming}{nxt}.", style="right"))


def config_table(
    console: Console,
    path: str,
    rows: Sequence[tuple[str, str, str, str]],
) -> None:
    """Settings as (name, value, default, help), the changed ones highlighted."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("Setting", style="bold")
    table.add_column("Value", justify="right")
    table.add_column("Default", justify="right", style="muted")
    table.add_column("What it does", style="muted")
    for name, value, default, text in rows:
        table.add_row(name, Text(value, style="accent" if value != default else ""), default, text)
    console.print(table)
    console.print()
    console.print(
        Text.assemble(
            ("File: ", "muted"),
            path,
            ("  ·  change one with ", "muted"),
            ("refresher config KEY VALUE", "accent"),
        )
    )
