"""`refresher export --format moodlexml` (or a `.xml` suffix): every kind Moodle can grade written
as Moodle's importer reads it (checked against a file written from the Moodle XML docs), the rest
as descriptions, and the file read back by refresher's own importer to the same bank."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import msgspec
from typer.testing import CliRunner

from refresher.banks.catalog import bundled_dir
from refresher.banks.load import check_file, load_bank, parse_bank
from refresher.cli import app
from refresher.core.model import Bank
from refresher.formats import gift, moodlexml
from refresher.quiz.round import attach_instances, make_items

BUNDLED = bundled_dir() / "session-14.yaml"
DOC = Path(__file__).parent / "data" / "interop" / "moodle-doc-export.xml"
# Refresher's own: who asks what next in an interview (Moodle has no such link)
# what a Moodle question has no field for; `group` (siblings buried together) is refresher's own
NOT_IN_MOODLE = {
    "bank_id", "line", "source", "follow_ups", "compute", "compute_lines", "rtol", "group"
}  # fmt: skip


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _shape(node: ET.Element, path: str = "") -> set[str]:
    """Every element path under `node` with its attribute names, e.g. `answer@fraction,format`."""
    out = set()
    for child in node:
        if not isinstance(child.tag, str):
            continue  # a comment
        here = f"{path}/{child.tag}"
        out.add(here + ("@" + ",".join(sorted(child.attrib)) if child.attrib else ""))
        out |= _shape(child, here)
    return out


def test_each_kind_is_written_as_the_moodle_docs_write_it(tmp_path):
    to = tmp_path / "s14.xml"
    result = _run("export", "--to", str(to))
    assert result.exit_code == 0, result.stderr
    ours = ET.parse(to).getroot()
    doc = ET.parse(DOC).getroot()
    by_type: dict[tuple[str, str], ET.Element] = {}
    for q in ours.iter("question"):
        single = q.findtext("single") or ""
        by_type.setdefault((q.get("type", ""), single), q)
    for want in doc.iter("question"):
        key = (want.get("type", ""), want.findtext("single") or "")
        assert key in by_type, key
        optional = {"/hint@format", "/hint/text", "/tags", "/tags/tag", "/tags/tag/text"}
        assert _shape(want) - optional <= _shape(by_type[key]), key
    # every text is plain (Moodle shows <b> as written), every grade one Moodle accepts
    for q in ours.iter("question"):
        if q.get("type") != "category":
            assert q.find("questiontext").get("format") == "plain_text"
            assert q.findtext("name/text") == q.findtext("idnumber")
        for answer in q.iter("answer"):
            if "fraction" in answer.attrib:
                fraction = abs(float(answer.get("fraction")))
                assert fraction == 100 or any(abs(fraction - g) < 1e-4 for g in moodlexml.GRADES)
    category = next(q for q in ours.iter("question") if q.get("type") == "category")
    assert category.findtext("category/text").startswith("$course$/top/Session 14")
    assert category.findtext("idnumber") == "cnn"


def test_the_docs_file_reads_as_moodle_would(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run("import", str(DOC), "--to", "doc.yaml")
    assert result.exit_code == 1  # the description is named
    assert "moodle-doc-export.xml:234: a description" in result.stderr
    bank, problems = check_file(tmp_path / "doc.yaml")
    assert problems == [] and bank.topics == {"rnn": "Recurrent nets"}
    q = {x.id: x for x in bank.questions}
    assert q["gate-count"].options[q["gate-count"].answer] == "three"
    assert q["gate-count"].hint == "Count the sigmoids." and q["gate-count"].tags == ("gates",)
    assert q["sigmoid-parts"].type == "multi" and q["sigmoid-parts"].answers == {0, 1}
    assert q["pooling-weights"].answer is False
    assert q["rnn-acronym"].answers == ("recurrent",)
    assert q["pool-size"].value == 4 and q["pool-size"].tolerance == 0
    assert (
        q["activations"].left == ("forget gate", "candidate") and "ReLU" in q["activations"].right
    )
    assert q["explain-lstm"].answer.startswith("Gates decide")
    assert q["cell-update"].blanks == (("f_t",), ("i_t",))
    assert q["cell-update"].segments == ("c_t = ", " * c_{t-1} + ", " * g_t")


def _same(original: Bank, back: Bank, items) -> int:
    """How many questions came back field by field as they were; asserts on the first that did
    not."""
    got = {q.id: q for q in back.questions}
    drawn = {it.question.id: it for it in items}
    same = 0
    for q in original.questions:
        if q.id not in got:
            continue
        other = got[q.id]
        assert type(other) is type(q), q.id
        whole = q.type == "numeric" and bool(other.compute)  # a description, read back whole
        for f in msgspec.structs.fields(q):
            if f.name in NOT_IN_MOODLE and not (whole and f.name in ("compute", "rtol")):
                continue
            want, have = getattr(q, f.name), getattr(other, f.name)
            if q.type == "numeric" and not whole and f.name in ("prompt", "tolerance", "value"):
                value, extra = gift.scalar(drawn[q.id])
                want = {"prompt": q.prompt + extra, "value": value}.get(f.name, want)
                if f.name == "tolerance":
                    want = q.tolerance + q.rtol * abs(value)
                assert abs(have - want) < 1e-9 if f.name != "prompt" else have == want, q.id
                continue
            if q.type == "cloze" and f.name == "groups":
                continue  # Moodle has no blanks answerable in any order (said on export)
            assert have == want, (q.id, f.name)
        same += 1
    return same


def test_round_trip_through_our_own_importer_gives_the_same_bank(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = load_bank(BUNDLED)
    result = _run("export", "--format", "moodlexml", "--to", "s14.moodle")
    assert result.exit_code == 0, result.stderr
    assert "as Moodle descriptions (shown with the answer, not graded)" in result.stderr
    root = ET.parse(tmp_path / "s14.moodle").getroot()
    as_descriptions = sum(1 for q in root.iter("question") if q.get("type") == "description")
    assert as_descriptions > 0
    wrote = (
        f"wrote {len(bank.questions)} questions ({as_descriptions} as descriptions) to s14.moodle"
    )
    assert wrote in result.stderr
    assert "cell-update-cloze: its blanks answerable in any order are fixed in Moodle" in (
        result.stderr
    )
    back = _run("import", "s14.moodle", "--format", "moodlexml", "--to", "back.yaml", "--id", "b")
    assert back.exit_code == 0, back.stderr  # the descriptions come back as what they were
    assert ": a description" not in back.stderr
    assert back.stderr.endswith(f"wrote {len(bank.questions)} questions to back.yaml (bank 'b')\n")
    written = [q for q in root.iter("question") if q.get("type") != "category"]
    assert len(written) == len(bank.questions)  # every question is in the file
    pool = next(q for q in written if q.findtext("idnumber") == "avg-pool-session")
    assert pool.get("type") == "description"  # a 2x2 answer: shown with its givens and answer
    shown = pool.findtext("questiontext/text")
    assert "Given: input = [[1.0, 2.0, 3.0, 4.0]," in shown
    assert shown.endswith("Answer: 3.5 5.5; 3.75 5.25")
    # what Moodle shows is the answer itself: a card's back, an order question's steps in order
    card = next(q for q in written if q.findtext("idnumber") == "card-avg-pooling")
    assert card.findtext("questiontext/text").endswith(
        "\n\nAnswer: " + bank.get("card-avg-pooling").back
    )
    order = bank.get("lstm-step-dependency-order")
    steps = next(q for q in written if q.findtext("idnumber") == order.id)
    assert steps.findtext("questiontext/text").endswith(
        "\n\nAnswer:\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(order.items, 1))
    )
    read, problems = check_file(tmp_path / "back.yaml")
    assert problems == [] and read.topics == bank.topics
    assert len(read.questions) == len(bank.questions)
    assert {q.type for q in read.questions} == {q.type for q in bank.questions}
    items = attach_instances(make_items(bank.questions, random.Random(14), shuffle=False), 14)
    assert _same(bank, read, items) == len(bank.questions)


BANK = """\
id: tiny
title: "Tiny / test"
topics: {a: "A & B", b: Cells}
questions:
  - id: pick
    type: choice
    topic: a
    tags: [x, y-z]
    prompt: "Which is <b>bold</b> & plain?"
    options: ["<b>", "a ~ b = c {d}", "#"]
    answer: B
    hint: "Not the tag."
    explanation: "Moodle must show <b> as written."
  - id: many
    type: multi
    topic: b
    prompt: "Pick the gates."
    options: [forget, input, tanh, output, relu, softmax, identity]
    answer: [A, B, D]
  - id: fill
    type: cloze
    topic: b
    prompt: "Complete it."
    text: "a {{b/c|d}} e {{f}}"
  - id: ask
    type: open
    topic: b
    prompt: "Explain."
    answer: "Because."
    points: [one, two]
  - id: close
    type: numeric
    topic: b
    prompt: "About pi?"
    answer: 3.14
    tolerance: 0.01
    rtol: 0.001
"""


def test_a_small_bank_round_trips_with_markup_hints_tags_and_points(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text(BANK, encoding="utf-8")
    bank = parse_bank(BANK, str(tmp_path / "tiny.yaml"))
    result = _run("export", "tiny.yaml", "--to", "tiny.xml")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "tiny.xml").read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; plain" in text  # escaped, never markup
    assert "{1:SHORTANSWER:=b\\/c~=d}" in text  # a slash escaped inside an embedded answer
    assert 'fraction="33.33333"' in text and 'fraction="-25"' in text
    assert "$course$/top/Tiny // test/A &amp; B" in text  # Moodle's '//' for a slash in a name
    back = _run("import", "tiny.xml", "--to", "back.yaml", "--id", "tiny-back")
    assert back.exit_code == 0, back.stderr
    read, problems = check_file(tmp_path / "back.yaml")
    assert problems == [] and read.topics == bank.topics
    items = attach_instances(make_items(bank.questions, random.Random(14), shuffle=False), 14)
    assert _same(bank, read, items) == len(bank.questions)
    assert read.get("close").tolerance == 0.01 + 0.001 * 3.14  # rtol made absolute, as Moodle's


def test_export_picks_moodle_xml_by_suffix_or_name(tmp_path):
    assert _run("export", "--to", str(tmp_path / "a.xml")).exit_code == 0
    assert _run("export", "--format", "xml", "--to", str(tmp_path / "b.txt")).exit_code == 0
    assert ET.parse(tmp_path / "b.txt").getroot().tag == "quiz"
    bad = _run("export", "--format", "moodle-xml", "--to", str(tmp_path / "c.txt"))
    assert bad.exit_code == 1 and "xml" in bad.stderr and "Traceback" not in bad.stderr


DESCRIBED = """\
id: kept
title: Kept
topics: {a: A}
questions:
  - id: flash
    type: card
    topic: a
    tags: [t]
    hint: "Think."
    front: "Front -- with <b> & a dash pair"
    back: "Back."
    explanation: "Why."
  - id: steps
    type: order
    topic: a
    prompt: "In order?"
    items: [one, two, three]
  - id: eleven
    type: multi
    topic: a
    prompt: "All but one?"
    options: [a, b, c, d, e, f, g, h, i, j, k, l]
    answer: [A, B, C, D, E, F, G, H, I, J, K]
"""


def test_descriptions_read_back_whole_and_a_foreign_one_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept.yaml").write_text(DESCRIBED, encoding="utf-8")
    bank = parse_bank(DESCRIBED, str(tmp_path / "kept.yaml"))
    result = _run("export", "kept.yaml", "--to", "kept.xml")
    assert result.exit_code == 0 and "(3 as descriptions)" in result.stderr
    root = ET.parse(tmp_path / "kept.xml").getroot()
    eleven = next(q for q in root.iter("question") if q.findtext("idnumber") == "eleven")
    assert eleven.get("type") == "description"  # 1/11 is no grade Moodle has
    assert "\nK. k\nL. l\n\nAnswer: A B C D E F G H I J K" in eleven.findtext("questiontext/text")
    back = _run("import", "kept.xml", "--to", "back.yaml", "--id", "kept-back")
    assert back.exit_code == 0, back.stderr
    read, problems = check_file(tmp_path / "back.yaml")
    assert problems == []
    for q in bank.questions:
        other = read.get(q.id)
        for f in msgspec.structs.fields(q):
            if f.name not in ("bank_id", "line"):
                assert getattr(other, f.name) == getattr(q, f.name), (q.id, f.name)
    # a description written by hand, or whose refresher keys are broken, is named with its line
    text = (tmp_path / "kept.xml").read_text(encoding="utf-8")
    text = text.replace('{"type": "order"', '{"type": "order', 1)
    text = re.sub(r"<refresher>.*?</refresher>", "", text, count=1, flags=re.S)
    (tmp_path / "hand.xml").write_text(text, encoding="utf-8")
    again = _run("import", "hand.xml", "--to", "hand.yaml")
    assert again.exit_code == 1 and "Traceback" not in again.stderr
    lines = again.stderr.splitlines()
    assert lines[0].startswith("hand.xml:") and "a description (no answers)" in lines[0]
    assert "a description whose <refresher> is not a question's keys; left out" in lines[1]
    assert lines[-1] == "wrote 1 question to hand.yaml (bank 'hand')"
    # its own keys never move a question to another id or topic
    forged = text.replace('{"type": "multi"', '{"id": "other", "topic": "zz", "type": "multi"')
    (tmp_path / "forged.xml").write_text(forged, encoding="utf-8")
    third = _run("import", "forged.xml", "--to", "forged.yaml")
    forged_bank, _ = check_file(tmp_path / "forged.yaml")
    assert [(q.id, q.topic) for q in forged_bank.questions] == [("eleven", "a")], third.stderr


def test_a_described_numeric_whose_spec_cannot_run_is_one_line_at_its_question(
    tmp_path, monkeypatch
):
    """A compute spec the engine refuses is named at the question's line with its message
    (it read `(4, "compute: ...")`, the problem's tuple)."""
    monkeypatch.chdir(tmp_path)
    keys = '{"type": "numeric", "prompt": "P", "compute": {"kind": "pool", "input": "9e999"}}'
    (tmp_path / "spec.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="category"><category><text>$course$/top/rnn</text></category>'
        "</question>\n"
        '<question type="description"><name><text>q1</text></name><questiontext format="html">'
        f"<text>P</text></questiontext><refresher>{keys}</refresher></question>\n</quiz>\n",
        encoding="utf-8",
    )
    result = _run("import", "spec.xml", "--to", "spec.yaml")
    lines = result.stderr.splitlines()
    assert lines[0] == "spec.xml:4: compute: input: entry 1: '9e999' is too large"
    assert "(4," not in result.stderr and "Traceback" not in result.stderr
