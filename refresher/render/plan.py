"""Drawing `refresher plan`: days left, cards by state, today's target and time, readiness today
and on the interview morning, overall and by topic. Narrow terminals (60 columns) keep every
line whole: tables fold or cut their widest column, never the numbers."""

from __future__ import annotations

import math
from datetime import timedelta

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.app.plan import Plan
from refresher.core.text import plural
from refresher.render.layout import Command, said, section
from refresher.srs.forecast import Forecast
from refresher.srs.stats import CardCounts

BAR = "█"
BAR_EMPTY = "░"


def shown_minutes(m: float) -> int:
    """Minutes as the workload chart labels them: rounded half up (2.5 is 3, as a reader
    rounds), so the bar drawn from the same number can never disagree with its label."""
    return math.floor(m + 0.5)


def _level(r: float) -> str:
    return "right" if r >= 0.85 else ("skip" if r >= 0.6 else "wrong")


def pct(r: float) -> str:
    return f"{100 * r:.0f}%"


def bar(r: float, width: int) -> Text:
    """A share as a bar of `width` cells (a sliver shows for anything above 0)."""
    cells = round(r * width)
    if r > 0 and not cells:
        cells = 1
    return Text.assemble((BAR * cells, _level(r)), (BAR_EMPTY * (width - cells), "muted"))


def state_grid(c: CardCounts) -> Table:
    """Cards by state: names over counts, 47 columns wide."""
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    styles = ("accent", "", "right", "skip", "wrong" if c.suspended else "muted")
    names = ("new", "learning", "review", "relearning", "suspended")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True, header_style="muted")
    table.add_row(
        *(Text(str(getattr(c, n)), style=st) for n, st in zip(names, styles, strict=True))
    )
    return table


def _minutes(m: float) -> str:
    if m < 1:
        return "under a minute" if m > 0 else "nothing"
    if m < 60:
        return f"about {round(m)} min"
    return f"about {int(m // 60)} h {round(m % 60):02d} min"


def _rows(console: Console, rows: list[tuple[str, Text | str]]) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)


def workload_chart(console: Console, f: Forecast, minutes: int | None = None) -> None:
    """Minutes a day, simulated: one bar a day."""
    note = "minutes a day if you follow the plan, learning steps too"
    if minutes is not None:
        note = f"minutes a day within {minutes} if you follow the plan, learning steps too"
    section(console, "Workload", note)
    shown = [shown_minutes(m) for m in f.minutes]
    top = max(max(shown, default=0), minutes or 0) or 1
    width = max(10, min(40, console.width - 24))
    for d, m in zip(f.days, shown, strict=True):
        # the bar is the label's number drawn: equal labels, equal bars; more, never less
        cells = math.floor(m * width / top + 0.5)
        console.print(
            Text.assemble(
                (f"{d:%a %d %b}  ", "muted"),
                (f"{m:5d} min ", "bold"),
                (BAR * cells, "accent"),
            )
        )


def plan(console: Console, p: Plan) -> None:
    console.print(Text.assemble(("Plan", "bold"), " · ", (p.title, "accent")))
    t = p.target
    if p.passed_note and t is not None:
        console.print(
            said(
                [
                    f"Your interview date, {t.day:%a %d %b %Y}, has come: ",
                    Command("refresher review"),
                    " schedules with plain FSRS again. Set a new one with ",
                    Command("refresher config interview_date YYYY-MM-DD"),
                    ".",
                ],
                console.width,
                "skip",
            )
        )
    if p.status == "passed" and p.given_date and t is not None:
        saved = "none" if p.saved_date is None else f"{p.saved_date:%a %d %b %Y}"
        console.print(
            said(
                [
                    f"The date given, {t.day:%a %d %b %Y}, is not ahead: there is nothing to plan"
                    " toward it. (",
                    Command("refresher review"),
                    f" follows interview_date: {saved}.)",
                ],
                console.width,
                "skip",
            )
        )
    if p.status == "ahead" and t is not None:
        left = p.days_left or 0
        line = Text.assemble(
            ("Interview ", "bold"),
            (f"{t.day:%a %d %b %Y}", "accent"),
            " · ",
            (f"{plural(left, 'day')} left", "bold"),
        )
        if t.buffer_days and t.buffer_start > p.today:
            line.append(f" · last review from {t.buffer_start:%a %d %b}", style="muted")
        elif t.buffer_days:  # a date closer than the buffer: its days began before today
            line.append(" · in the last-review days", style="muted")
        console.print(line)
        if p.left_out:
            console.print(
                Text(
                    f"{plural(p.left_out, 'card')} not introduced before the last-review days"
                    f" {'waits' if p.left_out == 1 else 'wait'} until after the interview:"
                    " the buffer days hold no new cards.",
                    style="skip",
                )
            )
    elif p.status == "none" or not p.passed_note:
        console.print(
            said(
                [
                    "No interview date ahead: set one with ",
                    Command("refresher config interview_date YYYY-MM-DD"),
                    " (or try one with --date).",
                ],
                console.width,
                "muted",
            )
        )
    if t is not None and p.saved_date != t.day and p.status == "ahead":
        saved = "none" if p.saved_date is None else f"{p.saved_date:%d %b %Y}"
        console.print(
            said(
                [
                    Command("refresher review"),
                    f" follows the saved date ({saved}); keep this one with ",
                    Command(f"refresher config interview_date {t.day.isoformat()}"),
                    ".",
                ],
                console.width,
                "muted",
            )
        )

    c = p.cards
    section(console, "Cards", plural(c.total, "question"))
    console.print(state_grid(c))

    section(console, "Today", p.today.strftime("%a %d %b"))
    rows: list[tuple[str, Text | str]] = []
    if p.status == "ahead" and t is not None:
        if c.new == 0:
            pace = Text("every card is in", style="right")
        elif p.today >= t.buffer_start:
            they = "it waits" if c.new == 1 else "they wait"
            pace = Text(f"{c.new} not yet seen: {they} until after the interview", style="wrong")
        else:
            last = t.buffer_start - timedelta(days=1)
            pace = Text.assemble(
                (f"{p.pace} new a day", "bold"),
                f" to see every card by {last:%a %d %b}",
            )
            if p.new_per_day > p.pace:
                pace.append(f" (new_per_day {p.new_per_day} is more)", style="muted")
        rows.append(("Pace", pace))
    how = "your median" if p.seconds_from_history else "a default until you have answers"
    target = Text.assemble(
        (plural(p.target_today, "card"), "bold"),
        f": {p.due_today} due + {p.new_left} new",
        (f" · {_minutes(p.minutes_today)}", "accent"),
        (f" ({p.seconds_per_answer:.0f} s an answer, {how})", "muted"),
    )
    rows.append(("Target", target))
    if p.held_back:
        rows.append(
            (
                "Held back",
                Text.assemble(
                    (f"{p.held_back} for tomorrow", "skip"),
                    (
                        f" (at most {plural(p.review_cap, 'review')} a day; the backlog takes"
                        f" {plural(p.backlog_days, 'more day')})",
                        "muted",
                    ),
                ),
            )
        )
    retention = Text(f"{p.retention_today:g}")
    if p.retention_today != p.desired_retention:
        retention.append(f" in the final days ({p.desired_retention:g} before)", style="muted")
    rows.append(("Retention", retention))
    _rows(console, rows)

    r_now, r_day = p.readiness_now, p.readiness
    on_day = p.status == "ahead" and t is not None
    note = "predicted recall, unseen cards count as 0"
    section(console, "Readiness", note)
    shares: list[tuple[str, float]] = [("Today", r_now.overall)]
    if on_day and t is not None:
        shares.append((f"{t.day:%d %b} morning", r_day.overall))
    f = p.forecast
    if on_day and f is not None and f.readiness is not None:
        covered = len(f.days) >= (p.days_left or 0)  # else only the forecast's days
        label = (
            "  if you follow the plan" if covered else f"  {plural(len(f.days), 'day')} of the plan"
        )
        shares.append((label, f.readiness))
    # label, two spaces, "100% ", the bar: the bar shrinks so the line stays whole
    label_width = max(cell_len(label) for label, _ in shares)
    width = max(6, min(30, console.width - label_width - 2 - 5))
    lines: list[tuple[str, Text | str]] = [
        (label, Text.assemble((f"{pct(r):>4} ", _level(r)), bar(r, width))) for label, r in shares
    ]
    _rows(console, lines)
    if on_day:
        console.print(Text("  the morning figure: if you stopped studying now", style="muted"))

    if r_day.by_topic:
        console.print()
        table = Table(box=None, padding=(0, 1), pad_edge=False)
        table.add_column("Topic", overflow="ellipsis", no_wrap=True, max_width=26)
        table.add_column("Today", justify="right", no_wrap=True)
        if on_day:
            table.add_column("On the day", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        small = max(6, min(16, console.width - 50))
        for topic, r in sorted(r_day.by_topic.items(), key=lambda kv: (kv[1], kv[0])):
            now_r = r_now.by_topic.get(topic, 0.0)
            cells: list[Text | str] = [
                p.topic_names.get(topic, topic),
                Text(pct(now_r), style=_level(now_r)),
            ]
            if on_day:
                cells.append(Text(pct(r), style=_level(r)))
            cells.append(bar(r, small))
            table.add_row(*cells)
        console.print(table)
        weakest = [p.topic_names.get(k, k) for k in p.weakest_topics]
        console.print(Text.assemble(("Weakest: ", "bold"), (", ".join(weakest), "wrong")))
    if p.budget is not None:
        budget_rows(console, p)
    if f is not None and f.days:
        workload_chart(console, f, None if p.budget is None else p.budget.minutes)


def budget_rows(console: Console, p: Plan) -> None:
    """What the minutes a day buy: answers, the plan chosen, and what more minutes would."""
    b = p.budget
    if b is None:
        return
    how = "your median" if p.seconds_from_history else "a default until you have answers"
    section(console, "Budget", f"{b.minutes} min a day")
    rows: list[tuple[str, Text | str]] = [
        (
            "A day",
            Text.assemble(
                (f"about {plural(b.answers, 'answer')}", "bold"),
                (f" ({p.seconds_per_answer:.0f} s an answer, {how})", "muted"),
            ),
        ),
        ("Used today", f"{b.used_minutes:.0f} min"),
    ]
    ahead = p.status == "ahead" and p.target is not None
    if ahead and b.forecast.readiness is not None:
        pace = "the pace" if b.pace_factor == 1 else f"{b.pace_factor:g} × the pace"
        rows.append(
            (
                "Chosen",
                Text.assemble(
                    (f"retention {b.retention:g}", "bold"),
                    f" before the final days, new cards at {pace}",
                    (f" (best of {plural(b.tried, 'plan')} simulated)", "muted"),
                ),
            )
        )
        if b.all_in:
            fits = Text("every card is seen before the last-review days", style="right")
        else:
            fits = Text(
                f"{plural(b.forecast.unseen_left, 'card')}"
                f" {'stays' if b.forecast.unseen_left == 1 else 'stay'} unseen before the date:"
                f" {pct(b.forecast.readiness)} on the morning is the best it can do",
                style="wrong",
            )
        rows.append(("Fits", fits))
        if b.more is not None and b.more[1].readiness is not None:
            m, more = b.more
            if not b.all_in and more.unseen_left >= b.forecast.unseen_left:
                # no new-card day is left before the last-review days: time cannot help
                text = Text(
                    f"none would bring more cards in before the date (tried up to {m} min a"
                    " day): the days left are for review",
                    style="muted",
                )
            else:
                text = Text.assemble(
                    (f"{m} min a day", "bold"), f": {pct(more.readiness or 0.0)} on the morning"
                )
            if not b.all_in and more.unseen_left < b.forecast.unseen_left:
                text.append(
                    " with every card in"
                    if more.unseen_left == 0
                    else f", {plural(more.unseen_left, 'card')} still unseen (the most tried)",
                    style="muted",
                )
            rows.append(("More minutes", text))
    _rows(console, rows)
