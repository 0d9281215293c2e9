"""A sync imports in chunks and replays each card only from what is new: the result is the replay
of every event from the start whatever order they came in, another command writes between two
chunks, a sync stopped between chunks goes on from there, and quiz rounds travel too."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.sync_data import write_events
from refresher.app import sync as app_sync
from refresher.cli import app
from refresher.core import limits
from refresher.srs import schedule as S
from refresher.storage import events, replay, sync_cards, sync_import
from refresher.storage.store import DB_NAME, open_store
from tests.test_sync import card_states, rows
from tests.test_sync_files import Clock, machine, rate

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def replays_from_start(monkeypatch) -> list[tuple[str, str]]:
    """The cards a sync replays from their first step from now on, (bank, question id) each."""
    from_start: list[tuple[str, str]] = []
    real = sync_cards.all_steps

    def all_steps(conn, card):
        from_start.append(card)
        return real(conn, card)

    monkeypatch.setattr(sync_cards, "all_steps", all_steps)
    return from_start


def sync(home: Path, folder: Path, now: datetime = T0) -> app_sync.SyncResult:
    return app_sync.sync(folder, home, Clock(now))


def undo_last(home: Path) -> None:
    with open_store(home) as store:
        last = store.conn.execute("SELECT max(id) FROM reviews").fetchone()[0]
        store.undo_review(last)


def replayed_from_nothing(home: Path) -> tuple[dict, dict]:
    """Every card replayed from all its events at once, as no sync did it: (card rows by
    question, (state before, due after) by review)."""
    conn = sqlite3.connect(home / DB_NAME)
    try:
        settings = replay.Settings(
            (r[0], r[1], r[2], json.loads(r[3]))
            for r in conn.execute(
                "SELECT machine, at, event_id, payload FROM sync_events WHERE kind = 'setting'"
            )
        )
        cards, reviews = {}, {}
        keys = conn.execute(
            "SELECT DISTINCT q.id, q.bank, q.qid FROM questions q JOIN sync_events e"
            " ON e.bank = q.bank AND e.qid = q.qid WHERE e.kind = 'review'"
        ).fetchall()
        for card_id, bank, qid in keys:
            steps = [
                replay.Step(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5])
                for r in conn.execute(
                    "SELECT kind, at, event_id, machine, payload, review_id FROM sync_events"
                    " WHERE bank = ? AND qid = ? AND kind IN ('review', 'suspend')"
                    " AND cancelled = 0",
                    (bank, qid),
                )
            ]
            done = replay.replay(card_id, steps, settings)
            if done.row is not None:
                row = dict(done.row)
                row["fsrs"] = json.loads(row["fsrs"])
                cards[qid] = row
            reviews.update({r.review_id: (r.state_before, r.due_after) for r in done.reviews})
        return cards, reviews
    finally:
        conn.close()


def stored(home: Path) -> tuple[dict, dict]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        cards = {}
        cur = conn.execute(
            "SELECT q.qid, c.* FROM cards c JOIN questions q ON q.id = c.question_id"
        )
        names = [d[0] for d in cur.description]
        for found in cur:
            row = dict(zip(names[1:], found[1:], strict=True))
            row["fsrs"] = json.loads(row["fsrs"])
            cards[found[0]] = row
        reviews = {
            r[0]: (r[1], r[2])
            for r in conn.execute("SELECT id, state_before, due_after FROM reviews")
        }
        return cards, reviews
    finally:
        conn.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_incremental_replay_equals_a_full_replay_whatever_the_order(tmp_path, monkeypatch, seed):
    """Three machines review the same cards at overlapping times and sync in random orders, in
    chunks of a few events, with reviews made late (a clock behind), undos of reviews already
    replayed elsewhere, and suspensions: every card on the observer is the replay of all its
    events from the start, and a machine that brings in everything at once agrees."""
    monkeypatch.setattr(limits, "SYNC_CHUNK", 3)
    starts = []
    real = replay.replay

    def counted(card_id, steps, settings, start=None, own=None, **how):
        starts.append(start is not None)
        return real(card_id, steps, settings, start, own, **how)

    monkeypatch.setattr(replay, "replay", counted)
    rng = random.Random(seed)
    folder = tmp_path / "sync"
    folder.mkdir()
    homes = [machine(tmp_path, name) for name in ("laptop-1", "lab-2", "desk-3")]
    clocks = [T0, T0 + timedelta(minutes=7), T0 - timedelta(minutes=40)]  # the last is behind
    replayed = 0
    for _ in range(60):
        k = rng.randrange(3)
        home = homes[k]
        clocks[k] += timedelta(minutes=rng.randint(1, 30))
        action = rng.random()
        if action < 0.55:
            rate(home, f"c{rng.randrange(6)}", S.Rating(rng.randint(1, 4)), clocks[k])
        elif action < 0.62:
            with open_store(home) as store:
                if store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]:
                    undo_last(home)
        elif action < 0.67:
            with open_store(home) as store:
                qid = store.question_id("b", f"c{rng.randrange(6)}")
                if store.conn.execute(
                    "SELECT 1 FROM cards WHERE question_id = ?", (qid,)
                ).fetchone():
                    store.set_suspended(qid, rng.random() < 0.5)
        else:
            result = sync(home, folder, clocks[k])
            replayed += result.cards
    for home in homes + homes:
        sync(home, folder, T0 + timedelta(days=2))
    assert replayed > 0 and any(starts) and not all(starts)  # both ways were taken
    for home in homes:
        assert stored(home) == replayed_from_nothing(home)
    assert card_states(homes[0]) == card_states(homes[1]) == card_states(homes[2])
    monkeypatch.setattr(limits, "SYNC_CHUNK", 100_000)  # one chunk: replayed from nothing
    fresh = machine(tmp_path, "fresh-4")
    sync(fresh, folder, T0 + timedelta(days=2))
    assert card_states(fresh) == card_states(homes[0])
    assert rows(fresh) == rows(homes[0])


def test_a_card_reviewed_late_on_this_machine_is_replayed_from_the_start(pair_folder, monkeypatch):
    """A review stored here at a time before the last one replayed (this clock is behind):
    the next import touching the card does not build on the stored state."""
    a, b, folder = pair_folder
    rate(a, "c1", S.Rating.Good, T0 + timedelta(hours=3))
    sync(a, folder)
    sync(b, folder)  # b replays a's review at +3h
    rate(b, "c1", S.Rating.Again, T0 + timedelta(hours=1))  # b's clock is behind
    rate(a, "c1", S.Rating.Easy, T0 + timedelta(hours=6))
    sync(a, folder)
    from_start = replays_from_start(monkeypatch)
    sync(b, folder)  # a's +6h comes after b's mark, but b's own +1h came before it
    assert from_start == [("b", "c1")]
    sync(a, folder)
    assert stored(b) == replayed_from_nothing(b)
    assert card_states(a) == card_states(b)


@pytest.fixture
def pair_folder(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    return machine(tmp_path, "laptop-1"), machine(tmp_path, "lab-2"), folder


def test_another_command_writes_between_two_chunks_of_a_large_import(
    tmp_path, monkeypatch, pair_folder
):
    """The import of a large file is chunks, each its own transaction: between two, a review
    in another connection that will not wait at all gets its write through, and the import
    goes on to the end."""
    _, home, folder = pair_folder
    write_events(folder / "far-1.jsonl", "far-1", 400, 30)
    monkeypatch.setattr(limits, "SYNC_CHUNK", 100)
    chunks = []
    real = sync_import.Importer._import_chunk

    def chunk_then_write(self, *args, **kwargs):
        real(self, *args, **kwargs)
        chunks.append(1)
        other = sqlite3.connect(home / DB_NAME, timeout=0)  # another process: no waiting
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO notices (key, shown_at) VALUES (?, ?)",
                (f"between-{len(chunks)}", T0.isoformat()),
            )
            other.execute("COMMIT")
        finally:
            other.close()

    monkeypatch.setattr(sync_import.Importer, "_import_chunk", chunk_then_write)
    result = sync(home, folder)
    assert len(chunks) >= 4 and result.brought == {"far-1": {"review": 400}}
    with open_store(home) as store:
        notes = store.conn.execute("SELECT count(*) FROM notices").fetchone()[0]
        assert notes == len(chunks)
        assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 400


def test_a_sync_stopped_between_chunks_goes_on_from_there(tmp_path, monkeypatch, pair_folder):
    """A sync that dies after two chunks leaves those two imported with the file's mark at
    their end: the next sync brings in the rest, once, and ends as one whole sync would."""
    _, home, folder = pair_folder
    write_events(folder / "far-1.jsonl", "far-1", 500, 40)
    monkeypatch.setattr(limits, "SYNC_CHUNK", 100)
    real = sync_import.Importer._import_chunk
    done = []

    def dies_after_two(self, *args, **kwargs):
        if len(done) == 2:
            raise KeyboardInterrupt  # as if killed here
        real(self, *args, **kwargs)
        done.append(1)

    monkeypatch.setattr(sync_import.Importer, "_import_chunk", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        sync(home, folder)
    with open_store(home) as store:
        conn = store.conn
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 200
        offset = conn.execute("SELECT offset FROM sync_files").fetchone()[0]
    with (folder / "far-1.jsonl").open("rb") as fh:
        assert fh.read(offset).count(b"\n") == 200  # the mark covers exactly what is in
    monkeypatch.setattr(sync_import.Importer, "_import_chunk", real)
    again = sync(home, folder)
    assert again.brought == {"far-1": {"review": 300}} and again.duplicates == 0
    whole = machine(tmp_path, "whole-3")
    sync(whole, folder)
    assert card_states(home) == card_states(whole) and rows(home) == rows(whole)
    assert stored(home) == replayed_from_nothing(home)


def test_quiz_rounds_travel_so_missed_redoes_the_other_machine_s_round(
    pair_folder, monkeypatch, mini_path
):
    a, b, folder = pair_folder
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    quiz = ["quiz", str(mini_path), "--no-shuffle", "--count", "2"]
    done = runner.invoke(app, quiz, input="A\nA\n")  # both wrong
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["sync", str(folder)]).exit_code == 0
    lines = [json.loads(x) for x in (folder / "laptop-1.jsonl").read_bytes().splitlines()]
    rounds = [x for x in lines if x["kind"] == "round"]
    assert len(rounds) == 1 and rounds[0]["v"] == 2 and rounds[0]["card"] is None
    assert {x["payload"].get("round") for x in lines if x["kind"] == "answer"} == {rounds[0]["id"]}
    assert all(x["v"] == 1 for x in lines if x["kind"] != "round")  # older refreshers read them
    monkeypatch.setenv("REFRESHER_HOME", str(b))
    brought = runner.invoke(app, ["sync", str(folder)])
    assert "brought in 2 answers, 1 quiz round, 1 setting from laptop-1" in brought.output
    with open_store(b) as store:
        assert store.missed_in_last_round("mini") == (
            T0.isoformat(timespec="milliseconds"),
            ["rnn-acronym", "lstm-sigmoid-gates"],
        )
    for what in (["stats", str(mini_path), "--json"], ["history", "--json"]):
        monkeypatch.setenv("REFRESHER_HOME", str(a))
        on_a = runner.invoke(app, what)
        monkeypatch.setenv("REFRESHER_HOME", str(b))
        on_b = runner.invoke(app, what)
        assert on_a.exit_code == on_b.exit_code == 0
        assert json.loads(on_a.output) == json.loads(on_b.output)
    redo = runner.invoke(app, [*quiz[:3], "--missed"], input="B\nA B D\n")
    assert redo.exit_code == 0, redo.output
    assert "RNN stands for" in redo.output and "Which LSTM gates" in redo.output
    assert "no quiz round" not in redo.output
    # b's redo round goes back to a the same way
    assert runner.invoke(app, ["sync", str(folder)]).exit_code == 0
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    assert runner.invoke(app, ["sync", str(folder)]).exit_code == 0
    with open_store(a) as store:
        started, missed = store.missed_in_last_round("mini")
        assert missed == [] and started is not None
        assert store.conn.execute("SELECT count(*) FROM rounds").fetchone()[0] == 2


def test_a_round_line_is_format_2_and_refused_as_format_1():
    round_event = events.Event(
        "laptop-1.9",
        "laptop-1",
        T0.isoformat(),
        "round",
        None,
        None,
        None,
        {"bank": "mini", "mode": "practice", "seed": 7},
    )
    line = events.encode(round_event)
    assert events.decode(line) == round_event
    old = json.loads(line)
    old["v"] = 1
    assert events.decode(events.seal({k: v for k, v in old.items() if k != "sum"})) == events.Bad(
        "junk"
    )


def test_an_undo_here_of_a_review_already_replayed_replays_the_card_from_the_start(pair_folder):
    a, b, folder = pair_folder
    rate(a, "c1", S.Rating.Good, T0)
    sync(a, folder)
    sync(b, folder)
    mine = rate(b, "c1", S.Rating.Again, T0 + timedelta(hours=1))
    with open_store(a) as store:
        store.set_suspended(store.question_id("b", "c1"), True)
    sync(a, folder)
    sync(b, folder)  # the suspension is replayed on top of b's review: b's mark covers it
    with open_store(b) as store:
        store.undo_review(mine)  # then taken back here
    rate(a, "c1", S.Rating.Good, T0 + timedelta(hours=2))  # after b's mark
    sync(a, folder)
    sync(b, folder)
    sync(a, folder)
    assert stored(b) == replayed_from_nothing(b)
    assert card_states(a) == card_states(b)
    assert [s[1] for s in card_states(b).values()] == [2]  # a's two reviews alone


def test_lines_an_older_refresher_skipped_are_read_once_it_is_upgraded(
    pair_folder, monkeypatch, mini_path
):
    a, b, folder = pair_folder
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    quiz = ["quiz", str(mini_path), "--no-shuffle", "--count", "2"]
    assert runner.invoke(app, quiz, input="A\nA\n").exit_code == 0
    sync(a, folder)
    with monkeypatch.context() as old:  # b runs a refresher of format 1
        old.setattr(events, "FORMAT", 1)
        old.setattr(sync_import, "FORMAT", 1)
        before = sync(b, folder)
        with open_store(b) as store:
            store.conn.execute("DELETE FROM sync_state WHERE key = 'format'")
    assert before.brought == {"laptop-1": {"answer": 2, "setting": 1}}
    assert list(before.problems) == ["newer"]
    with open_store(b) as store:
        assert store.missed_in_last_round("mini") == (None, [])
    after = sync(b, folder)  # upgraded: the round comes in, and its answers find it
    assert after.brought == {"laptop-1": {"round": 1}} and after.duplicates == 0
    assert not after.problems
    with open_store(b) as store:
        assert store.missed_in_last_round("mini")[1] == ["rnn-acronym", "lstm-sigmoid-gates"]
    again = sync(b, folder)
    assert not again.brought and not again.duplicates
