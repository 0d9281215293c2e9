"""The Anki exports imported by the real Anki (the `anki` package from PyPI, a test extra) into a
fresh collection: one note per question, fields and tags as mapped, re-imports update."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from refresher.banks.catalog import bundled_dir
from refresher.banks.load import load_bank
from refresher.cli import app
from refresher.formats.anki import guid_of

anki_collection = pytest.importorskip("anki.collection")
from anki import import_export_pb2 as pb  # noqa: E402

BUNDLED = bundled_dir() / "session-14.yaml"
OLD_PROMPT = 'prompt: "RNN stands for ____."'
NEW_PROMPT = 'prompt: "RNN <b>stands</b> for ____ & so on."'


def _export(path, bank_file, *extra):
    result = CliRunner().invoke(app, ["export", str(bank_file), "--to", str(path), *extra])
    assert result.exit_code == 0, result.output + result.stderr
    return path


def _import_apkg(col, path):
    always = pb.ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    options = pb.ImportAnkiPackageOptions(update_notes=always, update_notetypes=always)
    return col.import_anki_package(
        pb.ImportAnkiPackageRequest(package_path=str(path), options=options)
    )


def _import_txt(col, path):
    metadata = col.get_csv_metadata(path=str(path), delimiter=None)
    return col.import_csv(pb.ImportCsvRequest(path=str(path), metadata=metadata))


def _note(col, key):
    ids = col.find_notes("")
    notes = [col.get_note(i) for i in ids]
    return next(n for n in notes if n.guid == guid_of(key))


@pytest.mark.parametrize("suffix", ["apkg", "txt"])
def test_anki_imports_every_question_and_updates_on_reimport(tmp_path, suffix):
    bank = load_bank(BUNDLED)
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    importer = _import_apkg if suffix == "apkg" else _import_txt
    try:
        importer(col, _export(tmp_path / f"s14.{suffix}", BUNDLED, "--subdecks"))
        assert col.note_count() == len(bank.questions)

        choice = _note(col, "session-14/rnn-acronym")
        assert choice.note_type()["name"] in ("refresher Basic", "Basic")
        assert "Recurrent Neural Network" in choice["Back"]
        assert set(choice.tags) >= {"topic::rnn", "kind::choice", "basics", "terminology"}
        blank = _note(col, "session-14/" + next(q.id for q in bank.questions if q.type == "blank"))
        assert (
            "type in" in blank.note_type()["name"].lower() or "Type-in" in blank.note_type()["name"]
        )
        cloze = _note(col, "session-14/cell-update-cloze")
        assert "{{c1::f_t}}" in cloze["Text"]
        # the any-order group i_t * g_t shares one cloze number: one card hides both
        assert "{{c2::i_t::any order}} * {{c2::g_t::any order}}" in cloze["Text"]
        assert len(cloze.cards()) == 2
        assert "Blanks i_t and g_t may be answered in either order." in cloze["Back Extra"]
        numeric = _note(col, "session-14/avg-pool-session")
        assert "<pre" in numeric["Back"]  # the worked solution, drawn as the HTML export draws it
        decks = {d.name for d in col.decks.all_names_and_ids()}
        assert "Session 14 — Deep Learning 2: RNN & LSTM::LSTM" in decks

        if suffix == "apkg":
            time.sleep(1.05)  # Anki keeps a note whose modification second is not newer
        edited = tmp_path / "edited.yaml"
        edited.write_text(BUNDLED.read_text(encoding="utf-8").replace(OLD_PROMPT, NEW_PROMPT))
        log = importer(col, _export(tmp_path / f"edited.{suffix}", edited, "--subdecks")).log
        assert col.note_count() == len(bank.questions)  # updated, not duplicated
        assert len(log.new) == 0
        front = _note(col, "session-14/rnn-acronym")["Front"]
        assert "RNN &lt;b&gt;stands&lt;/b&gt; for ____ &amp; so on." in front
        # what Anki shows: the characters themselves, not markup
        card = col.get_card(col.find_cards(f"nid:{choice.id}")[0])
        assert "<b>stands</b> for ____ & so on" not in card.question()
        assert "&lt;b&gt;stands&lt;/b&gt;" in card.question()
    finally:
        col.close()
