"""The key-point matcher on the bundled bank's real model answers, and `follow_ups` validation."""

from __future__ import annotations

import textwrap

import pytest

from refresher.banks.catalog import bundled_dir
from refresher.banks.load import load_bank, parse_bank
from refresher.core.errors import BankError
from refresher.quiz import points as P


@pytest.fixture(scope="module")
def bank():
    return load_bank(bundled_dir() / "session-14.yaml")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("gates", "gat"),
        ("gated", "gat"),
        ("gating", "gat"),
        ("gate", "gat"),
        ("forgetting", "forget"),
        ("memories", "memori"),
        ("memory", "memori"),
        ("regularisation", "regulariz"),
        ("regularize", "regulariz"),
        ("bias", "bias"),
        ("biases", "bias"),
        ("passed", "pass"),
        ("rnns", "rnn"),
        ("three", "3"),
        ("twice", "2"),
        ("independently", "independent"),
    ],
)
def test_the_stemmer_brings_word_forms_together(word, expected):
    assert P.stem(word) == expected


def test_stop_words_and_single_letters_are_not_content():
    assert [w.stem for w in P.words("The output of a gate is h_t, in 0..1")] == [
        "output",
        "gat",
        "0",
        "1",
    ]


# Each answer paraphrases exactly the points listed, in words other than the bank's where it can.
PARAPHRASES = [
    (
        "lstm-gates-and-states",
        "The forget gate is a sigmoid that decides what to drop from the old cell state. The"
        " output gate, also a sigmoid, controls how much of the memory becomes the hidden state"
        " h_t. There are two states: the cell state is the long-term memory and the hidden state"
        " is the output.",
        (0, 3, 4),
    ),
    (
        "rnn-vs-lstm",
        "An LSTM is really just a gated RNN, whereas the plain RNN cell is a single tanh layer."
        " The LSTM carries an extra cell state next to h. It costs about four times as many"
        " parameters.",
        (0, 1, 4),
    ),
    (
        "gradient-clipping-open",
        "Clipping by norm rescales the gradient by c over its norm whenever the norm exceeds the"
        " threshold c, so the direction is kept. Clipping by value caps every entry separately,"
        " which can change the direction. It only helps with exploding gradients, not vanishing"
        " ones.",
        (1, 2, 4),
    ),
    (
        "lstm-vs-gru",
        "An LSTM has three gates plus a candidate, a GRU only two gates, update and reset. The"
        " LSTM keeps a separate cell state besides the hidden state; the GRU has only the hidden"
        " state. In practice accuracy is similar so you pick by experiment.",
        (0, 1, 4),
    ),
    (
        "bidirectional-open",
        "Two RNNs read the sequence, one forward and one backward, and their states are"
        " concatenated at each position. That doubles the parameters and compute. You cannot use"
        " it when you need output before the whole sequence is there, like forecasting or"
        " streaming.",
        (0, 3, 4),
    ),
    (
        "teacher-forcing-open",
        "During training the decoder gets the true previous token as input instead of its own"
        " prediction. At inference it has to condition on its own outputs, which may be wrong:"
        " that mismatch is exposure bias. Scheduled sampling or beam search help.",
        (0, 2, 4),
    ),
]


@pytest.mark.parametrize(("qid", "answer", "covered"), PARAPHRASES, ids=[p[0] for p in PARAPHRASES])
def test_a_paraphrase_of_three_points_ticks_exactly_those_three(bank, qid, answer, covered):
    q = bank.get(qid)
    assert len(q.points) == 5
    found = P.match(answer, q.points)
    assert found.ticked == covered


def test_matched_words_are_reported_and_placed_in_the_answer(bank):
    q = bank.get("gradient-clipping-open")
    answer = "Clip by value: it caps each entry, so the direction can change."
    found = P.match(answer, q.points)
    assert found.ticked == (2,)
    assert found.points[2].matched == ("value", "caps", "entry", "direction", "change")
    assert [answer[a:b] for a, b in found.spans] == [
        "value",
        "caps",
        "entry",
        "direction",
        "change",
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "I don't know, something about neural networks and time steps.",
        "It is a recurrent neural network with gates.",
        "LSTM GRU RNN gate state",
    ],
)
def test_vague_answers_tick_nothing(bank, answer):
    for q in bank.questions:
        if q.type == "open":
            assert P.match(answer, q.points).ticked == (), q.id


def test_most_model_answers_cover_most_of_their_own_points(bank):
    opens = [q for q in bank.questions if q.type == "open"]
    shares = [len(P.match(q.answer, q.points).ticked) / len(q.points) for q in opens]
    assert min(shares) >= 0.6
    assert sum(s == 1 for s in shares) >= len(opens) - 4


# --- follow_ups -----------------------------------------------------------------------------

HEAD = """\
id: demo
title: Demo
topics: {rnn: RNN}
questions:
"""

OPEN_B = """\
  - id: b
    type: open
    topic: rnn
    prompt: B?
    answer: bb
    points: [x]
"""


def problems(body: str) -> list[str]:
    with pytest.raises(BankError) as info:
        parse_bank(HEAD + textwrap.dedent(body), "demo.yaml")
    return info.value.problems


def test_follow_ups_name_open_questions_of_the_bank():
    bank = parse_bank(
        HEAD
        + """\
  - id: a
    type: open
    topic: rnn
    prompt: A?
    answer: aa
    points: [x, y]
    follow_ups: [b]
"""
        + OPEN_B,
        "demo.yaml",
    )
    assert bank.get("a").follow_ups == ("b",)
    assert bank.get("b").follow_ups == ()


def test_bad_follow_ups_are_reported_each_on_its_line():
    out = problems(
        """\
  - id: a
    type: open
    topic: rnn
    prompt: A?
    answer: aa
    points: [x, y]
    follow_ups:
      - b
      - bb
      - c
      - a
      - b
  - id: b
    type: open
    topic: rnn
    prompt: B?
    answer: bb
    points: [x]
    follow_ups: b-open
  - id: c
    type: card
    topic: rnn
    front: F
    back: B
"""
    )
    assert out == [
        "demo.yaml:13: a: 'follow_ups' names 'bb', which is not in this bank (did you mean 'b'?)",
        "demo.yaml:14: a: 'follow_ups' names 'c', a card question;"
        " only open questions can be named here",
        "demo.yaml:15: a: 'follow_ups' names the question itself",
        "demo.yaml:16: a: 'follow_ups' names 'b' twice",
        "demo.yaml:23: b: 'follow_ups' must be a list",
    ]


def test_follow_up_text_is_checked_for_control_characters():
    out = problems(
        """\
  - id: a
    type: open
    topic: rnn
    prompt: A?
    answer: aa
    points: [x]
    follow_ups: ["b\\u001b[2J"]
"""
        + OPEN_B
    )
    assert out == ["demo.yaml:11: a: control character U+001B in 'follow_ups'"]


def test_the_bundled_bank_asks_follow_ups(bank):
    opens = [q for q in bank.questions if q.type == "open"]
    asking = [q for q in opens if q.follow_ups]
    assert len(asking) >= 10
    assert bank.get("rnn-vs-lstm").follow_ups  # "And how does a GRU differ?"
    assert "lstm-vs-gru" in bank.get("rnn-vs-lstm").follow_ups


def test_naming_a_points_own_two_word_term_covers_it():
    points = [
        "Decoder input at step t is the true y_{t-1}, not its own prediction",
        "Faster, more stable training; all steps computed together",
        "Exposure bias: inference conditions on the model's own, possibly wrong, outputs",
        "Errors compound on long outputs",
        "Remedies: scheduled sampling, sequence-level training, beam search",
    ]
    answer = (
        "During training the decoder gets the true previous token instead of its own prediction."
        " At test time it sees its own mistakes, which is exposure bias; scheduled sampling helps."
    )
    assert P.match(answer, points).ticked == (0, 2, 4)
    assert P.match("bias from exposure, sampling on a schedule", points).ticked == ()
