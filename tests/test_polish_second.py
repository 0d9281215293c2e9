"""A newcomer's second pass, the output polish: explain --json rows on one line, bank problems
said alike by `check`, `quiz` and the skipped-bank warnings, YAML mistakes named where they are
made, and counts in good grammar."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app

BROKEN = """\
id: my-bank
title: Mine
topics: {rnn: RNN}
questions:
  - id: q1
    type: order
    topic: rnn
    tags: [x]
    prompt: P
    items: [a]
  - id: q2
    type: numeric
    topic: rnn
    tags: [x]
    prompt: P
    compute: {kind: pool, size: 0}
"""


def _run(*args: str, input: str | None = None, columns: int = 100):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": str(columns)})


@pytest.fixture
def broken(refresher_home: Path) -> Path:
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    path = folder / "my-bank.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_explain_json_puts_each_matrix_row_on_one_line() -> None:
    out = _run("explain", "pool", "--json").stdout
    assert "      [1.0, 2.0, 3.0, 4.0],\n      [5.0, 6.0, 7.0, 8.0]," in out
    assert len(out.splitlines()) < 120
    assert json.loads(out)["inputs"]["input"][3] == [5.0, 7.0, 6.0, 8.0]


def test_quiz_on_a_broken_bank_lists_what_check_lists(broken: Path) -> None:
    check = _run("check", "my-bank")  # a bank id, as other commands take
    assert check.exit_code == 1
    listed = [line for line in check.stdout.splitlines() if "my-bank.yaml:" in line]
    assert len(listed) == 2 and any("compute: size" in line for line in listed)
    quiz = _run("quiz", "my-bank")
    assert quiz.exit_code == 1
    for line in listed:
        assert line.split("my-bank.yaml:")[1] in quiz.stderr


def test_the_skipped_bank_warning_is_worded_alike(broken: Path) -> None:
    said = {
        command: [
            line
            for line in _run(*args).stderr.splitlines()
            if "skipped" in line and "my-bank.yaml" in line
        ]
        for command, args in {
            "banks": ("banks",),
            "stats": ("stats", "--no-pager"),
            "find": ("find", "forget"),
        }.items()
    }
    assert said["banks"] == said["stats"] == said["find"]
    assert said["banks"][0].endswith("(see `refresher check my-bank`)")


def test_yaml_mistakes_are_named_where_they_are(tmp_path: Path) -> None:
    colon = tmp_path / "colon.yaml"
    colon.write_text("id: c\ntitle: Session: colon\ntopics: {rnn: RNN}\n", encoding="utf-8")
    out = _run("check", str(colon)).stdout
    assert "colon.yaml:2:15: YAML syntax error:" in out
    assert "quote a value that contains ': '" in out


def test_one_question_is_one_question(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(BROKEN.split("  - id: q2")[0].replace("[a]", "[a, b]"), encoding="utf-8")
    out = " ".join(_run("check", str(one), columns=200).stdout.split())
    assert "my-bank: 1 question, no problems" in out


def test_piped_transcripts_have_no_trailing_spaces() -> None:
    interview = _run("interview", "--time", "0", "--seed", "1", input="\n\n\nq\n").stdout
    card = _run("quiz", "--type", "card", "--seed", "1", input="\n\nq\n").stdout
    for out in (interview, card):
        assert "Answer ›" in out or "Enter to turn the card ›" in out
        assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_a_match_answer_and_a_refusal_hang_under_their_text_at_60_columns() -> None:
    out = _run("quiz", "--id", "gate-role-match", input="1A 2A 3A 4A\n", columns=60).stdout
    lines = out.split("The answer:")[1].splitlines()[1:9]
    marks = [line for line in lines if line.lstrip()[:1] in ("✓", "✗")]
    follow = [line for line in lines if line.strip() and line.lstrip()[:1] not in ("✓", "✗")]
    assert len(marks) == 4 and follow  # the long pairs wrapped ...
    text_at = marks[0].index("forget")
    assert all(line[:text_at].strip() == "" for line in follow)  # ... under their own text
    said = _run("interview", "--time", "0", "--seed", "1", input="An RNN\n\n99\n\nq\n", columns=60)
    refusal = said.stdout.split("? type the numbers")[1].splitlines()
    assert refusal[1].startswith("    ") and refusal[1].strip()  # hangs under the reason


def test_the_gru_legend_stays_beside_its_equations_at_80_columns() -> None:
    out = _run("explain", "gru", "--variant", "pytorch", columns=80).stdout
    assert "+ b_r)                      reset gate" in out
    assert "* n_t                       new hidden state" in out


def test_the_bank_writes_the_sigmoid_as_the_worked_solutions_do() -> None:
    from refresher.app.banks import open_bank
    from refresher.quiz.points import match

    bank = open_bank(None)
    texts = [
        str(getattr(q, name, ""))
        for q in bank.questions
        for name in ("prompt", "explanation", "back", "answer")
    ]
    assert not [t for t in texts if "sigma(" in t]
    q = bank.get("lstm-architecture")
    assert q is not None
    point = next(k for k, p in enumerate(q.points) if p.startswith("Forget:"))
    typed = "the forget gate f_t = sigma(W_fh h_{t-1} + W_fx x_t + b_f) applied to c_{t-1}"
    assert point in match(typed, q.points).ticked


def test_every_weakest_question_shows_its_id(refresher_home) -> None:
    long_one = "lstm-architecture"
    for qid in ("rnn-acronym", long_one):
        # seed 1: "A" is a wrong option of rnn-acronym (unseeded, it is right one time in four)
        _run("quiz", "--id", qid, "--seed", "1", input="A\nn\n\n\nn\n")
    out = _run("stats", "session-14", "--no-pager", columns=60).stdout
    weakest = out.split("Weakest questions")[1].split("\n\n")[0]
    assert "rnn-acronym" in weakest and long_one in weakest


def test_explain_writes_numbers_alike() -> None:
    lstm = _run("explain", "lstm").stdout
    units = [line.strip() for line in lstm.splitlines() if line.strip().startswith("unit 1: (")]
    assert units and not [u for u in units if re.search(r"-\d[\d.]*·", u)]  # (-0.4)·, never -0.4·
    assert "unit 1: ((-0.4)·0.5 + 0.2·(-0.5))" in lstm  # the first factor as the others
    one = _run("explain", "pool", "--size", "1").stdout
    assert "  1 / 1 = 1" in one and "(1) / 1" not in one
    edge = _run("explain", "pool", "--size", "3", "--stride", "2", "--ceil").stdout
    assert "hangs past the input's edge" in edge and "hangs past the padding" not in edge
    padded = _run("explain", "pool", "--size", "3", "--stride", "2", "--ceil", "-p", "1").stdout
    assert "hangs past the padding" in padded
