"""`refresher history` on a terminal: a header row, the topic and seconds, intervals in the
rating buttons' units, `--limit N`, a line when there is nothing; and summaries that say
nothing was answered instead of `Score: 0/0`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from refresher.banks.catalog import bank_paths, resolve
from refresher.cli import app
from refresher.core.model import Outcome


def _run(*args: str, columns: int = 100, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": str(columns)})


def _three_answers() -> None:
    from refresher.storage.store import open_store

    bank = resolve("session-14", bank_paths())
    q = bank.get("rnn-acronym")
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with open_store() as store:
        for k, (ok, given) in enumerate([(True, "B"), (False, "A"), (True, "B")]):
            store.record_attempt(
                q, Outcome(ok, given, "B"), seconds=7.0 + k, mode="practice",
                now=t0 + timedelta(days=k),
            )  # fmt: skip


def test_an_empty_history_says_so() -> None:
    result = _run("history")
    assert result.exit_code == 0
    assert result.stdout.startswith("No answers yet")


@pytest.mark.parametrize("columns", [60, 100])
def test_history_has_a_header_topic_and_seconds(columns: int) -> None:
    _three_answers()
    result = _run("history", columns=columns)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "bank session-14"
    assert lines[1].split()[:5] == ["time", "(UTC)", "question", "result", "secs"]
    assert "rnn-acronym" in result.stdout and "wrong" in result.stdout
    assert "  8" in result.stdout or " 8\n" in result.stdout  # the seconds of the second answer
    assert "rnn" in result.stdout  # the topic
    assert max(len(line) for line in lines) <= columns


def test_history_limit_keeps_the_last_rows() -> None:
    _three_answers()
    data = _run("history", "--last", "2", "--csv").stdout.splitlines()
    assert len(data) == 3 and data[1].startswith("2026-11-02")
    text = _run("history", "--limit", "1").stdout
    assert "2026-11-03" in text and "2026-11-01" not in text
    assert _run("history", "--limit", "0").exit_code == 1
    bad = _run("history", "--last", "-1")  # named by both its names, whichever was typed
    assert bad.exit_code == 1
    assert bad.output == "error: --limit/--last: must be a whole number of at least 1, got -1\n"


def test_review_intervals_use_the_buttons_units() -> None:
    result = _run("review", input="\n1\nq\n")
    assert result.exit_code == 0, result.output
    text = _run("history").stdout
    assert "again → 1m" in text and "0.001" not in text


def test_a_round_with_nothing_answered_says_so() -> None:
    result = _run("quiz", "--seed", "1", input="q\n")
    assert result.exit_code == 0
    assert "Nothing answered" in result.stdout and "Score: 0/0" not in result.stdout


def test_review_new_zero_is_worded_for_zero() -> None:
    result = _run("review", "--new", "0")
    assert result.exit_code == 0, result.output
    assert "today's 0 are done" not in result.stdout
    assert "none asked today (--new 0)" in result.stdout


def test_unseen_cards_count_as_zero_in_plan() -> None:
    result = _run("plan", "--date", "2099-01-01", "--no-pager")
    assert "unseen cards count as 0" in result.stdout
