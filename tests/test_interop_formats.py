"""The import format found from the content: GIFT under Moodle's `.txt` naming, a zip package
and an XML file named for what they are, and report lines printed as written (no emoji)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from refresher.banks.load import load_bank
from refresher.cli import app

DATA = Path(__file__).parent / "data" / "interop"


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_gift_named_txt_is_read_as_gift(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "moodle-writer-export.txt", tmp_path / "quiz.txt")
    result = _run("import", "quiz.txt", "--to", "quiz.yaml")
    assert result.exit_code == 0, result.stderr
    assert "missing required key" not in result.stderr
    q = {x.id: x for x in load_bank(tmp_path / "quiz.yaml").questions}
    assert q["capital-of-france"].prompt == "What is the capital of France?"
    assert q["capital-of-france"].options == ("Paris", "Lyon")
    assert q["sum"].value == 4 and q["sky"].answer is True
    # --format still overrides what the content says
    forced = _run("import", "quiz.txt", "--to", "q2.yaml", "--format", "csv")
    assert "missing required key" in forced.stderr


def test_a_zip_gets_one_clear_line_and_xml_is_found_by_content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("collection.anki2", b"SQLite format 3\x00")
    (tmp_path / "deck.apkg").write_bytes(buffer.getvalue())
    result = _run("import", "deck.apkg", "--to", "deck.yaml")
    assert result.exit_code == 1
    assert "not UTF-8" not in result.stderr
    assert "the collection inside is not an SQLite database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    (tmp_path / "quiz.txt").write_text('<?xml version="1.0"?>\n<quiz></quiz>\n')
    result = _run("import", "quiz.txt", "--to", "quiz.yaml")  # Moodle XML, whatever its name
    assert result.exit_code == 1 and "nothing could be imported" in result.stderr
    assert "missing required key" not in result.stderr


def test_a_report_line_100_is_printed_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["// padding"] * 98 + ["", "A description with no answers.", "", "Q?{=yes}", ""]
    (tmp_path / "FILE.gift").write_text("\n".join(lines), encoding="utf-8")
    result = _run("import", "FILE.gift", "--to", "out.yaml")
    assert result.exit_code == 1
    assert "FILE.gift:100: a description" in result.stderr
    assert "\U0001f4af" not in result.stderr


def test_an_imported_bank_never_shadows_another(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "session-14.csv").write_text("front,back\nRNN,Recurrent neural network\n")
    result = _run("import", "session-14.csv", "--to", "mine.yaml")
    assert result.exit_code == 1 and not (tmp_path / "mine.yaml").exists()
    assert "bank id 'session-14' is already used by" in result.stderr
    assert "--id session-14-2" in result.stderr
    assert _run("import", "session-14.csv", "--to", "mine.yaml", "--id", "mine").exit_code == 0
    # importing again over its own file is no shadowing
    again = _run("import", "session-14.csv", "--to", "mine.yaml", "--id", "mine", "--force")
    assert again.exit_code == 0, again.stderr
