"""`refresher history` streamed: the table's columns from the store's aggregates (fixed-width
renders at 100 and 80 columns, folded cells, cleaned controls, wide characters), a history of
thousands of rows through the CLI (table, --csv, --json, --last with ties at its first time,
--since, a bank), and the pager fed as rows come. Row counts and content, never time."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from refresher.app import history as past
from refresher.banks.catalog import bank_paths, resolve
from refresher.cli import app
from refresher.core.model import Outcome
from refresher.render.console import make_console
from refresher.render.history import history_table, layout
from refresher.storage.history import Extent
from tests.terminal import on_a_terminal

MANY = 3_000
EXTENT = Extent(banks=("b",), bank_count=1, question=12, bank=1, kind=6, topic=4, mode=8)


def _row(**more):
    row = {
        "time": "2026-11-01T09:00:00.000+00:00", "bank": "b", "question": "rnn-acronym",
        "kind": "choice", "topic": "rnn", "mode": "practice", "given": "B", "correct": True,
        "seconds": 7.0, "rating": "good", "interval_days": 3.0, "machine": None,
    }  # fmt: skip
    return {**row, **more}


def _draw(rows, width, extent=EXTENT):
    out = io.StringIO()
    console = make_console(file=out, width=width)
    count = history_table(console, extent, rows)
    return count, out.getvalue().splitlines()


def test_a_wide_render_is_one_aligned_line_a_row():
    rows = [_row(), _row(correct=False, given="A", seconds=12.0, rating=None, interval_days=None)]
    count, lines = _draw(rows, 100)
    assert count == 2
    assert lines == [
        "bank b",
        "time (UTC)        question      result  secs  kind    topic  mode      typed          rating",
        "2026-11-01 09:00  rnn-acronym   right      7  choice  rnn    practice  B              good → 3d",
        "2026-11-01 09:00  rnn-acronym   wrong     12  choice  rnn    practice  A",
    ]


def test_a_narrow_render_puts_the_rest_on_a_second_line():
    count, lines = _draw([_row()], 80)
    assert count == 1
    assert lines[1:] == [
        "time (UTC)        question      result  secs",
        "2026-11-01 09:00  rnn-acronym   right      7",
        "                  choice · rnn · practice · typed 'B' · good → 3d",
    ]
    assert max(map(len, lines)) <= 80


def test_cells_wider_than_their_column_fold_and_the_columns_stay_aligned():
    _, lines = _draw([_row(given="a long answer " * 6), _row()], 100)
    header, first, last = lines[1], lines[2], lines[-1]
    column = header.index("typed")
    assert first.index("right") == last.index("right") == header.index("result")
    assert first[column:] == "a long answer  good → 3d"
    folded = lines[3:-1]  # the typed answer's next lines, under its column only
    assert folded == [" " * column + "a long answer"] * 5
    assert last[column:].startswith("B ")
    assert max(map(len, lines)) <= 100


def test_controls_and_line_breaks_in_stored_text_are_cleaned():
    _, lines = _draw([_row(topic="r\x1b", given="x\ny\tz\u202e")], 100)
    assert len(lines) == 3
    assert "\x1b" not in lines[2] and "\u202e" not in lines[2]
    assert " r?  " in lines[2] and "x y z?" in lines[2]


def test_wide_characters_are_measured_in_cells():
    extent = Extent(banks=("b",), bank_count=1, question=6, bank=1, kind=6, topic=4, mode=8)
    _, lines = _draw([_row(question="問題一二"), _row(question="q1")], 100, extent)
    # the verdict sits at the same terminal column on both rows
    from rich.cells import cell_len

    at = [cell_len(line[: line.index("right")]) for line in lines[2:]]
    assert at[0] == at[1]


def test_rows_of_several_banks_name_their_bank():
    extent = Extent(banks=("a", "b"), bank_count=2, question=11, bank=1, kind=6, topic=4, mode=8)
    _, lines = _draw([_row(bank="a"), _row(bank="b")], 100, extent)
    assert not lines[0].startswith("bank ")
    assert "a/rnn-acronym" in lines[1] and "b/rnn-acronym" in lines[2]


def test_a_layout_too_narrow_for_every_column_goes_two_lines():
    wide = Extent(banks=("b",), bank_count=1, question=40, bank=1, kind=12, topic=40, mode=8)
    assert not layout(100, wide).wide or sum(w for _, w, _ in layout(100, wide).columns) <= 100
    assert layout(120, EXTENT).wide and not layout(99, EXTENT).wide


def test_colours_come_from_the_console_and_no_color_drops_them(monkeypatch):
    out = io.StringIO()
    console = make_console(file=out, width=100, force_terminal=True)
    history_table(console, EXTENT, [_row(), _row(correct=False)])
    text = out.getvalue()
    assert "\x1b[" in text and "right" in text and "wrong" in text
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    history_table(make_console(file=out, width=100, force_terminal=True), EXTENT, [_row()])
    assert "\x1b[32m" not in out.getvalue() and "\x1b[1;32m" not in out.getvalue()


# --- a large history through the CLI ---------------------------------------------------------


@pytest.fixture
def many():
    """MANY answers, one a minute, the last three at one time (ties), and a review without
    an answer; written once through the store, then copied in SQL (fast)."""
    from refresher.storage.store import open_store

    bank = resolve("session-14", bank_paths())
    t0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    with open_store() as store:
        store.record_attempt(
            bank.get("rnn-acronym"), Outcome(True, "B", "B"), seconds=4.0, mode="practice", now=t0
        )
        with store.write() as conn:
            conn.execute(
                "INSERT INTO attempts (question_id, round_id, answered_at, given, correct,"
                " seconds, mode, qtype, topic)"
                " WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?)"
                " SELECT question_id, round_id,"
                " strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-01-01 09:00', min(k, ?) || ' minutes'),"
                " 'A' || k, k % 2, seconds, mode, qtype, topic FROM attempts, n WHERE attempts.id = 1",
                (MANY - 1, MANY - 3),
            )
    return t0


def _lines(*args: str, columns: int = 100) -> list[str]:
    result = CliRunner().invoke(app, ["--no-pager", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_a_large_history_comes_whole_in_every_form(many):
    table = _lines("history")
    assert table[0] == "bank session-14" and table[1].startswith("time (UTC)")
    assert len(table) == 2 + MANY
    assert table[2].split()[:4] == ["2026-01-01", "09:00", "rnn-acronym", "right"]
    narrow = _lines("history", columns=80)
    assert len(narrow) == 2 + 2 * MANY
    rows = list(csv.DictReader(io.StringIO("\n".join(_lines("history", "--csv")))))
    assert len(rows) == MANY and rows[0]["given"] == "B"
    assert {r["given"] for r in rows[1:]} == {f"A{k}" for k in range(1, MANY)}
    data = json.loads("\n".join(_lines("history", "session-14", "--json")))
    assert len(data) == MANY and data[-1]["time"] == rows[-1]["time"]
    assert [d["given"] for d in data] == [r["given"] for r in rows]
    assert _lines("history", "other-bank", "--json") == ["[", "]"]


@pytest.mark.parametrize("last", [1, 2, 3, 4, 50, MANY - 1, MANY, MANY + 5])
def test_last_n_is_the_tail_of_the_whole_history_even_through_ties(many, last):
    whole = json.loads("\n".join(_lines("history", "--json")))
    tail = json.loads("\n".join(_lines("history", "--json", "--last", str(last))))
    assert tail == whole[-last:]
    table = _lines("history", "--last", str(last))
    assert len(table) == 2 + min(last, MANY)


def test_since_keeps_the_rows_from_that_time(many):
    since = (datetime(2026, 1, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=2000)).isoformat()
    data = json.loads("\n".join(_lines("history", "--since", since, "--json")))
    assert len(data) == MANY - 2000 and data[0]["given"] == "A2000"
    table = _lines("history", "--since", since)
    assert len(table) == 2 + MANY - 2000


def test_the_app_reports_the_extent_of_what_it_streams(many):
    with past.history_table("session-14", None) as (extent, rows):
        assert extent.banks == ("session-14",) and extent.bank_count == 1
        assert extent.question == len("rnn-acronym") and extent.mode >= len("practice")
        assert sum(1 for _ in rows) == MANY


def test_a_long_history_on_a_terminal_is_paged_as_it_comes(many, tmp_path):
    paged, screen = on_a_terminal(["history"], tmp_path, columns=100, colour=False)
    assert paged is not None
    lines = paged.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + MANY and len(screen) < 200


@pytest.mark.parametrize("opened", [past.history_rows, past.history_table])
def test_a_stream_left_part_read_is_closed_before_the_store(many, opened):
    """A reader gone from the pipe (`history | head -1`) leaves the rows part-read: the
    cursor is closed while the store is still open, and nothing is raised after it is closed
    ('Exception ignored ... Cannot operate on a closed database' before)."""
    import gc
    import sys

    raised = []
    hook, sys.unraisablehook = sys.unraisablehook, raised.append
    try:
        with opened("session-14", None) as got:
            rows = got[1] if isinstance(got, tuple) else got
            next(rows)
        del got, rows
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert raised == []
