"""The cards' schedule with their memory from one read of the table (`Cards.card_table`, what
`stats` and `plan` use): the same cards as `card_infos`, each card's stability and difficulty as
its py-fsrs JSON holds them, and a damaged row named by its card."""

from __future__ import annotations

import json

import pytest
from msgspec.structs import replace

from refresher.app import banks as app_banks
from refresher.core.errors import StoreError
from refresher.storage.store import open_store
from tests.simlearner import Learner, study


@pytest.fixture
def studied(refresher_home):
    bank = app_banks.open_bank(None)
    bank = replace(bank, questions=bank.questions[:12])
    study(bank, Learner(seed=3), 6, new_per_day=6)
    return bank


def memory_of(store) -> dict[int, tuple[float, float]]:
    """Stability and difficulty read from each card's py-fsrs JSON, in Python."""
    out = {}
    for card_id, fsrs in store.conn.execute("SELECT question_id, fsrs FROM cards"):
        card = json.loads(fsrs)
        s, d = card.get("stability"), card.get("difficulty")
        if isinstance(s, int | float) and isinstance(d, int | float):
            out[card_id] = (float(s), float(d))
    return out


def test_the_table_holds_the_cards_and_their_memory(studied):
    with open_store() as store:
        table = store.card_table(studied.id)
        assert table.infos == store.card_infos(studied.id) and table.infos
        assert table.memory == memory_of(store)  # bit for bit: no float goes through text
        assert store.card_table("no-such-bank").infos == {}
        assert store.card_table().infos == table.infos


@pytest.mark.parametrize(
    "change",
    [
        "suspended = 2",  # read as suspended
        "lapses = '2'",
        "stability = NULL",  # no memory for it
        "fsrs = json_set(fsrs, '$.difficulty', 'hard')",  # no memory for it
        "due = '2026-11-14T05:56:47.500+02:00'",  # another zone: kept as written
    ],
)
def test_an_odd_row_is_read_as_it_always_was(studied, change):
    with open_store() as store:
        (card,) = store.conn.execute("SELECT min(question_id) FROM cards").fetchone()
        store.conn.execute(f"UPDATE cards SET {change} WHERE question_id = ?", (card,))
        table = store.card_table()
        assert table.infos == store.card_infos()
        want = memory_of(store)
        if "stability" in change:
            want.pop(card)
        assert table.memory == want


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("state = 7", "7 is not a card state"),
        ("state = 'review'", "is not a card state"),
        ("due = '2026-11-14T05:56:47'", "without its zone"),
        ("last_review = '2026-11-14'", "without its zone"),
        ("last_review = '0900-01-01T00:00:00+00:00'", "out of range"),
        ("lapses = 'many'", "many"),
        ("stability = -5", "-5.0 is not a stability"),
        ("stability = 0", "0.0 is not a stability"),
        ("stability = 9e999", "inf is not a stability"),
        ("fsrs = json_set(fsrs, '$.difficulty', 1e300)", "1e.300 is not a difficulty"),
        ("fsrs = json_set(fsrs, '$.difficulty', 0.5)", "0.5 is not a difficulty"),
    ],
)
def test_a_damaged_row_names_its_card(studied, change, words):
    with open_store() as store:
        (card,) = store.conn.execute("SELECT max(question_id) FROM cards").fetchone()
        store.conn.execute(f"UPDATE cards SET {change} WHERE question_id = ?", (card,))
        reads = (
            [store.card_table] if "difficulty" in change else [store.card_table, store.card_infos]
        )
        for read in reads:
            with pytest.raises(StoreError, match=rf"schedule of card {card} \(.*{words}"):
                read()
