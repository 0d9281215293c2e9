"""The workload forecast of `plan`: the coming days simulated with the learner's FSRS, seeded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from typer.testing import CliRunner

from refresher.cli import app
from refresher.srs import forecast
from refresher.srs import schedule as S

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = S.StudyDay()


def run(seed=0, unseen=30, days=10, per_day=5):
    scheduler = S.make_scheduler()
    return forecast.simulate(
        {},
        list(range(unseen)),
        DAY.date_of(NOW),
        DAY,
        days=days,
        scheduler_on=lambda d: scheduler,
        new_on=lambda d, waiting: per_day,
        seconds_per_answer=30,
        seed=seed,
        morning=DAY.start(DAY.date_of(NOW) + timedelta(days=days)),
        questions=unseen,
    )


def test_new_cards_at_the_pace_then_their_reviews_in_minutes():
    f = run()
    assert f.days[0] == date(2026, 12, 1) and len(f.days) == 10
    assert f.answers[0] == 10  # 5 new cards, Good through two learning steps each
    assert f.minutes[0] == 5.0  # 10 answers at 30 s
    assert sum(f.answers) > 60  # 30 cards introduced, then reviewed
    assert 0.5 < f.readiness <= 1
    assert run() == f  # seeded


def test_plan_shows_the_workload_and_the_readiness_if_followed(monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())
    runner = CliRunner()
    assert runner.invoke(app, ["config", "interview_date", "2026-12-15"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["plan", "--json"]).output)
    days = data["forecast"]["days"]
    assert [d["date"] for d in days][0] == "2026-12-01" and days[-1]["date"] == "2026-12-14"
    assert data["forecast"]["readiness_if_followed"] > data["readiness"] == 0
    out = runner.invoke(app, ["plan"]).output
    assert "if you follow the plan" in out and "Workload" in out and "Mon 14 Dec" in out
