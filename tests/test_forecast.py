"""The workload forecast of `plan`: the coming days simulated with the learner's FSRS, seeded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from refresher.cli import app
from refresher.srs import forecast, planning
from refresher.srs import schedule as S
from refresher.srs.lean import LeanCard

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


@settings(max_examples=300, deadline=None)
@given(
    offset=st.integers(-12 * 60, 14 * 60),
    starts_at=st.integers(0, 12),
    rated=st.integers(0, 24 * 60 - 1),
    ahead=st.integers(0, 40),
    buffer_days=st.integers(1, 5),
    interval=st.integers(1, 400),
    loads=st.lists(st.integers(0, 6), min_size=5, max_size=5),
)
def test_the_simulated_shortening_is_the_review_s(
    offset, starts_at, rated, ahead, buffer_days, interval, loads
):
    """The simulation shortens an interval with the day's landing days worked out once: the
    same date, the same loads after, as `planning.shortened_due` gives a real review."""
    day = S.StudyDay(timedelta(minutes=offset), starts_at)
    today = date(2026, 12, 1)
    target = planning.Target(today + timedelta(days=ahead + 1), buffer_days)
    landing = target.landing_days(today)
    now = day.start(today) + timedelta(minutes=rated)
    due = now + timedelta(days=interval)
    if due < day.start(landing[-1] + timedelta(days=1)):
        return  # not past the landing days: the simulation does not shorten it
    kept = {d: n for d, n in zip(landing, loads, strict=False)}
    kept.update((d, 0) for d in landing if d not in kept)
    expected = planning.shortened_due(due, now, target, day, kept)
    card = LeanCard(due, now, 10.0, 5.0, S.State.Review, None)
    mine = dict(kept)
    forecast._shorten(card, now, today, landing, mine, day.shift)
    assert card.due == expected
    if expected != due:
        moved = day.date_of(expected)
        assert mine == {**kept, moved: kept.get(moved, 0) + 1}
    else:
        assert mine == kept


def test_a_date_past_the_forecast_s_days_labels_what_they_bring(monkeypatch):
    """The forecast stops after `MAX_DAYS`: a date a year ahead shows the readiness as what
    those days of the plan bring, not as following the plan up to the date."""
    monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())
    monkeypatch.setenv("COLUMNS", "100")
    runner = CliRunner()
    far = runner.invoke(app, ["plan", "--date", "2027-12-01"]).output
    assert f"  {forecast.MAX_DAYS} days of the plan" in far and "if you follow the plan " not in far
    data = json.loads(runner.invoke(app, ["plan", "--date", "2027-12-01", "--json"]).output)
    assert len(data["forecast"]["days"]) == forecast.MAX_DAYS
    near = runner.invoke(app, ["plan", "--date", "2026-12-20"]).output
    assert "  if you follow the plan" in near and "days of the plan" not in near
