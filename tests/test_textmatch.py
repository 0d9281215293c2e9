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


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("-1", ["1", "one", "1.0", "+1"]),
        ("-1.0", ["1", "one", "1.0", "+1"]),
        ("- 1", ["1"]),
        ("−1", ["1"]),  # the Unicode minus sign
        ("b_f = -1", ["b_f = 1"]),
        ("-2", ["2", "two"]),
        ("-2 gates", ["2 gates"]),
    ],
)
def test_a_minus_sign_belongs_to_the_number(typed, accepted):
    assert not match(typed, accepted).ok, typed


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("1", ["1"]),
        ("-1", ["-1"]),
        ("−1", ["-1"]),
        ("long-term", ["long term"]),
        ("short-term", ["Short Term"]),
        ("b-p-t-t", ["BPTT"]),
        ("x-1", ["x 1"]),  # a dash after a letter still joins words
    ],
)
def test_dashes_between_words_still_fold(typed, accepted):
    assert match(typed, accepted).ok, typed


def test_numbers_get_no_typo_allowance():
    assert not match("33025", ["33024"]).ok
    assert not match("-20480", ["20480"]).ok
    assert match("sigmiod", ["sigmoid"]).ok
