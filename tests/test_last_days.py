"""The last days before the interview: no new card on a buffer day, whatever was skipped; at
most a warm-up on the interview day; a past `interview_date` refused; `plan --date` speaking of
the date it was given."""

from __future__ import annotations

import json
from datetime import timedelta

from msgspec.structs import replace
from typer.testing import CliRunner

from refresher.app import banks as app_banks
from refresher.cli import app
from refresher.env import config
from refresher.env.paths import config_file
from refresher.srs.schedule import StudyDay
from refresher.storage.store import open_store
from tests.simlearner import T0, Learner, study

DAY = StudyDay()


def test_buffer_days_hold_no_new_cards_and_the_day_itself_a_warm_up(refresher_home):
    bank = app_banks.open_bank(None)
    bank = replace(bank, questions=bank.questions[:80])
    interview = DAY.date_of(T0) + timedelta(days=8)  # buffer: days 5, 6, 7
    settings = config.Config(
        fuzz=False, interview_date=interview, buffer_days=3, interview_warm_up=10
    )
    learner = Learner(seed=4)
    study(bank, learner, 2, settings=settings, new_per_day=5)  # days 0 and 1
    # days 2-4 skipped: the pace cannot catch up, and the buffer still takes no new card
    study(bank, learner, 5, settings=settings, new_per_day=5, day_offset=5)  # days 5-9
    with open_store() as store:
        per_day = []
        for k in range(10):
            d = DAY.date_of(T0) + timedelta(days=k)
            start, end = DAY.start(d), DAY.start(d + timedelta(days=1))
            cards = {c for c, at, _, _ in store.review_history(None) if start <= at < end}
            per_day.append((store.introduced_between(start, end), len(cards)))
    assert per_day[0][0] == per_day[1][0] == 16  # the pace: 80 cards over the 5 days before
    assert [n for n, _ in per_day[5:8]] == [0, 0, 0]  # no new card on a buffer day
    # the interview day: the warm-up only, though the buffer days reviewed more than that
    assert per_day[8][1] <= 10 < max(n for _, n in per_day[5:8])
    assert per_day[9][0] > 0  # after the date: plain FSRS, new cards again


def test_a_past_interview_date_is_refused_unless_asked_for(monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", "2026-12-10T09:00:00+00:00")
    runner = CliRunner()
    result = runner.invoke(app, ["config", "interview_date", "2026-12-01"])
    assert result.exit_code == 1
    assert "interview_date 2026-12-01 is in the past (today is 2026-12-10)" in result.output
    assert runner.invoke(app, ["config", "interview_date"]).output.strip() == "none"
    result = runner.invoke(app, ["config", "interview_date", "2026-12-01", "--past"])
    assert result.exit_code == 0 and "2026-12-01" in result.output
    assert runner.invoke(app, ["config", "interview_date", "2026-12-10"]).exit_code == 0


def test_plan_date_speaks_of_the_date_given(refresher_home, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", "2026-12-10T09:00:00+00:00")
    config.save(config_file(refresher_home), config.Config(interview_date=None))
    runner = CliRunner()
    out = " ".join(runner.invoke(app, ["plan", "--date", "2026-11-20"]).output.split())
    assert "The date given, Fri 20 Nov 2026, is not ahead" in out
    assert "Your interview date" not in out and "interview_date: none" in out
    data = json.loads(runner.invoke(app, ["plan", "--date", "2026-12-12", "--json"]).output)
    assert data["left_out"] == data["cards"]["new"] > 0 and data["today_plan"]["new"] == 0
