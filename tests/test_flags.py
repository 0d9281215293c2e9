"""Flags: `f` (or `flag`) at a quiz, review or interview prompt flags the question on screen and
keeps the prompt; `quiz --flagged` asks only those, `stats` lists them, `find` and `show` mark
them, `refresher unflag ID` / `--all` clears them. Stored in the `flags` table (migration 7)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.storage.migrations import MIGRATIONS
from refresher.storage.store import open_store


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFRESHER_NOW", "2026-03-10T10:00:00+00:00")


def _run(*args: str, input: str | None = None, columns: int = 100):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": str(columns)})


def flagged() -> list[tuple[str, str]]:
    with open_store() as store:
        return [(f.bank, f.qid) for f in store.flags()]


def test_f_at_a_quiz_prompt_flags_the_question_and_asks_the_same_prompt(mini_path) -> None:
    result = _run("quiz", str(mini_path), "--id", "rnn-acronym", "--no-shuffle", input="f\nB\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "⚑ Flagged: refresher quiz --flagged asks it again." in out
    # the prompt came again and the answer after the flag was graded
    assert out.count("Answer (one letter) ›") == 2
    assert "✓ Right" in out and "Score: 1/1" in out
    assert flagged() == [("mini", "rnn-acronym")]
    again = _run("quiz", str(mini_path), "--id", "rnn-acronym", input="flag\nq\n")
    assert "Flagged already: refresher unflag rnn-acronym clears it." in again.output


def test_f_answers_a_true_false_question_and_flag_flags_it(mini_path) -> None:
    result = _run("quiz", str(mini_path), "--id", "lstm-has-cell", input="flag\nf\n")
    assert result.exit_code == 0, result.output
    assert "⚑ Flagged" in result.output and "✗ Wrong" in result.output
    assert flagged() == [("mini", "lstm-has-cell")]


def test_f_at_did_you_know_it_flags_and_n_is_the_no(mini_path) -> None:
    result = _run("quiz", str(mini_path), "--id", "forget-card", input="f\n\nf\nn\n")
    out = result.output
    assert result.exit_code == 0, out
    assert out.count("⚑ Flagged:") == 1  # at "Enter to turn", f flags
    assert "Flagged already" in out  # at y/n, f flags too: the prompt comes back
    assert out.count("Did you know it? (y/n) ›") == 2
    assert "✗ Marked to review" in out  # the n after it
    assert flagged() == [("mini", "forget-card")]


def test_the_header_says_where_f_is_an_answer_flag_flags(mini_path) -> None:
    result = _run("quiz", str(mini_path), "--id", "lstm-has-cell", input="q\n")
    assert "f flags the question (flag where f is an answer)" in result.output


def test_quiz_flagged_asks_only_the_flagged_questions(mini_path) -> None:
    _run("quiz", str(mini_path), "--id", "hidden-state", input="f\nq\n")
    _run("quiz", str(mini_path), "--id", "rnn-acronym", input="flag\nq\n")
    result = _run("quiz", str(mini_path), "--flagged", "--seed", "3", "-n", "0", input="q\n")
    assert result.exit_code == 0, result.output
    assert "2 questions of 2" in result.output or "2 questions" in result.output
    only = _run("quiz", str(mini_path), "--flagged", "--id", "rnn-acronym", input="q\n")
    assert "1 question" in only.output and "RNN stands for" in only.output


def test_quiz_flagged_without_flags_says_how_to_flag(mini_path) -> None:
    result = _run("quiz", str(mini_path), "--flagged")
    assert result.exit_code == 1
    assert "no flagged questions in 'mini': type f at a question's prompt" in result.stderr


def test_f_flags_the_card_on_screen_in_review(mini_path) -> None:
    result = _run("review", str(mini_path), "--seed", "1", input="f\n\n3\nq\n")
    assert result.exit_code == 0, result.output
    assert "⚑ Flagged" in result.output and "f flags" in result.output
    assert len(flagged()) == 1


def test_f_flags_the_question_in_an_interview(mini_path) -> None:
    result = _run("interview", str(mini_path), "--time", "0", input="f\n\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "⚑ Flagged" in result.output
    assert flagged() == [("mini", "explain-rnn")]


@pytest.mark.parametrize("columns", [60, 100])
def test_stats_find_and_show_list_the_flags(mini_path, columns: int) -> None:
    assert _run("flag", "rnn-acronym", "--bank", str(mini_path)).exit_code == 0
    stats = _run("stats", str(mini_path), "--no-pager", columns=columns).stdout
    section = stats.split("Flagged  quiz --flagged asks them")[1]
    assert "2026-03-10" in stats and "rnn-acronym" in section
    assert max(len(line) for line in stats.splitlines()) <= columns
    data = json.loads(_run("stats", str(mini_path), "--json").stdout)
    assert data["flagged"] == [{"question": "mini/rnn-acronym", "flagged_on": "2026-03-10"}]
    found = _run("find", "RNN", "stands", "--bank", str(mini_path), columns=columns).stdout
    assert "rnn-acronym  choice  RNN  [mini]  ⚑ flagged" in found
    shown = _run("show", "rnn-acronym", "--bank", str(mini_path), columns=columns).stdout
    assert "⚑ flagged 2026-03-10" in shown


def test_unflag_one_and_all(mini_path) -> None:
    bank = str(mini_path)
    _run("flag", "rnn-acronym", "hidden-state", "--bank", bank)
    one = _run("unflag", "rnn-acronym", "--bank", bank)
    assert one.exit_code == 0 and "Unflagged mini/rnn-acronym." in one.stdout
    assert "was not flagged" in _run("unflag", "rnn-acronym", "--bank", bank).stdout
    assert flagged() == [("mini", "hidden-state")]
    every = _run("unflag", "--all")
    assert every.exit_code == 0 and "Cleared 1 flag." in every.stdout
    assert flagged() == []
    nothing = _run("unflag")
    assert nothing.exit_code == 1 and "name a question id" in nothing.stderr
    unknown = _run("unflag", "nope", "--bank", bank)
    assert unknown.exit_code == 1 and "refresher find TEXT" in unknown.stderr


def test_an_older_history_gains_the_flags_table(refresher_home) -> None:
    refresher_home.mkdir(parents=True)
    with open_store() as store:
        path = store.path
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE flags")  # and what the migrations after it made
    conn.execute("DROP TRIGGER history_review_removed")
    conn.execute("DROP TRIGGER history_answer_removed")
    conn.execute("DROP TRIGGER history_answer_regraded")
    conn.execute("DROP TABLE history_mark")
    conn.execute("DROP INDEX attempts_with_mistakes")
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()
    assert _run("flag", "rnn-acronym").exit_code == 0
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert flagged() == [("session-14", "rnn-acronym")]
