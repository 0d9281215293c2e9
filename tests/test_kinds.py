"""The kinds registry and the three newer kinds (order, match, cloze): building from a bank,
arranging, grading, answer texts, and the views every kind must have."""

from __future__ import annotations

import random
import textwrap

import pytest

from refresher.banks.load import parse_bank
from refresher.core.errors import BankError, InputError
from refresher.kinds import KINDS, kind_of
from refresher.quiz.round import Item, make_items
from refresher.render.kinds import VIEWS, check_views

HEAD = "id: demo\ntitle: Demo\ntopics: {rnn: RNN}\nquestions:\n"


def bank(body: str):
    return parse_bank(HEAD + textwrap.dedent(body), "demo.yaml")


def problems(body: str) -> list[str]:
    with pytest.raises(BankError) as info:
        bank(body)
    return info.value.problems


ORDER = """\
  - id: steps
    type: order
    topic: rnn
    prompt: Order the steps.
    items: [first, second, third, fourth]
"""
MATCH = """\
  - id: acts
    type: match
    topic: rnn
    prompt: Match each part to its activation.
    pairs: {forget gate: sigmoid, candidate: tanh, output gate: sigmoid}
    distractors: [ReLU]
"""
CLOZE = """\
  - id: cell
    type: cloze
    topic: rnn
    text: "c_t = {{f_t}} * c_{t-1} + {{i_t}} * {{g_t|g}}"
"""


def item_of(body: str, seed: int = 0, shuffle: bool = True) -> Item:
    (item,) = make_items(bank(body).questions, random.Random(seed), shuffle=shuffle)
    return item


def grade(item: Item, text: str):
    return kind_of(item.question).grade(item, text)


# --- the registry -----------------------------------------------------------------------------


def test_every_kind_has_a_view_and_no_view_lacks_a_kind():
    assert set(VIEWS) == set(KINDS)
    assert {"order", "match", "cloze"} <= set(KINDS)


def test_a_kind_without_a_renderer_fails_at_import(monkeypatch):
    with pytest.raises(ImportError, match="without a renderer: quiz-show"):
        check_views({**KINDS, "quiz-show": object()}, VIEWS)
    import importlib

    import refresher.kinds as kinds_module
    import refresher.render.kinds as views_module

    monkeypatch.setitem(kinds_module.KINDS, "quiz-show", object())
    with pytest.raises(ImportError, match="quiz-show"):
        importlib.reload(views_module)
    monkeypatch.delitem(kinds_module.KINDS, "quiz-show")
    importlib.reload(views_module)


# --- order ------------------------------------------------------------------------------------


def test_order_is_shuffled_even_without_shuffle_and_reproducibly():
    orders = {item_of(ORDER, seed, shuffle=False).order for seed in range(40)}
    assert tuple(range(4)) not in orders  # never shown in the answer's order
    assert len(orders) > 5
    assert item_of(ORDER, 7, shuffle=False).order == item_of(ORDER, 7, shuffle=False).order


def test_order_grading_marks_each_place():
    item = item_of(ORDER, 3)
    right = kind_of(item.question).answer_text(item)
    assert grade(item, right).correct is True
    assert grade(item, right.replace(" ", "")).correct is True  # CADB as one word
    letters = right.split()
    swapped = " ".join([letters[1], letters[0], *letters[2:]])
    out = grade(item, swapped)
    assert out.correct is False and out.detail["places"] == [False, False, True, True]


@pytest.mark.parametrize("text", ["A B C", "A B C C", "A B C E", "zz", ""])
def test_order_unreadable_answers_reprompt(text):
    with pytest.raises(InputError):
        grade(item_of(ORDER), text)


def test_order_problems():
    out = problems(ORDER.replace("[first, second, third, fourth]", "[first, first]"))
    assert out == ["demo.yaml:9: steps: 'items' lists the same step twice"]
    out = problems(ORDER.replace("[first, second, third, fourth]", "[only]"))
    assert out == ["demo.yaml:9: steps: 'items' needs 2-26 entries, found 1"]


# --- match ------------------------------------------------------------------------------------


def test_match_right_side_is_unique_with_distractors_and_shuffled():
    item = item_of(MATCH, 1, shuffle=False)
    q = item.question
    assert q.left == ("forget gate", "candidate", "output gate")
    assert sorted(q.right) == ["ReLU", "sigmoid", "tanh"]
    orders = {item_of(MATCH, s, shuffle=False).order for s in range(30)}
    assert (0, 1, 2) not in orders


def test_match_grading_any_order_and_bare_letters():
    item = item_of(MATCH, 5)
    text = kind_of(item.question).answer_text(item)  # "1B 2A 3B"
    pairs = text.split()
    assert grade(item, text).correct is True
    assert grade(item, " ".join(reversed(pairs))).correct is True
    assert grade(item, ", ".join(p[0] + "-" + p[1].lower() for p in pairs)).correct is True
    assert grade(item, " ".join(p[1] for p in pairs)).correct is True
    wrong = [pairs[0], pairs[1], "3" + ("A" if pairs[2][1] != "A" else "C")]
    out = grade(item, " ".join(wrong))
    assert out.correct is False and out.detail["marks"] == [True, True, False]


@pytest.mark.parametrize("text", ["1A 2B", "1A 1B 2C 3A", "1A 2B 4C", "1A 2B 3Z", "A B", "xyz"])
def test_match_unreadable_answers_reprompt(text):
    with pytest.raises(InputError):
        grade(item_of(MATCH), text)


def test_match_problems():
    out = problems(MATCH.replace("[ReLU]", "[tanh]"))
    assert out == ["demo.yaml:10: acts: distractor 'tanh' is also a match in 'pairs'"]
    out = problems(
        MATCH.replace("{forget gate: sigmoid, candidate: tanh, output gate: sigmoid}", "[a, b]")
    )
    assert out[0].startswith("demo.yaml:9: acts: 'pairs' must map at least 2 items")


# --- cloze ------------------------------------------------------------------------------------


def test_cloze_builds_segments_and_a_prompt():
    q = item_of(CLOZE).question
    assert q.blanks == (("f_t",), ("i_t",), ("g_t", "g"))
    assert q.segments == ("c_t = ", " * c_{t-1} + ", " * ", "")
    assert q.prompt == "c_t = ____ * c_{t-1} + ____ * ____"


def test_cloze_grades_each_blank():
    item = item_of(CLOZE)
    assert grade(item, "f_t; i_t; g").correct is True
    assert grade(item, "ft;it;gt").correct is True
    assert grade(item, "f_t\ni_t\ng_t").correct is True  # one per line, as on a terminal
    out = grade(item, "f_t; c_t; g_t")
    assert out.correct is False
    assert [b["ok"] for b in out.detail["blanks"]] == [True, False, True]


@pytest.mark.parametrize("text", ["f_t; i_t", "f_t; ; g_t", "a;b;c;d"])
def test_cloze_wrong_count_reprompts(text):
    with pytest.raises(InputError, match="expected 3 answers separated by ';'"):
        grade(item_of(CLOZE), text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no blanks here", "'text' needs at least one blank written as {{answer}}"),
        ("a {{}} b", "blank 1 of 'text' is empty"),
        ("a {{x}} b {{y", "'text' has an unclosed or nested {{ }}"),
    ],
)
def test_cloze_problems(text, message):
    out = problems(CLOZE.replace('"c_t = {{f_t}} * c_{t-1} + {{i_t}} * {{g_t|g}}"', repr(text)))
    assert len(out) == 1 and out[0].startswith("demo.yaml:8: cell: " + message)


def test_cloze_asks_further_blanks_on_their_own_lines():
    item = item_of(CLOZE)
    kind = kind_of(item.question)
    assert kind.more_inputs(item, "f_t", True) == ("blank 2", "blank 3")
    assert kind.more_inputs(item, "f_t", False) == ("blank 2", "blank 3")
    assert kind.more_inputs(item, "f_t; i_t; g_t", True) == ()


# --- many options -----------------------------------------------------------------------------


def test_a_choice_of_twelve_options_answers_l():
    options = ", ".join(f"opt{k}" for k in range(12))
    item = item_of(
        f"""\
  - id: twelve
    type: choice
    topic: rnn
    prompt: Which?
    options: [{options}]
    answer: L
""",
        shuffle=False,
    )
    kind = kind_of(item.question)
    assert kind.answer_text(item) == "L"
    assert grade(item, "L").correct is True and grade(item, "12").correct is True
    with pytest.raises(InputError, match="A-L"):
        grade(item, "M")


def test_order_and_match_examples_fit_the_question_s_own_size():
    six = bank(ORDER.replace("[first, second, third, fourth]", "[a1, a2, a3, a4, a5, a6]"))
    (q,) = six.questions
    item = Item(q, tuple(range(6)))
    assert kind_of(q).hint_for(item) == "the letters in order, e.g. B A C D E F"
    with pytest.raises(InputError, match="e.g. B A C D E F"):
        kind_of(q).grade(item, "A B")
    (m,) = bank(
        MATCH.replace("output gate: sigmoid}", "output gate: sigmoid, input gate: sigmoid}")
    ).questions
    pairs = len(m.left)
    assert pairs == 4
    match_item = make_items([m], random.Random(1))[0]
    example = " ".join(f"{k}{'ABCDEFGH'[k - 1]}" for k in range(1, pairs + 1))
    assert kind_of(m).hint_for(match_item) == f"a letter for each number, e.g. {example}"
    with pytest.raises(InputError, match=f"missing {pairs}\\): {example}$"):
        kind_of(m).grade(match_item, " ".join(f"{k}A" for k in range(1, pairs)))
