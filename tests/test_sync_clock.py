"""A machine whose clock steps back: its own reviews of a card are out of time order, so the
state it computed as it went is not the replay every other machine makes of them (in time
order, ties by event id); at its next sync it replays such a card from the start, and both
machines hold the same state, equal to a replay of all the card's events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from refresher.srs import schedule as S
from tests.test_sync import card_states, rows
from tests.test_sync_chunks import T0, replayed_from_nothing, replays_from_start, stored, sync
from tests.test_sync_files import machine, rate


@pytest.fixture
def pair(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    return machine(tmp_path, "laptop-1"), machine(tmp_path, "lab-2"), folder


def agree(a, b) -> None:
    assert stored(a) == replayed_from_nothing(a)
    assert stored(b) == replayed_from_nothing(b)
    assert card_states(a) == card_states(b)
    assert rows(a) == rows(b)


def test_reviews_out_of_time_order_on_one_machine_end_as_the_replay(pair):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0 + timedelta(seconds=10))
    rate(a, "c1", S.Rating.Again, T0 + timedelta(seconds=5))  # the clock stepped back
    rate(a, "c1", S.Rating.Good, T0 + timedelta(seconds=12))
    rate(a, "c2", S.Rating.Good, T0 + timedelta(seconds=6))  # in order: kept as it is
    live = card_states(a)
    sync(a, folder)
    sync(b, folder)
    sync(a, folder)
    agree(a, b)
    assert card_states(a)["c1"] != live["c1"]  # (the state it had was not the replay)
    assert card_states(a)["c2"] == live["c2"]


def test_a_review_behind_one_brought_in_ends_as_the_replay(pair):
    """This machine brought in another's review of a card, then reviewed it at a time before
    that one (its clock is behind): the card is replayed here too, not only there."""
    a, b, folder = pair
    rate(b, "c1", S.Rating.Good, T0 + timedelta(hours=1))
    sync(b, folder)
    sync(a, folder)  # a replays b's review, its mark at +1h
    rate(a, "c1", S.Rating.Hard, T0 + timedelta(minutes=30))
    sync(a, folder)
    sync(b, folder)
    sync(a, folder)
    agree(a, b)


def test_only_cards_out_of_order_are_replayed_and_only_once(pair, monkeypatch):
    a, b, folder = pair
    for k in range(3):
        rate(a, f"c{k}", S.Rating.Good, T0 + timedelta(minutes=k))
    rate(a, "c1", S.Rating.Easy, T0 - timedelta(minutes=1))  # c1 only: behind its last
    from_start = replays_from_start(monkeypatch)
    assert sync(a, folder).cards == 1
    assert from_start == [("b", "c1")]
    assert sync(a, folder).cards == 0 and from_start == [("b", "c1")]  # checked once
    rate(a, "c1", S.Rating.Good, T0 + timedelta(hours=1))  # after all of it: in order
    assert sync(a, folder).cards == 0
    sync(b, folder)
    agree(a, b)


def test_the_study_days_kept_for_stats_are_counted_again_after_such_a_replay(pair, tmp_path):
    """The replay gives the reviews other states before (a review seen here on a card in
    review was, in time order, of a new card): the totals `stats` keeps between runs are not
    the same any more, and are counted again."""
    from refresher.app import day_cache
    from refresher.storage.store import open_store

    a, _, folder = pair
    rate(a, "c1", S.Rating.Easy, T0 + timedelta(seconds=10))  # in review at once
    rate(a, "c1", S.Rating.Good, T0 + timedelta(seconds=5))  # the clock stepped back
    cache = tmp_path / "cache"
    cache.mkdir()
    with open_store(a) as store:
        kept = day_cache.totals(store, None, 0, cache)
        assert kept == store.day_totals(0, None, None).days
    sync(a, folder)
    with open_store(a) as store:
        fresh = store.day_totals(0, None, None).days
        assert fresh != kept  # (the review at +5s was of a card in review; now of a new one)
        assert day_cache.totals(store, None, 0, cache) == fresh
