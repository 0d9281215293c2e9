"""Exports a spreadsheet and Moodle take safely: formula-like CSV/TSV and history cells start
with `'` (unless --raw) and read back as written; GIFT questions are marked [plain]."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from typer.testing import CliRunner

from refresher.banks.load import load_bank
from refresher.cli import app
from refresher.core.model import Outcome

BANK = """\
id: sheet
title: Formula-like text
topics: {t: T}
questions:
  - id: hyper
    type: card
    topic: t
    front: '=HYPERLINK("http://example.invalid","click")'
    back: '@SUM(A1:A9)'
  - id: minus
    type: numeric
    topic: t
    prompt: '+ or -? Give minus one.'
    answer: -1
    tolerance: 0
  - id: bold
    type: blank
    topic: t
    prompt: 'The tag <b> makes text ____.'
    answer: [bold]
"""


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_csv_export_neutralises_formulas_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.yaml").write_text(BANK, encoding="utf-8")
    for suffix, sep in (("csv", ","), ("tsv", "\t")):
        assert _run("export", "sheet.yaml", "--to", f"s.{suffix}").exit_code == 0
        rows = list(
            csv.DictReader(io.StringIO((tmp_path / f"s.{suffix}").read_text()), delimiter=sep)
        )
        cells = [c for row in rows for c in row.values() if c]
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
        assert rows[0]["prompt"].startswith("'=HYPERLINK") and rows[0]["answer"] == "'@SUM(A1:A9)"
        assert rows[1]["answer"] == "'-1" and rows[1]["prompt"] == "'+ or -? Give minus one."
        back = _run("import", f"s.{suffix}", "--to", f"b{suffix}.yaml", "--id", "sheet")
        assert back.exit_code == 0, back.stderr
        q = {x.id: x for x in load_bank(tmp_path / f"b{suffix}.yaml").questions}
        assert q["hyper"].prompt == '=HYPERLINK("http://example.invalid","click")'
        assert q["hyper"].back == "@SUM(A1:A9)" and q["minus"].value == -1
        assert q["bold"].prompt == "The tag <b> makes text ____."
    assert _run("export", "sheet.yaml", "--to", "raw.csv", "--raw").exit_code == 0
    raw = list(csv.DictReader(io.StringIO((tmp_path / "raw.csv").read_text())))
    assert raw[0]["prompt"].startswith("=HYPERLINK") and raw[1]["answer"] == "-1"


def test_history_csv_neutralises_what_was_typed(tmp_path, monkeypatch):
    from refresher.storage.store import open_store

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.yaml").write_text(BANK, encoding="utf-8")
    q = load_bank(tmp_path / "sheet.yaml").get("minus")
    with open_store() as store:
        now = datetime(2026, 11, 1, 9, tzinfo=UTC)
        store.record_attempt(q, Outcome(False, "=1+1", "-1"), seconds=1.0, mode="practice", now=now)
    rows = list(csv.DictReader(io.StringIO(_run("history", "--csv").stdout)))
    assert rows[0]["given"] == "'=1+1"
    raw = list(csv.DictReader(io.StringIO(_run("history", "--csv", "--raw").stdout)))
    assert raw[0]["given"] == "=1+1"


def test_gift_export_marks_questions_plain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.yaml").write_text(BANK, encoding="utf-8")
    assert _run("export", "sheet.yaml", "--to", "s.gift").exit_code == 0
    text = (tmp_path / "s.gift").read_text()
    assert "::bold::[plain]The tag <b> makes text" in text
    assert _run("import", "s.gift", "--to", "g.yaml").exit_code == 0
    q = {x.id: x for x in load_bank(tmp_path / "g.yaml").questions}
    assert q["bold"].prompt == "The tag <b> makes text ____."


def test_excel_csv_starts_with_a_byte_order_mark_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.yaml").write_text(
        BANK.replace("minus one", "moins un, café"), encoding="utf-8"
    )
    assert _run("export", "sheet.yaml", "--to", "x.csv", "--excel").exit_code == 0
    data = (tmp_path / "x.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "café".encode() in data
    assert not (tmp_path / "plain.csv").exists()
    assert _run("export", "sheet.yaml", "--to", "plain.csv").exit_code == 0
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = _run("import", "x.csv", "--to", "x.yaml", "--id", "sheet-x")
    assert back.exit_code == 0, back.stderr
    assert load_bank(tmp_path / "x.yaml").get("minus").prompt == "+ or -? Give moins un, café."
