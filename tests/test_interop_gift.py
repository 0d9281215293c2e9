"""GIFT import of a file written like Moodle's own examples and writer output: partial credit,
per-answer format markers, numeric feedback, `->` inside a choice, one-pair matching, essays,
`[id:]`/`[tag:]` comments, links, and questions sharing a title or stem."""

from __future__ import annotations

from typer.testing import CliRunner

from refresher.banks.load import check_file
from refresher.cli import app
from tests.interop_files import import_file

_import = import_file


def test_moodle_gift_comes_in_meaning_what_it_meant(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "moodle-doc-like.gift")
    assert result.exit_code == 0, result.stderr
    q = {x.id: x for x in bank.questions}
    assert len(q) == 13

    # single answer with a partial-credit option stays single, keyed on '='
    birth = q["birth-town"]
    assert birth.type == "choice" and birth.answer == 1
    assert birth.options == ("Bethlehem", "Nazareth", "Jerusalem")
    assert '"Bethlehem" (50% credit in Moodle): He was born there.' in birth.explanation
    assert birth.tags == ("history", "bible") and birth.topic == "religion"
    assert bank.topics["religion"] == "Religion"

    # per-answer format markers never leak
    grant = q["grant"]
    assert grant.options == ("Grant", "no one", "Napoleon") and grant.answer == 0
    assert "[" not in grant.explanation and '"no one": *Not* true' in grant.explanation

    # partial-credit short answer accepted, with its weight noted
    spanish = q["spanish"]
    assert spanish.type == "blank" and spanish.answers == ("comunicación", "comunicacion")
    assert '"comunicacion" (60% credit in Moodle)' in spanish.explanation

    # numeric: the full-credit answer kept, the partial one noted with its weight
    year = q["independence"]
    assert year.type == "numeric" and year.value == 1822 and year.tolerance == 0
    assert "1822 ± 2 (50% credit in Moodle): Within two years" in year.explanation
    pi = q["pi"]
    assert pi.value == 3.14 and pi.tolerance == 0.005
    assert "Any other answer: Pi is about 3.14159" in pi.explanation

    arrow = q["arrow"]
    assert arrow.type == "choice" and arrow.options == ("->", "=>", "<-") and arrow.answer == 0
    pair = q["one-pair"]
    assert pair.type == "blank" and pair.answers == ("Paris",)
    assert pair.prompt == "Match the capital.\nFrance"
    assert q["essay"].type == "open"
    assert q["anthem"].prompt == "Listen to this recording (anthem.mp3): which country?"

    # same title, same stem: distinct ids, stable across imports
    assert q["capital"].prompt.endswith("France?")
    other = [x for x in bank.questions if x.prompt.endswith("Italy?")][0]
    assert other.id.startswith("capital-") and other.id != "capital"
    skies = [x for x in bank.questions if x.prompt == "What colour is the sky?"]
    assert len(skies) == 2 and len({x.id for x in skies}) == 2

    notes = result.stderr
    assert "moodle-doc-like.gift:7: note: 1 partial-credit option" in notes
    assert "moodle-doc-like.gift:37: note: a matching question with one pair" in notes
    assert "moodle-doc-like.gift:41: note: an essay with no model answer" in notes

    again = CliRunner().invoke(
        app, ["import", "moodle-doc-like.gift", "--to", "out.yaml", "--force"]
    )
    assert again.exit_code == 0
    bank2, _ = check_file(tmp_path / "out.yaml")
    assert [x.id for x in bank2.questions] == [x.id for x in bank.questions]
