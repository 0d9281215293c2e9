"""`refresher interview` driven as a learner would (piped answers separated by empty lines, a
terminal simulated where the countdown shows), its `--history`, and the typed-answer path of
`review`. Time is pinned with REFRESHER_NOW; the seed fixes which questions come."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from refresher.app import interview as iv
from refresher.banks.catalog import bundled_dir
from refresher.banks.load import load_bank
from refresher.cli import app
from refresher.env import config as settings
from refresher.env.paths import config_file
from refresher.srs.schedule import Rating
from refresher.storage.store import open_store
from tests.conftest import MINI

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
# With seed 237 the bundled bank's interview opens with rnn-vs-lstm, then gradient-clipping-open.
SEED = ["--seed", "237"]
THREE_OF_FIVE = (  # rnn-vs-lstm: points 1, 2 and 5 in other words
    "An LSTM is really just a gated RNN, whereas the plain RNN cell is a single tanh layer.\n"
    "The LSTM carries an extra cell state next to h. It costs about four times as many"
    " parameters.\n"
)


@pytest.fixture(autouse=True)
def pinned(refresher_home, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())
    settings.save(config_file(refresher_home), settings.Config(fuzz=False))


@pytest.fixture(scope="module")
def bank():
    return load_bank(bundled_dir() / "session-14.yaml")


def run(answers: str, *args: str):
    return CliRunner().invoke(app, ["interview", *args], input=answers)


def attempts():
    with open_store() as store:
        return store.conn.execute(
            "SELECT q.qid, a.given, a.correct, a.mode, a.points FROM attempts a"
            " JOIN questions q ON q.id = a.question_id ORDER BY a.id"
        ).fetchall()


# --- the app: scores, ticks, follow-ups ---------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "rating"),
    [
        (0.0, Rating.Again),
        (0.2, Rating.Again),
        (0.25, Rating.Hard),
        (0.5, Rating.Hard),
        (0.6, Rating.Good),
        (0.8, Rating.Good),
        (0.9, Rating.Easy),
        (1.0, Rating.Easy),
    ],
)
def test_the_share_of_points_gives_the_rating(share, rating):
    assert iv.rating_for_share(share) == rating


@pytest.mark.parametrize(
    ("typed", "ticks"),
    [
        ("", (0, 2)),
        ("1 3 4", (0, 2, 3)),
        ("4,1", (0, 3)),
        ("0", ()),
        ("none", ()),
        ("all", (0, 1, 2, 3, 4)),
    ],
)
def test_ticks_are_confirmed_or_changed(typed, ticks):
    assert iv.parse_ticks(typed, 5, (0, 2)) == ticks


@pytest.mark.parametrize("typed", ["6", "x", "1 2 -3"])
def test_ticks_out_of_range_are_refused(typed):
    with pytest.raises(iv.InputError, match="1-5"):
        iv.parse_ticks(typed, 5, ())


def _interview(bank, ids, seed=0):
    return iv.Interview(bank, [bank.get(i) for i in ids], random.Random(seed))


def test_a_good_answer_brings_a_follow_up_in_place_of_a_planned_question(bank):
    session = _interview(bank, ["rnn-vs-lstm", "explain-rnn", "cnn-vs-rnn"])
    assert session.total == 3
    session.next()
    session.score("...", (0, 1, 4), 30.0)  # 60%: good
    follow = session.follow_up
    assert follow is not None and follow.question.id in bank.get("rnn-vs-lstm").follow_ups
    asked = session.next()
    assert asked.follows.id == "rnn-vs-lstm" and asked.number == 2
    assert session.total == 3 and [q.id for q in session.planned] == ["explain-rnn"]


def test_a_weak_answer_gets_no_follow_up_and_nothing_is_asked_twice(bank):
    session = _interview(bank, ["rnn-vs-lstm", "explain-rnn"])
    session.next()
    session.score("", (0, 1), 10.0)  # 40%: not good enough
    assert session.follow_up is None
    session = _interview(bank, ["lstm-vs-gru", "choose-model-open", "explain-rnn"])
    session.next()
    session.score("", (0, 1, 2, 3, 4), 10.0)
    # lstm-vs-gru's only follow-up was planned later: it moves up rather than being asked twice
    assert session.follow_up.question.id == "choose-model-open"
    assert [q.id for q in session.planned] == ["explain-rnn"]


def test_the_last_question_gets_no_follow_up(bank):
    session = _interview(bank, ["rnn-vs-lstm"])
    session.next()
    session.score("", (0, 1, 2, 3, 4), 10.0)
    assert session.follow_up is None and session.next() is None


# --- the command, piped --------------------------------------------------------------------------


def test_a_piped_interview_pre_ticks_asks_a_follow_up_and_stores_every_answer():
    # 1: a typed answer, Enter keeps the ticks; 2 (the follow-up): aloud, ticks 1 2 4 5;
    # 3: a skip
    result = run(THREE_OF_FIVE + "\n\n\n1 2 4 5\ns\n", *SEED, "--count", "3")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Differentiate RNN and LSTM." in out
    assert "[x] 1 An LSTM is a gated RNN" in out and "[ ] 3 Forget, input" in out
    assert "— you said: lstm, gated, rnn," in out
    assert "Score: 3 of 5 points (60%) · Good" in out
    assert "Good answer. The interviewer follows up…" in out
    assert "Follow-up" in out
    assert "You answered aloud: tick the points you made." in out
    assert "Interview over" in out and "↷ Skipped" in out
    assert "Points covered: 70% over 2 answered · 1 skipped" in out
    assert "Points missed most" in out
    rows = attempts()
    assert [r[0] for r in rows][0] == "rnn-vs-lstm"
    first, second, third = rows
    assert first[1] == THREE_OF_FIVE.strip() and first[2] == 1 and first[3] == "interview"
    points = json.loads(first[4])
    assert points["of"] == 5 and len(points["covered"]) == 3
    assert points["covered"][0].startswith("An LSTM is a gated RNN")
    assert second[0] in ("lstm-vs-gru", "lstm-gates-and-states", "lstm-architecture")
    assert second[1] == "" and json.loads(second[4])["of"] in (5, 6)
    assert third[2] is None and third[4] is None  # the skip


def test_changed_ticks_are_what_is_stored_and_bad_ticks_reprompt():
    result = run(THREE_OF_FIVE + "\n9\n1 3\nq\n", *SEED, "--count", "2")
    assert result.exit_code == 0
    assert "type the numbers of the points you covered, 1-5" in result.output
    assert "Score: 2 of 5 points (40%) · Hard" in result.output
    assert "follows up" not in result.output
    (row,) = attempts()
    assert row[2] == 0  # 40% is not a good answer
    assert [p[:12] for p in json.loads(row[4])["covered"]] == ["An LSTM is a", "Forget, inpu"]


def test_end_of_input_keeps_the_answer_with_its_ticks_and_ends_with_the_summary():
    result = run(THREE_OF_FIVE, *SEED, "--count", "3")
    assert result.exit_code == 0
    assert "Interview over" in result.output
    assert "Points covered: 60% over 1 answered · 2 not reached" in result.output
    assert [(r[0], len(json.loads(r[4])["covered"])) for r in attempts()] == [("rnn-vs-lstm", 3)]


def test_ctrl_c_mid_answer_keeps_earlier_answers_and_exits_130(monkeypatch):
    from rich.console import Console

    lines = iter([*THREE_OF_FIVE.splitlines(), "", "", "Gradient clipping caps"])

    def fake_input(self, prompt="", **kwargs):
        self.print(prompt, end="")
        try:
            return next(lines)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(Console, "input", fake_input)
    result = run("", *SEED, "--count", "3")
    assert result.exit_code == 130
    assert "Interview over" in result.output
    assert "1 answered · 2 not reached" in result.output
    assert [r[0] for r in attempts()] == ["rnn-vs-lstm"]  # the half-typed answer is dropped


def test_at_a_terminal_the_prompt_counts_down_and_a_late_line_ends_the_answer(monkeypatch):
    from refresher.cli import interview as cli

    monkeypatch.setattr("refresher.render.console.stdin_is_tty", lambda: True)
    # the command, the question, the answer's start, line 1's prompt; after line 1 and line
    # 2's prompt 50 s have gone; line 2 is sent after 95 s
    now = iter([0.0, 0.0, 0.0, 0.0, 50.0, 50.0] + [95.0] * 50)
    monkeypatch.setattr(cli, "_now", lambda: next(now))
    result = run(
        "The gradient is clipped\nby its norm\n\nq\n", *SEED, "--count", "1", "--time", "90"
    )
    out = result.output
    assert "Answer 1:30 left (until 09:31:30) ›" in out
    assert "… 0:40 left ›" in out
    assert "⏱ Time is up (1:30): your answer ends here." in out
    assert "(5s over)" in out
    assert "1m 35s ⏱" in out  # the summary marks answers over time


def test_options_are_checked_with_one_line():
    for args, message in [
        (["--time", "4000"], "--time must be between 0"),
        (["--topic", "nope"], "unknown topic 'nope'"),
        (["--history", "nope"], "unknown question id 'nope'"),
        (["--history", "rnn-acronym"], "'rnn-acronym' is a choice question"),
        ([str(MINI), "--topic", "lstm"], "mini has no interview (open) questions on lstm"),
    ]:
        result = run("", *args)
        assert result.exit_code == 1, args
        assert message in result.stderr and "Traceback" not in result.output


# --- history ----------------------------------------------------------------------------------


def test_history_shows_past_answers_beside_the_model_answer(monkeypatch):
    run(THREE_OF_FIVE + "\nq\n", *SEED)
    monkeypatch.setenv("REFRESHER_NOW", "2026-11-27T10:00:00+00:00")
    run("An LSTM is a gated RNN with a cell state besides h.\n\n\nq\n", *SEED)
    monkeypatch.setenv("COLUMNS", "100")
    result = run("", "--history", "rnn-vs-lstm")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Differentiate RNN and LSTM." in out
    assert "25 Nov" in out and "27 Nov" in out
    assert "Model answer" in out and "25 Nov 09:30 · interview · 3/5" in out
    assert "27 Nov 10:00 · interview · 2/5" in out, out
    covered = [line for line in out.splitlines() if line.strip().startswith("Covered")]
    assert covered and covered[0].split()[1:] == ["3/5", "2/5"]
    assert out.index("27 Nov 10:00") < out.index("25 Nov 09:30")  # newest first


def test_history_at_width_60_stacks_and_without_answers_says_so(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    empty = run("", "--history", "lstm-vs-gru")
    assert empty.exit_code == 0 and "No typed or scored answers" in empty.output
    run(THREE_OF_FIVE + "\nq\n", *SEED)
    result = run("", "--history", "rnn-vs-lstm")
    assert max(len(line) for line in result.output.splitlines()) <= 60
    assert result.output.index("Model answer") < result.output.index("25 Nov 09:30")


def test_history_shows_control_characters_as_question_marks():
    run("It keeps a hidden state \x1b[2J across steps\n\n\nq\n", *SEED)
    result = run("", "--history", "rnn-vs-lstm")
    assert "\x1b" not in result.output and "?[2J" in result.output


# --- review ----------------------------------------------------------------------------------


@pytest.fixture
def review(mini_path, monkeypatch):
    monkeypatch.setattr("refresher.cli.reviewer.stdin_is_tty", lambda: True)

    def invoke(answers: str):
        return CliRunner().invoke(
            app, ["review", str(mini_path), "--seed", "1", "--type", "open"], input=answers
        )

    return invoke


def _reviews():
    with open_store() as store:
        return store.conn.execute("SELECT rating, auto FROM reviews").fetchall()


def test_review_takes_a_typed_answer_and_suggests_a_rating_from_its_points(review):
    result = review("It keeps a hidden state while it reads the sequence\n\n\n\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Type your answer (an empty line ends it), or Enter to reveal" in out
    assert "[x] 1 hidden state" in out and "[ ] 2 shared weights" in out
    assert "Score: 2 of 3 points (67%) · Good" in out
    assert "[3 Good (10m)]" in out and "Enter keeps Good, 1-4 changes" in out
    assert _reviews() == [(3, 1)]
    (row,) = attempts()
    assert row[1] == "It keeps a hidden state while it reads the sequence" and row[3] == "review"
    assert json.loads(row[4]) == {"of": 3, "covered": ["hidden state", "sequences"]}


def test_review_ticks_and_rating_can_be_changed(review):
    review("hidden state\n\n0\n2\n")
    assert _reviews() == [(2, 0)]
    assert json.loads(attempts()[0][4]) == {"of": 3, "covered": []}


def test_review_enter_alone_keeps_the_reveal(review):
    result = review("\n3\n")
    assert "Model answer" in result.output and "Key points" in result.output
    assert _reviews() == [(3, 0)]
    assert attempts()[0][4] is None


# --- the stored points --------------------------------------------------------------------------


def test_a_history_from_before_interviews_is_migrated_and_keeps_its_answers(refresher_home):
    from refresher.storage.migrations import MIGRATIONS

    with open_store() as store:
        store.conn.execute("INSERT INTO questions (bank, qid) VALUES ('session-14', 'rnn-vs-lstm')")
        store.conn.execute(
            "INSERT INTO attempts (question_id, answered_at, given, correct, seconds, mode,"
            " qtype, topic) VALUES (1, '2026-11-01T09:00:00.000+00:00', 'y', 1, 3, 'practice',"
            " 'open', 'lstm')"
        )
        for trigger in ("answer", "review", "undo", "overrule", "suspend", "round"):  # later ones
            store.conn.execute(f"DROP TRIGGER sync_{trigger}")
        for table in ("sync_events", "sync_state", "sync_files", "sync_cards"):
            store.conn.execute(f"DROP TABLE {table}")
        store.conn.execute("DROP INDEX attempts_with_mistakes")
        for column in ("points", "mistake", "tries", "first_given", "overruled", "seed"):
            store.conn.execute(f"ALTER TABLE attempts DROP COLUMN {column}")
        for trigger in ("review", "answer"):
            store.conn.execute(f"DROP TRIGGER history_{trigger}_removed")
        store.conn.execute("DROP TRIGGER history_answer_regraded")
        for table in ("notices", "flags", "history_mark"):  # later tables: not there at 2
            store.conn.execute(f"DROP TABLE {table}")
        store.conn.execute("PRAGMA user_version = 2")
    run(THREE_OF_FIVE + "\nq\n", *SEED)
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    rows = attempts()
    assert [(r[1], r[4] is None) for r in rows] == [("y", True), (THREE_OF_FIVE.strip(), False)]
    out = run("", "--history", "rnn-vs-lstm").output
    assert "practice" not in out  # a self-scored quiz answer has no points to show


def test_damaged_stored_points_are_one_line(refresher_home):
    run(THREE_OF_FIVE + "\nq\n", *SEED)
    with open_store() as store:
        store.conn.execute('UPDATE attempts SET points = \'{"of": "x"}\'')
    result = run("", "--history", "rnn-vs-lstm")
    assert result.exit_code == 1
    assert "damaged" in result.stderr and "an answer's points" in result.stderr
    assert "Traceback" not in result.output


def test_typed_control_characters_are_replaced_and_long_answers_are_bounded(monkeypatch):
    from refresher.core import limits

    monkeypatch.setattr(limits, "ANSWER_CHARS", 30)
    monkeypatch.setattr(limits, "INTERVIEW_ANSWER_CHARS", 50)
    long_line = "x" * 31
    answer = "a hidden \x1b[31mstate\n" + long_line + "\n" + "b" * 25 + "\n" + "c" * 25 + "\n"
    result = run(answer + "\nq\n", *SEED)  # the c line ends the answer; Enter keeps the ticks
    assert "that line is 31 characters; at most 30" in result.output
    assert "an answer holds at most 50 characters: it ends before this line" in result.output
    assert "\x1b" not in result.output
    (row,) = attempts()
    assert row[1] == "a hidden ?[31mstate\n" + "b" * 25


@pytest.mark.parametrize("width", [60, 100])
def test_the_opening_panel_wraps_whole_sentences_and_fits_the_countdown(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    timed = run("q\n", "--count", "1", *SEED).stdout
    panel = timed.split("Question 1")[0]
    lines = [line.strip("│ ") for line in panel.splitlines()]
    assert not any(line.endswith("Each line's") for line in lines)  # no break mid-sentence
    assert "prompt shows the time left" in " ".join(panel.replace("│", " ").split())
    untimed = run("q\n", "--count", "1", "--time", "0", *SEED).stdout.split("Question 1")[0]
    assert "no countdown" in untimed and "time left" not in untimed
    assert "time is up" not in untimed


def test_history_all_streams_every_answer_oldest_first(monkeypatch, refresher_home):
    from refresher.storage.store import open_store

    run(THREE_OF_FIVE + "\nq\n", *SEED)
    with open_store() as store:  # 400 more answers to the same question, as an interview stores
        (row,) = store.conn.execute(
            "SELECT question_id, given, points FROM attempts WHERE points IS NOT NULL"
        ).fetchall()
        store.conn.executemany(
            "INSERT INTO attempts (question_id, answered_at, given, correct, seconds, mode,"
            " qtype, topic, points) VALUES (?, ?, ?, 1, 30, 'interview', 'open', 'lstm', ?)",
            [
                (row[0], f"2026-11-{26 + k // 200:02d}T{(k // 10) % 20:02d}:{k % 10:02d}:00+00:00",
                 f"answer number {k}", row[2])
                for k in range(400)
            ],
        )  # fmt: skip
        store.conn.commit()
        answers = store.every_answer_to("mini", "rnn-vs-lstm")
        assert iter(answers) is answers  # a generator: read as it is shown, never all at once
    monkeypatch.setenv("COLUMNS", "100")
    latest = run("", "--history", "rnn-vs-lstm")
    assert latest.exit_code == 0 and "answer number 399" in latest.output
    assert "answer number 393" not in latest.output  # the latest 6 only
    result = run("", "--history", "rnn-vs-lstm", "--all")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "401 answers, oldest first." in out
    assert out.index("25 Nov 09:30") < out.index("answer number 0") < out.index("answer number 399")
    alone = run("", "--all")
    assert alone.exit_code == 1 and "--all goes with --history ID" in alone.stderr
