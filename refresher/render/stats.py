"""Drawing `refresher stats`: activity as Unicode bars, accuracy tables, the due forecast, the
weakest questions and leeches. Green, yellow and red always mean good, so-so and weak."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from refresher.core.text import plural
from refresher.kinds.numeric.names import label_of
from refresher.render.layout import COMMAND_STYLE, Command, said, section
from refresher.render.plan import bar as share_bar
from refresher.render.plan import state_grid
from refresher.render.review import RATING_STYLES
from refresher.srs.optimize import ModelFit
from refresher.srs.schedule import RATING_NAMES, RATINGS
from refresher.srs.stats import Accuracy, DayActivity, Heatmap, Stats

ANSWER_BAR = "█"
REVIEW_BAR = "▒"
ANSWER_STYLE = "cyan"
REVIEW_STYLE = "magenta"
SPARKS = "▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"  # no study, then four levels of a day's count
BAR_WIDTH = 40
HEAT_LABEL = 4  # "Mon " before each row of the calendar
RETENTION_NAMES = {"today": "Today", "7d": "7 days", "30d": "30 days"}
WEEKLY_AFTER = 31  # more days than this are drawn a week per line
STACK_BELOW = 100  # narrower, a table's question shows its id on a line above its text


def _level(fraction: float | None, good: float = 0.8, fair: float = 0.5) -> str:
    if fraction is None:
        return "muted"
    return "right" if fraction >= good else ("skip" if fraction >= fair else "wrong")


def _pct(acc: Accuracy) -> Text:
    frac = acc.fraction
    return Text("–" if frac is None else f"{100 * frac:.0f}%", style=_level(frac))


def _buckets(daily: Sequence[DayActivity]) -> list[tuple[str, int, int]]:
    if len(daily) <= WEEKLY_AFTER:
        return [(d.day.strftime("%a %d %b"), d.answers, d.reviews) for d in daily]
    out = []
    for k in range(0, len(daily), 7):
        week = daily[k : k + 7]
        label = f"{week[0].day:%d %b} – {week[-1].day:%d %b}"
        out.append((label, sum(d.answers for d in week), sum(d.reviews for d in week)))
    return out


def activity_chart(daily: Sequence[DayActivity], width: int = BAR_WIDTH) -> Text:
    """One line per day (or per week over a long span): answers then reviews, stacked.

    Laid out as a table with no border would be (the label, the bar in `width` cells, the
    counts on the right, two spaces between), as lines of text: a Rich table measures each of
    its cells, most of the time of `stats`' chart."""
    rows = _buckets(daily)
    top = max((a + r for _, a, r in rows), default=0)
    cells: list[tuple[str, Text, Text]] = []
    for label, answers, reviews in rows:
        a_cells = r_cells = 0
        if top:
            total_cells = round((answers + reviews) * width / top)
            a_cells = round(answers * width / top)
            r_cells = total_cells - a_cells
            # anything studied shows at least a sliver
            if answers and not a_cells:
                a_cells = 1
            if reviews and r_cells <= 0:
                r_cells = 1
        bar = Text.assemble(
            (ANSWER_BAR * a_cells, ANSWER_STYLE), (REVIEW_BAR * r_cells, REVIEW_STYLE)
        )
        bar.truncate(width, pad=True)
        if answers or reviews:
            numbers = Text.assemble(
                (str(answers), ANSWER_STYLE), (" + ", "muted"), (str(reviews), REVIEW_STYLE)
            )
        else:
            numbers = Text("·", style="muted")
        cells.append((label, bar, numbers))
    label_width = max((cell_len(label) for label, _, _ in cells), default=0)
    numbers_width = max((n.cell_len for _, _, n in cells), default=0)
    chart = Text(no_wrap=True, overflow="crop", end="\n")
    for k, (label, bar, numbers) in enumerate(cells):
        if k:
            chart.append("\n")
        chart.append(label + " " * (label_width - cell_len(label)), style="muted")
        chart.append("  ")
        chart.append_text(bar)
        chart.append("  " + " " * (numbers_width - numbers.cell_len))
        chart.append_text(numbers)
    return chart


def _accuracy_table(title: str, rows: dict[str, Accuracy], names: dict[str, str]) -> Table:
    table = Table(box=None, padding=(0, 1), pad_edge=False, title_justify="left")
    table.add_column(title, overflow="fold")
    table.add_column("Right", justify="right", no_wrap=True)
    table.add_column("Of", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    for key, acc in sorted(rows.items(), key=lambda kv: (kv[1].fraction or 0, kv[0])):
        table.add_row(names.get(key, key), str(acc.right), str(acc.answered), _pct(acc))
    return table


def forecast_table(counts: Sequence[int], first_label: str, later: Sequence[str]) -> Table:
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    labels = [first_label, *later]
    for label in labels:
        table.add_column(label, justify="right", no_wrap=True)
    top = max(counts, default=0)
    sparks = [
        Text(SPARKS[min(7, round(7 * n / top))] if n and top else " ", style="accent")
        for n in counts
    ]
    table.add_row(*sparks)
    table.add_row(
        *(Text(str(n), style="bold" if k == 0 and n else "") for k, n in enumerate(counts))
    )
    return table


def heat_levels(counts: Sequence[int]) -> list[int]:
    """A shade 0-4 per day: 0 for none, then by quarters of the busiest day."""
    top = max(counts, default=0)
    return [0 if not n else min(4, 1 + (4 * (n - 1)) // max(1, top)) for n in counts]


def heatmap(h: Heatmap, width: int) -> Text:
    """The last year as a grid: a column a week (Monday on top), as many weeks as fit."""
    first = h.first - timedelta(days=h.first.weekday())  # the Monday of the first week
    weeks = (h.last - first).days // 7 + 1
    shown = max(1, min(weeks, width - HEAT_LABEL))
    start = first + timedelta(weeks=weeks - shown)
    levels = heat_levels(h.counts)
    text = Text(no_wrap=True, overflow="crop")
    months = [" "] * shown
    for w in range(shown):
        monday = start + timedelta(weeks=w)
        if monday.day <= 7 and w + 3 <= shown:
            months[w : w + 3] = list(monday.strftime("%b"))
    text.append(" " * HEAT_LABEL + "".join(months).rstrip() + "\n", style="muted")
    for weekday in range(7):
        label = ("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday]
        text.append(f"{label:<{HEAT_LABEL}}", style="muted")
        for w in range(shown):
            d = start + timedelta(weeks=w, days=weekday)
            k = (d - h.first).days
            if k < 0 or k >= len(levels):
                text.append(" ")
                continue
            level = levels[k]
            text.append(SHADES[level], style="right" if level else "muted")
        text.append("\n")
    total = sum(h.counts)
    days = sum(1 for n in h.counts if n)
    text.append(" " * HEAT_LABEL, style="muted")
    text.append(f"less {SHADES} more", style="muted")
    counted = plural(total, "answer or review", "answers and reviews")
    text.append(f" · {plural(days, 'study day')}, {counted}", style="muted")
    return text


def bars(rows: Sequence[tuple[str, int]], width: int) -> Text:
    """A small horizontal bar chart: label (on the right of its room), bar, count (on the right),
    two spaces apart, as lines of text (a table of tables measures every cell again)."""
    top = max((n for _, n in rows), default=0)
    label_width = max((cell_len(label) for label, _ in rows), default=0)
    count_width = max((len(str(n)) for _, n in rows), default=0)
    chart = Text(no_wrap=True, overflow="crop", end="\n")
    for k, (label, n) in enumerate(rows):
        cells = round(n * width / top) if top else 0
        if n and not cells:
            cells = 1
        bar = Text("█" * cells, style="accent")
        bar.truncate(width, pad=True)
        if k:
            chart.append("\n")
        chart.append(" " * (label_width - cell_len(label)) + label, style="muted")
        chart.append("  ")
        chart.append_text(bar)
        chart.append("  " + str(n).rjust(count_width))
    return chart


def _retention_table(s: Stats) -> Table:
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    table.add_column("True retention", no_wrap=True)
    table.add_column("Recalled", justify="right", no_wrap=True)
    table.add_column("Of", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    good = s.desired_retention
    for key, acc in s.true_retention.items():
        table.add_row(
            RETENTION_NAMES.get(key, key),
            str(acc.right),
            str(acc.answered),
            Text(
                "–" if acc.fraction is None else f"{100 * acc.fraction:.0f}%",
                style=_level(acc.fraction, good - 0.02, good - 0.15),
            ),
        )
    return table


def stats(console: Console, s: Stats, title: str) -> None:
    span = f"{s.first_day:%d %b} – {s.today:%d %b %Y}"
    console.print(
        Text.assemble(
            ("Study stats", "bold"),
            " · ",
            (title, "accent"),
            (f" · last {plural(s.days, 'day')} ({span})", "muted"),
        )
    )
    if not s.attempts and not s.reviews and not s.cards.total - s.cards.new:
        console.print()
        console.print(
            said(
                [
                    "Nothing studied yet here. Start with ",
                    Command("refresher quiz"),
                    " or ",
                    Command("refresher review"),
                    ".",
                ],
                console.width,
                "muted",
            )
        )
        c = s.cards  # what there is to start on; charts of nothing say nothing
        section(console, "Cards", f"{c.new:,} new, ready for refresher review")
        flagged(console, s)
        return

    # activity
    section(console, "Activity", f"{ANSWER_BAR} quiz answers  {REVIEW_BAR} reviews")
    # room for the longest label ("26 Oct – 01 Nov") and counts ("120 + 340") beside the bar
    console.print(activity_chart(s.daily, max(8, min(BAR_WIDTH, console.width - 34))))
    streak = Text.assemble(("Streak: ", "bold"))
    if s.streak_days:
        streak.append(plural(s.streak_days, "day"), style="right")
        if not s.studied_today:
            streak.append(" (study today to keep it)", style="skip")
    else:
        streak.append("none yet", style="muted")
    streak.append("   ")
    streak.append(plural(s.attempts, "quiz answer"), style=ANSWER_STYLE)
    streak.append(" · ", style="muted")
    streak.append(plural(s.reviews, "review"), style=REVIEW_STYLE)
    if s.reviews:
        streak.append("  (")
        for k, r in enumerate(RATINGS):
            if k:
                streak.append(" · ", style="muted")
            streak.append(f"{RATING_NAMES[r]} {s.ratings[r]:,}", style=RATING_STYLES[r])
        streak.append(")")
    console.print(streak)

    # accuracy
    overall = s.accuracy
    note = (
        f"{overall.right:,} of {plural(overall.answered, 'answer')} right"
        if overall.answered
        else "no answers in this period"
    )
    section(console, "Accuracy", note)
    if overall.answered:
        console.print(Text.assemble("Overall ", _pct(overall)))
        topic = _accuracy_table("Topic", s.by_topic, s.topic_names)
        kind = _accuracy_table("Type", s.by_type, {})
        if console.width >= 90:
            grid = Table.grid(padding=(0, 6))
            grid.add_row(topic, kind)
            console.print(grid)
        else:  # narrow: one under the other, so no column is squeezed out
            console.print(topic)
            console.print()
            console.print(kind)

    # schedule
    c = s.cards
    section(console, "Cards", f"{c.total:,} in all, by state; due in the next days below")
    console.print(state_grid(c))
    console.print()
    later = [(s.today + timedelta(days=k)).strftime("%a") for k in range(1, len(s.forecast))]
    console.print(forecast_table(s.forecast, "Today", later))

    stacked = console.width < STACK_BELOW  # the id over its text: the text keeps the room
    # weakest
    if s.weakest:
        section(console, "Weakest questions", "most missed first, then lowest recall")
        table = Table(box=None, padding=(0, 1), pad_edge=False, expand=True)
        table.add_column("Question", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("Missed", justify="right", no_wrap=True)
        table.add_column("Recall", justify="right", no_wrap=True)
        for w in s.weakest:
            missed = Text(f"{w.missed}/{w.answered}" if w.answered else "–")
            if w.missed:
                missed.stylize(_level(1 - w.missed / w.answered))
            r = w.retrievability
            recall = Text("–" if r is None else f"{100 * r:.0f}%", style=_level(r, 0.9, 0.7))
            table.add_row(_named(w.question.prompt, w.question.id, stacked), missed, recall)
        console.print(table)

    # leeches
    if s.leeches:
        section(console, "Leeches", "failed again and again: rework them, then unsuspend")
        table = Table(box=None, padding=(0, 1), pad_edge=False, expand=True)
        table.add_column("Card", justify="right", no_wrap=True)
        table.add_column("Question", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("Fails", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        for x in s.leeches:
            table.add_row(
                Text(str(x.card_id), style="wrong"),
                _named(x.question.prompt, x.question.id, stacked),
                str(x.lapses),
                Text(
                    f"refresher unsuspend {x.card_id}" if x.suspended else "back in reviews",
                    style="accent" if x.suspended else "muted",
                ),
            )
        console.print(table)

    flagged(console, s)
    _panels(console, s)


def flagged(console: Console, s: Stats) -> None:
    """The questions the learner flagged (`f` at a prompt), oldest flag first."""
    if not s.flagged:
        return
    section(console, "Flagged", "quiz --flagged asks them; unflag ID clears one")
    table = Table(box=None, padding=(0, 1), pad_edge=False, expand=True)
    table.add_column("Flagged", style="muted", no_wrap=True)
    table.add_column("Question", ratio=1, no_wrap=True, overflow="ellipsis")
    for f in s.flagged:
        table.add_row(f"{f.day:%Y-%m-%d}", _named(f.question.prompt, f.question.id))
    console.print(table)


def _named(prompt: str, qid: str, stacked: bool = False) -> Text:
    """A question in a table: its id first (what `show`, `unflag` and `quiz --id` take), then
    its text, so every row has its id and a narrow terminal cuts the text, never the id.
    `stacked`, the id on a line of its own above the text, which then has the column's room."""
    text = " ".join(prompt.split())
    return Text.assemble((qid, "muted"), "\n  " if stacked else "  ", (text, "bold"))


def practice(console: Console, s: Stats) -> None:
    """First-try accuracy and the named mistakes made most often (numeric answers)."""
    first = s.first_try
    if not first.answered or (first.right == s.accuracy.right and not s.mistakes):
        return  # no second tries, no overruled answers, no named mistake: nothing to add
    section(console, "Practice", "first tries and the mistakes you make most")
    line = Text.assemble("First try ", _pct(first), (f"  ({first.right} of {first.answered})"))
    line.append(f"   after a second try {_pct(s.accuracy).plain}", style="muted")
    if s.overruled:
        line.append(f"   overruled by you: {s.overruled}", style="muted")
    console.print(line)
    if s.mistakes:
        table = Table(box=None, padding=(0, 1), pad_edge=False)
        table.add_column("Mistake", overflow="fold")
        table.add_column("Times", justify="right", no_wrap=True)
        for name, n in s.mistakes:
            table.add_row(label_of(name), Text(str(n), style="wrong"))
        console.print(table)


def model_fit_line(m: ModelFit) -> Text:
    """How well the memory model predicts you: the fit of the FSRS parameters in force."""
    assert m.score is not None
    line = Text(
        f"Model fit: log loss {m.score.log_loss:.3f}, RMSE {100 * m.score.rmse:.1f}% over "
        f"{plural(m.reviews, 'review')}, with FSRS parameters ",
        style="muted",
    )
    if m.fitted:
        line.append("your own (")
        line.append("refresher optimize", style=COMMAND_STYLE)
        line.append(")")
    else:
        line.append("the defaults")
    line.append("; lower is better.")
    return line


def _panels(console: Console, s: Stats) -> None:
    """Retention, the study calendar, memory and readiness: what Anki users look for."""
    if s.true_retention:
        section(
            console,
            "Retention",
            f"review cards recalled, against your desired {100 * s.desired_retention:.0f}%",
        )
        console.print(_retention_table(s))
    if s.model_fit is not None and s.model_fit.score is not None:
        console.print(model_fit_line(s.model_fit))
    if s.heatmap is not None:
        section(console, "Study calendar", "the last year")
        console.print(heatmap(s.heatmap, console.width))
    m = s.memory
    if m.studied:
        section(console, "Memory", f"{plural(m.studied, 'card')} studied")
        chart = max(8, min(24, console.width - 20))
        stability = Table(box=None, padding=(0, 1), pad_edge=False, title_justify="left")
        stability.add_column("Stability (days until recall falls to 90%)", no_wrap=True)
        stability.add_row(bars(m.stability, chart))
        difficulty = Table(box=None, padding=(0, 1), pad_edge=False)
        difficulty.add_column("Difficulty (1 easy - 10 hard)", no_wrap=True)
        difficulty.add_row(bars(m.difficulty, chart))
        if console.width >= 100:
            grid = Table.grid(padding=(0, 4))
            grid.add_row(stability, difficulty)
            console.print(grid)
        else:
            console.print(stability)
            console.print(difficulty)
        line = Text.assemble(
            ("Total knowledge ", "bold"),
            (f"≈ {m.knowledge:.1f}", "accent"),
            (f" cards recalled now, of {m.studied:,} studied", "muted"),
        )
        console.print(line)
    if s.seconds_per_answer is not None:
        console.print(
            Text.assemble(
                ("Time ", "bold"),
                (f"{s.seconds_per_answer:.1f} s", "accent"),
                (" an answer on average in this period", "muted"),
            )
        )
    r = s.readiness
    if r is not None and r.questions:
        when = (
            f"on {s.interview_date:%d %b}, morning"
            if s.interview_date is not None and r.at.date() >= s.interview_date
            else "now"
        )
        section(console, "Readiness", f"predicted recall {when}")
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(no_wrap=True, overflow="ellipsis", max_width=26)
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True)
        width = max(6, min(20, console.width - 40))
        rows = [("All questions", r.overall)] + sorted(
            ((s.topic_names.get(t, t), v) for t, v in r.by_topic.items()),
            key=lambda kv: (kv[1], kv[0]),
        )
        for k, (name, value) in enumerate(rows):
            table.add_row(
                Text(name, style="bold" if k == 0 else ""),
                Text(f"{100 * value:.0f}%", style=_level(value)),
                share_bar(value, width),
            )
        console.print(table)
        console.print(Text("unseen cards count as 0", style="muted"))
