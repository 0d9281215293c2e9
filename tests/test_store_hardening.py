"""The history file is checked before a byte is written: another application's SQLite file, a
damaged file and impossible values are one line on stderr and exit 1, the file left as it was.
Also: the clock outside the years refresher handles, and numbers too large for the history."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.core import limits
from refresher.core.errors import StoreError
from refresher.storage.migrations import APPLICATION_ID, MIGRATIONS
from refresher.storage.store import DB_NAME, open_store

NOW = "2026-11-25T09:30:00+00:00"
COMMANDS = (
    ("review", "--seed", "1"),
    ("stats",),
    ("stats", "--json"),
    ("quiz", "--seed", "1"),
)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", NOW)


def run(*args: str, answers: str = "q\n"):
    return CliRunner().invoke(app, [*args], input=answers)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name != "cache")


def one_line_error(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def with_history(home: Path) -> Path:
    """A real history: a quiz answer and two review ratings, made through the CLI."""
    assert run("quiz", "--seed", "3", "--no-shuffle", "-n", "2", answers="B\nB\n").exit_code == 0
    assert run("review", "--seed", "1", "--type", "card", answers="\n3\n\n3\nq\n").exit_code == 0
    return home / DB_NAME


def foreign(home: Path, *, wal: bool = False, app_id: int = 0) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    db = home / DB_NAME
    conn = sqlite3.connect(db)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('shopping list')")
    conn.commit()
    conn.close()
    return db


# --- another application's file -----------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [{"wal": False}, {"wal": True}, {"app_id": 0x1234}, {"wal": True, "app_id": 7}]
)
def test_another_applications_database_is_refused_and_left_byte_for_byte(refresher_home, kind):
    db = foreign(refresher_home, **kind)
    before, names = digest(db), files(refresher_home)
    for args in COMMANDS:
        one_line_error(run(*args), str(db), "another application's")
        assert digest(db) == before
        assert files(refresher_home) == names  # no -wal or -shm made beside it either
    with pytest.raises(StoreError, match="another application's"):
        open_store()


def test_a_file_that_is_not_sqlite_is_refused_untouched(refresher_home):
    refresher_home.mkdir(parents=True)
    db = refresher_home / DB_NAME
    db.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 8)
    before = digest(db)
    for args in COMMANDS:
        one_line_error(run(*args), str(db), "damaged")
    assert digest(db) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_place_of_the_database_is_refused_without_blocking(refresher_home):
    refresher_home.mkdir(parents=True)
    os.mkfifo(refresher_home / DB_NAME)
    with pytest.raises(StoreError, match="not a regular file"):
        open_store()


def test_a_new_database_is_marked_as_refreshers(refresher_home):
    open_store().close()
    header = (refresher_home / DB_NAME).read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID


def test_a_database_from_before_the_mark_is_recognised_and_marked(refresher_home):
    db = with_history(refresher_home)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    with open_store() as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert len(store.attempts()) == 4  # two quiz answers, two reviews: nothing lost


def test_an_unmarked_empty_database_is_taken_as_new(refresher_home):
    refresher_home.mkdir(parents=True)
    sqlite3.connect(refresher_home / DB_NAME).execute("PRAGMA journal_mode = WAL").fetchone()
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


# --- a damaged history ------------------------------------------------------------------------


def damage(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "sql, words",
    [
        ("UPDATE cards SET due = 'garbage'", ["cards.due", "'garbage'"]),
        ("UPDATE attempts SET answered_at = 'junk' WHERE id = 1", ["attempts.answered_at"]),
        ("UPDATE attempts SET answered_at = '' WHERE id = 1", ["attempts.answered_at"]),
        ("UPDATE reviews SET reviewed_at = '9999-12-31T00:00:00+00:00'", ["reviews.reviewed_at"]),
        ("UPDATE cards SET introduced_at = '2026-13-45'", ["cards.introduced_at"]),
        ("DROP TABLE reviews", [f"schema {len(MIGRATIONS)}", "reviews"]),
        ("DROP TABLE questions", [f"schema {len(MIGRATIONS)}", "questions"]),
        ("DROP TRIGGER history_review_removed", ["without its trigger history_review_removed"]),
        ("DROP TRIGGER sync_answer", ["without its trigger sync_answer"]),
    ],
)
def test_a_damaged_history_is_one_line_and_nothing_is_written(refresher_home, sql, words):
    db = with_history(refresher_home)
    damage(db, sql)
    before = digest(db)
    for args in COMMANDS:
        one_line_error(run(*args, answers="B\nq\n"), str(db), "damaged", *words)
        assert digest(db) == before


def test_a_malformed_page_is_one_line_and_nothing_is_written(refresher_home):
    db = with_history(refresher_home)
    conn = sqlite3.connect(db)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in conn.execute("SELECT rootpage FROM sqlite_master WHERE type='table'")]
    conn.close()
    pristine = db.read_bytes()
    for root in roots:
        broken = bytearray(pristine)
        broken[(root - 1) * size : (root - 1) * size + 200] = b"\xff" * 200
        db.write_bytes(bytes(broken))
        for args in COMMANDS:
            one_line_error(run(*args, answers="B\nq\n"), str(db), "damaged")
            assert db.read_bytes() == bytes(broken)


def test_a_damaged_header_is_one_line(refresher_home):
    db = with_history(refresher_home)
    data = bytearray(db.read_bytes())
    data[16:24] = b"\xff" * 8  # page size and format bytes
    db.write_bytes(bytes(data))
    for args in COMMANDS:
        one_line_error(run(*args), str(db), "damaged")
        assert db.read_bytes() == bytes(data)


# --- the clock and large numbers ---------------------------------------------------------------


@pytest.mark.parametrize("when", ["9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_the_clock_at_the_ends_of_time_is_one_line(refresher_home, monkeypatch, when):
    db = with_history(refresher_home)
    before = digest(db)
    monkeypatch.setenv("REFRESHER_NOW", when)
    for args in (*COMMANDS, ("quiz", "--missed-days", "3")):
        one_line_error(run(*args), "REFRESHER_NOW", str(limits.YEAR_MIN), str(limits.YEAR_MAX))
    assert digest(db) == before


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00+14:00", "9000-12-31T23:59:00-12:00"])
def test_the_clock_at_the_ends_of_its_range_works_with_history(refresher_home, monkeypatch, when):
    with_history(refresher_home)
    monkeypatch.setenv("REFRESHER_NOW", when)
    assert run("review", "--seed", "1", answers="3\n1\nq\n").exit_code == 0
    assert run("stats", "--json").exit_code == 0
    assert run("quiz", "--missed-days", str(limits.DAYS_MAX)).exit_code in (0, 1)
    result = run("quiz", "--seed", "2", "-n", "1", answers="B\n")
    assert result.exit_code == 0 and "Traceback" not in result.output


def test_unsuspend_a_number_too_large_for_any_card(refresher_home):
    with_history(refresher_home)
    one_line_error(run("unsuspend", "9" * 23), "no card")
    one_line_error(run("unsuspend", str(2**63)), "no card")


def test_a_seed_too_large_for_the_history(refresher_home):
    one_line_error(run("quiz", "--seed", str(10**30)), "--seed")
    one_line_error(run("review", "--seed", str(-(10**30))), "--seed")
    one_line_error(run("drill", "pool", "--seed", str(2**70)), "--seed")
    assert not (refresher_home / DB_NAME).exists() or run("stats").exit_code == 0


def test_missed_days_beyond_the_limit(refresher_home):
    with_history(refresher_home)
    one_line_error(run("quiz", "--missed-days", "1000000000"), "--missed-days", "36500")
