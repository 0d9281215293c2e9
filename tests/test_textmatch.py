"""Forgiving matching of typed words for blank and cloze answers."""

from __future__ import annotations

import pytest

from refresher.kinds.textmatch import diff, match, one_edit


@pytest.mark.parametrize(
    ("typed", "accepted", "before", "after", "note"),
    [
        ("clipping", ["clipping"], "gradient ", "", ""),
        ("gradient clipping", ["clipping"], "Exploding gradients are tamed by gradient ", "", ""),
        ("clipping by norm", ["clipping"], "gradient ", " by norm", ""),
        ("hidden states", ["hidden state"], "", "", "spelled hidden state"),
        ("gate", ["gates"], "", "", "spelled gates"),
        ("memories", ["memory"], "", "", "spelled memory"),
        ("sigmiod", ["sigmoid"], "", "", "spelled sigmoid"),
        ("upate", ["update"], "", "", "spelled update"),
        ("two", ["2"], "", "", ""),
        ("2 gates", ["two gates"], "", "", ""),
        ("Hidden-State.", ["hidden state"], "", "", ""),
    ],
)
def test_accepted(typed, accepted, before, after, note):
    found = match(typed, accepted, before, after)
    assert found.ok, typed
    assert found.note == note


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("than", ["tanh"]),  # a typo in a 4-letter word is a different word
        ("sgmiod", ["sigmoid"]),  # two typos
        ("cell state", ["hidden state"]),
        ("relu", ["tanh"]),
        ("three", ["2"]),
        ("gradient", ["clipping"]),  # the context alone is not the answer
    ],
)
def test_rejected(typed, accepted):
    assert not match(typed, accepted, "gradient ", "").ok


def test_one_edit():
    assert (
        one_edit("update", "updaet")
        and one_edit("update", "updat")
        and one_edit("update", "upxdate")
    )
    assert not one_edit("update", "uptade") and not one_edit("abc", "abcde")


def test_diff_marks_missing_and_extra_characters():
    assert diff("hiddn", "hidden") == [("same", "hidd"), ("missing", "e"), ("same", "n")]
    assert diff("hiddden", "hidden") == [("same", "hidd"), ("extra", "d"), ("same", "en")]
    assert diff("3", "backpropagation through time") == []  # too far apart to help
