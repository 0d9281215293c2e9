"""The answers of `stats`' period per question, kept between runs (`app/answer_cache.py`):
brought up to date from the answers added, counted again whenever one counted is gone or
regraded or a sync read on, and always equal to counting the period afresh."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from refresher.app import answer_cache
from refresher.cli import app
from refresher.storage.store import open_store
from tests.simlearner import T0

SINCE = T0 - timedelta(days=30)


def quiz(seed: int, when, answers: str = "A\ns\nB\n" * 4) -> None:
    result = CliRunner().invoke(
        app,
        ["quiz", "session-14", "--count", "6", "--seed", str(seed)],
        input=answers + "q\n",
        env={"REFRESHER_NOW": when.isoformat()},
    )
    assert result.exit_code == 0, result.output


def kept(home, scope=None, since=SINCE):
    with open_store() as store:
        return answer_cache.totals(store, scope, since, home / "cache")


def afresh(scope=None, since=SINCE):
    with open_store() as store:
        return store.answer_totals(since, scope)


def same(a, b) -> bool:
    """Equal, the seconds (summed in two parts when kept) to the last bits."""
    return len(a) == len(b) and all(
        x[:7] == y[:7] and math.isclose(x[7], y[7], rel_tol=1e-12)
        for x, y in zip(a, b, strict=True)
    )


def test_kept_answers_follow_new_answers_overrules_undos_and_syncs(refresher_home):
    quiz(1, T0)
    for scope in (None, "session-14", "no-such-bank"):
        assert same(kept(refresher_home, scope), afresh(scope))
    with open_store() as store:
        mark = store.answers_counted(SINCE, None, None).mark
    quiz(2, T0 + timedelta(hours=2))  # answers added: counted from the mark
    with open_store() as store:
        counted = store.answers_counted(SINCE, None, mark)
        (new,) = store.conn.execute(
            "SELECT count(*) FROM attempts WHERE id > ? AND correct IS NOT NULL",
            (mark.attempt_id,),
        ).fetchone()
        assert not counted.whole and sum(r[4] for r in counted.rows) == new > 0
    for scope in (None, "session-14"):
        assert same(kept(refresher_home, scope), afresh(scope))

    with open_store() as store:  # an overrule regrades an answer the totals counted
        mark = store.answers_counted(SINCE, None, None).mark
        (wrong,) = store.conn.execute("SELECT min(id) FROM attempts WHERE correct = 0").fetchone()
        store.overrule_attempt(wrong)
        assert store.answers_counted(SINCE, None, mark).whole
    assert same(kept(refresher_home), afresh()) and same(
        kept(refresher_home, "session-14"), afresh("session-14")
    )

    with open_store() as store:  # a deleted answer, and a sync that read on
        mark = store.answers_counted(SINCE, None, None).mark
        (last,) = store.conn.execute("SELECT max(id) FROM attempts").fetchone()
        store.conn.execute("DELETE FROM attempts WHERE id = ?", (last,))
        assert store.answers_counted(SINCE, None, mark).whole
        mark = store.answers_counted(SINCE, None, None).mark
        store.conn.execute(
            "INSERT INTO sync_files (name, offset, tail, machine, read_at)"
            " VALUES ('lab.jsonl', 10, 'x', 'lab', '2026-01-01')"
        )
        assert store.answers_counted(SINCE, None, mark).whole
    assert same(kept(refresher_home), afresh())
    later = SINCE + timedelta(days=1)  # another period: its own sums
    assert same(kept(refresher_home, since=later), afresh(since=later))
    assert same(kept(refresher_home), afresh())


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00{not json",
        b'{"format": 1, "kept": [{"scope": null}]}',
        "negative",
        "too large",
        "more right than answered",
        "directory",
        "huge",
    ],
)
def test_a_damaged_file_of_answers_is_a_miss(refresher_home, damage):
    quiz(1, T0)
    first = kept(refresher_home)
    path = refresher_home / "cache" / answer_cache.FILE
    data = json.loads(path.read_text())
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    elif damage == "negative":
        data["kept"][0]["rows"][0][3] = -5
        path.write_text(json.dumps(data))
    elif damage == "too large":
        data["kept"][0]["rows"][0][4] = 10**30
        path.write_text(json.dumps(data))
    elif damage == "more right than answered":
        data["kept"][0]["rows"][0][3] = data["kept"][0]["rows"][0][4] + 1
        path.write_text(json.dumps(data))
    elif damage == "directory":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(b" " * (answer_cache.MAX_BYTES + 1))
    assert same(kept(refresher_home), first) and same(first, afresh())


def test_stats_are_the_same_from_kept_answers_as_from_none(refresher_home, monkeypatch):
    quiz(1, T0)
    quiz(2, T0 + timedelta(hours=1), answers="B\nB\nB\n" * 4)
    monkeypatch.setenv("REFRESHER_NOW", (T0 + timedelta(hours=3)).isoformat())
    runner = CliRunner()
    first = runner.invoke(app, ["stats", "--json"]).output
    assert (refresher_home / "cache" / answer_cache.FILE).exists()
    assert runner.invoke(app, ["stats", "--json"]).output == first  # from the kept sums
    quiz(3, T0 + timedelta(hours=2))
    grown = runner.invoke(app, ["stats", "--json"]).output  # kept sums and the answers since
    (refresher_home / "cache" / answer_cache.FILE).unlink()
    assert runner.invoke(app, ["stats", "--json"]).output == grown != first
