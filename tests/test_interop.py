"""`refresher export` / `import` / `history`: GIFT and CSV round trips, a GIFT file written from
the Moodle spec, bad rows reported with their lines, refusals, and the history stream."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from refresher.app import history as past
from refresher.banks.catalog import bundled_dir
from refresher.banks.load import check_file, load_bank
from refresher.cli import app
from refresher.core.model import Outcome
from refresher.formats import gift
from refresher.quiz.round import attach_instances, make_items

BUNDLED = bundled_dir() / "session-14.yaml"


def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def _answers(q):
    """What a question asks and expects, independent of the format it went through."""
    kind = q.type
    out = {"type": kind, "prompt": q.prompt.split("\n(")[0]}
    if kind in ("choice", "multi"):
        out["options"] = q.options
        out["answer"] = q.answer if kind == "choice" else sorted(q.answers)
    elif kind in ("truefalse", "open"):
        out["answer"] = q.answer
        if kind == "open":
            out["points"] = q.points
    elif kind == "blank":
        out["answer"] = q.answers
    elif kind == "match":
        out["pairs"] = [(left, q.right[a]) for left, a in zip(q.left, q.answers, strict=True)]
        out["right"] = sorted(q.right)
    return out


def test_gift_export_reads_back_to_the_same_questions(tmp_path):
    bank = load_bank(BUNDLED)
    path = tmp_path / "s14.gift"
    result = _run("export", "--to", str(path), "--verbose")
    assert result.exit_code == 0, result.stderr
    left_out = [line for line in result.stderr.splitlines() if "left out" in line]
    summary = _run("export", "--to", str(tmp_path / "again.gift")).stderr.splitlines()
    assert len(summary) < len(left_out)
    assert any(
        "left out" in s and "card questions" in s and "a flashcard has no" in s for s in summary
    )
    assert any("card-forget-gate: a flashcard" in line for line in left_out)
    assert any("lstm-step-dependency-order: GIFT has no ordering" in line for line in left_out)
    assert any("cell-update-cloze: a cloze with 3 blanks" in line for line in left_out)
    text = path.read_text(encoding="utf-8")
    assert "$CATEGORY: session-14/lstm" in text and "// rnn-acronym (choice)" in text

    found = gift.read(text, "imported")
    assert not found.problems
    back = {q["id"]: q for q in found.questions}
    items = attach_instances(make_items(bank.questions, random.Random(14), shuffle=False), 14)
    written = [it for it in items if gift._question(it) is not None]
    assert len(back) == len(written) == len(bank.questions) - len(left_out)
    for it in written:
        q = it.question
        got = back[q.id]
        assert got["type"] == q.type and got["topic"] == q.topic
        assert got["prompt"].split("\n(")[0] == q.prompt
        if q.type == "choice":
            assert got["options"] == list(q.options) and got["answer"] == "ABCDEFG"[q.answer]
        elif q.type == "multi":
            assert got["answer"] == ["ABCDEFG"[i] for i in sorted(q.answers)]
        elif q.type == "truefalse":
            assert got["answer"] is q.answer
        elif q.type == "blank":
            assert got["answer"] == list(q.answers)
        elif q.type == "open":
            assert got["answer"] == q.answer and got.get("points", []) == list(q.points)
        elif q.type == "match":
            assert got["pairs"] == dict(_answers(q)["pairs"])
        elif q.type == "numeric":
            assert abs(got["answer"] - it.instance.expected.item()) < 1e-9
        assert got.get("explanation", "") == q.explanation


SPEC = """\
// A GIFT file written from the Moodle documentation, one construct per question.
$CATEGORY: $course$/top/Session 14/Gates

::Q1 forget gate::[html]Which gate <b>decides</b> what to drop&nbsp;from c_t?{
    =forget gate#right, it scales c_\\{t-1\\}
    ~input gate#no, it scales the candidate
    ~output gate
    ####The forget gate multiplies the old cell state.
}

// true/false with feedback
::tf1::The candidate uses a sigmoid.{F#It uses tanh.#Right.}

::sa::Two words for the gates' activation\\: ____ {=sigmoid =logistic function}

The cell state of an LSTM is written {=c_t =c} and the hidden state h_t.

::multi::Which are gates? {
  ~%50%forget
  ~%50%output
  ~%-100%candidate
}

::num range::Parameters of a 1-unit RNN cell with 1 input, in 1..5? {#2..4}

::num tol::What is 3 \\= 3? Give 1 ± 0.5. {#1:0.5}

::num multi::Pick 7. {#
  =7:0
  =%50%7:2
}

::match::Match each gate.{
  =forget -> sigmoid
  =candidate -> tanh
  =output -> sigmoid
  = -> ReLU
}

::essay::Explain the LSTM in your own words.{####A cell with gates.}

$CATEGORY: Other
::escapes::Curly \\{braces\\}, a \\~tilde, an \\= sign, a \\# hash, a colon\\: and\\na new line. {T}

A description with no answers: Moodle shows it, nothing is asked.

::no answer essay::Say something.{}
"""


def test_gift_written_from_the_spec_imports_as_expected(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.gift").write_text(SPEC, encoding="utf-8")
    result = _run("import", "spec.gift", "--to", "spec.yaml")
    assert result.exit_code == 1  # the description could not be imported
    errors = result.stderr.splitlines()
    assert any(e.startswith("spec.gift:45: a description") for e in errors), errors
    assert "spec.gift:47: note: an essay with no model answer: imported as an open" in result.stderr
    bank, problems = check_file(tmp_path / "spec.yaml")
    assert problems == [] and bank is not None
    q = {x.id: x for x in bank.questions}
    by_prompt = {x.prompt: x for x in bank.questions}
    first = next(x for x in bank.questions if x.prompt.startswith("Which gate"))
    assert first.type == "choice" and first.prompt == "Which gate decides what to drop from c_t?"
    assert first.options == ("forget gate", "input gate", "output gate") and first.answer == 0
    assert first.explanation.startswith("The forget gate multiplies the old cell state.")
    assert '"forget gate": right, it scales c_{t-1}' in first.explanation
    assert first.topic == "gates" and bank.topics["gates"] == "Gates"
    assert q["tf1"].type == "truefalse" and q["tf1"].answer is False
    assert q["sa"].answers == ("sigmoid", "logistic function")
    assert q["sa"].prompt == "Two words for the gates' activation: ____"
    missing = by_prompt["The cell state of an LSTM is written ____ and the hidden state h_t."]
    assert missing.type == "blank" and missing.answers == ("c_t", "c")
    assert q["multi"].type == "multi" and q["multi"].answers == frozenset({0, 1})
    assert q["num-range"].value == 3 and q["num-range"].tolerance == 1
    assert q["num-tol"].value == 1 and q["num-tol"].tolerance == 0.5
    assert q["num-tol"].prompt == "What is 3 = 3? Give 1 ± 0.5."
    assert q["num-multi"].value == 7 and q["num-multi"].tolerance == 0
    assert q["match"].left == ("forget", "candidate", "output")
    assert q["match"].right == ("sigmoid", "tanh", "ReLU")
    assert q["essay"].type == "open" and q["essay"].answer == "A cell with gates."
    esc = q["escapes"]
    assert esc.prompt == "Curly {braces}, a ~tilde, an = sign, a # hash, a colon: and\na new line."
    assert esc.topic == "other"

    # ids from titles are stable: a re-import of the same file gives the same ids
    again = _run("import", "spec.gift", "--to", "spec.yaml", "--force")
    assert again.exit_code == 1
    assert {x.id for x in load_bank(tmp_path / "spec.yaml").questions} == set(q)


def test_csv_round_trip_checks_and_quizzes_the_same(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run("export", "--to", "s14.csv").exit_code == 0
    result = _run("import", "s14.csv", "--to", "back.yaml", "--id", "s14-copy", "--title", "T")
    assert result.exit_code == 0, result.stderr
    assert _run("check", "back.yaml").exit_code == 0
    # the same bank under the imported id (numeric draws follow the bank id)
    text = BUNDLED.read_text(encoding="utf-8").replace("\nid: session-14\n", "\nid: s14-copy\n", 1)
    (tmp_path / "same.yaml").write_text(text, encoding="utf-8")
    a = _run("print", "same.yaml", "--seed", "5", "--json", "--answers")
    b = _run("print", "back.yaml", "--seed", "5", "--json", "--answers")
    assert json.loads(a.stdout) == json.loads(b.stdout)
    quiz = _run("quiz", "back.yaml", "--seed", "3", "-n", "3", input="s\ns\ns\n")
    assert quiz.exit_code == 0, quiz.stderr


BAD_ROWS = """\
type,prompt,options,answer,topic
choice,Pick one,"a
b",C,gates
truefalse,Is it?,,maybe,gates
card,Front only,,,gates
choice,Fine,"x
y",B,gates
numeric,How many?,,lots,gates
card,Bell\x07 in text,,back,gates
"""


def test_bad_rows_are_reported_with_their_lines_and_the_rest_imported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rows.csv").write_text(BAD_ROWS)
    result = _run("import", "rows.csv", "--to", "rows.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "rows.csv:2: answer C is not among the options A-B"
    assert lines[1].startswith("rows.csv:4: a truefalse answer must be true or false")
    assert lines[2] == "rows.csv:5: missing required key 'back'"
    assert lines[3].startswith("rows.csv:8: a numeric row needs a number answer")
    assert lines[4] == "rows.csv:9: control character U+0007 in 'front'"
    assert "Traceback" not in result.output + result.stderr
    bank = load_bank(tmp_path / "rows.yaml")
    assert [q.prompt for q in bank.questions] == ["Fine"]


def test_quizlet_export_without_header_becomes_cards(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quizlet.txt").write_text(
        "LSTM\tLong short-term memory\nGRU\tGated recurrent unit\n"
    )
    result = _run("import", "quizlet.txt", "--to", "q.yaml", "--topic", "terms")
    assert result.exit_code == 0, result.stderr
    bank = load_bank(tmp_path / "q.yaml")
    assert [(q.type, q.prompt, q.back) for q in bank.questions] == [
        ("card", "LSTM", "Long short-term memory"),
        ("card", "GRU", "Gated recurrent unit"),
    ]
    assert bank.id == "quizlet" and bank.topics == {"terms": "terms"}


ANKI_TEXT = """\
#separator:tab
#html:true
#guid column:1
#notetype column:2
#deck column:3
#tags column:6
g1\tBasic\tDeep::RNN\tWhat is <b>BPTT</b>?\tBackprop<br>through&nbsp;time &amp; more\trnn
g2\tBasic (type in the answer)\tDeep::RNN\tThe gate that forgets is the ____ gate\tforget\t
g3\tCloze\tDeep::LSTM\tc_t = {{c1::f_t}} * c + {{c2::i_t::input}} * g\tfrom the session\t
g4\tBasic\tDeep::RNN\t<img src="x.png">A picture\tits answer [sound:a.mp3]\t
g5\tBasic\tDeep::RNN\t\tno front\t
"""


def test_anki_plain_text_notes_become_questions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deck.txt").write_text(ANKI_TEXT)
    result = _run("import", "deck.txt", "--to", "deck.yaml")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()
        == [
            "deck.txt:10: <img> x.png: images and sounds cannot be kept in a bank; dropped",
            "deck.txt:10: [sound:a.mp3]: images and sounds cannot be kept in a bank; dropped",
            "deck.txt:11: the note's first field is empty: nothing to ask",
            "wrote 4 questions to deck.yaml (bank 'deck')",
        ][:3]
        or result.stderr
    )
    bank = load_bank(tmp_path / "deck.yaml")
    card, blank, cloze, picture = bank.questions
    assert card.type == "card" and card.back == "Backprop\nthrough time & more"
    assert card.prompt == "What is BPTT?" and card.topic == "rnn" and card.tags == ("rnn",)
    assert blank.type == "blank" and blank.answers == ("forget",)
    assert cloze.type == "cloze" and cloze.blanks == (("f_t",), ("i_t",))
    assert cloze.topic == "lstm" and picture.prompt == "[image: x.png]A picture"
    again = _run("import", "deck.txt", "--to", "deck.yaml", "--force")
    assert [q.id for q in load_bank(tmp_path / "deck.yaml").questions] == [
        q.id for q in bank.questions
    ]
    assert again.exit_code == 1


def test_import_refuses_to_overwrite_and_untrusted_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("front,back\nx,y\n")
    (tmp_path / "a.yaml").write_text("keep me")
    result = _run("import", "a.csv", "--to", "a.yaml")
    assert result.exit_code == 1 and "exists; add --force" in result.stderr
    assert (tmp_path / "a.yaml").read_text() == "keep me"
    (tmp_path / "bin.csv").write_bytes(b"front,back\n\xff\xfe,x\n")
    result = _run("import", "bin.csv", "--to", "b.yaml")
    assert result.exit_code == 1 and result.stderr.startswith("error: bin.csv:2: not UTF-8 text")
    monkeypatch.setattr("refresher.core.limits.IMPORT_FILE_BYTES", 10)
    result = _run("import", "a.csv", "--to", "c.yaml")
    assert result.exit_code == 1 and "larger than 10 bytes" in result.stderr
    assert not (tmp_path / "b.yaml").exists() and not (tmp_path / "c.yaml").exists()


def test_history_streams_attempts_and_reviews(tmp_path):
    from refresher.storage.store import open_store

    bank = load_bank(BUNDLED)
    q = bank.get("rnn-acronym")
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with open_store() as store:
        store.record_attempt(q, Outcome(True, "B", "B"), seconds=2.0, mode="practice", now=t0)
        store.record_attempt(
            q, Outcome(False, "A\x1b[2J", "B"), seconds=3.0, mode="exam", now=t0 + timedelta(days=2)
        )
    result = _run("history", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["correct"] for r in rows] == ["True", "False"]
    assert rows[1]["given"] == "A?[2J" and rows[0]["kind"] == "choice"
    data = json.loads(_run("history", "session-14", "--since", "2026-11-02", "--json").stdout)
    assert len(data) == 1 and data[0]["question"] == "rnn-acronym" and data[0]["mode"] == "exam"
    assert _run("history", "other-bank", "--json").stdout.strip() == "[\n]"
    text = _run("history").stdout
    assert "bank session-14" in text and "rnn-acronym" in text and "wrong" in text
    assert _run("history", "--since", "yesterday").exit_code == 1


def test_history_reports_reviews_with_rating_and_interval():
    rows = list(
        past.history(
            _FakeStore(
                [
                    (
                        "2026-11-01T09:00:00.000+00:00", "b", "q", "card", "t", "review", "y", 1,
                        1.0, 3, "2026-11-01T09:00:00.000+00:00", "2026-11-04T09:00:00.000+00:00",
                        "lab-1",
                    )
                ]
            ),
            None,
            None,
        )
    )  # fmt: skip
    assert rows[0]["rating"] == "good" and rows[0]["interval_days"] == 3.0
    assert rows[0]["machine"] == "lab-1"


class _FakeStore:
    def __init__(self, rows):
        self.rows = rows

    def history_rows(self, bank, since, last=None, machine=True):
        yield from self.rows


def test_a_drawn_numeric_question_in_gift_names_its_givens_as_the_quiz_does(tmp_path):
    """The numbers drawn for a GIFT numeric question read as on screen (`hidden size 47`), not
    as spec keys, and settings the cell does not use (output size 0, an RNN's forget bias) are
    left out."""
    path = tmp_path / "s.gift"
    assert _run("export", "--to", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    params = next(line for line in text.splitlines() if line.startswith("::param-count-drill::"))
    assert "(cell \\= rnn; input size \\= " in params and "hidden size \\= " in params
    assert "output" not in params and "input_size" not in params
    norm = next(line for line in text.splitlines() if line.startswith("::gradients-final-norm::"))
    assert "S \\= " in norm and "T \\= 10" in norm and "hidden units \\= 4" in norm
    assert "forget" not in norm and "scale" not in norm


def test_format_apkg_is_obeyed_and_a_file_that_is_no_zip_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain.csv").write_text("front,back\nhello,world\n")
    result = _run("import", "plain.csv", "--format", "apkg", "--to", "x.yaml")
    assert result.exit_code == 1 and not (tmp_path / "x.yaml").exists()
    assert result.stderr == "error: plain.csv: not an Anki package (not a zip file)\n"
    (tmp_path / "bad.apkg").write_text("hello\n")
    (tmp_path / "empty.apkg").write_bytes(b"")
    (tmp_path / "bad.colpkg").write_text("front,back\nhello,world\n")
    for name, given in [
        ("bad.apkg", ["--format", "apkg"]),
        ("bad.apkg", ["--format", "APKG"]),
        ("bad.apkg", []),  # the suffix says a package as well
        ("empty.apkg", []),
        ("bad.colpkg", []),
    ]:
        result = _run("import", name, *given, "--to", "y.yaml")
        assert result.exit_code == 1, (name, given)
        assert result.stderr == f"error: {name}: not an Anki package (not a zip file)\n"
    # another --format reads a package's name as that format, as README says --format decides
    result = _run("import", "bad.colpkg", "--format", "csv", "--to", "z.yaml")
    assert result.exit_code == 0 and check_file(tmp_path / "z.yaml")[1] == []


def test_a_file_in_another_encoding_says_what_it_is_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wide.csv").write_bytes("front,back\ncafé,x\n".encode("utf-16"))
    result = _run("import", "wide.csv", "--to", "w.yaml")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: wide.csv: UTF-16 text")
    assert "save it as UTF-8" in result.stderr
    latin = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz>\n'
        '<question type="shortanswer"><name><text>cafe</text></name>'
        "<questiontext><text>Caf\xe9?</text></questiontext>"
        '<answer fraction="100"><text>caf\xe9</text></answer></question>\n</quiz>\n'
    )
    (tmp_path / "latin.xml").write_bytes(latin.encode("latin-1"))
    result = _run("import", "latin.xml", "--to", "l.yaml")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: latin.xml:3: not UTF-8 text")
    assert "it declares ISO-8859-1: save it as UTF-8" in result.stderr
    (tmp_path / "bin.csv").write_bytes(b"front,back\n\xe9,x\n")
    result = _run("import", "bin.csv", "--to", "b.yaml")
    assert result.exit_code == 1 and "declares" not in result.stderr
    assert result.stderr.startswith("error: bin.csv:2: not UTF-8 text")
    assert "save it as UTF-8" in result.stderr


def test_the_media_count_agrees_with_its_number(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.csv").write_text('front,back\nx,<img src="a.png"> y\n')
    result = _run("import", "one.csv", "--to", "one.yaml")
    assert result.exit_code == 0, result.stderr
    assert "note: 1 image, sound or video kept in the text" in result.stderr
    (tmp_path / "two.csv").write_text('front,back\nx,<img src="a.png"> <img src="b.png">\n')
    result = _run("import", "two.csv", "--to", "two.yaml")
    assert "note: 2 images, sounds or videos kept in the text" in result.stderr
