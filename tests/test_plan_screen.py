"""`refresher plan` as it looks at a fixed width: commands quoted whole and without backticks,
readiness bars that fit beside their figures at 60 columns, and a workload chart whose bars and
minute labels come from one number."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from refresher.cli import app
from refresher.render.console import THEME
from refresher.render.layout import Command, said
from refresher.render.plan import workload_chart
from refresher.srs.forecast import Forecast

NOW = "2026-12-03T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFRESHER_NOW", NOW)


def _plan(columns: int, *args: str) -> str:
    result = CliRunner().invoke(app, ["plan", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_a_date_to_keep_is_quoted_whole_without_backticks(columns: int) -> None:
    out = _plan(columns, "--date", "2026-12-20")
    assert "`" not in out
    assert any("refresher config interview_date 2026-12-20" in line for line in out.splitlines())
    assert max(len(line) for line in out.splitlines()) <= columns


@pytest.mark.parametrize("columns", [60, 80])
def test_no_date_quotes_the_command_whole_without_backticks(columns: int) -> None:
    out = _plan(columns)
    assert "No interview date ahead" in out and "`" not in out
    assert any("refresher config interview_date YYYY-MM-DD" in line for line in out.splitlines())


def test_said_wraps_between_words_never_inside_a_command() -> None:
    parts = ["one two three four five six ", Command("refresher config interview_date X"), "."]
    for width in range(36, 80):
        lines = said(parts, width).plain.splitlines()
        assert any("refresher config interview_date X." in line for line in lines)
        assert all(len(line) <= width for line in lines)


@pytest.mark.parametrize("columns", [60, 80])
def test_readiness_bars_stay_beside_their_figures(columns: int) -> None:
    out = _plan(columns, "--date", "2026-12-20")
    lines = out.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("Readiness"))
    shown = lines[start + 1 : start + 4]
    assert [line.split()[0] for line in shown] == ["Today", "20", "if"]
    for line in shown:
        assert re.search(r"\d+% [█░]{6,}$", line), line
    assert max(len(line) for line in lines) <= columns


def _chart(minutes: list[float], width: int, budget: int | None = None) -> list[tuple[int, int]]:
    console = Console(width=width, theme=THEME, record=True, color_system=None)
    days = tuple(date(2026, 12, 1) + timedelta(days=k) for k in range(len(minutes)))
    forecast = Forecast(days, (0,) * len(days), tuple(minutes), None)
    with console.capture() as captured:
        workload_chart(console, forecast, budget)
    rows = []
    for line in captured.get().splitlines():
        found = re.match(r"\w{3} \d\d \w{3}\s+(\d+) min ?(█*)$", line)
        if found:
            rows.append((int(found.group(1)), len(found.group(2))))
    assert len(rows) == len(minutes)
    return rows


def test_workload_labels_round_half_up_like_their_bars() -> None:
    # 5.5 and 6.4 both read 6 min; 4.5 reads 5 (not 4, as rounding half to even would)
    rows = _chart([4.5, 5.5, 6.4, 34.0], 80)
    assert [label for label, _ in rows] == [5, 6, 6, 34]
    assert rows[1][1] == rows[2][1] and rows[0][1] < rows[1][1]


@settings(max_examples=200, deadline=None)
@given(
    # quarter minutes, so that labels are often shared (5.5, 5.75 and 6.25 all read 6 min)
    minutes=st.lists(st.integers(0, 160).map(lambda k: k / 4), min_size=1, max_size=20),
    width=st.integers(40, 140),
    budget=st.none() | st.integers(1, 240),
)
def test_a_longer_bar_never_has_a_smaller_label(
    minutes: list[float], width: int, budget: int | None
) -> None:
    rows = _chart(minutes, width, budget)
    for label_a, bar_a in rows:
        for label_b, bar_b in rows:
            if label_a == label_b:
                assert bar_a == bar_b, rows
            if bar_a > bar_b:
                assert label_a > label_b, rows
