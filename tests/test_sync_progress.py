"""A long import's progress: what the store tells its callback (bytes and lines of each file),
the bar drawn from it at a fixed width (only once an import is long or known to be large, in no
colour with NO_COLOR), and nothing extra at all on a pipe or with --json."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console
from typer.testing import CliRunner

from bench.sync_data import write_events
from refresher.app import sync as app_sync
from refresher.app.sync import Reading
from refresher.cli import app
from refresher.core import limits
from refresher.render import sync as show
from refresher.render.console import make_console
from refresher.storage import sync_import
from tests.test_sync_files import Clock, machine

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_the_import_tells_each_file_read_in_bytes_and_lines(tmp_path, monkeypatch):
    folder = tmp_path / "sync"
    folder.mkdir()
    write_events(folder / "far-1.jsonl", "far-1", 1_000, 30)
    write_events(folder / "lab-2.jsonl", "lab-2", 150, 10, seed=2)
    big, small = (folder / n for n in ("far-1.jsonl", "lab-2.jsonl"))
    monkeypatch.setattr(sync_import, "TELL_LINES", 100)
    monkeypatch.setattr(limits, "SYNC_CHUNK", 400)
    home = machine(tmp_path, "here-3")
    told: list[Reading] = []
    app_sync.sync(folder, home, Clock(T0), progress=told.append)
    first = [r for r in told if r.name == big.name]
    size = big.stat().st_size
    assert first[0] == Reading(big.name, 0, size, 0, 1, 2)
    assert first[-1] == Reading(big.name, size, size, 1_000, 1, 2, done=True)
    # every 100 lines, and after each of the chunks of 400 (stored at 400 and 800 lines)
    assert [r.lines for r in first[1:-1]] == [*range(100, 500, 100), 400, *range(500, 900, 100)] + [
        800,
        900,
        1_000,
    ]
    assert all(
        a.read <= b.read and a.lines <= b.lines for a, b in zip(first, first[1:], strict=False)
    )
    assert all(r.size == size and not r.done for r in first[:-1])
    # the lines told are the whole lines in the bytes read
    data = big.read_bytes()
    assert all(data[: r.read].count(b"\n") == r.lines for r in first)
    second = [r for r in told if r.name == small.name]
    assert second[0].file == 2 and second[-1] == Reading(
        small.name, small.stat().st_size, small.stat().st_size, 150, 2, 2, done=True
    )
    again: list[Reading] = []  # nothing new: nothing told
    app_sync.sync(folder, home, Clock(T0), progress=again.append)
    assert again == []


def test_a_file_read_in_part_before_tells_only_the_rest(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    path = folder / "far-1.jsonl"
    write_events(path, "far-1", 300, 20)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:200]))
    home = machine(tmp_path, "here-3")
    app_sync.sync(folder, home, Clock(T0))
    path.write_bytes(b"".join(lines))
    told: list[Reading] = []
    app_sync.sync(folder, home, Clock(T0), progress=told.append)
    rest = len(b"".join(lines[200:]))
    assert told[0] == Reading(path.name, 0, rest, 0, 1, 1)
    assert told[-1] == Reading(path.name, rest, rest, 100, 1, 1, done=True)


class Ticks:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


MIB = 1024 * 1024


def _bars(clock: Ticks, *, no_color: bool = False) -> tuple[show.ImportBars, io.StringIO]:
    out = io.StringIO()
    console = Console(
        file=out, width=80, force_terminal=True, color_system="truecolor", no_color=no_color
    )
    return show.ImportBars(console, clock=clock, auto_refresh=False), out


def _text(bars: show.ImportBars) -> str:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(bars.renderable())
    return console.export_text()


def test_the_bar_at_a_fixed_width():
    clock = Ticks()
    bars, _ = _bars(clock)
    bars(Reading("far-1.jsonl", 0, 92 * MIB, 0, 1, 1))
    assert bars.renderable() is None  # not yet: nothing says it is a long import
    bars(Reading("far-1.jsonl", 2 * MIB, 92 * MIB, 2_000, 1, 1))  # about 92,000 lines
    clock.now += 4
    bars(Reading("far-1.jsonl", 46 * MIB, 92 * MIB, 46_000, 1, 1))
    text = _text(bars)
    assert text == (  # (without colours, what is still to read is blank)
        "bringing in far-1.jsonl ━━━━━━━━━━━━━━╸                50%  46,000 lines 0:00:05\n"
    )
    assert max(len(line) for line in text.splitlines()) <= 80
    clock.now += 1
    bars(Reading("lab-2 (conflicted copy 2026-11-22).jsonl", 0, MIB, 0, 2, 2))
    assert _text(bars) == (
        "bringing in lab-2 (conflicted c… (2 of 2)               0%       0 lines -:--:--\n"
    )
    bars.stop()
    assert bars.renderable() is None


def test_a_short_import_draws_nothing_a_slow_one_draws_after_a_second():
    clock = Ticks()
    bars, out = _bars(clock)
    bars(Reading("lab-2.jsonl", 0, 3 * MIB, 0, 1, 1))
    bars(Reading("lab-2.jsonl", MIB, 3 * MIB, 1_000, 1, 1))  # about 3,000 lines: short
    bars(Reading("lab-2.jsonl", 3 * MIB, 3 * MIB, 3_000, 1, 1, done=True))
    assert bars.renderable() is None and out.getvalue() == ""
    clock.now += 0.5
    bars(Reading("lab-2.jsonl", MIB, 3 * MIB, 1_000, 1, 1))
    assert bars.renderable() is None
    clock.now += 0.6  # past a second: a slow disk, or a slow machine
    bars(Reading("lab-2.jsonl", 2 * MIB, 3 * MIB, 2_000, 1, 1))
    assert "bringing in lab-2.jsonl" in _text(bars)
    bars.stop()


def test_no_color_draws_the_bar_without_colours(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    console = make_console(out, width=80, force_terminal=True)
    bars = show.ImportBars(console, clock=Ticks(), auto_refresh=False)
    bars(Reading("far-1.jsonl", 2 * MIB, 92 * MIB, 2_000, 1, 1))
    bars(Reading("far-1.jsonl", 46 * MIB, 92 * MIB, 46_000, 1, 1))
    bars.stop()
    drawn = out.getvalue()
    assert "far-1.jsonl" in drawn and "━" in drawn
    assert "\x1b[3" not in drawn and "\x1b[9" not in drawn and "38;" not in drawn
    colour, coloured = _bars(Ticks())
    colour(Reading("far-1.jsonl", 2 * MIB, 92 * MIB, 2_000, 1, 1))
    colour.stop()
    assert "38;" in coloured.getvalue() or "\x1b[3" in coloured.getvalue()  # the test can fail


def test_a_piped_sync_prints_nothing_but_its_summary(tmp_path, monkeypatch):
    folder = tmp_path / "sync"
    folder.mkdir()
    write_events(folder / "far-1.jsonl", "far-1", 6_000, 50)
    home = machine(tmp_path, "here-3")
    monkeypatch.setenv("REFRESHER_HOME", str(home))
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    monkeypatch.setenv("FORCE_COLOR", "1")  # Rich would take the pipe for a terminal
    monkeypatch.setattr(show, "SHOW_AFTER", 0.0)  # any import is long
    drawn: list[Reading] = []
    real = show.ImportBars.__call__

    def spy(self, reading):
        drawn.append(reading)
        real(self, reading)

    monkeypatch.setattr(show.ImportBars, "__call__", spy)
    done = CliRunner().invoke(app, ["sync", str(folder)])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        "brought in 6,000 reviews from far-1",
        "sent 1 event from here-3",
    ]
    assert done.stderr == "" and drawn == []
    (folder / "far-2.jsonl").write_bytes((folder / "far-1.jsonl").read_bytes())
    out = CliRunner().invoke(app, ["sync", str(folder), "--json"])
    assert out.exit_code == 0 and out.stdout.startswith("{") and out.stderr == ""
    assert drawn == []
