"""Anki plain text, Quizlet and flashcard CSV imports on files like the ones those programs
write: quoted line breaks, reversed note types, cloze hints, sniffed separators, HTML fields,
custom separators, a CSV with its own column names, and non-Latin topic names."""

from __future__ import annotations

from typer.testing import CliRunner

from refresher.cli import app
from tests.interop_files import import_file

_import = import_file


def test_anki_notes_with_headers_keep_breaks_reverse_cards_and_hints(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "anki-notes-with-headers.txt")
    assert result.exit_code == 0, result.stderr
    cards = [(q.prompt, q.back) for q in bank.questions if q.type == "card"]
    assert ("RNN", "Recurrent neural network") in cards
    assert ("Recurrent neural network", "RNN") in cards  # reversed: a second card
    assert ("BPTT", "Backprop through time") in cards  # the 'y' flag is no part of the back
    assert ("Backprop through time", "BPTT") in cards  # ... and asks for the reverse card
    assert ("GRU", "Gated recurrent unit") in cards
    assert not any(front == "Gated recurrent unit" for front, _ in cards)  # no flag, no reverse
    assert ("Two lines:\nline one\nline two", "Line one\nline two") in cards
    assert ("R&D > A; B", "x < y") in cards
    assert len({q.id for q in bank.questions}) == len(bank.questions) == 8
    cloze = next(q for q in bank.questions if q.type == "cloze")
    assert cloze.blanks == (("forget",), ("c_t-1",)) and "which gate?" in cloze.hint
    assert ":6: note: a Basic (and reversed card) note: its reverse card" in result.stderr


def test_anki_export_without_headers_is_text_and_sniffed_past_comments(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "anki-legacy-export.txt")
    assert result.exit_code == 0, result.stderr
    cards = [(q.prompt, q.back) for q in bank.questions]
    assert cards == [
        ("What is R&D > research?", "Research & development"),
        ("What is BPTT?", "Backprop\nthrough time"),
        ("GRU", "Gated recurrent unit; a simpler LSTM"),
        ("LSTM", "Long short-term memory"),
    ]


def test_quizlet_definitions_keep_commas_and_line_breaks(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "quizlet-tab.txt")
    assert result.exit_code == 0, result.stderr
    assert [(q.prompt, q.back) for q in bank.questions] == [
        ("RNN", "A network with a loop, it reads one step at a time"),
        ("LSTM", "An RNN with gates:\nforget, input and output"),
        ("GRU", "A gated unit, simpler than the LSTM"),
    ]


def test_quizlet_custom_separator(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "quizlet-custom.txt", "--separator", " - ")
    assert result.exit_code == 0, result.stderr
    assert [(q.prompt, q.back) for q in bank.questions] == [
        ("RNN", "A network with a loop"),
        ("LSTM", "An RNN with gates - three of them"),
        ("GRU", "A gated unit"),
    ]


def test_csv_with_its_own_column_names_and_columns_option(tmp_path, monkeypatch):
    name = "flashcards-own-header.csv"
    result, bank = _import(tmp_path, monkeypatch, name, "--columns", "front,back,topic")
    assert result.exit_code == 0, result.stderr
    assert [(q.prompt, q.back, q.topic) for q in bank.questions] == [
        ("RNN", "A network with a loop, read in order", "rnn"),
        ("LSTM", "An RNN with gates", "lstm"),
    ]
    assert "1: note: the file's header row (Word, Meaning, Category)" in result.stderr
    bad = CliRunner().invoke(app, ["import", name, "--to", "b.yaml", "--columns", "front,wat"])
    assert bad.exit_code == 1 and "--columns: unknown column 'wat'" in bad.stderr


def test_non_latin_topic_names_stay_distinct(tmp_path, monkeypatch):
    result, bank = _import(tmp_path, monkeypatch, "categories-cyrillic.gift")
    assert result.exit_code == 0, result.stderr
    assert sorted(bank.topics.values()) == ["Рекуррентные сети", "Сверточные сети"]
    assert len({q.topic for q in bank.questions}) == 2
