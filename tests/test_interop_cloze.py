"""Moodle's embedded answers (cloze): `<question type="cloze">` in Moodle XML, and the same codes
pasted into a GIFT file, come in as the cloze (or single question) they spell, with every change
of form said in one line and what cannot come in named with its line."""

from __future__ import annotations

from tests.interop_files import import_file


def test_every_embedded_answer_kind_in_moodle_xml(tmp_path, monkeypatch):
    result, bank = import_file(tmp_path, monkeypatch, "cloze-kinds.xml")
    err = result.stderr
    assert result.exit_code == 1
    assert "cloze-kinds.xml:31: an embedded answer of unknown type 'REGEXP'; left out" in err
    assert "cloze-kinds.xml:37: embedded answer 1 has no answer that earns credit" in err
    q = {x.id: x for x in bank.questions}
    assert set(q) == {"every-kind", "one-choice", "one-number", "one-response"}
    every = q["every-kind"]
    assert every.type == "cloze" and every.topic == "cloze"
    assert every.prompt == "Read the passage."
    assert every.blanks == (
        ("3",),
        ("tanh",),
        ("Sigmoid", "logistic"),  # logistic earns 50% in Moodle: accepted, weight noted
        ("f_t",),
        ("o_t",),
        ("8", "9", "10", "11", "12"),  # 10 ± 2: the whole numbers of the range
        ("0.01",),
    )
    assert every.groups == ((3, 4),)  # the two right responses, in any order
    assert "[sigmoid / tanh / ReLU]" in every.segments[2]
    assert 'Blank 3, "logistic" (50% credit in Moodle)' in every.explanation
    assert "Blank 1, 3: three gates" in every.explanation
    assert every.explanation.startswith("See the LSTM notes.")
    assert ":6: note: a case-sensitive embedded answer is graded without case" in err
    assert ":6: note: blank 7 accepts 0.01 exactly; Moodle also accepts ± 0.005" in err
    assert ":6: note: a choice inside a passage is asked as a typed blank" in err
    choice = q["one-choice"]
    assert choice.type == "choice" and choice.options[choice.answer] == "sigmoid"
    assert choice.prompt == "The forget gate uses ____."
    assert '"hard sigmoid" (50% credit in Moodle): close' in choice.explanation
    number = q["one-number"]
    assert number.type == "numeric" and number.value == 4 and number.tolerance == 0
    assert "16 ± 0 (50% credit in Moodle)" in number.explanation
    assert q["one-response"].type == "multi" and q["one-response"].answers == {0, 1}


def test_embedded_answers_in_a_gift_file_are_the_cloze_they_spell(tmp_path, monkeypatch):
    result, bank = import_file(tmp_path, monkeypatch, "cloze-in.gift")
    assert result.exit_code == 0
    assert "cloze-in.gift:3: note: embedded answers ({1:SHORTANSWER:...})" in result.stderr
    q = {x.id: x for x in bank.questions}
    cloze = q["cell-cloze"]
    assert cloze.type == "cloze" and cloze.blanks == (("c_t", "c"), ("h_t",))
    assert cloze.segments == ("The cell state is ", " and the hidden state ", ".")
    assert 'Blank 2, "h_t": right' in cloze.explanation
    assert q["plain"].type == "blank" and q["plain"].answers == ("answer",)
    counts = q["gates-count"]  # codes without a weight: {:NUMERICAL:...}
    assert counts.type == "cloze" and counts.blanks == (("3",), ("2",))
    assert "Blank 2, 2: right" in counts.explanation
