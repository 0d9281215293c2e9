"""`refresher stats`: the terminal view at a fixed width and the `--json` object, built from
quizzes and reviews taken on pinned days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import hypothesis
import pytest
from hypothesis import strategies as st
from rich.table import Table
from typer.testing import CliRunner

from refresher.cli import app
from refresher.env import config as settings
from refresher.env.paths import config_file
from refresher.render.console import make_console
from refresher.render.stats import activity_chart
from refresher.srs import stats as core
from refresher.srs.schedule import StudyDay

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
ALL_RIGHT = "B\nA B D\nt\nhidden state\n\ny\n\ny\n"  # Enter turns a card, then y/n
ALL_WRONG = "A\nA\nf\ncell state\n\nn\n\nn\n"
KEYS = {"attempts", "reviews", "accuracy", "by_topic", "due_today", "forecast", "streak_days"}


@pytest.fixture(autouse=True)
def exact(refresher_home, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())
    settings.save(config_file(refresher_home), settings.Config(fuzz=False))


@pytest.fixture
def cli(mini_path, monkeypatch):
    runner = CliRunner()

    def invoke(*args: str, input: str = "", when: datetime | None = None):
        if when is not None:
            monkeypatch.setenv("REFRESHER_NOW", when.isoformat())
        args = tuple(str(mini_path) if a == "MINI" else a for a in args)
        result = runner.invoke(app, list(args), input=input)
        monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())
        return result

    return invoke


def as_json(cli, *args: str) -> dict:
    result = cli("stats", "MINI", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_nothing_studied_yet(cli):
    data = as_json(cli)
    assert KEYS | {"weakest", "leeches"} <= set(data)
    assert data["attempts"] == data["reviews"] == 0 and data["accuracy"] is None
    assert data["forecast"] == [0] * 7 and data["streak_days"] == 0
    assert data["weakest"] == [] and data["leeches"] == [] and data["by_topic"] == {}
    assert data["cards"] == {
        "new": 6,
        "learning": 0,
        "review": 0,
        "relearning": 0,
        "suspended": 0,
        "total": 6,
    }
    out = cli("stats", "MINI").output
    assert "Nothing studied yet here." in out
    assert "6 new, ready for refresher review" in out and "Activity" not in out


def test_quiz_answers_and_reviews_are_counted_apart(cli):
    cli("quiz", "MINI", "--no-shuffle", input=ALL_RIGHT, when=NOW - timedelta(days=2))
    cli("quiz", "MINI", "--no-shuffle", input=ALL_WRONG, when=NOW - timedelta(days=1))
    cli("review", "MINI", "--type", "open", "--type", "card", input="\n3\n\n1\n")
    data = as_json(cli)
    assert data["attempts"] == 12 and data["reviews"] == 2
    # accuracy counts every answer: 6 right + 0 right in quizzes, Good (right) + Again (wrong)
    assert (data["right"], data["answered"]) == (7, 14)
    assert data["accuracy"] == pytest.approx(0.5)
    assert data["by_topic"]["rnn"] == {"right": 4, "answered": 7, "accuracy": 0.5714}
    assert data["by_type"]["choice"]["answered"] == 2
    assert data["ratings"] == {"again": 1, "hard": 0, "good": 1, "easy": 0}
    days = {d["date"]: (d["answers"], d["reviews"]) for d in data["daily"]}
    assert len(data["daily"]) == 14
    assert days["2026-11-23"] == (6, 0) and days["2026-11-24"] == (6, 0)
    assert days["2026-11-25"] == (0, 2)
    assert data["streak_days"] == 3 and data["studied_today"] is True
    assert data["due_today"] == 2 and data["forecast"] == [2, 0, 0, 0, 0, 0, 0]


def test_weakest_are_most_missed_then_lowest_recall(cli):
    cli("quiz", "MINI", "--no-shuffle", "--id", "rnn-acronym", input="A\n")
    cli("quiz", "MINI", "--no-shuffle", "--id", "rnn-acronym", input="A\n")
    cli("quiz", "MINI", "--no-shuffle", "--id", "lstm-has-cell", input="f\n")
    cli("review", "MINI", "--type", "card", input="\n4\n")  # forget-card: Easy, 8 days
    later = NOW + timedelta(days=20)  # forget-card's recall has dropped well below 90%
    data = json.loads(cli("stats", "MINI", "--json", "--days", "30", when=later).output)
    assert data["weakest"] == ["mini/rnn-acronym", "mini/lstm-has-cell", "mini/forget-card"]
    detail = data["weakest_detail"]
    assert [(d["missed"], d["answered"]) for d in detail] == [(2, 2), (1, 1), (0, 1)]
    # FSRS-6 forgetting curve 20 days after an Easy first rating (S = w3 = 8.2956)
    factor = 0.9 ** (1 / -0.1542) - 1
    expected = (1 + factor * 20 / 8.2956) ** -0.1542
    assert detail[2]["retrievability"] == pytest.approx(expected, abs=1e-4) == 0.8294
    assert detail[0]["retrievability"] is None  # never reviewed


def test_streak_survives_until_a_day_is_missed(cli):
    for back in (5, 3, 2, 1):
        cli("quiz", "MINI", "--no-shuffle", "--count", "1", input="B\n",
            when=NOW - timedelta(days=back))  # fmt: skip
    data = as_json(cli)
    assert (data["streak_days"], data["studied_today"]) == (3, False)
    assert "3 days (study today to keep it)" in cli("stats", "MINI").output
    cli("quiz", "MINI", "--no-shuffle", "--count", "1", input="B\n")
    assert as_json(cli)["streak_days"] == 4
    two_days_on = json.loads(cli("stats", "MINI", "--json", when=NOW + timedelta(days=2)).output)
    assert two_days_on["streak_days"] == 0


def test_a_long_streak_is_counted_in_full():
    studied = {date(2026, 1, 1) + timedelta(days=k) for k in range(500)}
    today = date(2026, 1, 1) + timedelta(days=499)
    asked = []

    def fetch(since):
        asked.append(since)
        return {d for d in studied if d >= since}

    assert core.streak(fetch, today) == (500, True)
    assert len(asked) > 1  # a short look first, then further back


def test_days_follow_the_local_clock_and_rollover(mini_path, monkeypatch):
    # 02:30 in UTC-5 on 25 Nov still belongs to the study day of 24 Nov (days start at 4 a.m.)
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_NOW", "2026-11-25T02:30:00-05:00")
    result = runner.invoke(app, ["quiz", str(mini_path), "--no-shuffle", "-n", "1"], input="B\n")
    assert result.exit_code == 0
    monkeypatch.setenv("REFRESHER_NOW", "2026-11-25T12:00:00-05:00")
    data = json.loads(runner.invoke(app, ["stats", str(mini_path), "--json"]).output)
    days = {d["date"]: d["answers"] for d in data["daily"]}
    assert days["2026-11-24"] == 1 and days["2026-11-25"] == 0
    assert (data["studied_today"], data["streak_days"]) == (False, 1)


def test_terminal_view_at_fixed_width(cli):
    cli("quiz", "MINI", "--no-shuffle", input=ALL_WRONG, when=NOW - timedelta(days=1))
    cli("review", "MINI", "--type", "open", "--type", "card", input="\n4\n\n2\n")
    out = cli("stats", "MINI").output
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0] == "Study stats · Mini bank for tests · last 14 days (12 Nov – 25 Nov 2026)"
    chart = [line for line in lines if line.startswith(("Tue 24 Nov", "Wed 25 Nov"))]
    assert chart[0].startswith("Tue 24 Nov  " + "█" * 40) and chart[0].endswith("6 + 0")
    assert chart[1].startswith("Wed 25 Nov  " + "▒" * 13 + " ") and chart[1].endswith("0 + 2")
    assert (
        "Streak: 2 days   6 quiz answers · 2 reviews  (Again 0 · Hard 1 · Good 0 · Easy 1)" in out
    )
    assert "Overall 25%" in out
    assert "Today  Thu  Fri  Sat  Sun  Mon  Tue" in out
    head = lines.index("new  learning  review  relearning  suspended")
    assert lines[head + 1].split() == ["4", "1", "1", "0", "0"]
    weakest = out.split("Weakest questions")[1]
    # all six were missed once; those missed every time they were asked come first
    order = [q for q in ("hidden-state", "lstm-has-cell", "lstm-sigmoid-gates", "rnn-acronym",
                         "explain-rnn", "forget-card")]  # fmt: skip
    assert sorted(order, key=weakest.index) == order
    assert "   1/1" in weakest and "   1/2" in weakest
    assert "Leeches" not in out


def test_more_than_a_month_is_drawn_by_week():
    daily = [core.DayActivity(date(2026, 1, 1) + timedelta(days=k), k % 3, 1) for k in range(60)]
    console = make_console(width=100, force_terminal=False)
    with console.capture() as cap:
        console.print(activity_chart(daily))
    rows = cap.get().splitlines()
    assert len(rows) == 9 and rows[0].startswith("01 Jan – 07 Jan")
    assert rows[-1].startswith("26 Feb – 01 Mar")


def test_all_banks_by_default_and_a_broken_user_bank_is_skipped(cli, refresher_home):
    (refresher_home / "banks").mkdir(parents=True)
    (refresher_home / "banks" / "bad.yaml").write_text("id: bad\nquestions: [\n")
    result = cli("stats", "--json")
    assert result.exit_code == 0
    assert "skipped " in result.stderr and "bad.yaml:" in result.stderr
    assert "(see `refresher check bad`)" in result.stderr
    data = json.loads(result.stdout)
    assert data["bank"] is None and data["cards"]["new"] > 50  # the bundled bank
    assert "all banks" in cli("stats").output


def test_unknown_bank_is_one_line(cli):
    result = cli("stats", "nope")
    assert result.exit_code == 1 and result.stderr.startswith("error: unknown bank 'nope'")


def test_window_start_is_the_first_study_day():
    day = StudyDay(timedelta(hours=1))
    start = core.window_start(NOW, day, 7)
    assert start == datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # 04:00 at UTC+1


def _chart_as_a_table(daily, width):
    """The chart as a Rich table with no border lays it out: what `activity_chart` must print."""
    from refresher.render import stats as show

    rows = show._buckets(daily)
    top = max((a + r for _, a, r in rows), default=0)
    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, width=width, overflow="crop")
    table.add_column(no_wrap=True, justify="right")
    for label, answers, reviews in rows:
        a_cells = r_cells = 0
        if top:
            a_cells = round(answers * width / top)
            r_cells = round((answers + reviews) * width / top) - a_cells
            a_cells = a_cells or (1 if answers else 0)
            r_cells = r_cells if r_cells > 0 else (1 if reviews else 0)
        numbers = f"{answers} + {reviews}" if answers or reviews else "·"
        table.add_row(label, show.ANSWER_BAR * a_cells + show.REVIEW_BAR * r_cells, numbers)
    return table


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    counts=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 900)), min_size=1, max_size=70),
    width=st.integers(8, 40),
)
def test_the_activity_chart_is_laid_out_as_a_table_would_be(counts, width):
    first = date(2026, 1, 1)
    daily = [core.DayActivity(first + timedelta(days=k), a, r) for k, (a, r) in enumerate(counts)]
    shown = []
    for chart in (activity_chart(daily, width), _chart_as_a_table(daily, width)):
        console = make_console(width=100, force_terminal=False)
        with console.capture() as cap:
            console.print(chart)
        shown.append(cap.get())
    assert shown[0] == shown[1]


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    counts=st.lists(st.integers(0, 5000), min_size=1, max_size=10),
    width=st.integers(8, 24),
    head=st.sampled_from(["Stability (days until recall falls to 90%)", "Difficulty"]),
)
def test_the_memory_bars_are_laid_out_as_a_table_would_be(counts, width, head):
    from refresher.render.stats import bars

    labels = ["< 1 d", "1-7 d", "3-12 mo", "9-10", "1 y +"] * 2
    rows = list(zip(labels[: len(counts)], counts, strict=True))
    top = max(counts)
    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True, width=width, overflow="crop")
    table.add_column(no_wrap=True, justify="right")
    for label, n in rows:
        cells = round(n * width / top) if top else 0
        table.add_row(label, "█" * (cells or (1 if n else 0)), str(n))
    shown = []
    for chart in (bars(rows, width), table):
        outer = Table(box=None, padding=(0, 1), pad_edge=False)  # as the Memory panel holds it
        outer.add_column(head, no_wrap=True)
        outer.add_row(chart)
        console = make_console(width=100, force_terminal=False)
        with console.capture() as cap:
            console.print(outer)
        shown.append(cap.get())
    assert shown[0] == shown[1]


@pytest.mark.parametrize("columns", [60, 100])
def test_a_history_of_one_is_counted_in_the_singular(cli, monkeypatch, columns):
    """One quiz answer, then one review: every count beside its noun agrees with it."""
    monkeypatch.setenv("COLUMNS", str(columns))
    cli("quiz", "MINI", "--no-shuffle", "--count", "1", input="B\n")
    out = cli("stats", "MINI").output
    assert "1 quiz answer · 0 reviews" in out and "1 of 1 answer right" in out
    assert "1 study day, 1 answer or review" in out
    cli("review", "MINI", "--type", "card", "--limit", "1", input="\n3\n")
    data = as_json(cli)
    assert data["attempts"] == 1 and data["reviews"] == 1
    out = cli("stats", "MINI").output
    assert "1 quiz answer · 1 review " in out
    assert "1 study day, 2 answers and reviews" in out
    assert "Memory  1 card studied" in out
    for wrong in ("1 study days", "1 quiz answers", "1 reviews", "1 cards", "`"):
        assert wrong not in out, wrong


@pytest.mark.parametrize("columns", [60, 80])
def test_weakest_questions_give_the_text_its_room(columns, monkeypatch):
    """No column of bare card numbers; a long id does not squeeze the question's text out."""
    runner = CliRunner()
    quiz = runner.invoke(
        app, ["quiz", "--id", "exploding-gradient-remedies-multi", "--seed", "1"], input="A\n"
    )
    assert quiz.exit_code == 0, quiz.output
    monkeypatch.setenv("COLUMNS", str(columns))
    out = runner.invoke(app, ["stats", "session-14"]).stdout
    weakest = out.split("Weakest questions")[1].split("\n\n")[0]
    header = weakest.splitlines()[1]
    assert header.split() == ["Question", "Missed", "Recall"], header
    assert "exploding-gradient-remedies-multi" in weakest
    assert "Which of these keep exploding gradients" in weakest
    assert max(len(line) for line in out.splitlines()) <= columns
