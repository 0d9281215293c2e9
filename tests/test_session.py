"""Selection, seeded ordering and the state of a round."""

from __future__ import annotations

import random

import pytest

from refresher.banks.load import load_bank
from refresher.core.errors import InputError, RefresherError
from refresher.quiz.round import Mode, Round, make_items, select


@pytest.fixture
def bank(mini_path):
    return load_bank(mini_path)


def test_select_filters(bank):
    assert [q.id for q in select(bank, topics=["lstm"])] == [
        "lstm-sigmoid-gates",
        "lstm-has-cell",
        "forget-card",
    ]
    assert [q.id for q in select(bank, types=["card", "open"])] == ["explain-rnn", "forget-card"]
    assert [q.id for q in select(bank, tags=["gates"], types=["card"])] == ["forget-card"]
    assert [q.id for q in select(bank, ids=["hidden-state"])] == ["hidden-state"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"topics": ["cnn"]}, "unknown topic 'cnn'; available: rnn, lstm"),
        ({"types": ["essay"]}, "unknown type 'essay'; available: choice, multi"),
        ({"tags": ["nope"]}, "unknown tag 'nope'; available: basics, gates, interview"),
        ({"topics": ["rnn"], "tags": ["gates"]}, "no questions match those filters"),
    ],
)
def test_select_errors_name_what_exists(bank, kwargs, message):
    with pytest.raises(RefresherError, match=message.replace("(", "\\(")):
        select(bank, **kwargs)


def test_same_seed_same_order_different_seed_different_order(bank):
    def order(seed):
        items = make_items(bank.questions, random.Random(seed))
        return [(i.question.id, i.order) for i in items]

    assert order(7) == order(7)
    assert len({tuple(order(s)) for s in range(10)}) > 1


def test_no_shuffle_keeps_bank_and_option_order(bank):
    items = make_items(bank.questions, random.Random(1), shuffle=False, count=2)
    assert [i.question.id for i in items] == ["rnn-acronym", "lstm-sigmoid-gates"]
    assert items[0].order == (0, 1, 2)
    assert items[0].options == bank.questions[0].options


def test_displayed_letters_match_shuffled_options(bank):
    for seed in range(20):
        item = make_items([bank.get("rnn-acronym")], random.Random(seed))[0]
        right_letter = "ABC"[item.options.index("Recurrent Neural Network")]
        rnd = Round([item])
        assert rnd.answer(right_letter).outcome.correct is True


def test_round_counts_and_summary(bank):
    items = make_items(bank.questions, random.Random(0), shuffle=False)
    rnd = Round(items, Mode.EXAM)
    with pytest.raises(InputError):
        rnd.answer("zz")
    assert rnd.position == 0 and rnd.answers == []  # unreadable answers never count
    rnd.answer("A", 2.0)  # wrong
    rnd.answer("A B D", 1.0)  # right
    rnd.skip()
    rnd.answer("hidden state")  # right
    s = rnd.summary(seconds=65)
    assert (s.right, s.answered) == (2, 3)
    assert [i.question.id for i in s.skipped] == ["lstm-has-cell"]
    assert [i.question.id for i in s.unanswered] == ["explain-rnn", "forget-card"]
    assert [m.item.question.id for m in s.misses] == ["rnn-acronym"]
    assert s.by_topic == {"rnn": (1, 2), "lstm": (1, 1)}
    assert round(s.percent, 1) == 66.7


def test_none_of_the_above_keeps_its_place():
    from refresher.kinds.choice import ChoiceQuestion

    q = ChoiceQuestion(
        bank_id="b",
        id="q",
        topic="rnn",
        prompt="P",
        options=("w", "x", "y", "None of the above"),
        answer=3,
    )
    orders = {make_items([q], random.Random(seed))[0].order for seed in range(30)}
    assert all(order[3] == 3 for order in orders)
    assert len(orders) > 1  # the others are still shuffled
