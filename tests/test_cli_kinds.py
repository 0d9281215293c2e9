"""Every kind through the CLI: the printed key typed back into a quiz scores full marks, the
newer kinds in quiz, review, print and check, and bank text that could drive a terminal."""

from __future__ import annotations

import json
import textwrap

import pytest
from typer.testing import CliRunner

from refresher.cli import app

NEW_KINDS = ["--type", "order", "--type", "match", "--type", "cloze"]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


@pytest.mark.parametrize("seed", ["11", "4242"])
def test_the_printed_answer_key_typed_back_scores_every_question(seed):
    printed = invoke("print", "--answers", "--json", "--seed", seed)
    assert printed.exit_code == 0, printed.output
    entries = json.loads(printed.output)
    assert all("answer_text" in e for e in entries)
    assert {e["type"] for e in entries} >= {"order", "match", "cloze", "numeric", "choice"}
    typed = "\n".join(e["answer_text"] for e in entries) + "\n"
    result = invoke("quiz", "--seed", seed, "--no-shuffle", "-n", "0", input=typed)
    assert result.exit_code == 0, result.output[-2000:]
    n = len(entries)
    assert f"Score: {n}/{n}  (100.0%)" in result.output
    assert "?" not in "".join(line[:4] for line in result.output.splitlines())  # no re-prompt


def test_new_kinds_piped_right_wrong_unreadable_skip_and_quit():
    key = json.loads(invoke("print", "--answers", "--json", "--seed", "3", *NEW_KINDS).output)
    by_type = {}
    for entry in key:
        by_type.setdefault(entry["type"], entry)
    assert set(by_type) == {"order", "match", "cloze"}
    answers = [e["answer_text"] for e in key]
    # first: unreadable then right; second: wrong; third: skipped; then quit
    first_unreadable = {"order": "A", "match": "1A", "cloze": "x"}[key[0]["type"]]
    typed = [first_unreadable, answers[0], "zz zz", "s", "q"]
    if key[1]["type"] == "order":
        typed[2] = " ".join(reversed(answers[1].split()))
    elif key[1]["type"] == "match":
        typed[2] = " ".join(p[0] + ("A" if p[1] != "A" else "B") for p in answers[1].split())
    else:
        typed[2] = "; ".join("nope" for _ in answers[1].split(";"))
    result = invoke(
        "quiz", "--seed", "3", "--no-shuffle", "-n", "0", *NEW_KINDS, input="\n".join(typed) + "\n"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "  ? " in out  # the unreadable answer was asked again
    assert "✓ Right" in out and "✗ Wrong" in out and "↷ Skipped" in out
    assert "Score: 1/2" in out


def test_review_auto_rates_the_new_kinds():
    key = json.loads(invoke("print", "--answers", "--json", "--seed", "1", *NEW_KINDS).output)
    cloze = [e for e in key if e["type"] == "cloze"]
    typed = "\n".join(e["answer_text"] for e in cloze) + "\n"
    result = invoke("review", "--type", "cloze", "--new", "4", "--seed", "1", input=typed * 2)
    assert result.exit_code == 0, result.output
    assert result.output.count("✓ Right") >= 1
    assert "Good" in result.output


def test_print_answers_shows_the_new_kinds():
    result = invoke("print", "--answers", "--seed", "2", *NEW_KINDS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Match each part of an LSTM step" in out and "Answer key" in out
    assert "[1]____" in out  # a cloze passage with numbered blanks
    assert "forget gate f_t → sigmoid" in out  # a match key lists its pairs


def test_a_twelve_option_choice_quizzes_prints_and_exports(tmp_path):
    options = ", ".join(f"option {k}" for k in range(1, 13))
    bank = tmp_path / "wide.yaml"
    bank.write_text(
        "id: wide\ntitle: Wide\ntopics: {rnn: RNN}\nquestions:\n"
        f"  - id: twelve\n    type: choice\n    topic: rnn\n    prompt: Which?\n"
        f"    options: [{options}]\n    answer: L\n    explanation: The last.\n"
    )
    quiz = invoke("quiz", str(bank), "--no-shuffle", input="L\n")
    assert quiz.exit_code == 0 and "✓ Right" in quiz.output
    printed = invoke("print", str(bank), "--answers")
    assert printed.exit_code == 0, printed.output
    assert "L) option 12" in printed.output
    exported = invoke("print", str(bank), "--answers", "--export", str(tmp_path / "w.html"))
    assert exported.exit_code == 0, exported.output
    assert "option 12" in (tmp_path / "w.html").read_text()


@pytest.mark.parametrize(
    ("field", "char"),
    [("front", "\x1b]0;pwned\x07"), ("back", "\x1b[2J"), ("front", "\u202e"), ("back", "\x9b")],
)
def test_control_characters_in_bank_text_are_refused_at_load(tmp_path, field, char):
    bank = tmp_path / "evil.yaml"
    front = f"Front {char}" if field == "front" else "Front"
    back = f"Back {char}" if field == "back" else "Back"
    bank.write_text(
        "id: evil\ntitle: Evil\ntopics: {rnn: RNN}\nquestions:\n"
        + textwrap.indent(
            f"- id: c\n  type: card\n  topic: rnn\n  front: {json.dumps(front)}\n"
            f"  back: {json.dumps(back)}\n",
            "  ",
        )
    )
    line = 8 if field == "front" else 9
    code = f"U+{ord(char[0]):04X}"
    for command in (["check", str(bank)], ["quiz", str(bank)], ["print", str(bank)]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert f"evil.yaml:{line}: c: control character {code} in '{field}'" in result.output
        assert "\x1b" not in result.output and char not in result.output


def test_typed_answers_lose_control_characters_and_huge_ones_are_refused(mini_path):
    from refresher.core import limits
    from refresher.storage.store import open_store

    huge = "x" * (limits.ANSWER_CHARS + 1)
    typed = f"{huge}\n\x1b]0;pwned\x07hidden state\nn\n"
    result = invoke("quiz", str(mini_path), "--id", "hidden-state", input=typed)
    assert result.exit_code == 0, result.output
    assert "at most 4,000" in result.output
    assert "\x1b" not in result.output and huge not in result.output
    with open_store() as store:
        given = [row.given for row in store.attempts()]
    assert given == ["?]0;pwned?hidden state"]


@pytest.mark.parametrize(
    ("qid", "typed"),
    [("gradient-problem-remedy-match", "1A 2A 3A"), ("clip-by-norm-order", "A B C D")],
)
def test_wrong_order_and_match_answers_mark_each_place(qid, typed):
    for seed in ("1", "2", "3"):
        result = invoke("quiz", "--id", qid, "--seed", seed, input=typed + "\n")
        assert result.exit_code == 0, result.output
        if "✗ Wrong" in result.output:
            assert "(you: " in result.output and "✗ 1" in result.output.replace("✓ 1", "✗ 1")
            return
    pytest.fail("every seed happened to be right")


def test_a_negative_setting_is_a_value_refused_by_its_range():
    result = invoke("config", "max_reviews_per_day", "-1")
    assert result.exit_code == 1
    assert "max_reviews_per_day must be between 1 and 100000 (got -1)" in result.output


def test_skipping_a_new_card_in_review_says_it_stays_new():
    result = invoke("review", "--type", "card", "--new", "1", input="s\nq\n")
    assert result.exit_code == 0, result.output
    assert "↷ Skipped: it stays new." in result.output
