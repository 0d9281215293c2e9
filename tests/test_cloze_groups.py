"""Cloze blanks grouped with `~name:` accept their answers in any order among themselves."""

from __future__ import annotations

import random
import textwrap

import pytest

from refresher.banks.load import parse_bank
from refresher.core.errors import BankError
from refresher.kinds import kind_of
from refresher.kinds.cloze import _assign
from refresher.quiz.round import make_items

HEAD = "id: demo\ntitle: Demo\ntopics: {rnn: RNN}\nquestions:\n"


def cloze(text: str):
    body = f"""\
      - id: cell
        type: cloze
        topic: rnn
        text: "{text}"
    """
    bank = parse_bank(HEAD + textwrap.dedent(body), "demo.yaml")
    (item,) = make_items(bank.questions, random.Random(0), shuffle=False)
    return item


CELL = "c_t = {{f_t|f}} * c_{t-1} + {{~ig:i_t|i|input gate}} * {{~ig:g_t|g|candidate}}"


def grade(item, typed: str):
    return kind_of(item.question).grade(item, typed)


def test_the_group_name_is_not_part_of_the_answers():
    q = cloze(CELL).question
    assert q.blanks == (("f_t", "f"), ("i_t", "i", "input gate"), ("g_t", "g", "candidate"))
    assert q.groups == ((1, 2),)
    assert q.prompt == "c_t = ____ * c_{t-1} + ____ * ____"


@pytest.mark.parametrize(
    "typed", ["f_t; i_t; g_t", "f_t; g_t; i_t", "f; candidate; input gate", "f; i; g"]
)
def test_grouped_blanks_take_either_order(typed):
    out = grade(cloze(CELL), typed)
    assert out.correct, typed


def test_feedback_names_the_blank_each_answer_filled():
    out = grade(cloze(CELL), "f_t; g_t; i_t")
    assert [b["nearest"] for b in out.detail["blanks"]] == ["f_t", "g_t", "i_t"]


@pytest.mark.parametrize(
    ("typed", "marks"),
    [
        ("i_t; f_t; g_t", [False, False, True]),  # f_t is not in the group: no swapping with it
        ("f_t; g_t; g_t", [True, True, False]),  # each blank is used once
        ("f_t; c_t; i_t", [True, False, True]),
    ],
)
def test_grouped_blanks_still_mark_wrong_answers(typed, marks):
    out = grade(cloze(CELL), typed)
    assert not out.correct
    assert [b["ok"] for b in out.detail["blanks"]] == marks


def test_ungrouped_cloze_keeps_its_order():
    out = grade(cloze("c_t = {{f_t}} * c_{t-1} + {{i_t}} * {{g_t}}"), "f_t; g_t; i_t")
    assert not out.correct


def test_two_groups_are_independent():
    item = cloze("{{~a:x}} + {{~a:y}} = {{~b:p}} + {{~b:q}}")
    assert grade(item, "y; x; q; p").correct
    assert not grade(item, "p; q; x; y").correct


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{~a:x}} + {{y}}", "group ~a of 'text' has one blank"),
        ("{{~:x}} + {{y}}", "bad group name"),
        ("{{~a:}} + {{~a:y}}", "blank 1 of 'text' is empty"),
    ],
)
def test_bad_groups_are_reported(text, message):
    with pytest.raises(BankError) as info:
        cloze(text)
    assert any(message in p for p in info.value.problems), info.value.problems


def test_assign_finds_a_full_matching_when_one_exists():
    # answer 0 fits blanks 0 and 1, answer 1 only blank 0: answer 0 must move to blank 1
    assert _assign([[True, True], [True, False]]) == [1, 0]
    assert _assign([[True, False], [False, True]]) == [0, 1]
    assert _assign([[False, False], [True, True]]) == [None, 1] or _assign(
        [[False, False], [True, True]]
    ) == [None, 0]
