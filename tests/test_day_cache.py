"""The per-day totals `stats` keeps between runs (`app/day_cache.py`, `storage/days.py`): brought
up to date from the rows added, counted again whenever a row counted is gone or a sync read on,
and always equal to counting the whole history afresh."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from msgspec.structs import replace
from typer.testing import CliRunner

from refresher.app import banks as app_banks
from refresher.app import day_cache
from refresher.cli import app
from refresher.storage.store import open_store
from tests.simlearner import T0, Learner, study

SHIFT = -240


def bundled(n: int):
    bank = app_banks.open_bank(None)
    return replace(bank, questions=bank.questions[:n])


def quiz(runner: CliRunner, seed: int, when) -> None:
    env = {"REFRESHER_NOW": when.isoformat()}
    result = runner.invoke(
        app,
        ["quiz", "session-14", "--count", "4", "--seed", str(seed)],
        input="A\ns\n" * 8,
        env=env,
    )
    assert result.exit_code == 0, result.output


def kept(home, scope=None):
    with open_store() as store:
        return day_cache.totals(store, scope, SHIFT, home / "cache")


def afresh(scope=None):
    with open_store() as store:
        return store.day_totals(SHIFT, scope, None).days


def test_kept_totals_follow_answers_reviews_undos_and_syncs(refresher_home):
    bank = bundled(15)
    runner = CliRunner()
    learner = Learner(seed=5)
    study(bank, learner, 4, new_per_day=5)
    quiz(runner, 1, T0 + timedelta(days=4, hours=2))
    for scope in (None, bank.id, "no-such-bank"):
        assert kept(refresher_home, scope) == afresh(scope)
    with open_store() as store:
        mark = store.day_totals(SHIFT, None, None).mark
    study(bank, learner, 3, new_per_day=5, day_offset=4)  # reviews added: counted from the mark
    quiz(runner, 2, T0 + timedelta(days=7, hours=3))
    with open_store() as store:
        counted = store.day_totals(SHIFT, None, mark)
        assert not counted.whole and counted.mark != mark
        added = sum(r[2] for r in counted.days.values())
        (new,) = store.conn.execute(
            "SELECT count(*) FROM reviews WHERE id > ?", (mark.review_id,)
        ).fetchone()
        assert added == new > 0
    for scope in (None, bank.id):
        assert kept(refresher_home, scope) == afresh(scope)

    with open_store() as store:  # an undo deletes a row the totals counted
        (last,) = store.conn.execute("SELECT max(id) FROM reviews").fetchone()
        (first,) = store.conn.execute("SELECT min(id) FROM reviews").fetchone()
        store.undo_review(last)
        mark = store.day_totals(SHIFT, None, None).mark
        store.conn.execute("DELETE FROM reviews WHERE id = ?", (first,))  # and an old one
        assert store.day_totals(SHIFT, None, mark).whole
    assert kept(refresher_home) == afresh() and kept(refresher_home, bank.id) == afresh(bank.id)

    with open_store() as store:  # a sync read on and replayed a card: its states before change
        mark = store.day_totals(SHIFT, None, None).mark
        store.conn.execute("UPDATE reviews SET state_before = 2 WHERE state_before != 2")
        store.conn.execute(
            "INSERT INTO sync_files (name, offset, tail, machine, read_at)"
            " VALUES ('lab.jsonl', 10, 'x', 'lab', '2026-01-01')"
        )
        assert store.day_totals(SHIFT, None, mark).whole
    assert kept(refresher_home) == afresh()


def test_the_mark_reads_deletions_and_a_store_made_anew(refresher_home):
    """No table is counted for the mark: each deletion is counted by a trigger, and a store
    made again (its ids start over) has another name, so nothing kept for the first matches."""
    bank = bundled(10)
    learner = Learner(seed=8)
    study(bank, learner, 3, new_per_day=4)
    assert kept(refresher_home) == afresh()
    with open_store() as store:
        mark = store.day_totals(SHIFT, None, None).mark
        assert mark.store and mark.changed == 0
        (last,) = store.conn.execute("SELECT max(id) FROM reviews").fetchone()
        store.conn.execute("DELETE FROM reviews WHERE id = ?", (last,))  # the latest row
        after = store.day_totals(SHIFT, None, mark)
        assert after.whole and after.mark.changed == 1 and after.mark.store == mark.store
    assert kept(refresher_home) == afresh()

    (refresher_home / "refresher.db").unlink()  # made anew: the same ids, other rows
    study(bank, Learner(seed=9), 3, new_per_day=4)
    with open_store() as store:
        anew = store.day_totals(SHIFT, None, None).mark
        assert anew.store != mark.store
    assert kept(refresher_home) == afresh()

    with open_store() as store:  # its mark's row lost: counted whole every time, still right
        store.conn.execute("DELETE FROM history_mark")
        lost = store.day_totals(SHIFT, None, None).mark
        assert lost.store == "" and store.day_totals(SHIFT, None, lost).whole
    assert kept(refresher_home) == afresh()
    study(bank, learner, 1, new_per_day=4, day_offset=3)
    assert kept(refresher_home) == afresh()


def stats_json(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(app, ["stats", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00{not json",
        b'{"format": 1, "fields": [], "kept": []}',
        b'{"format": 1, "fields": ["answers"], "kept": [{"scope": null}]}',
        "bad day",
        "negative",
        "too large",
        "short row",
        "directory",
        "fifo",
        "huge",
    ],
)
def test_a_damaged_file_of_totals_is_a_miss(refresher_home, monkeypatch, damage):
    bank = bundled(10)
    study(bank, Learner(seed=2), 3, new_per_day=4)
    monkeypatch.setenv("REFRESHER_NOW", (T0 + timedelta(days=3)).isoformat())
    runner = CliRunner()
    first = stats_json(runner, "--days", "7")
    path = refresher_home / "cache" / day_cache.FILE
    data = json.loads(path.read_text())
    day = next(iter(data["kept"][0]["days"]))
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    elif damage in ("bad day", "negative", "too large", "short row"):
        row = data["kept"][0]["days"].pop(day)
        if damage == "bad day":
            data["kept"][0]["days"]["2026-13-45"] = row
        elif damage == "negative":
            data["kept"][0]["days"][day] = [-5, *row[1:]]
        elif damage == "too large":
            data["kept"][0]["days"][day] = [10**30, *row[1:]]
        else:
            data["kept"][0]["days"][day] = row[:3]
        path.write_text(json.dumps(data))
    elif damage == "directory":
        path.unlink()
        path.mkdir()
    elif damage == "fifo":
        path.unlink()
        os.mkfifo(path)
    else:
        path.write_bytes(b" " * (day_cache.MAX_BYTES + 1))
    assert stats_json(runner, "--days", "7") == first


def test_stats_are_the_same_from_kept_totals_as_from_none(refresher_home, monkeypatch):
    bank = bundled(20)
    learner = Learner(seed=9)
    runner = CliRunner()
    study(bank, learner, 5, new_per_day=6)
    monkeypatch.setenv("REFRESHER_NOW", (T0 + timedelta(days=5)).isoformat())
    stats_json(runner)  # totals kept
    study(bank, learner, 4, new_per_day=6, day_offset=5)
    quiz(runner, 3, T0 + timedelta(days=9, hours=1))
    monkeypatch.setenv("REFRESHER_NOW", (T0 + timedelta(days=9, hours=5)).isoformat())
    for args in ((), ("--days", "3"), ("--days", "400")):
        from_kept = stats_json(runner, *args)
        (refresher_home / "cache" / day_cache.FILE).unlink()
        assert stats_json(runner, *args) == from_kept


def test_a_store_put_back_from_an_older_copy_is_counted_afresh(refresher_home):
    """A backup put back has the same name and, once studied on, the same ids with other rows:
    the row at the mark's id is not the one the totals saw, so everything is counted again."""
    from refresher.app import answer_cache

    bank = bundled(10)
    study(bank, Learner(seed=11), 2, new_per_day=4)
    db = refresher_home / "refresher.db"
    saved = db.read_bytes()
    study(bank, Learner(seed=11), 2, new_per_day=4, day_offset=2)
    assert kept(refresher_home) == afresh()
    since = T0 - timedelta(days=30)
    with open_store() as store:
        answers = answer_cache.totals(store, None, since, refresher_home / "cache")
        assert answers == store.answer_totals(since, None)
        (top,) = store.conn.execute("SELECT max(id) FROM reviews").fetchone()
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.write_bytes(saved)
    study(bank, Learner(seed=12), 6, new_per_day=4, day_offset=2)  # other rows, past those ids
    with open_store() as store:
        assert store.conn.execute("SELECT max(id) FROM reviews").fetchone()[0] > top
        answers = answer_cache.totals(store, None, since, refresher_home / "cache")
        assert answers == store.answer_totals(since, None)
    assert kept(refresher_home) == afresh()
