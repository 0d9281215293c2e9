"""What a new user meets first: errors that say what is wrong and where, help that reads right,
shell completion from the real banks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from tests.terminal import on_a_terminal

HEAD = "id: demo\ntitle: Demo\ntopics: {rnn: RNN, cnn: CNN}\nquestions:\n"
CARD = "  - id: c\n    type: card\n    topic: rnn\n    tags: [basics]\n    front: F\n    back: B\n"


@pytest.fixture
def broken_user_bank(refresher_home):
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    (banks / "broken.yaml").write_text(HEAD + CARD.replace("topic: rnn", "topic: [a, b]"))
    return banks


# --- errors that mislead ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["quiz", "nosuch"],
        ["review", "nosuch"],
        ["stats", "nosuch"],
        ["print", "nosuch"],
        ["drill", "pool", "nosuch"],
    ],
)
def test_an_unknown_bank_is_named_even_beside_a_broken_one(broken_user_bank, args):
    result = CliRunner().invoke(app, args, input="q\n")
    assert result.exit_code == 1
    assert "unknown bank 'nosuch'; available: session-14" in result.stderr
    assert "broken.yaml" in result.stderr and "unknown topic" not in result.stderr


@pytest.mark.parametrize("command", ["quiz", "review", "stats", "print"])
def test_the_broken_bank_itself_shows_its_problem(broken_user_bank, command):
    result = CliRunner().invoke(app, [command, "broken"], input="q\n")
    assert result.exit_code == 1 and "broken.yaml:7: c: unknown topic" in result.stderr


COMPUTE = """\
  - id: pool-bad
    type: numeric
    topic: cnn
    prompt: Pool it.
    compute:
      kind: pool
      mode: maxx
      input: [[1, 2, 3], [4, 5]]
      size: 600
      strde: 2
"""


def test_check_reports_every_compute_problem_at_its_own_line(tmp_path):
    bank = tmp_path / "demo.yaml"
    bank.write_text(HEAD + COMPUTE)
    result = CliRunner().invoke(app, ["check", str(bank)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    where = [line.split(": compute: ")[0].rsplit(":", 2)[-2] for line in lines]
    assert where == ["11", "12", "13", "14"], lines  # mode, input, size, strde
    assert "mode: expected one of avg, max, got 'maxx'" in lines[0]
    assert "input: row 2 has 2 numbers" in lines[1]
    assert "size: at most" in lines[2]
    assert "unknown key 'strde'" in lines[3] and "did you mean 'stride'" in lines[3]


def test_a_window_too_big_for_its_input_is_reported_beside_a_bad_mode(tmp_path):
    bank = tmp_path / "demo.yaml"
    body = COMPUTE.replace("[[1, 2, 3], [4, 5]]", "[[1, 2], [4, 5]]").replace("600", "3")
    bank.write_text(HEAD + body)
    lines = CliRunner().invoke(app, ["check", str(bank)]).stdout.splitlines()
    assert [line.split(": ")[0].rsplit(":", 1)[-1] for line in lines] == ["11", "13", "14"]
    assert "window does not fit" in lines[1]


def test_compute_lines_survive_the_bank_cache(tmp_path, refresher_home):
    from refresher.banks.load import load_bank

    bank = tmp_path / "demo.yaml"
    bank.write_text(
        HEAD
        + COMPUTE.replace("mode: maxx", "mode: max")
        .replace("strde", "stride")
        .replace("[[1, 2, 3], [4, 5]]", "[[1, 2], [4, 5]]")
        .replace("600", "2")
    )
    cache = refresher_home / "cache"
    cache.mkdir(parents=True)
    first = load_bank(bank, cache)
    again = load_bank(bank, cache)  # from the cache
    assert first.questions[0].compute_lines == again.questions[0].compute_lines
    assert again.questions[0].compute_lines["size"] == 13


def test_an_unclosed_quote_on_line_10_names_line_10(tmp_path):
    bank = tmp_path / "demo.yaml"
    bank.write_text(
        HEAD
        + "  - id: o\n    type: open\n    topic: rnn\n    answer: x\n    points: [a]\n"
        + '    prompt: "unclosed\n'
        + CARD.replace("id: c", "id: d")
    )
    result = CliRunner().invoke(app, ["check", str(bank)])
    assert result.exit_code == 1
    assert "demo.yaml:10:13: YAML syntax error: this quote is never closed" in result.stdout


def test_drill_without_a_kind_lists_the_kinds():
    result = CliRunner().invoke(app, ["drill"])
    assert result.exit_code == 0  # as the README says: it lists the kinds
    assert "can drill:" in result.stdout and "Name one: refresher drill" in result.stdout
    for kind in ("pool", "lstm", "gradients", "bptt"):
        assert f"  {kind}\n" in result.stdout


# --- help and the bank argument ---------------------------------------------------------------


@pytest.mark.parametrize("args", [["quiz", "-h"], ["-h"], ["review", "-h"], ["print", "-h"]])
def test_flags_are_not_shown_as_taking_a_value(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


def test_drill_takes_the_bank_as_an_argument_and_still_as_the_old_option():
    for args in (["drill", "pool", "session-14"], ["drill", "pool", "--bank", "session-14"]):
        result = CliRunner().invoke(app, [*args, "--seed", "3"], input="q\n")
        assert result.exit_code == 0, result.output
        assert "Drill: pool" in result.stdout
    assert "--bank" not in CliRunner().invoke(app, ["drill", "-h"]).stdout


# --- shell completion -------------------------------------------------------------------------


def complete(words: str, *, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the last word of `words`, run as a shell would."""
    parts = words.split(" ")
    script = textwrap.dedent(
        """
        import sys
        from refresher.cli import app
        try:
            app(prog_name="refresher")
        finally:
            print("numpy loaded" if "numpy" in sys.modules else "", file=sys.stderr)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **os.environ,
            **(env or {}),
            "_REFRESHER_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "numpy loaded" not in result.stderr, "completion must stay fast: no NumPy"
    return result.stdout.split()


def test_completion_is_offered():
    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "_REFRESHER_COMPLETE" in result.stdout
    assert "--install-completion" in CliRunner().invoke(app, ["-h"]).stdout


def test_completion_from_the_real_data(refresher_home):
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    (banks / "demo.yaml").write_text(HEAD + CARD)
    assert complete("refresher quiz ") == ["demo", "session-14"]
    assert complete("refresher quiz demo --topic ") == ["cnn", "rnn"]
    assert complete("refresher print demo --tag ") == ["basics"]
    assert "forget-gate-blank" in complete("refresher quiz --id forget")
    assert complete("refresher quiz demo --id ") == ["c"]
    assert complete("refresher drill l") == ["lstm"]
    assert complete("refresher config new") == ["new_order", "new_per_day"]
    assert "gradients" in complete("refresher explain ")
    assert complete("refresher print --type car") == ["card"]


# --- long output through a pager, piped output without padding --------------------------------


@pytest.mark.parametrize("args", [["banks"], ["print", "--seed", "1"], ["explain", "bptt", "-h"]])
def test_long_output_is_paged_on_a_terminal(args, tmp_path):
    paged, screen = on_a_terminal(args, tmp_path)
    assert paged and len(screen) < 100


@pytest.mark.parametrize(
    "args",
    [["banks", "--no-pager"], ["--no-pager", "banks"], ["--no-pager", "explain", "bptt", "-h"]],
)
def test_no_pager_prints_at_once(args, tmp_path):
    paged, screen = on_a_terminal(args, tmp_path)
    assert not paged and (b"Usage" in screen or b"session-14" in screen)


def test_short_output_is_not_paged(tmp_path):
    paged, screen = on_a_terminal(["banks"], tmp_path, lines=200)
    assert not paged and b"session-14" in screen


@pytest.mark.parametrize(
    "args",
    [
        ["banks"],
        ["stats"],
        ["print", "--seed", "1", "--answers"],
        ["explain", "pool"],
        ["explain", "lstm"],
        ["check"],
        ["--help"],
        ["quiz", "--help"],
        ["explain", "lstm", "--help"],
        ["interview", "--help"],
        ["plan", "--help"],
        ["export", "--help"],
        ["import", "--help"],
        ["history", "--help"],
    ],
)
def test_piped_output_has_no_trailing_spaces(args):
    script = "import sys; from refresher.cli import app; app(prog_name='refresher')"
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PAGER": "false-pager-never-run"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and not [n for n, line in enumerate(lines) if line != line.rstrip()]


# --- printing and exports ---------------------------------------------------------------------


def test_worksheet_html_prints_well(tmp_path, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", "2026-11-25T09:30:00+01:00")
    path = tmp_path / "sheet.html"
    args = ["print", "--topic", "cnn", "--seed", "7", "--answers", "--export", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    page = path.read_text(encoding="utf-8")
    head, key = page.split('<section class="key"', 1)
    assert "<h1>Session 14 — Deep Learning 2: RNN &amp; LSTM</h1>" in head
    assert "25 November 2026" in head
    assert "break-before: page" in page and "@media print" in page  # the key on a new page
    assert head.count('<div class="room">') >= 5  # lines to write on under numeric questions
    assert "avg-pool-session" not in head  # no ids, kind names or seeds for the learner
    assert "truefalse" not in head and "seed" not in head.split("</style>")[1]
    assert "refresher print --topic cnn --answers --seed 7" in key  # its footer: print it again
    assert "#00ff00" not in page.lower() and "background: #fff" in page
    colours = set(re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", page))
    for colour in colours:  # every text colour reads on white (WCAG contrast 4.5:1 or more)
        assert contrast(colour, "#ffffff") >= 4.5, colour
    assert not [line for line in page.splitlines() if line != line.rstrip()]


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_worksheet_in_the_terminal_numbers_questions_without_ids():
    result = CliRunner().invoke(app, ["print", "--topic", "cnn", "--seed", "7", "--answers"])
    questions, key = result.stdout.split("Answer key", 1)
    assert "avg-pool-session" not in questions and "(avg-pool-session)" in key


def svg_text(svg: str) -> str:
    return re.sub(r"<[^>]+>", "", svg).replace("&#160;", " ")


def test_svg_exports_are_self_contained_and_pinned_to_the_grid(tmp_path):
    path = tmp_path / "grad.svg"
    args = ["explain", "gradients", "--scale", "0.9", "--steps", "30", "--cell", "lstm"]
    assert CliRunner().invoke(app, [*args, "--export", str(path)]).exit_code == 0
    svg = path.read_text(encoding="utf-8")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no CDN font
    assert "@font-face" not in svg and "DejaVu Sans Mono" in svg
    assert "textLength" not in svg  # librsvg ignores it; every piece has its own x instead
    cell = 12.2
    for match in re.finditer(r'<tspan x="([0-9.]+)">', svg):
        column = float(match.group(1)) / cell
        assert abs(column - round(column)) < 1e-6  # on a character cell, never in between
    text = svg_text(svg)
    assert "‖∂h_T/∂h_0‖" in text and "  1 ┤" in text  # underscores and leading spaces kept


def test_a_gradient_chart_axis_is_as_long_as_its_dots(tmp_path):
    path = tmp_path / "grad.svg"
    args = ["explain", "gradients", "--steps", "30", "--export", str(path)]
    assert CliRunner().invoke(app, args).exit_code == 0
    svg = path.read_text(encoding="utf-8")
    rows = re.findall(r"<text [^>]*>(.*?)</text>", svg)

    def last_x(row: str, char: str) -> float:
        xs = [
            float(x) + piece.replace("&#160;", " ").rfind(char) * 12.2
            for x, piece in re.findall(r'<tspan x="([0-9.]+)">([^<]*)</tspan>', row)
            if char in piece.replace("&#160;", " ")
        ]
        return max(xs, default=-1.0)

    dots = max(last_x(row, "●") for row in rows)
    axis = max(last_x(row, "─") for row in rows if "└" in row)
    assert axis >= dots


def test_a_worksheet_too_long_for_one_svg_points_to_html(tmp_path):
    path = tmp_path / "sheet.svg"
    result = CliRunner().invoke(app, ["print", "--answers", "--seed", "1", "--export", str(path)])
    assert result.exit_code == 1 and not path.exists()
    assert "too long for one SVG image" in result.stderr and ".html" in result.stderr


@pytest.mark.parametrize("width", ["100", "60"])
def test_the_lstm_result_line_keeps_each_term_whole(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", width)
    result = CliRunner().invoke(app, ["explain", "lstm", "--hidden-size", "6"])
    tail = result.stdout.split("Result", 1)[1].splitlines()[1:]
    assert tail[0].strip().startswith("c_t = [") and tail[0].rstrip().endswith("]")
    assert tail[1].strip().startswith("h_t = [") and tail[1].rstrip().endswith("]")


def test_short_result_lines_stay_on_one_line():
    result = CliRunner().invoke(app, ["explain", "lstm"])
    assert "c_t = [1.028, -0.028]    h_t = [0.573, -0.010]" in result.stdout


def test_the_gradient_verdict_compares_the_rnn_and_the_lstm_path():
    args = ["explain", "gradients", "--scale", "0.9", "--steps", "60", "--cell", "lstm"]
    out = CliRunner().invoke(app, args).stdout
    assert "verdict: RNN vanishing, LSTM cell path stable" in out
    assert "about 187 times as much" in " ".join(out.split())
    plain = CliRunner().invoke(app, ["explain", "gradients", "--scale", "0.9", "--steps", "60"])
    assert "verdict: vanishing" in plain.stdout


def test_every_command_pages_its_help():
    """Each command, whoever registered it, draws its help through the pager-aware class."""
    import typer.main

    from refresher.cli.help import PagedCommand, PagedGroup

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert isinstance(command, PagedCommand | PagedGroup), name
