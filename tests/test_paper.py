"""The worksheet on paper: writing room of the answer's shape, HTML text, blocks that fit."""

from __future__ import annotations

import html
import io
import random
import re

import pytest
from typer.testing import CliRunner

from refresher.app import banks
from refresher.banks.catalog import bank_paths
from refresher.banks.load import load_bank
from refresher.cli import app
from refresher.kinds import KINDS
from refresher.quiz.round import attach_instances, make_items, select
from refresher.render import paper


@pytest.fixture(scope="module")
def bank():
    return banks.open_bank(None)


def items_of(bank, kind: str, seed: int = 7):
    questions = select(bank, topics=(), types=(kind,), tags=())
    return attach_instances(
        make_items(questions, random.Random(seed), shuffle=False), seed, bank.path
    )


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_every_kind_prints_and_the_bank_has_each(bank):
    assert set(paper.PAPER) == set(KINDS)
    for kind in KINDS:
        for item in items_of(bank, kind)[:3]:
            e = paper.entry(item)
            assert e.stem and e.answer, item.question.id
            assert f"· {kind}" not in plain(e.stem), item.question.id  # no kind names
            assert "quiz --seed" not in plain(e.stem + e.room)  # the sheet seed is in the key


def test_matrix_answers_get_an_empty_grid_of_their_shape(bank):
    shapes = {}
    for item in items_of(bank, "numeric"):
        e = paper.entry(item)
        shape = item.instance.expected.shape
        grid = re.search(r'<table class="grid" data-shape="(\d+)x(\d+)">(.*?)</table>', e.room)
        if len(shape) == 0:
            assert grid is None and e.room.count('class="line"') >= 1
            continue
        rows, cols = shape if len(shape) == 2 else (1, shape[0])
        assert grid and (int(grid[1]), int(grid[2])) == (rows, cols), item.question.id
        assert grid[3].count("<tr>") == rows and grid[3].count("<td></td>") == rows * cols
        assert plain(grid[3]) == ""  # empty: the answer is not on the sheet
        shapes[item.question.id] = (rows, cols)
    assert shapes["avg-pool-session"] == (2, 2)
    assert shapes["max-pool-overlapping"] == (3, 3)


def test_order_gets_a_box_per_step_and_cloze_a_line_per_blank(bank):
    for item in items_of(bank, "order"):
        e = paper.entry(item)
        assert e.room.count('class="box"') == len(item.question.items)
        assert e.answer.count(" ") == len(item.question.items) - 1  # "C A D B"
    for item in items_of(bank, "cloze"):
        e = paper.entry(item)
        n = len(item.question.blanks)
        assert e.room.count('class="bl"') == n and e.room.count('class="line"') == n
        for k in range(1, n + 1):
            assert f"[{k}]" in plain(e.stem) and f"[{k}]" in plain(e.room)
    for item in items_of(bank, "match"):
        assert paper.entry(item).room.count('class="box"') == len(item.question.left)
    for item in items_of(bank, "blank"):
        assert paper.entry(item).room.count('class="line"') == 1


def test_open_room_grows_with_the_model_answer(bank):
    rooms = {}
    for item in items_of(bank, "open"):
        e = paper.entry(item)
        lines = e.room.count('class="line"')
        low, high = paper.OPEN_LINES
        assert low <= lines <= high
        rooms[len(item.question.answer)] = lines
        assert item.question.answer[:40] in html.unescape(e.solution)  # model answer in the key
    sizes = sorted(rooms)
    assert rooms[sizes[0]] < rooms[sizes[-1]]


def test_the_key_shows_one_answer_not_every_alternative(bank):
    item = next(i for i in items_of(bank, "blank") if len(i.question.answers) > 3)
    e = paper.entry(item)
    assert plain(e.answer) == item.question.answers[0]
    assert "also" not in e.answer
    card = items_of(bank, "card")[0]
    assert paper.entry(card).room == "" and card.question.back[:30] in html.unescape(
        paper.entry(card).answer
    )


def test_a_worked_solution_stops_at_what_was_asked(bank):
    item = next(i for i in items_of(bank, "numeric") if i.question.id == "gru-update-gate")
    text = plain(paper.entry(item).solution)
    assert "So z_t = " in text and "Result" not in text and "Step 3 of" not in text


@pytest.mark.parametrize("qid", ["gradients-final-norm", "gradients-vanish-step"])
def test_a_gradient_norm_solution_stops_at_the_norm_asked(bank, qid):
    from refresher.render.console import make_console
    from refresher.render.numeric import solution_sections

    item = next(i for i in items_of(bank, "numeric") if i.question.id == qid)
    text = plain(paper.entry(item).solution)
    assert "Step 3 of 4" in text and "verdict" not in text and "Result" not in text
    assert re.search(r"So .*‖∂h_T/∂h_0‖.* = \d", text)
    console = make_console(file=io.StringIO(), width=100)  # the quiz's feedback
    for section in solution_sections(item.instance):
        console.print(section)
    shown = console.file.getvalue()
    assert "Step 3 of 4" in shown and "Step 4 of 4" not in shown and "Result" not in shown
    assert "So " in shown.split("Step 3 of 4")[1]


def fixed_blocks(page: str) -> list[str]:
    return [plain(b) for b in re.findall(r'<pre class="fixed">(.*?)</pre>', page, re.S)]


def test_the_whole_bank_prints_as_flowing_text_with_blocks_that_fit(tmp_path, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", "2026-11-25T09:30:00+01:00")
    path = tmp_path / "sheet.html"
    args = ["print", "--seed", "7", "--answers", "--paper", "a4", "--export", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"saved {path}"
    page = path.read_text(encoding="utf-8")
    assert "white-space: pre-wrap" not in page  # prose is HTML text the browser wraps
    assert "size: A4;" in page and "counter(page)" in page and "@top-left" in page
    assert 'class="name">Name:' in page and "25 November 2026" in page
    blocks = fixed_blocks(page)
    assert blocks and max(len(line) for b in blocks for line in b.splitlines()) <= paper.PRE_WIDTH
    prose = re.sub(r'<pre class="fixed">.*?</pre>', "", page, flags=re.S)
    assert "Which model is the most natural fit?" in prose  # a prompt, outside any <pre>
    main, key = page.split('<section class="key">', 1)
    bank = load_bank(next(p for p in bank_paths() if p.name == "session-14.yaml"))
    assert main.count('<section class="q') == len(bank.questions)
    assert key.index('class="shortkey"') < key.index("Solutions")
    assert "refresher print --answers --seed 7" in key.rsplit("</div>", 1)[1]  # the footer


def test_key_only_no_cards_and_letter(tmp_path):
    path = tmp_path / "key.html"
    args = ["print", "--seed", "7", "--key-only", "--no-cards", "--paper", "Letter"]
    result = CliRunner().invoke(app, [*args, "--export", str(path)])
    assert result.exit_code == 0, result.stderr
    page = path.read_text(encoding="utf-8")
    assert "<main>" not in page and "Answer key" in page and "size: letter;" in page
    assert page.count('<div class="a">') > 100
    bad = CliRunner().invoke(app, ["print", "--paper", "a5", "--export", str(path)])
    assert bad.exit_code == 1 and bad.stderr.strip() == "error: --paper: 'a5': use a4 or letter"


def test_an_svg_prints_on_white_without_a_window(tmp_path):
    light, dark = tmp_path / "pool.svg", tmp_path / "pool-dark.svg"
    result = CliRunner().invoke(app, ["explain", "pool", "--export", str(light)])
    assert result.exit_code == 0 and result.stdout == ""  # saved, not shown
    assert result.stderr.strip() == f"saved {light}"
    svg = light.read_text(encoding="utf-8")
    assert '<rect fill="#ffffff" width="100%" height="100%"/>' in svg
    assert "#ff5f57" not in svg and "<circle" not in svg  # no window buttons
    assert "clip-terminal)" not in svg  # the last line's subscripts are not cut off
    args = ["explain", "pool", "--theme", "dark", "--show", "--export", str(dark)]
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0 and "Step 5 of 5" in shown.stdout
    assert "<circle" in dark.read_text(encoding="utf-8")  # today's look, for screens
    bad = CliRunner().invoke(app, ["explain", "pool", "--theme", "blue", "--export", str(dark)])
    assert bad.exit_code == 1 and bad.stderr.strip() == "error: --theme: 'blue': use light or dark"


def test_print_export_says_saved_and_show_prints_it_too(tmp_path):
    path = tmp_path / "cnn.txt"
    args = ["print", "--topic", "cnn", "--seed", "7", "--export", str(path)]
    quiet = CliRunner().invoke(app, args)
    assert quiet.exit_code == 0 and quiet.stdout == "" and path.exists()
    shown = CliRunner().invoke(app, [*args, "--show"])
    assert shown.exit_code == 0 and "Average" in shown.stdout


def test_the_text_and_svg_sheet_have_a_name_line_and_room_but_no_seed(tmp_path):
    path = tmp_path / "cnn.txt"
    args = ["print", "--topic", "cnn", "--seed", "7", "--answers", "--export", str(path)]
    assert CliRunner().invoke(app, args).exit_code == 0
    sheet, key = path.read_text(encoding="utf-8").split("Answer key", 1)
    assert "Name: ____" in sheet and "Date: ____" in sheet
    assert "seed" not in sheet and "truefalse" not in sheet and "flashcard" not in sheet
    footer = " ".join(key.split())  # the filters it was printed with, to print it again
    assert "refresher print --topic cnn --answers --seed 7 prints this sheet" in footer
    assert "refresher quiz --topic cnn --seed 7 asks the same numbers" in footer
    q9 = sheet.split("\n9. ", 1)[1].split("\n10. ", 1)[0]  # the 3x3 overlapping max-pool
    empty_rows = [line for line in q9.splitlines() if re.fullmatch(r"\s*(│\s+){3}│", line)]
    assert len(empty_rows) == 3
