"""Moodle XML import on a file written from the format's description, and hostile XML."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from refresher.banks.load import check_file
from refresher.cli import app

DATA = Path(__file__).parent / "data" / "interop"


def test_moodle_xml_comes_in_meaning_what_it_meant(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "moodle-doc-like.xml", tmp_path / "quiz.xml")
    result = CliRunner().invoke(app, ["import", "quiz.xml", "--to", "out.yaml"])
    assert result.exit_code == 1  # the description is left out
    assert "quiz.xml:55: a description" in result.stderr
    assert "quiz.xml:7: note: 1 partial-credit option;" in result.stderr
    bank, problems = check_file(tmp_path / "out.yaml")
    assert problems == [] and bank is not None
    q = {x.id: x for x in bank.questions}
    assert bank.topics == {"gates": "Gates"} and len(q) == 7
    birth = q["birthplace"]
    assert (
        birth.type == "choice" and birth.answer == 1 and birth.prompt == "Where was Jesus raised?"
    )
    assert '"Bethlehem" (50% credit in Moodle)' in birth.explanation
    assert birth.explanation.startswith("Luke 2.")
    assert q["gates"].type == "multi" and q["gates"].answers == frozenset({0, 1})
    assert q["gates"].prompt == "Which use a sigmoid? a < b"
    assert q["tf"].answer is True
    assert q["spanish"].answers == ("comunicación", "comunicacion")
    assert q["year"].value == 1822 and q["year"].tolerance == 0
    assert "Units: AD" in q["year"].explanation
    assert q["match"].left == ("forget", "candidate") and "ReLU" in q["match"].right
    assert q["essay"].type == "open" and q["essay"].answer == "A cell with gates."


def test_hostile_xml_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>\n'
    )
    (tmp_path / "bomb.xml").write_text(bomb)
    result = CliRunner().invoke(app, ["import", "bomb.xml", "--to", "b.yaml"])
    assert result.exit_code == 1 and "DOCTYPE" in result.stderr
    (tmp_path / "broken.xml").write_text('<?xml version="1.0"?>\n<quiz><question>\n')
    result = CliRunner().invoke(app, ["import", "broken.xml", "--to", "b.yaml"])
    assert result.exit_code == 1 and "not well-formed XML" in result.stderr
    assert "Traceback" not in result.stderr
