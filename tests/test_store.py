"""The history store: migrations, stable ids, concurrency, and refusing to touch a bad file."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from refresher.core.errors import StoreError
from refresher.core.model import Outcome
from refresher.env.paths import home_dir
from refresher.kinds.choice import ChoiceQuestion
from refresher.storage.migrations import MIGRATIONS
from refresher.storage.store import DB_NAME, open_store

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
Q = ChoiceQuestion(bank_id="b", id="q1", topic="rnn", prompt="P", options=("a", "b"), answer=0)


def test_home_comes_from_the_environment(refresher_home):
    assert home_dir() == refresher_home


def test_schema_version_and_wal(refresher_home):
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # no fsync per answer (NORMAL is 1; FULL, SQLite's default, is 2): see opening.connect
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    with open_store() as store:  # re-opening does not migrate twice
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_question_ids_are_stable(refresher_home):
    with open_store() as store:
        first = store.question_id("b", "q1")
        other = store.question_id("b", "q2")
    with open_store() as store:
        assert store.question_id("b", "q1") == first != other


def test_attempt_round_trip(refresher_home):
    with open_store() as store:
        rid = store.start_round("b", "practice", 42, NOW)
        store.record_attempt(
            Q, Outcome(True, "A", "A"), seconds=3.25, mode="practice", now=NOW, round_id=rid
        )
        store.record_attempt(
            Q, Outcome(None, "", ""), seconds=0, mode="practice", now=NOW, round_id=rid
        )
    # a fresh connection sees both rows: each write was committed at once
    conn = sqlite3.connect(refresher_home / DB_NAME)
    assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 2
    with open_store() as store:
        rows = store.attempts("b")
    assert rows[0].correct is True and rows[0].seconds == 3.25 and rows[0].round_id == rid
    assert rows[0].answered_at == "2026-11-25T09:30:00.000+00:00"
    assert rows[1].correct is None


def test_naive_time_is_refused(refresher_home):
    with open_store() as store, pytest.raises(ValueError):
        store.start_round("b", "practice", None, datetime(2026, 1, 1))


def test_corrupt_database_is_reported_and_left_untouched(refresher_home):
    refresher_home.mkdir(parents=True)
    db = refresher_home / DB_NAME
    junk = b"this is not a database " * 200
    db.write_bytes(junk)
    with pytest.raises(StoreError, match="is not a readable refresher database"):
        open_store()
    assert db.read_bytes() == junk


def test_newer_schema_is_refused(refresher_home):
    refresher_home.mkdir(parents=True)
    conn = sqlite3.connect(refresher_home / DB_NAME)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer refresher"):
        open_store()


def test_newer_schema_with_triggers_of_its_own_is_refused_as_newer(refresher_home):
    """A newer refresher may change a trigger (as migration 8 changed sync_answer): an older
    one says to upgrade, not that the store holds a trigger it did not make."""
    with open_store() as store:
        store.conn.execute("DROP TRIGGER sync_answer")
        store.conn.execute(
            "CREATE TRIGGER sync_answer AFTER INSERT ON attempts BEGIN SELECT 1; END"
        )
        store.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer refresher"):
        open_store()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError):
            open_store(locked / "inner")
    finally:
        locked.chmod(stat.S_IRWXU)


def test_unusable_folder_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        open_store(blocker / "inner")


def _writer(home: str, worker: int, count: int) -> None:
    with open_store(Path(home)) as store:
        q = ChoiceQuestion(
            bank_id="b", id=f"q{worker}", topic="rnn", prompt="P", options=("a", "b"), answer=0
        )
        for i in range(count):
            store.record_attempt(
                q, Outcome(i % 2 == 0, "A", "A"), seconds=0.1, mode="practice", now=NOW
            )


def test_two_processes_writing_at_once_lose_nothing(refresher_home):
    open_store().close()  # migrate first; both workers then only write
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(refresher_home), w, 150)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with open_store() as store:
        rows = store.attempts("b")
    assert len(rows) == 300
    assert {r.qid for r in rows} == {"q0", "q1"}


def test_concurrent_first_open_migrates_once(refresher_home):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(refresher_home), w, 5)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with open_store() as store:
        assert len(store.attempts()) == 10
