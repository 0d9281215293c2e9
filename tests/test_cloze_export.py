"""Cloze blanks answered in any order (`~name:` groups) across exports and the quiz: CSV keeps
the groups, Anki hides a group on one card and reads it back, GIFT and the report say what they
cannot carry, and the quiz tells the learner."""

from __future__ import annotations

import io
import random
import textwrap

import pytest
from rich.console import Console
from typer.testing import CliRunner

from refresher.banks.load import check_file, parse_bank
from refresher.cli import app
from refresher.formats.imported import cloze_passage
from refresher.kinds.cloze import bank_text, group_sentences
from refresher.quiz.round import make_items
from refresher.render.kinds import view_of

BANK = textwrap.dedent(
    """\
    id: demo
    title: Demo
    topics: {lstm: LSTM}
    questions:
      - id: cell
        type: cloze
        topic: lstm
        tags: [equations]
        text: "c_t = {{f_t|f}} * c_{t-1} + {{~ig:i_t|i}} * {{~ig:g_t|g}}"
        explanation: The two products commute.
      - id: plain
        type: cloze
        topic: lstm
        tags: [equations]
        text: "h_t = {{o_t}} * tanh({{c_t}})"
        explanation: No group here.
    """
)


def bank():
    return parse_bank(BANK, "demo.yaml")


def export(tmp_path, suffix: str):
    src = tmp_path / "demo.yaml"
    src.write_text(BANK, encoding="utf-8")
    out = tmp_path / f"demo.{suffix}"
    result = CliRunner().invoke(app, ["export", str(src), "--to", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, result


def round_trip(tmp_path, suffix: str):
    out, _ = export(tmp_path, suffix)
    back = tmp_path / f"back-{suffix}.yaml"
    result = CliRunner().invoke(app, ["import", str(out), "--to", str(back)])
    assert result.exit_code == 0, result.stderr
    loaded, problems = check_file(back)
    assert problems == [] and loaded is not None
    return {q.type + ":" + q.segments[0].strip(): q for q in loaded.questions if q.type == "cloze"}


def test_bank_text_names_each_group():
    (cell, plain) = bank().questions
    assert bank_text(cell) == "c_t = {{f_t|f}} * c_{t-1} + {{~g1:i_t|i}} * {{~g1:g_t|g}}"
    assert bank_text(plain) == "h_t = {{o_t}} * tanh({{c_t}})"


@pytest.mark.parametrize("suffix", ["csv", "tsv", "txt", "apkg"])
def test_groups_survive_an_export_and_an_import(tmp_path, suffix):
    found = round_trip(tmp_path, suffix)
    cell, plain = found["cloze:c_t ="], found["cloze:h_t ="]
    assert cell.groups == ((1, 2),)
    assert [b[0] for b in cell.blanks] == ["f_t", "i_t", "g_t"]
    assert plain.groups == ()


def test_anki_hides_a_group_on_one_card_hinted_any_order(tmp_path):
    out, result = export(tmp_path, "txt")
    text = out.read_text(encoding="utf-8")
    assert "{{c1::f_t}} * c_{t-1} + {{c2::i_t::any order}} * {{c2::g_t::any order}}" in text
    assert "{{c1::o_t}} * tanh({{c2::c_t}})" in text  # no group: a card per blank, as before
    assert "Blanks i_t and g_t may be answered in either order." in text
    assert result.stderr.startswith(
        "note: 1 cloze question (cell) has blanks answered in any order: in Anki each such "
        "group is hidden on one card"
    )


def test_a_foreign_shared_cloze_number_is_no_group():
    # Anki notes often hide two words on one card; only refresher's "any order" hint groups
    passage, n, hints = cloze_passage("{{c1::Paris}} is the capital of {{c1::France::a country}}")
    assert (passage, n, hints) == ("{{Paris}} is the capital of {{France}}", 2, ["1: a country"])
    passage, _, _ = cloze_passage("{{c2::a::any order}} + {{c2::b::Any Order}} = {{c1::c}}")
    assert passage == "{{~c2:a}} + {{~c2:b}} = {{c}}"


def test_gift_says_it_cannot_carry_the_group(tmp_path):
    out, result = export(tmp_path, "gift")
    assert (
        "note: GIFT cannot carry blanks answered in any order (cell): a GIFT question holds one blank"
        in " ".join(result.stderr.split())
    )
    verbose = CliRunner().invoke(
        app, ["export", str(tmp_path / "demo.yaml"), "--to", str(out), "--verbose"]
    )
    assert (
        "left out cell: a cloze with 3 blanks, 2 of them answered in any order; GIFT holds one "
        "blank per question" in " ".join(verbose.stderr.split())
    )


def test_the_quiz_says_which_blanks_go_in_any_order():
    (cell, plain) = bank().questions
    assert group_sentences(cell) == ["Blanks [2] and [3] may be answered in either order."]
    assert group_sentences(plain) == []
    three = parse_bank(
        BANK.replace("{{~ig:i_t|i}} * {{~ig:g_t|g}}", "{{~a:x}} + {{~a:y}} + {{~a:z}}"), "d.yaml"
    ).questions[0]
    assert group_sentences(three) == ["Blanks [2], [3] and [4] may be answered in any order."]
    items = make_items(list(bank().questions), random.Random(0), shuffle=False)
    console = Console(width=100, file=io.StringIO(), no_color=True)
    for part in view_of(items[0].question).body(items[0]):
        console.print(part)
    assert "Blanks [2] and [3] may be answered in either order." in console.file.getvalue()


def test_the_quiz_shows_the_sentence_on_the_terminal(tmp_path, monkeypatch):
    src = tmp_path / "demo.yaml"
    src.write_text(BANK, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "100")
    result = CliRunner().invoke(
        app, ["quiz", str(src), "--no-shuffle", "-n", "1"], input="f; g; i\n"
    )
    assert "Blanks [2] and [3] may be answered in either order." in result.stdout
    assert "✓" in result.stdout or "Right" in result.stdout
