"""`refresher review`, `unsuspend` and `config` driven as a learner would, with piped input.

Time is pinned with REFRESHER_NOW and fuzzing is switched off in the config file, so the
intervals shown are exact (the same FSRS values as tests/test_schedule.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.env import config as settings
from refresher.env.paths import config_file
from refresher.kinds.card import CardQuestion
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating
from refresher.storage.store import DB_NAME, open_store

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SELF = ["--type", "open", "--type", "card"]  # explain-rnn (open), then forget-card (card)
NEW_CARD_CHOICES = "1 Again (1m)  2 Hard (6m)  3 Good (10m)  4 Easy (8d)"


def at(monkeypatch, when: datetime) -> None:
    monkeypatch.setenv("REFRESHER_NOW", when.isoformat())


@pytest.fixture(autouse=True)
def exact(refresher_home, monkeypatch):
    at(monkeypatch, NOW)
    settings.save(config_file(refresher_home), settings.Config(fuzz=False))


@pytest.fixture
def review(mini_path):
    runner = CliRunner()

    def invoke(answers: str, *args: str):
        return runner.invoke(app, ["review", str(mini_path), "--seed", "1", *args], input=answers)

    return invoke


def reviews():
    with open_store() as store:
        return store.conn.execute(
            "SELECT q.qid, r.rating, r.auto FROM reviews r JOIN questions q ON q.id = r.question_id"
            " ORDER BY r.id"
        ).fetchall()


def test_a_scripted_review_rates_cards_one_line_each(review):
    result = review("\n3\n\n1\nq\n", *SELF)  # Enter turns each, piped as typed
    assert result.exit_code == 0, result.output
    out = result.output
    assert "0 due · 2 new  (2 cards)" in out
    # the count says what is left: a card coming back adds one
    assert "Card 1 of 2 · RNN · new" in out and "Card 2 of 3 · LSTM · new" in out
    assert "Model answer" in out and "How much of the old cell state to keep." in out
    assert out.count(NEW_CARD_CHOICES) == 2
    assert "→ Good · due in 10m, shown again in this review" in out
    assert "→ Again · due in 1m, shown again in this review" in out
    # explain-rnn came back as the third card shown (the count never repeats); q ended it
    assert "Card 3 of 4 · RNN · learning · shown again" in out
    assert "· again" not in out  # rated Good: no word of the Again rating in its line
    assert "Rated: 2 cards  Again 1 · Hard 0 · Good 1 · Easy 0" in out
    assert "Still to review today: 2 due." in out
    assert reviews() == [("explain-rnn", 3, 0), ("forget-card", 1, 0)]


def test_typed_answers_are_graded_then_rated_for_you(review):
    result = review("t\ncell state\n", "--type", "truefalse", "--type", "blank")
    assert result.exit_code == 0
    out = result.output
    assert "✓ Right" in out and "→ Good (from your answer) · due in 10m" in out
    assert "✗ Wrong — you answered cell state." in out
    assert "→ Again (from your answer) · due in 1m" in out
    assert "Typed answers: 1/2 right (50%)" in out
    assert reviews() == [("lstm-has-cell", 3, 1), ("hidden-state", 1, 1)]
    with open_store() as store:
        assert [(a.qid, a.correct, a.mode) for a in store.attempts()] == [
            ("lstm-has-cell", True, "review"),
            ("hidden-state", False, "review"),
        ]


def test_choice_options_follow_the_seed(review):
    first = review("q\n", "--type", "choice").output
    letter = re.search(r"([A-C])\) Recurrent Neural Network", first).group(1)
    result = review(f"{letter}\n", "--type", "choice")
    assert result.output.split("Answer")[0] == first.split("Answer")[0]  # same order again
    assert "✓ Right" in result.output
    assert reviews() == [("rnn-acronym", 3, 1)]


def test_unreadable_answers_reprompt_and_rates_must_be_1_to_4(review):
    result = review("maybe\nt\n\n5\ngood\n", "--type", "truefalse", "--type", "card")
    assert "answer t (true) or f (false)" in result.output
    assert "type 1 Again, 2 Hard, 3 Good or 4 Easy" in result.output
    assert reviews() == [("lstm-has-cell", 3, 1), ("forget-card", 3, 0)]


def test_due_cards_come_first_most_overdue_first_then_new(review, monkeypatch):
    review("\n4\n", *SELF, "--new", "1")  # explain-rnn: Easy, 8 days
    at(monkeypatch, NOW + timedelta(days=1))
    review("\n4\n", "--type", "card", "--new", "1")  # forget-card: Easy, due NOW + 9 days
    at(monkeypatch, NOW + timedelta(days=12))
    result = review("q\n", "--new", "1")
    out = result.output
    assert "2 due · 1 new  (3 cards)" in out
    assert "Card 1 of 3 · RNN · overdue by 4d" in out
    # explain-rnn (4 days late) is asked first; forget-card (3 days late) next; then a new one
    result = review("\n3\n\n3\nq\n", "--new", "1")
    assert [r[0] for r in reviews()[-2:]] == ["explain-rnn", "forget-card"]
    assert "Card 3 of 3 · RNN · new" in result.output


def test_new_cards_per_day_persist_across_runs(review, refresher_home, monkeypatch):
    settings.save(config_file(refresher_home), settings.Config(fuzz=False, new_per_day=1))
    result = review("\n4\n", *SELF)
    assert "0 due · 1 new" in result.output
    result = review("\n4\n", *SELF)
    assert "Nothing to review in Mini bank for tests now." in result.output
    assert "1 new card waiting; today's 1 new card is done" in result.output
    assert "Next card due in 8d (Thu 03 Dec)." in result.output
    assert len(reviews()) == 1
    result = review("\n4\nq\n", *SELF, "--new", "2")  # one more, today only
    assert "0 due · 1 new" in result.output and len(reviews()) == 2
    at(monkeypatch, NOW + timedelta(days=1))
    assert "Nothing to review" in review("q\n", *SELF).output  # both seen: none left


def test_limit_caps_the_sitting(review):
    result = review("3\nq\n", "--limit", "1")
    assert "0 due · 1 new  (1 card)" in result.output
    assert "Card 1 of 1" in result.output
    assert "Card 2 of 2 · RNN · learning · shown again" in result.output  # the same card, learning
    assert reviews() == [("rnn-acronym", 3, 1)]


def test_undo_takes_back_the_last_rating_and_asks_again(review):
    result = review("\n4\nu\n\n1\nq\n", *SELF)
    out = result.output
    assert "↶ Undid Easy on “Explain RNN.”; here it is again." in out
    assert out.count("Card 1 of 2 · RNN · new") == 2
    assert reviews() == [("explain-rnn", 1, 0)]
    assert "Rated: 1 card  Again 1" in out


def test_undo_twice_then_nothing_left_to_undo(review):
    result = review("\n3\n\n3\nu\nu\nu\nq\n", *SELF)
    assert result.output.count("↶ Undid Good") == 2
    assert "Nothing left to undo: every rating of this sitting is back." in result.output
    assert "Nothing to undo yet." not in result.output
    assert reviews() == []


def test_undo_before_any_rating_says_there_is_nothing_yet(review):
    result = review("u\nq\n", *SELF)
    assert "Nothing to undo yet." in result.output
    assert "Nothing left to undo" not in result.output


def test_skip_leaves_the_card_due(review):
    result = review("s\nq\n", *SELF)
    assert "↷ Skipped: it stays new." in result.output  # a new card: it stays new
    assert "Skipped 1: it stays due." in result.output
    assert reviews() == []


def test_end_of_input_ends_with_a_summary(review):
    result = review("\n3\n", *SELF)
    assert result.exit_code == 0
    assert "Review over" in result.output and len(reviews()) == 1


def test_ctrl_c_keeps_what_was_rated_and_exits_130(review, monkeypatch):
    from rich.console import Console

    answers = iter(["", "3"])

    def fake_input(self, prompt="", **kwargs):
        self.print(prompt, end="")
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(Console, "input", fake_input)
    result = review("", *SELF)
    assert result.exit_code == 130
    assert "Rated: 1 card" in result.output
    assert reviews() == [("explain-rnn", 3, 0)]


def test_at_a_terminal_enter_reveals_and_keeps_the_automatic_rating(review, monkeypatch):
    monkeypatch.setattr("refresher.cli.reviewer.stdin_is_tty", lambda: True)
    result = review("t\n\ncell state\n4\n\n2\n", "--type", "truefalse", "--type", "blank",
                    "--type", "card")  # fmt: skip
    out = result.output
    assert "1 Again (1m)  2 Hard (6m)  [3 Good (10m)]  4 Easy (8d)" in out
    assert "[1 Again (1m)]  2 Hard (6m)" in out
    assert "Enter keeps Again, 1-4 changes" in out
    assert "Enter to turn the card" in out
    # Enter kept Good; 4 overrode the automatic Again; Enter turned the card, 2 rated it
    assert reviews() == [("lstm-has-cell", 3, 1), ("hidden-state", 4, 0), ("forget-card", 2, 0)]
    with open_store() as store:
        assert [a.correct for a in store.attempts()] == [True, False, True]


def test_at_a_terminal_q_after_an_answer_keeps_it(review, monkeypatch):
    monkeypatch.setattr("refresher.cli.reviewer.stdin_is_tty", lambda: True)
    result = review("t\nq\n", "--type", "truefalse")
    assert result.exit_code == 0
    assert reviews() == [("lstm-has-cell", 3, 1)]


def _leech_ready(bank: str) -> int:
    """Put forget-card in review with 7 lapses, due now."""
    q = CardQuestion(bank_id=bank, id="forget-card", topic="lstm", prompt="F", back="B")
    sched = S.make_scheduler(fuzz=False)
    with open_store() as store:
        card_id = store.question_id(bank, q.id)
        now = NOW - timedelta(days=200)
        for rating in [4] + [1, 3] * 7:
            record = store.rate_card(CardRating(
                card_id, S.Rating(rating), scheduler=sched, leech_threshold=S.LEECH_LAPSES,
                question=q, outcome=S.self_rated(S.Rating(rating)), seconds=1, auto=False, now=now,
            ))  # fmt: skip
            now = record.rated.after.card.due
        assert store.card_state(card_id).lapses == 7
        assert record.rated.after.card.due < NOW
        return card_id


def test_a_leech_is_suspended_listed_and_brought_back(review, monkeypatch, mini_path):
    card_id = _leech_ready("mini")
    result = review("\n1\n", "--type", "card")
    out = result.output
    assert "overdue by" in out
    assert (
        "⚠ Leech: “What does the forget gate decide?” (mini/forget-card) has been failed 8 times"
        " and is now suspended." in " ".join(out.split())
    )
    assert f"refresher unsuspend {card_id}" in out
    assert "Nothing to review" in review("q\n", "--type", "card").output

    stats = CliRunner().invoke(app, ["stats", str(mini_path), "--json"])
    leeches = json.loads(stats.output)["leeches"]
    assert leeches == [
        {"card_id": card_id, "question": "mini/forget-card", "lapses": 8, "suspended": True}
    ]
    done = CliRunner().invoke(app, ["unsuspend", str(card_id)])
    assert done.exit_code == 0
    assert f"Card {card_id} (mini/forget-card) is back in your reviews." in done.output
    at(monkeypatch, NOW + timedelta(days=1))
    assert "Card 1 of 1 · LSTM · " in review("q\n", "--type", "card").output
    again = CliRunner().invoke(app, ["unsuspend", "mini/forget-card"])
    assert "was not suspended" in again.output


@pytest.mark.parametrize(
    ("ref", "message"),
    [("12345", "no card '12345'"), ("mini/nothing", "no card 'mini/nothing'")],
)
def test_unsuspend_unknown_card_is_one_line_exit_1(ref, message):
    open_store().close()
    result = CliRunner().invoke(app, ["unsuspend", ref])
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {message}")


def test_unsuspend_a_card_never_reviewed(review):
    review("q\n", *SELF)  # assigns ids, rates nothing
    result = CliRunner().invoke(app, ["unsuspend", "mini/forget-card"])
    assert result.exit_code == 1 and "has never been reviewed" in result.stderr


def test_a_question_removed_from_the_bank_is_no_longer_due(tmp_path, mini_path, monkeypatch):
    bank = tmp_path / "mine.yaml"
    bank.write_text(mini_path.read_text().replace("id: mini", "id: mine"))
    run = CliRunner()
    run.invoke(app, ["review", str(bank), *SELF], input="\n4\n\n4\n")
    text = bank.read_text()
    bank.write_text(text[: text.index("  - id: forget-card")])
    at(monkeypatch, NOW + timedelta(days=30))
    result = run.invoke(app, ["review", str(bank), *SELF], input="q\n")
    assert "1 due · 0 new  (1 card)" in result.output
    assert "Explain RNN." in result.output and "forget gate" not in result.output
    data = json.loads(run.invoke(app, ["stats", str(bank), "--json"]).output)
    assert data["reviews"] == 0  # outside the 14-day window...
    data = json.loads(run.invoke(app, ["stats", str(bank), "--days", "60", "--json"]).output)
    assert data["reviews"] == 2  # ...but the removed card's history is kept
    assert data["forecast"][0] == 1  # and only the card still in the bank is due


def test_corrupt_database_is_reported_and_kept(review, refresher_home):
    db = refresher_home / DB_NAME
    db.write_bytes(b"not sqlite " * 500)
    result = review("3\n", *SELF)
    assert result.exit_code == 1
    assert "is not a readable refresher database" in result.stderr
    assert db.read_bytes() == b"not sqlite " * 500


def test_bad_pinned_time_is_one_line(review, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", "tomorrow")
    result = review("q\n", *SELF)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: REFRESHER_NOW='tomorrow' is not an ISO 8601 time")


# --- config ---------------------------------------------------------------------------------


def test_config_shows_settings_and_changes_one(refresher_home):
    runner = CliRunner()
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert re.search(r"desired_retention\s+0\.9\s+0\.9\s", result.output)
    assert re.search(r"fuzz\s+false\s+true\s", result.output)
    assert str(refresher_home / "config.toml") in result.output
    assert runner.invoke(app, ["config", "new_per_day", "20"]).output == "new_per_day = 20\n"
    assert runner.invoke(app, ["config", "new_per_day"]).output == "20\n"
    loaded = settings.load(config_file(refresher_home))
    assert loaded.new_per_day == 20 and loaded.fuzz is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["config", "desired_retention", "1.5"], "desired_retention must be between 0.7 and 0.99"),
        (["config", "new_per_day", "many"], "new_per_day: 'many' is not a whole number"),
        (
            ["config", "new_per_dya", "3"],
            "unknown setting 'new_per_dya' (did you mean new_per_day?)",
        ),
        (["config", "fuzz", "perhaps"], "fuzz: 'perhaps' is not true or false"),
    ],
)
def test_config_refuses_bad_values(args, message, refresher_home):
    before = config_file(refresher_home).read_text()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and message in result.stderr
    assert config_file(refresher_home).read_text() == before


def test_a_broken_config_file_is_named_and_left_alone(refresher_home, review):
    path = config_file(refresher_home)
    path.write_text("new_per_day = 'ten'\n")
    result = review("q\n", *SELF)
    assert result.exit_code == 1
    assert f"{path}: new_per_day must be int" in result.stderr
    path.write_text("new_per_day = [\n")
    assert "not valid TOML" in CliRunner().invoke(app, ["config"]).stderr
    assert path.read_text() == "new_per_day = [\n"


def test_desired_retention_from_the_config_changes_intervals(refresher_home, review):
    CliRunner().invoke(app, ["config", "desired_retention", "0.95"])
    result = review("\nq\n", *SELF)
    # w3 / FACTOR * (0.95 ** (1 / DECAY) - 1) = 8.2956 / 0.98037 * 0.39467 = 3.34 (8 at 0.9)
    assert "4 Easy (3d)" in result.output


# --- processes ------------------------------------------------------------------------------


def _spawn(mini_path, *args):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "refresher", "review", str(mini_path), *SELF, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_review_processes_at_once_lose_no_rating(mini_path):
    procs = [_spawn(mini_path) for _ in range(2)]
    done = [p.communicate("\n3\n" * 6 + "q\n", timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], done
    outs = [out for out, _ in done]
    shown = sum(len(re.findall(r"^→ ", o, re.M)) for o in outs)
    assert shown >= 4
    assert len(reviews()) == shown  # every rating either process announced is stored
    with open_store() as store:
        for card_id in store.card_infos("mini"):
            assert store.card_state(card_id).reps == len(store.review_logs(card_id))


def test_killing_the_process_loses_at_most_the_card_on_screen(mini_path):
    proc = _spawn(mini_path)
    proc.stdin.write("\n3\n")
    proc.stdin.flush()
    seen, deadline = "", time.monotonic() + 30
    while "Card 2 of 3" not in seen and time.monotonic() < deadline:  # explain-rnn comes back
        seen += proc.stdout.readline()
    assert "Card 2 of 3" in seen
    proc.kill()
    proc.wait(10)
    assert reviews() == [("explain-rnn", 3, 0)]


def test_the_last_card_due_soon_is_shown_early_not_promised_for_later(review):
    result = review("\n2\n\n1\nq\n", "--type", "card")
    assert result.exit_code == 0
    out = result.output
    assert "→ Hard · due in 6m, shown again in this review" in out
    assert "Card 2 of 2 · LSTM · learning · shown again" in out  # learn-ahead: shown now, alone
    assert "→ Again · due in 1m, shown again in this review" in out
    assert "Card 3 of 3" in out and "run `refresher review` then" not in out
    assert [r[1] for r in reviews()] == [2, 1]


def test_u_at_the_rating_prompt_asks_for_a_rating_first(review, monkeypatch):
    monkeypatch.setattr("refresher.cli.reviewer.stdin_is_tty", lambda: True)
    result = review("B\nu\n3\nq\n", "--type", "choice")
    assert "rate this answer first (Enter keeps it); u then undoes it" in result.output
    assert [r[1] for r in reviews()] == [3]


def test_rate_takes_y_and_n_as_the_quiz_does(review):
    result = review("\ny\n\nn\nq\n", *SELF)
    assert result.exit_code == 0, result.output
    assert "→ Good · due in 10m" in result.output and "→ Again · due in 1m" in result.output
    assert reviews() == [("explain-rnn", 3, 0), ("forget-card", 1, 0)]
    wrong = review("\nmaybe\nq\n", *SELF)
    assert "y Good, n Again" in wrong.output


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_the_keys_break_between_keys_never_inside_one(columns, monkeypatch):
    """The header's keys line breaks only at a ` · `: never `f` on one line and `flags` on
    the next (it did at 80 columns, and `u` from `undoes` at 60)."""
    keys = ("Enter reveals", "4 Easy", "u undoes", "s skips", "f flags", "q ends")
    monkeypatch.setenv("COLUMNS", str(columns))
    out = CliRunner().invoke(app, ["review", "session-14"], input="q\n").output
    box = [line.strip("│ ").rstrip() for line in out.splitlines() if line.startswith("│")]
    for key in keys:  # each whole on one line of the box
        assert any(key in line for line in box), (key, box)
    assert max(len(line) for line in out.splitlines()[:6]) <= columns
