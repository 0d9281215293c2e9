"""Card states in the store: ratings, exact undo, leeches, the daily new count, concurrency,
questions that leave their bank, the queries behind `quiz --missed`, and upgrading a v1 file."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from refresher.core.errors import StoreError
from refresher.core.model import Outcome
from refresher.kinds.card import CardQuestion
from refresher.kinds.choice import ChoiceQuestion
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating
from refresher.srs.schedule import Rating, StudyDay
from refresher.storage.migrations import MIGRATIONS
from refresher.storage.store import DB_NAME, UndoConflict, open_store

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SCHED = S.make_scheduler(fuzz=False)


def card(qid: str, bank: str = "b") -> CardQuestion:
    return CardQuestion(bank_id=bank, id=qid, topic="lstm", prompt=f"front {qid}", back="back")


def rate(store, q, rating: Rating, now: datetime, *, threshold: int = S.LEECH_LAPSES):
    return store.rate_card(
        CardRating(
            store.question_id(q.bank_id, q.id),
            rating,
            scheduler=SCHED,
            leech_threshold=threshold,
            question=q,
            outcome=S.self_rated(rating),
            seconds=2.0,
            auto=False,
            now=now,
        )
    )


def snapshot(home: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("cards", "reviews", "attempts")
        }
    finally:
        conn.close()


def test_a_rating_stores_card_review_and_answer_together(refresher_home):
    q = card("q1")
    with open_store() as store:
        record = rate(store, q, Rating.Good, T0)
        state = store.card_state(record.rated.after.card_id)
        logs = store.review_logs(record.rated.after.card_id)
    assert state == record.rated.after  # exactly what was computed, read back
    assert state.card.due == T0 + timedelta(minutes=10)
    assert logs == [(3, "2026-11-25T09:30:00.000+00:00", 2000)]  # the answer took 2 s
    rows = snapshot(refresher_home)
    assert len(rows["cards"]) == len(rows["reviews"]) == len(rows["attempts"]) == 1
    attempt = rows["attempts"][0]
    assert attempt[4:7] == ("Good", 1, 2.0) and attempt[7] == "review"


def test_undo_restores_card_and_log_exactly(refresher_home):
    q = card("q1")
    with open_store() as store:
        first = rate(store, q, Rating.Good, T0)
        after_first = snapshot(refresher_home)
        second = rate(store, q, Rating.Again, T0 + timedelta(minutes=10))
        assert snapshot(refresher_home) != after_first
        assert store.undo_review(second.review_id) == first.rated.after.card_id
        assert snapshot(refresher_home) == after_first
        assert store.card_state(first.rated.after.card_id) == first.rated.after
        # undoing the first rating of a new card makes it new again
        store.undo_review(first.review_id)
        assert store.card_state(first.rated.after.card_id) is None
    assert snapshot(refresher_home) == {"cards": [], "reviews": [], "attempts": []}


def test_undo_refuses_when_the_card_was_rated_since(refresher_home):
    q = card("q1")
    with open_store() as store:
        first = rate(store, q, Rating.Good, T0)
        rate(store, q, Rating.Good, T0 + timedelta(minutes=10))
        before = snapshot(refresher_home)
        with pytest.raises(UndoConflict, match="rated again elsewhere"):
            store.undo_review(first.review_id)
        assert snapshot(refresher_home) == before
        with pytest.raises(UndoConflict):
            store.undo_review(999)


def test_rating_builds_on_what_another_window_stored(refresher_home):
    q = card("q1")
    with open_store() as one, open_store() as two:
        seen_by_two = two.card_state(two.question_id("b", "q1"))  # None: new, as two shows it
        rate(one, q, Rating.Good, T0)
        record = rate(two, q, Rating.Good, T0 + timedelta(minutes=10))
    assert seen_by_two is None
    assert record.rated.before is not None and record.rated.after.reps == 2
    assert record.rated.after.card.state == S.State.Review  # second step taken, not the first


def _forget_and_relearn(store, q, now):
    record = rate(store, q, Rating.Again, now)
    now = record.rated.after.card.due
    record = rate(store, q, Rating.Good, now)
    return record, record.rated.after.card.due


def test_eighth_lapse_suspends_the_card_and_unsuspend_brings_it_back(refresher_home):
    q = card("hard")
    with open_store() as store:
        record = rate(store, q, Rating.Easy, T0)
        card_id = record.rated.after.card_id
        now = record.rated.after.card.due
        for _ in range(7):
            record, now = _forget_and_relearn(store, q, now)
        assert store.card_state(card_id).lapses == 7
        leech = rate(store, q, Rating.Again, now)
        assert leech.rated.became_leech
        store.undo_review(leech.review_id)  # undo takes the flag back too
        state = store.card_state(card_id)
        assert (state.lapses, state.suspended, state.leech) == (7, False, False)
        leech = rate(store, q, Rating.Again, now)
        assert leech.rated.became_leech
        state = store.card_state(card_id)
        assert (state.lapses, state.suspended, state.leech) == (8, True, True)
        infos = store.card_infos("b")
        assert infos[card_id].suspended and infos[card_id].leech
        later = now + timedelta(days=1)
        queue = S.build_queue(
            [card_id], infos, later, StudyDay(), new_per_day=10, introduced_today=0
        )
        assert queue.entries == ()
        assert store.set_suspended(card_id, False) is True
        queue = S.build_queue(
            [card_id], store.card_infos("b"), later, StudyDay(), new_per_day=10, introduced_today=0
        )
        assert [e.card_id for e in queue.entries] == [card_id]
        assert store.card_state(card_id).leech  # still listed as a leech in stats
        assert store.find_cards(str(card_id)) == [(card_id, "b", "hard")]
        assert store.find_cards("b/hard") == store.find_cards("hard")


def test_new_cards_of_the_day_are_counted_across_runs(refresher_home):
    day = StudyDay()
    start, end = day.start(T0.date()), day.start(T0.date() + timedelta(days=1))
    with open_store() as store:
        for k in range(3):
            rate(store, card(f"n{k}"), Rating.Good, T0 + timedelta(minutes=k))
    with open_store() as store:  # a new process
        assert store.introduced_between(start, end) == 3
        rate(store, card("n0"), Rating.Good, T0 + timedelta(hours=1))  # not new any more
        assert store.introduced_between(start, end) == 3
        assert store.introduced_between(end, end + timedelta(days=1)) == 0
        ids = store.question_ids("b", [f"n{k}" for k in range(5)])
        queue = S.build_queue(
            list(ids.values()),
            store.card_infos("b"),
            T0 + timedelta(hours=2),
            day,
            new_per_day=4,
            introduced_today=store.introduced_between(start, end),
        )
    assert [e.card_id for e in queue.entries if e.new] == [ids["n3"]]


def test_a_question_removed_from_its_bank_keeps_history_and_stops_being_due(refresher_home):
    with open_store() as store:
        rate(store, card("kept"), Rating.Easy, T0)
        rate(store, card("gone"), Rating.Easy, T0)
        ids = store.question_ids("b", ["kept", "gone"])
        later = T0 + timedelta(days=30)
        everything = store.card_infos("b")
        assert set(everything) == set(ids.values())
        # the bank now holds only "kept": that is the selection the queue is built from
        queue = S.build_queue(
            [ids["kept"]], everything, later, StudyDay(), new_per_day=10, introduced_today=0
        )
        assert [e.card_id for e in queue.entries] == [ids["kept"]]
        assert len(store.review_logs(ids["gone"])) == 1
        assert store.card_state(ids["gone"]) is not None


def test_bulk_ids_match_single_ids(refresher_home):
    with open_store() as store:
        single = store.question_id("b", "x")
        bulk = store.question_ids("b", ["y", "x", "z"])
        assert bulk["x"] == single and len(set(bulk.values())) == 3
        assert store.question_ids("b", ["z", "y"]) == {"z": bulk["z"], "y": bulk["y"]}
        assert store.known_ids("b") == {"x": single, "y": bulk["y"], "z": bulk["z"]}
        assert store.known_ids("other") == {}


def _rater(home: str, worker: int, count: int) -> None:
    sched = S.make_scheduler(fuzz=False)
    q = card("shared")
    with open_store(Path(home)) as store:
        card_id = store.question_id("b", "shared")
        for i in range(count):
            rating = Rating.Again if (i + worker) % 3 == 0 else Rating.Good
            now = T0 + timedelta(minutes=2 * i + worker)

            store.rate_card(
                CardRating(
                    card_id,
                    rating,
                    scheduler=sched,
                    leech_threshold=S.LEECH_LAPSES,
                    question=q,
                    outcome=S.self_rated(rating),
                    seconds=1.0,
                    auto=False,
                    now=now,
                )
            )


def test_two_processes_rating_at_once_lose_nothing(refresher_home):
    open_store().close()  # migrate first
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_rater, args=(str(refresher_home), w, 60)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with open_store() as store:
        card_id = store.question_id("b", "shared")
        state = store.card_state(card_id)
        logs = store.review_logs(card_id)
    assert len(logs) == 120
    assert state.reps == 120  # every rating built on the one before it
    rows = snapshot(refresher_home)
    assert len(rows["attempts"]) == 120
    assert sorted(r[8] for r in rows["reviews"]) == [r[0] for r in rows["attempts"]]


def test_missed_in_last_round_and_within_days(refresher_home):
    q1 = ChoiceQuestion(bank_id="b", id="c1", topic="rnn", prompt="P", options=("a", "b"))
    q2 = ChoiceQuestion(bank_id="b", id="c2", topic="rnn", prompt="P", options=("a", "b"))
    right, wrong = Outcome(True, "A", "A"), Outcome(False, "B", "A")
    with open_store() as store:
        assert store.missed_in_last_round("b") == (None, [])
        r1 = store.start_round("b", "practice", 1, T0)
        store.record_attempt(q1, wrong, seconds=1, mode="practice", now=T0, round_id=r1)
        store.record_attempt(q2, wrong, seconds=1, mode="practice", now=T0, round_id=r1)
        store.record_attempt(q2, right, seconds=1, mode="practice", now=T0, round_id=r1)  # retry
        assert store.missed_in_last_round("b")[1] == ["c1"]
        later = T0 + timedelta(days=3)
        r2 = store.start_round("b", "practice", 2, later)
        store.record_attempt(q2, wrong, seconds=1, mode="practice", now=later, round_id=r2)
        store.record_attempt(q1, Outcome(None, "", "A"), seconds=0, mode="practice", now=later,
                             round_id=r2)  # fmt: skip
        started, missed = store.missed_in_last_round("b")
        assert missed == ["c2"] and started.startswith("2026-11-28")
        store.start_round("b", "practice", 3, later)  # opened and quit without an answer
        assert store.missed_in_last_round("b")[1] == ["c2"]
        assert store.missed_since("b", T0 - timedelta(days=1)) == ["c1", "c2"]
        assert store.missed_since("b", later - timedelta(hours=1)) == ["c2"]
        assert store.missed_since("other", T0) == []


def test_version_1_database_is_upgraded_with_its_history(refresher_home):
    refresher_home.mkdir(parents=True)
    conn = sqlite3.connect(refresher_home / DB_NAME)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO questions (bank, qid) VALUES ('b', 'old')")
    conn.execute(
        "INSERT INTO attempts (question_id, answered_at, given, correct, seconds, mode, qtype,"
        " topic) VALUES (1, '2026-11-01T10:00:00.000+00:00', 'A', 1, 1.0, 'practice', 'choice',"
        " 'rnn')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 2
        assert len(store.attempts()) == 1
        assert store.card_infos() == {}
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"cards", "reviews", "cards_by_due", "reviews_by_time"} <= names


def test_damaged_card_state_is_a_clear_error(refresher_home):
    with open_store() as store:
        record = rate(store, card("q1"), Rating.Good, T0)
        store.conn.execute("UPDATE cards SET fsrs = '{broken'")
        with pytest.raises(StoreError, match="schedule of card .* is damaged"):
            store.card_state(record.rated.after.card_id)


def _open_at(home: str, start: float, results) -> None:
    while time.time() < start:  # all processes open the brand-new file at the same moment
        pass
    try:
        with open_store(Path(home)) as store:
            store.question_ids("b", ["x"])
        results.put("ok")
    except StoreError as exc:
        results.put(str(exc))


def test_many_processes_creating_the_store_at_once_all_succeed(tmp_path):
    # SQLite does not wait for the lock when a new file switches to WAL; open_store retries.
    # Without that, about one trial in six failed here with "database is locked".
    ctx = multiprocessing.get_context("fork")
    failures = []
    for trial in range(8):
        home, results = tmp_path / f"h{trial}", ctx.Queue()
        start = time.time() + 0.15
        procs = [ctx.Process(target=_open_at, args=(str(home), start, results)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        failures += [r for r in (results.get(timeout=10) for _ in procs) if r != "ok"]
    assert failures == []
