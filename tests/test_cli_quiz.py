"""Whole quiz rounds driven through the CLI as a learner would, with piped answers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from refresher.banks.catalog import bank_paths, resolve
from refresher.cli import app
from refresher.storage.store import open_store

# the last two are self-graded: a line (Enter) turns each, then y or n, piped as typed
ALL_RIGHT = "B\nA B D\nt\nhidden state\n\ny\n\ny\n"
ALL_WRONG = "A\nA\nf\ncell state\n\nn\n\nn\n"


@pytest.fixture
def run(mini_path):
    runner = CliRunner()

    def invoke(answers: str, *args: str):
        return runner.invoke(app, ["quiz", str(mini_path), "--no-shuffle", *args], input=answers)

    return invoke


def stored():
    with open_store() as store:
        return store.attempts()


def test_all_right_round(run):
    result = run(ALL_RIGHT)
    assert result.exit_code == 0, result.output
    assert "Score: 6/6  (100.0%)" in result.output
    assert result.output.count("✓ Right") == 4
    assert "Retry" not in result.output
    rows = stored()
    assert [r.correct for r in rows] == [True] * 6
    assert [r.given for r in rows[:4]] == ["B", "A B D", "true", "hidden state"]
    assert {r.mode for r in rows} == {"practice"}


def test_all_wrong_round_shows_answers_and_offers_retry(run):
    result = run(ALL_WRONG)
    assert result.exit_code == 0
    out = result.output
    assert "Score: 0/6  (0.0%)" in out
    assert "✗ Wrong — you answered A." in out
    assert "The answer: B) Recurrent Neural Network" in out
    assert "missed B" in out and "C should not be ticked" not in out
    assert "Recurrent, because the hidden state loops back." in out  # the explanation
    assert "Retry the 6 missed questions? (y/N)" in out
    assert [r.correct for r in stored()] == [False] * 6


def test_retry_asks_only_the_missed_ones(run):
    result = run("A\nA B D\nt\nhidden state\n\ny\n\ny\ny\nB\n")
    assert result.exit_code == 0
    assert "Retry the 1 missed question? (y/N)" in result.output
    assert result.output.count("Round over") == 2
    assert result.output.rstrip().count("Score: 1/1") == 1
    assert len(stored()) == 7


def test_quit_midway_keeps_answers_and_summarises(run):
    result = run("B\nA\nq\n")
    assert result.exit_code == 0
    assert "Score: 1/2  (50.0%)" in result.output
    assert "Not reached (4 questions)" in result.output
    assert len(stored()) == 2


def test_end_of_input_ends_with_summary(run):
    result = run("B\n")
    assert result.exit_code == 0
    assert "Score: 1/1" in result.output and "Not reached (5 questions)" in result.output
    assert len(stored()) == 1


def test_unreadable_answers_reprompt_and_never_count(run):
    result = run("zz\n7\nB\n?\nA B D\nq\n")
    assert "'zz' is not an option: answer A-C (or 1-3)" in result.output
    assert "'7' is not an option" in result.output
    assert "Score: 2/2" in result.output
    assert [r.correct for r in stored()] == [True, True]


def test_skip_is_listed_apart(run):
    result = run("s\nA B D\nq\n")
    assert "Score: 1/1" in result.output
    assert "Skipped (1): RNN stands for ____." in result.output
    assert [r.correct for r in stored()] == [None, True]


def test_exam_mode_gives_feedback_only_at_the_end(run):
    result = run(ALL_WRONG.replace("A\nA\n", "B\nA\n", 1), "--mode", "exam")
    out = result.output
    assert "✓ Right" not in out and "✗ Wrong" not in out
    assert "score " not in out and "Question 2 of 6 · LSTM · 1 answered" in out
    assert "Score: 1/6" in out
    assert "To go over" in out
    misses = out.split("To go over")[1]
    assert "D) output" in misses and "candidate uses tanh" in misses
    assert {r.mode for r in stored()} == {"exam"}


def test_ctrl_c_ends_with_summary_and_exit_130(run, monkeypatch):
    from rich.console import Console

    answers = iter(["B", "A B D"])

    def fake_input(self, prompt="", **kwargs):
        self.print(prompt, end="")
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(Console, "input", fake_input)
    result = run("")
    assert result.exit_code == 130
    assert "Score: 2/2" in result.output
    assert len(stored()) == 2


def test_seeded_rounds_repeat(mini_path):
    runner = CliRunner()
    first = runner.invoke(app, ["quiz", str(mini_path), "--seed", "5"], input="q\n").output
    second = runner.invoke(app, ["quiz", str(mini_path), "--seed", "5"], input="q\n").output
    assert first == second
    assert "seed 5" in first


def test_count_limits_the_round(run):
    result = run("B\nA B D\n", "--count", "2")
    assert "Question 2 of 2" in result.output and "Score: 2/2" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quiz", "nope"], "error: unknown bank 'nope'; available: "),
        (["quiz", "TESTS/mini.yaml"], "error: no such bank file: TESTS/mini.yaml"),
    ],
)
def test_unknown_bank_is_one_line_exit_1(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_topic_and_type(run):
    result = run("", "--topic", "cnn")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: unknown topic 'cnn'; available: rnn, lstm"
    result = run("", "--type", "essay")
    assert result.exit_code == 1 and "unknown type 'essay'" in result.stderr


def test_corrupt_store_is_one_line_exit_1(run, refresher_home):
    refresher_home.mkdir(parents=True)
    (refresher_home / "refresher.db").write_bytes(b"garbage" * 300)
    result = run("B\n")
    assert result.exit_code == 1
    assert "is not a readable refresher database" in result.stderr
    assert (refresher_home / "refresher.db").read_bytes() == b"garbage" * 300


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("refresher ")


def _numpy_loaded(args: list[str], stdin: str, module: str = "numpy") -> str:
    code = (
        "import sys, atexit\n"
        f"atexit.register(lambda: sys.stderr.write('NUMPY' if {module!r} in sys.modules else 'CLEAN'))\n"
        f"sys.argv = ['refresher', *{args!r}]\n"
        "from refresher.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=60
    )
    return proc.stderr.strip().splitlines()[-1]


def test_help_and_quiz_do_not_import_numpy(mini_path):
    assert _numpy_loaded(["--help"], "") == "CLEAN"
    assert _numpy_loaded([], "") == "CLEAN"  # the home screen
    assert _numpy_loaded(["quiz", str(mini_path), "--no-shuffle"], "B\nq\n") == "CLEAN"


def test_a_quiz_without_a_sync_folder_loads_no_sync_machinery(mini_path):
    args = ["quiz", str(mini_path), "--no-shuffle"]
    assert _numpy_loaded(args, "B\nq\n", "refresher.app.sync") == "CLEAN"


def test_default_round_on_the_bundled_bank_is_twenty_questions():
    result = CliRunner().invoke(app, ["quiz", "--seed", "1"], input="q\n")
    assert result.exit_code == 0
    bank = resolve("session-14", bank_paths())
    total = len(bank.questions)
    assert f"20 questions of {total}" in result.output
    assert "Question 1 of 20" in result.output


def test_count_zero_asks_every_match(run):
    result = run("q\n", "--count", "0")
    assert "Question 1 of 6" in result.output


def test_the_header_says_two_tries():
    result = CliRunner().invoke(app, ["quiz", "--seed", "1", "--tries", "2"], input="q\n")
    assert result.exit_code == 0
    assert "2 tries at a typed answer" in result.stdout
    plain = CliRunner().invoke(app, ["quiz", "--seed", "1"], input="q\n")
    assert "tries at a typed answer" not in plain.stdout


@pytest.mark.parametrize("columns", [80, 60])
def test_a_skipped_question_is_named_whole_words_on_one_line_of_the_console(columns):
    result = CliRunner().invoke(
        app,
        ["quiz", "session-14", "--id", "gradient-clipping-blank"],
        input="s\n",
        env={"COLUMNS": str(columns)},
    )
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("Skipped (1): ")]
    assert len(line) <= columns and line.endswith("…")
    named = line.removeprefix("Skipped (1): ").removesuffix("…")
    prompt = "The usual remedy for exploding gradients, which rescales the gradient whenever its"
    assert prompt.startswith(named) and prompt[len(named)] in " ,"  # cut after a whole word
    assert len(line) > columns - 15  # sized for this console, not for 80 columns


def test_the_answers_options_wrap_under_their_own_text_as_in_the_question():
    result = CliRunner().invoke(
        app,
        ["quiz", "session-14", "--id", "exploding-gradient-remedies-multi", "--no-shuffle"],
        input="A\n",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    reveal = lines[lines.index("  The answer:") :]
    for code in ("E) ", "F) "):
        [k] = [n for n, line in enumerate(reveal) if line.lstrip().startswith(code)]
        text_at = reveal[k].index(code) + len(code)
        after = reveal[k + 1]  # the option's second line, under its text, not under the letter
        assert len(after) - len(after.lstrip()) == text_at, reveal[k : k + 2]
