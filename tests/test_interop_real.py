"""Files other people and programs wrote (`tests/data/interop/real/`, origins and licences in its
SOURCES file), each imported whole: every item comes in meaning what it meant, or is named on
stderr as FILE:LINE with the reason. Nothing is silently changed.

The GIFT files come with what a third-party GIFT parser (GIFT-grammar-PEG.js) makes of them,
as JSON; every question is checked against it field by field. Moodle's own fixtures and the Anki
manual's examples are checked item by item against what Moodle and Anki do with them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.banks.load import check_file
from refresher.cli import app
from refresher.formats.markup import to_text

REAL = Path(__file__).parent / "data" / "interop" / "real"
PEG = REAL / "gift-peg"
GIFT_FILES = sorted(PEG.glob("*.gift"))
_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<why>.+)$")


def _run(tmp_path, monkeypatch, source: Path, *extra: str):
    """`refresher import` of a copy of `source`; (exit code, bank or None, problem lines, notes)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(source, tmp_path / source.name)
    result = CliRunner().invoke(app, ["import", source.name, "--to", "out.yaml", *extra])
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln and not ln.startswith("wrote ")]
    notes = [ln for ln in lines if ": note: " in ln]
    problems = [ln for ln in lines if ln not in notes and "nothing could be imported" not in ln]
    for line in problems:  # each one line naming the file, the line and why
        found = _LOCATED.match(line)
        assert found and found["file"] == source.name, line
    bank = None
    if (tmp_path / "out.yaml").exists():
        bank, check = check_file(tmp_path / "out.yaml")
        assert check == []
    return result.exit_code, bank, problems, notes


def _text(part) -> str:
    """The plain text of one GIFT-PEG text object ({format, text}) or a bare string."""
    if part is None:
        return ""
    if isinstance(part, str):
        text, fmt = part, "plain"
    else:
        text, fmt = part["text"], part["format"]
    if fmt in ("html", "moodle") and _MARKUP.search(text):
        text, _ = to_text(text)
    return " ".join(text.split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def _check_mc(q, want) -> None:
    options = [_text(c["text"]) for c in want["choices"]]
    assert [_flat(o) for o in q.options] == options
    full = [k for k, c in enumerate(want["choices"]) if c["isCorrect"]]
    if full:  # an '=' answer: Moodle asks for one option
        assert q.type == "choice" and q.answer == full[0]
    else:
        right = {k for k, c in enumerate(want["choices"]) if (c["weight"] or 0) > 0}
        assert q.type == "multi" and q.answers == right


def _check_short(q, want) -> None:
    credited = [
        _text(c["text"])
        for c in want["choices"]
        if c["weight"] is None or c["weight"] > 0
        if _text(c["text"]) != "*"
    ]
    assert q.type == "blank" and [_flat(a) for a in q.answers] == credited


def _number(entry) -> tuple[float, float]:
    if entry["type"] == "simple":
        return entry["number"], 0.0
    if entry["type"] == "range":
        return entry["number"], entry["range"]
    low, high = entry["numberLow"], entry["numberHigh"]
    return (low + high) / 2, (high - low) / 2


def _check_numeric(q, want) -> None:
    choices = want["choices"]
    if isinstance(choices, dict):
        value, tolerance = _number(choices)
    else:
        numbers = [c for c in choices if "type" in c["text"]]
        credited = [c for c in numbers if c["weight"] is None or c["weight"] > 0]
        best = max(credited, key=lambda c: 100 if c["weight"] is None else c["weight"])
        value, tolerance = _number(best["text"])
    assert q.type == "numeric"
    assert q.value == pytest.approx(value) and q.tolerance == pytest.approx(tolerance)


def _check_match(q, want) -> None:
    pairs = {_text(p["subquestion"]): _flat(p["subanswer"]) for p in want["matchPairs"]}
    extras = [right for left, right in pairs.items() if not left]
    pairs = {k: v for k, v in pairs.items() if k}
    got = {_flat(left): _flat(q.right[a]) for left, a in zip(q.left, q.answers, strict=True)}
    assert q.type == "match" and got == pairs
    assert [_flat(r) for r in q.right[len(set(q.answers)) :]] == extras


KIND = {"MC": "choice|multi", "TF": "truefalse", "Short": "blank", "Numerical": "numeric"}
KIND.update(Matching="match", Essay="open")


@pytest.mark.parametrize("path", GIFT_FILES, ids=[p.stem for p in GIFT_FILES])
def test_every_gift_question_comes_in_as_a_gift_parser_reads_it(tmp_path, monkeypatch, path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    expected = [q for q in expected if q["type"] != "Category"]
    code, bank, problems, _ = _run(tmp_path, monkeypatch, path)
    imported = list(bank.questions) if bank else []
    descriptions = [q for q in expected if q["type"] == "Description"]
    assert len(problems) == len(descriptions)  # each description named, nothing else left out
    assert all("a description" in p for p in problems)
    assert code == (1 if problems or not imported else 0)
    asked = [q for q in expected if q["type"] != "Description"]
    assert len(imported) == len(asked)
    for q, want in zip(imported, asked, strict=True):
        assert re.fullmatch(KIND[want["type"]], q.type), (q.id, want["type"])
        if want["title"] and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", want["title"]):
            assert q.id == want["title"]
        if want.get("id"):
            assert q.id == want["id"]
        if want.get("tags"):
            assert list(q.tags) == want["tags"]
        if not want["hasEmbeddedAnswers"] and q.type != "cloze":
            assert _flat(q.prompt) == _text(want["stem"]), q.id
        if want["globalFeedback"] and q.type != "open":
            assert _text(want["globalFeedback"]) in _flat(q.explanation)
        if want["type"] == "MC":
            _check_mc(q, want)
        elif want["type"] == "TF":
            assert q.answer is want["isTrue"]
        elif want["type"] == "Short":
            _check_short(q, want)
        elif want["type"] == "Numerical":
            _check_numeric(q, want)
        elif want["type"] == "Matching":
            _check_match(q, want)


def test_there_are_forty_real_files_or_more():
    files = [p for p in REAL.rglob("*") if p.is_file()]
    sources = (REAL / "SOURCES").read_text(encoding="utf-8")
    data = [p for p in files if p.suffix in (".gift", ".txt", ".xml", ".csv")]
    assert len(data) >= 40
    for p in data:  # each file's origin is named
        assert p.name in sources or f"{p.parent.name}/*" in sources, p


def test_moodle_gift_fixture_as_moodle_reads_it(tmp_path, monkeypatch):
    code, bank, problems, notes = _run(tmp_path, monkeypatch, REAL / "moodle/questions.gift.txt")
    assert problems == [] and code == 0
    q = {x.id: x for x in bank.questions}
    assert len(q) == 9  # the two '2-08 TSL' true-false questions stay two
    assert q["2-08-tsl"].answer is True and q["2-08-tsl-fbca4f"].answer is True
    match = q["moodle-activities"]
    assert match.prompt == "Match the activity to the description."  # [html] made text
    assert match.left[0] == "An activity supporting asynchronous discussions."
    assert "Chat" in match.right and len(match.left) == 4
    assert q["q2"].type == "choice" and q["q2"].options[q["q2"].answer] == "yellow"
    assert '"red": wrong, it\'s yellow' in q["q2"].explanation  # the [html] marker gone
    assert q["colours"].type == "multi" and q["colours"].answers == {0, 2}
    assert q["q5"].value == 3 and q["q5"].tolerance == 2
    assert "Any other answer: Completely wrong" in q["q5"].explanation
    assert q["shortanswer"].answers == ("Frog", "Cat")  # Cat earns 50% in Moodle
    assert '"Cat" (50% credit in Moodle)' in q["shortanswer"].explanation
    assert q["q1"].answer is False
    assert any(":34: note: 1 partial-credit answer" in n for n in notes)


def test_moodle_cloze_fixture_as_moodle_reads_it(tmp_path, monkeypatch):
    code, bank, problems, notes = _run(tmp_path, monkeypatch, REAL / "moodle/multianswer.xml")
    assert problems == [] and code == 0
    (q,) = bank.questions
    assert q.type == "cloze" and q.id == "cloze-with-images"
    assert q.prompt == "Match the following cities with the correct state,"
    assert [b[0] for b in q.blanks] == ["California", "Arizona", "California", "Arizona", "Paris"]
    assert q.blanks[4] == ("Paris", "Marseille")  # Marseille earns 50% in Moodle
    assert '"Marseille" (50% credit in Moodle)' in q.explanation
    assert "Blank 5, any other answer: Wrong answer." in q.explanation
    assert "[image: california-state-flag.png]" in q.segments[0]
    assert "[California / Arizona]" in q.segments[1]
    assert any("3 images" in n for n in notes)
    assert any("asked as a typed blank with its options listed" in n for n in notes)


ANKI_MANUAL = {  # file: the notes Anki makes of it (front, back)
    "three-fields.txt": [("apple", "banana"), ("first field", "second field")],
    "quoted-newline.txt": [
        ("hello", "this is\na two line answer"),
        ("two", "this is a one line field"),
        ("this includes a ; (semicolon)", "another field"),
    ],
    "escaped-quotes.txt": [("field one", 'field two with "escaped quotes" inside it')],
    "html-newlines.txt": [
        ("hello", "this is\na two line answer"),
        ("two", "this is a one line one"),
    ],
    "comment-line.txt": [("foo bar", "bar baz"), ("field1", "field2")],
}


@pytest.mark.parametrize("name", sorted(ANKI_MANUAL))
def test_anki_manual_examples_as_anki_reads_them(tmp_path, monkeypatch, name):
    code, bank, problems, notes = _run(tmp_path, monkeypatch, REAL / "anki-manual" / name)
    assert problems == [] and code == 0
    assert [(q.prompt, q.back) for q in bank.questions] == ANKI_MANUAL[name]
    if name in ("three-fields.txt", "comment-line.txt"):  # the third field: kept, and said so
        assert bank.questions[0].explanation in ("grape", "baz quux")
        assert any("the third is kept as the explanation" in n for n in notes)
