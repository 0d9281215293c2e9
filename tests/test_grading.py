"""Grading each kind, with shuffled option orders and unreadable answers."""

from __future__ import annotations

import pytest

from refresher.core.errors import InputError
from refresher.kinds import kind_of
from refresher.kinds.blank import BlankQuestion
from refresher.kinds.choice import ChoiceQuestion
from refresher.kinds.letters import parse_letters as parse_choices
from refresher.kinds.multi import MultiQuestion
from refresher.kinds.textmatch import fold
from refresher.kinds.truefalse import TrueFalseQuestion
from refresher.quiz.round import Item, Round


def grade(question, text, order=None):
    """Grade through the question's kind, as a round does."""
    if order is None:
        order = tuple(range(len(getattr(question, "options", ()))))
    return kind_of(question).grade(Item(question, tuple(order)), text)


def self_grade(question, knew):
    return Round([Item(question)]).self_score(knew).outcome


COMMON = dict(bank_id="b", topic="rnn", prompt="P")
CHOICE = ChoiceQuestion(id="c", options=("w", "x", "y", "z"), answer=1, **COMMON)
MULTI = MultiQuestion(id="m", options=("w", "x", "y", "z"), answers=frozenset({0, 2}), **COMMON)
TF = TrueFalseQuestion(id="t", answer=False, **COMMON)
BLANK = BlankQuestion(id="b", answers=("hidden state", "hidden"), **COMMON)


@pytest.mark.parametrize("text", ["B", "b", " b ", "2"])
def test_choice_right_in_bank_order(text):
    out = grade(CHOICE, text)
    assert out.correct is True and out.expected == "B" and out.detail["expected_text"] == "x"


def test_choice_letters_follow_the_shuffled_order():
    order = (3, 1, 0, 2)  # letter A shows option z, B shows x, C shows w, D shows y
    assert grade(CHOICE, "B", order).correct is True
    wrong = grade(CHOICE, "A", order)
    assert wrong.correct is False and wrong.given == "A" and wrong.detail["given_text"] == "z"
    order2 = (1, 0, 2, 3)
    assert grade(CHOICE, "A", order2).correct is True
    assert grade(CHOICE, "B", order2).expected == "A"


@pytest.mark.parametrize("text", ["zz", "E", "5", "0", "", "A B"])
def test_choice_unreadable_answers_raise(text):
    with pytest.raises(InputError):
        grade(CHOICE, text)


@pytest.mark.parametrize("text", ["A C", "a,c", "AC", "C A", "1 3", "a c a"])
def test_multi_right(text):
    assert grade(MULTI, text).correct is True


def test_multi_partial_is_wrong_with_details():
    out = grade(MULTI, "A B")
    assert out.correct is False
    assert out.detail == {"missing": ["C"], "extra": ["B"]}
    assert out.expected == "A C"


def test_multi_shuffled():
    order = (2, 3, 0, 1)  # A->y(2), B->z(3), C->w(0), D->x(1): right letters are A and C
    assert grade(MULTI, "C A", order).correct is True
    assert grade(MULTI, "A B", order).correct is False


@pytest.mark.parametrize(
    ("text", "ok"), [("f", True), ("False", True), ("no", True), ("t", False), ("YES", False)]
)
def test_truefalse(text, ok):
    assert grade(TF, text).correct is ok


def test_truefalse_unreadable():
    with pytest.raises(InputError, match="t \\(true\\) or f \\(false\\)"):
        grade(TF, "perhaps")


@pytest.mark.parametrize(
    "text",
    ["hidden state", "Hidden  State", "HIDDEN-STATE", "hidden state.", "hiddenstate", "hidden"],
)
def test_blank_folds_case_spacing_punctuation(text):
    assert grade(BLANK, text).correct is True


def test_blank_wrong_and_empty():
    assert grade(BLANK, "cell state").correct is False
    with pytest.raises(InputError):
        grade(BLANK, "   ")


def test_fold_accents():
    assert fold("  Réseau   Récurrent! ") == "reseau recurrent"


def test_parse_choices_range_message():
    with pytest.raises(InputError, match="answer A-D \\(or 1-4\\)"):
        parse_choices("q7", 4)


def test_self_grade():
    assert self_grade(CHOICE, True).correct is True
    assert self_grade(CHOICE, False).correct is False
