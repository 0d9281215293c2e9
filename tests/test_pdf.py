"""PDF exports set by Typst: bank text stays text, equations are typeset, every example and the
worksheet compile, and a missing extra is one clear line.

The PDF's text is read back from what Typst laid out (`typst.query` / `typst.eval` on the same
markup), and also with `pdftotext` where that tool is installed."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.explain.registry import EXAMPLES, compute

typst = pytest.importorskip("typst")
ty = pytest.importorskip("refresher.formats.typst")

HOSTILE = [
    '#sys.exit() #read("/etc/passwd")',
    "$x^2$ and *bold* and _italic_",
    "@ref <label> `raw` = heading",
    "back\\slash \\u{41} ] [ } { // not a comment /* nor this",
    '"quotes" #let x = 1; #x',
    "line one\nline two",
]


def content(markup: str) -> dict:
    return json.loads(typst.eval(b"", "[" + markup + "]", format="json"))


def compact(node) -> str:
    return json.dumps(node, ensure_ascii=False, separators=(",", ":"))


def plain_of(node) -> str:
    """The text of a piece of laid-out content, as Typst holds it."""
    if isinstance(node, list):
        return "".join(plain_of(n) for n in node)
    if not isinstance(node, dict):
        return ""
    if node.get("func") == "text":
        return node["text"]
    if node.get("func") == "space":
        return " "
    if node.get("func") == "symbol":
        return node.get("text", "")
    return "".join(plain_of(v) for k, v in node.items() if k != "func")


def pdf_text(path: Path) -> str | None:
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(path: Path) -> int:
    return int(re.search(rb"/Type/Pages/Count (\d+)", path.read_bytes())[1])


@pytest.mark.parametrize("text", HOSTILE)
def test_bank_text_is_a_string_typst_never_runs(text):
    assert content(ty.text(text)) == {"func": "text", "text": text}
    source = ty.document(text, f"#strong[{ty.text(text)}]")
    pdf = ty.compile_pdf(source)  # `#read` would fail to compile if it ran
    assert pdf.startswith(b"%PDF")
    bodies = json.loads(typst.query(source.encode(), "strong", field="body"))
    assert bodies == [{"func": "text", "text": text}]


def test_hostile_characters_in_an_equation_line_are_quoted():
    node = content(ty.line('h_t = #read("x") $ \\ " @a <b> ; done'))
    shown = plain_of(node)
    for piece in ('#read("x")', "$", "\\", '"', "@a", "<", "b>", "done"):
        assert piece.replace(" ", "") in shown.replace(" ", "")
    assert '"func":"raw"' not in compact(node)


def test_equations_are_typeset_with_subscripts_odot_sigma_and_fractions():
    tree = compact(content(ty.line("c_ft = c_{t-1} * f_t")))
    assert '"func":"attach"' in tree and "⊙" in tree and '"func":"equation"' in tree
    sigma = compact(content(ty.line("σ(z) = 1 / (1 + e^-z)")))
    assert "σ" in sigma and '"func":"frac"' in sigma
    grad = content(ty.line("‖∂h_T/∂h_0‖ <= S^T"))
    fracs = [n for n in _walk(grad) if n.get("func") == "frac"]
    assert len(fracs) == 1  # ∂h_T over ∂h_0, not h_T over ∂
    assert plain_of(fracs[0]["num"]).replace(" ", "") == "∂hT"
    assert plain_of(fracs[0]["denom"]).replace(" ", "") == "∂h0"


def test_a_sentence_stays_text_that_wraps_and_its_numbers_keep_their_spaces():
    node = content(ty.line("unit 1 keeps 62% of its old memory, unit 2 43%."))
    texts = [n["text"] for n in _walk(node) if n.get("func") == "text"]
    assert "keeps" in " ".join(texts) and "of its old memory," in " ".join(texts)
    assert re.search(r"unit 2 +43", plain_of(node))  # not "unit 243%"


def test_the_sessions_indices_and_punctuation_read_as_written():
    bptt = compact(content(ty.line("∂L/∂W_h += δ3·h2ᵀ, then x1..x3.")))
    assert bptt.count('"func":"attach"') >= 4  # W_h, δ₃, h₂, x₁, x₃ as subscripts
    assert '"text":".."' in bptt and "+=" in bptt
    plain = plain_of(content(ty.line("529 output cells, more than 64: showing a summary.")))
    assert "64: showing a summary." in plain.replace("64 :", "64:")


def test_a_big_matrix_shows_its_corners():
    import numpy as np

    source = ty.matrix(np.arange(900.0).reshape(30, 30), 3)
    rows = re.findall(r"\(((?:\"[^\"]*\", )+)\)", source)
    assert len(rows) == ty.MAX_SIDE and all(r.count('", ') == ty.MAX_SIDE for r in rows)
    assert "…" in source and '"899"' in source  # the last corner is kept


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.mark.parametrize("name", [n for n, e in EXAMPLES.items() if e.command])
def test_every_explain_example_exports_a_pdf(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    result = CliRunner().invoke(app, ["explain", name, "--export", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"saved {path}" and result.stdout == ""
    assert path.read_bytes().startswith(b"%PDF") and pages(path) >= 1
    worked = compute({"kind": name})
    from refresher.formats.typst_sheet import INPUT_NAMES

    source = ty.document(worked.title, ty.worked_markup(worked, 3, names=INPUT_NAMES.get(name, {})))
    strong = [plain_of(s) for s in json.loads(typst.query(source.encode(), "strong"))]
    assert sum(s.startswith("Step ") for s in strong) == len(worked.steps)  # each step's heading
    text = pdf_text(path)
    if text is not None:
        assert f"Step 1 of {len(worked.steps)}" in text and "Result" in text


def test_explain_pdf_on_letter(tmp_path):
    path = tmp_path / "lstm.pdf"
    result = CliRunner().invoke(
        app, ["explain", "lstm", "--paper", "letter", "--export", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert b"MediaBox[0 0 612 792]" in path.read_bytes()
    bad = CliRunner().invoke(app, ["explain", "lstm", "--paper", "a5", "--export", str(path)])
    assert bad.exit_code == 1 and "--paper: 'a5': use a4 or letter" in bad.stderr


BANK = """\
id: hostile
title: 'Bank #sys $x$ *b* ]'
topics: {t: Topic}
questions:
  - id: q1
    type: choice
    topic: t
    prompt: 'Which is #read("/etc/passwd")? $ * _ @ < \\ ]'
    options: ['#sys', '$x$', '*y*', '_z_ \\ ]']
    answer: A
    explanation: 'Because #eval("1+1") <lab> @ref'
  - id: q2
    type: open
    topic: t
    prompt: "Explain `raw` /* x */"
    answer: "#let x = 1; #x"
  - id: pool
    type: numeric
    topic: t
    prompt: Max-pool C with a 2x2 filter and stride 2.
    compute: {kind: pool, mode: max, input: [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]], size: 2, stride: 2}
"""


def test_a_hostile_bank_prints_its_text_as_text(tmp_path):
    bank = tmp_path / "hostile.yaml"
    bank.write_text(BANK, encoding="utf-8")
    path = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(
        app, ["print", str(bank), "--seed", "3", "--answers", "--export", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"saved {path}"
    from refresher.app.quiz import plan_sheet
    from refresher.formats.typst_sheet import worksheet

    the_bank, items, seed = plan_sheet(str(bank), seed=3)
    source = worksheet(the_bank, items, seed, date="1 December 2026", answers=True)
    strong = [plain_of(b) for b in json.loads(typst.query(source.encode(), "strong", field="body"))]
    assert 'Which is #read("/etc/passwd")? $ * _ @ < \\ ]' in strong
    assert "Explain `raw` /* x */" in strong
    headings = [
        plain_of(h) for h in json.loads(typst.query(source.encode(), "heading", field="body"))
    ]
    assert headings[0] == "Bank #sys $x$ *b* ]"
    paragraphs = json.loads(typst.query(source.encode(), "par", field="body"))
    assert "#let x = 1; #x" in [plain_of(p) for p in paragraphs]  # the model answer
    text = pdf_text(path)
    if text is not None:
        assert '#read("/etc/passwd")' in text and "#let x = 1; #x" in text
        assert "Bank #sys $x$ *b* ]" in text  # the running header
        assert re.search(r"page 2 of \d", text)


def test_the_worksheet_pdf_has_its_questions_room_and_key(tmp_path):
    path = tmp_path / "cnn.pdf"
    args = ["print", "--topic", "cnn", "--seed", "7", "--answers", "--export", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert b"MediaBox[0 0 595.2756 841.8898]" in path.read_bytes()  # A4 unless --paper letter
    from refresher.app.quiz import plan_sheet
    from refresher.formats.typst_sheet import worksheet

    the_bank, items, seed = plan_sheet(None, topics=("cnn",), seed=7)
    source = worksheet(the_bank, items, seed, date="1 December 2026", answers=True)
    assert source.count("#q(") == len(items)  # each question one unbreakable block
    assert "#empty-grid(" in source  # a matrix answer's room
    assert "quiz --seed 7" in source and "#pagebreak(weak: true)" in source
    text = pdf_text(path)
    if text is not None:
        assert "Name:" in text and "Answer key" in text and "Solutions" in text
        assert "Printed from seed 7" in text
        assert "truefalse" not in text and "numbers from seed" not in text
    key = tmp_path / "key.pdf"
    only = CliRunner().invoke(app, [*args[:-1], str(key), "--key-only", "--paper", "letter"])
    assert only.exit_code == 0, only.output
    assert b"MediaBox[0 0 612 792]" in key.read_bytes() and pages(key) < pages(path)


def test_without_the_extra_a_pdf_export_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr("refresher.formats.typst.available", lambda: False)
    path = tmp_path / "x.pdf"
    for args in (["print", "--export", str(path)], ["explain", "pool", "--export", str(path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            "error: --export: a PDF needs Typst, which is not installed: "
            "pip install 'refresher[pdf]'"
        ]
        assert not path.exists()


def test_a_numeric_pdf_solution_stops_at_what_was_asked():
    from refresher.app import banks
    from refresher.formats.typst_sheet import entry
    from refresher.quiz.round import attach_instances, make_items, select

    bank = banks.open_bank(None)
    questions = [q for q in select(bank, types=("numeric",)) if q.id == "gru-update-gate"]
    [item] = attach_instances(make_items(questions, random.Random(7), shuffle=False), 7, bank.path)
    solution = entry(item).solution
    assert "#step(1, " in solution and "#step(3, " not in solution and "Result" not in solution
    assert "So " in solution


def test_the_readme_gives_the_whole_bank_s_page_counts(tmp_path):
    """The README's page counts of the bundled bank with its answers, on A4 and on Letter."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    said = re.search(r"with `--answers` is (\d+) pages on A4 and (\d+)\s+on Letter", readme)
    assert said is not None
    counted = []
    for paper in ("a4", "letter"):
        path = tmp_path / f"{paper}.pdf"
        args = ["print", "--answers", "--seed", "1", "--paper", paper, "--export", str(path)]
        assert CliRunner().invoke(app, args).exit_code == 0
        counted.append(pages(path))
    assert counted == [int(said[1]), int(said[2])]
