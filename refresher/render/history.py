"""Drawing `refresher history` on a terminal: a header row, then one row per answer or rating
(time, question, kind, topic, mode, result, seconds, what was typed, rating and the interval
it gave, in the units the rating buttons show). `--csv` and `--json` are not drawn here.

A history can hold hundreds of thousands of rows, so the table is streamed: its column widths
come from what the rows hold at most (`Extent`, a few aggregates the store computes), not from
measuring every row first, and rows are written `CHUNK_ROWS` at a time as plain text with the
console's own codes for the right/wrong colours (so NO_COLOR and pipes are honoured as in every
other table). A cell wider than its column folds onto the next line of its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from refresher.core import limits
from refresher.core.text import strip_controls
from refresher.srs.schedule import interval_parts

if TYPE_CHECKING:
    from refresher.storage.history import Extent

CHUNK_ROWS = limits.HISTORY_CHUNK_ROWS  # rows written at a time
WIDE = 100  # from this many columns one line a row; narrower, a second line under each
GAP = "  "
TIME_WIDTH = len("2026-11-25 08:00")
RATING_WIDTH = len("again → 10.5mo")
VERDICT = {True: ("right", "right"), False: ("wrong", "wrong"), None: ("-", "muted")}


@dataclass(frozen=True)
class Layout:
    """The columns of the table: (header, width, right-aligned) each, and whether the kind,
    topic, mode, typed answer and rating have columns of their own (else a second line)."""

    columns: tuple[tuple[str, int, bool], ...]
    wide: bool
    bank: str | None  # the one bank of every row (shown once above the table), else None


def layout(width: int, extent: Extent) -> Layout:
    """Column widths for a terminal `width` columns wide, from what the rows hold at most."""
    one_bank = extent.banks[0] if extent.bank_count == 1 else None
    question = max(extent.question + (0 if one_bank else extent.bank + 1), len("question"))
    front = [("time (UTC)", TIME_WIDTH, False)]
    back = [("result", len("result"), False), ("secs", len("secs"), True)]
    if width >= WIDE:
        kind = max(min(extent.kind, 12), len("kind"))
        mode = max(min(extent.mode, 10), len("mode"))
        topic = max(extent.topic, len("topic"))
        fixed = TIME_WIDTH + len("result") + len("secs") + kind + mode + RATING_WIDTH
        room = width - fixed - 8 * len(GAP)  # for the question, topic and typed answer
        typed = room - question - topic
        if typed < 12:  # narrow the question and the topic, down to a floor each
            q_floor, t_floor = min(question, 16), min(topic, 8)
            short = 12 - typed
            cut_q = min(question - q_floor, short * question // (question + topic))
            question -= cut_q
            topic -= min(topic - t_floor, short - cut_q)
            typed = room - question - topic
        if typed >= len("typed"):
            columns = (
                *front,
                ("question", question, False),
                *back,
                ("kind", kind, False),
                ("topic", topic, False),
                ("mode", mode, False),
                ("typed", typed, False),
                ("rating", RATING_WIDTH, False),
            )
            return Layout(columns, True, one_bank)
    room = width - TIME_WIDTH - len("result") - len("secs") - 3 * len(GAP)
    question = max(min(question, room), 8)
    return Layout((*front, ("question", question, False), *back), False, one_bank)


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _clean(text: str) -> str:
    """A stored text made safe for one cell: controls, tabs and line breaks become `?`/space."""
    return strip_controls(text).replace("\t", " ").replace("\n", " ")


class _Styles:
    """The console's own codes around a cell for each style it uses (none on a pipe, and no
    colour with NO_COLOR, as Rich decides for every other table)."""

    def __init__(self, console: Console) -> None:
        self.codes: dict[str, tuple[str, str]] = {}
        for style in ("right", "wrong", "muted"):
            with console.capture() as captured:
                console.print(Text("\ue000", style), end="")
            before, _, after = captured.get().partition("\ue000")
            self.codes[style] = (before, after)

    def __call__(self, text: str, style: str) -> str:
        before, after = self.codes[style]
        return f"{before}{text}{after}" if before else text


def _rating(row: dict[str, Any]) -> str:
    """`good → 10m`: the rating and the interval it gave in the units the rating buttons show
    (as `render.review.interval`, without importing the review screen)."""
    if not row["rating"]:
        return ""
    days = row["interval_days"]
    if days is None:
        return row["rating"]
    number, unit = interval_parts(timedelta(days=days))
    return f"{row['rating']} → {number:g}{unit}"


class _Rows:
    """The text of each row for one layout."""

    def __init__(self, console: Console, plan: Layout) -> None:
        self.console = console
        self.plan = plan
        self.style = _Styles(console)
        self.widths = [width for _, width, _ in plan.columns]
        self.right = [right for _, _, right in plan.columns]
        # below a narrow row, the rest runs from the question column to the terminal's edge
        self.second = max(console.width - TIME_WIDTH - len(GAP), 8)
        # the common row (plain ASCII, every cell fitting its column) is one format call
        self.format = GAP.join(
            "{}" if n == 2 else f"{{:{'>' if right else '<'}{width}}}"
            for n, (width, right) in enumerate(zip(self.widths, self.right, strict=True))
        )
        self.verdicts = {
            word: self.style(word, style) + " " * (len("result") - len(word))
            for word, style in VERDICT.values()
        }
        self.ratings: dict[tuple[str | None, float | None], str] = {}
        self.indent = " " * (TIME_WIDTH + len(GAP))

    def header(self) -> str:
        return self.style(self._line([h for h, _, _ in self.plan.columns]), "muted")

    def _line(self, cells: list[str], verdict: str | None = None) -> str:
        """One line of cells, each padded to its column; the verdict (third) cell in `verdict`'s
        style. Spaces that would end the line are left out."""
        out = []
        for n, (text, width, right) in enumerate(zip(cells, self.widths, self.right, strict=True)):
            pad = " " * (width - _cells(text))
            if n == 2 and verdict is not None and text:
                text = self.style(text, verdict)
            out.append(pad + text if right else text + pad)
        return GAP.join(out).rstrip()

    def _fold(self, text: str, width: int) -> list[str]:
        """`text` in lines of at most `width` cells, broken between words where it can be."""
        lines = Text(text).wrap(self.console, width, overflow="fold")
        return [line.plain.rstrip() for line in lines] or [""]

    def _rating(self, row: dict[str, Any]) -> str:
        key = (row["rating"], row["interval_days"])
        shown = self.ratings.get(key)
        if shown is None:
            shown = self.ratings[key] = _rating(row)
        return shown

    def row(self, row: dict[str, Any]) -> str:
        word, verdict = VERDICT[row["correct"]]
        seconds = row["seconds"]
        question = row["question"] or "-"
        if self.plan.bank is None:
            question = f"{row['bank']}/{question}"
        kind, topic, mode = row["kind"] or "-", row["topic"] or "-", row["mode"] or "-"
        typed = row["given"] or ""
        joined = question + kind + topic + mode + typed
        if not joined.isprintable():  # controls, tabs, line breaks (rare): cleaned
            question, kind, topic, mode, typed = map(_clean, (question, kind, topic, mode, typed))
        time = (row["time"] or "-")[:16].replace("T", " ")
        secs = "-" if seconds is None else f"{seconds:.0f}"
        rating = self._rating(row)
        w = self.widths
        if joined.isascii() and len(question) <= w[1] and len(secs) <= w[3]:
            if not self.plan.wide:
                first = self.format.format(time, question, self.verdicts[word], secs)
                return first.rstrip() + "\n" + self._second(kind, topic, mode, typed, rating)
            if (
                len(kind) <= w[4]
                and len(topic) <= w[5]
                and len(mode) <= w[6]
                and len(typed) <= w[7]
            ):
                cells = (time, question, self.verdicts[word], secs, kind, topic, mode, typed)
                return self.format.format(*cells, rating).rstrip()
        return self._slow(time, question, word, verdict, secs, kind, topic, mode, typed, rating)

    def _second(self, kind: str, topic: str, mode: str, typed: str, rating: str) -> str:
        """The muted line under a narrow row: kind, topic, mode, what was typed, rating."""
        text = f"{kind} · {topic} · {mode}"  # each at least "-"
        if typed:
            text += f" · typed {typed!r}"
        if rating:
            text += f" · {rating}"
        # the separators and the rating's arrow are one cell each: plain parts need no measure
        plain = (kind + topic + mode + typed).isascii()
        before, after = self.style.codes["muted"]
        if (len(text) if plain else _cells(text)) <= self.second:
            return f"{self.indent}{before}{text}{after}"
        lines = self._fold(text, self.second)
        return "\n".join(f"{self.indent}{before}{line}{after}" for line in lines)

    def _slow(
        self,
        time: str,
        question: str,
        word: str,
        verdict: str,
        secs: str,
        *more: str,
    ) -> str:
        """A row with wide characters or a cell wider than its column (folded onto more lines
        of its row)."""
        kind, topic, mode, typed, rating = more
        cells = [time, question, word, secs]
        if self.plan.wide:
            cells += [kind, topic, mode, typed, rating]
        if all(_cells(c) <= w for c, w in zip(cells, self.widths, strict=True)):
            out = [self._line(cells, verdict)]
        else:  # a cell wider than its column folds onto more lines of its row
            folded = [
                [c] if _cells(c) <= w else self._fold(c, w)
                for c, w in zip(cells, self.widths, strict=True)
            ]
            out = [
                self._line(
                    [f[n] if n < len(f) else "" for f in folded], verdict if n == 0 else None
                )
                for n in range(max(len(f) for f in folded))
            ]
        if not self.plan.wide:
            out.append(self._second(kind, topic, mode, typed, rating))
        return "\n".join(out)


def history_table(console: Console, extent: Extent, rows: Iterable[dict[str, Any]]) -> int:
    """The rows under a header row, written as they come; returns how many there were (0: a
    line saying so). From `WIDE` columns one line a row; narrower, the kind, topic, mode, what
    was typed and the rating go on a second line under each."""
    stream: Iterator[dict[str, Any]] = iter(rows)
    first = next(stream, None)
    if first is None:
        console.print("No answers yet: `refresher quiz` or `refresher review` starts a history.")
        return 0
    plan = layout(console.width, extent)
    draw = _Rows(console, plan)
    out = console.file
    lines = [draw.style(f"bank {plan.bank}", "muted")] if plan.bank is not None else []
    lines.append(draw.header())
    count = 0
    for row in chain([first], stream):
        lines.append(draw.row(row))
        count += 1
        if count % CHUNK_ROWS == 0:
            out.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        out.write("\n".join(lines) + "\n")
    out.flush()
    return count
