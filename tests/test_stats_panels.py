"""The `stats` panels Anki users look for: true retention, the one-year calendar, cards by state,
stability and difficulty, total knowledge, time per answer, readiness; in JSON and at 60 and 100
columns."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fsrs import Scheduler
from typer.testing import CliRunner

from refresher.app.banks import open_bank
from refresher.cli import app
from refresher.srs.stats import DIFFICULTY_BUCKETS, STABILITY_BUCKETS, buckets
from refresher.storage.store import open_store
from tests.test_plan import DAY, START, at, save, sit, write_bank


def studied(tmp_path, refresher_home, monkeypatch, days: int = 4):
    bank = open_bank(str(write_bank(tmp_path, 12)))
    config = save(refresher_home, new_per_day=4)
    for k in range(days):
        for hour in (0, 11):
            at(monkeypatch, START + timedelta(days=k, hours=hour))
            sit(bank, config, k)
    at(monkeypatch, START + timedelta(days=days - 1, hours=12))
    return bank


def test_stats_json_has_every_new_panel(tmp_path, refresher_home, monkeypatch):
    bank = studied(tmp_path, refresher_home, monkeypatch)
    data = json.loads(CliRunner().invoke(app, ["stats", str(bank.path), "--json"]).stdout)
    now = START + timedelta(days=3, hours=12)
    with open_store() as store:
        rows = store.conn.execute(
            "SELECT reviewed_at, rating, state_before FROM reviews"
        ).fetchall()
        states = [store.card_state(k) for k in store.known_ids(bank.id).values()]
    reviewed = [(DAY.date_of(datetime.fromisoformat(t)), r, s) for t, r, s in rows]
    today = DAY.date_of(now)

    def retention(days: int) -> dict:
        picked = [r for d, r, s in reviewed if s == 2 and (today - d).days < days]
        recalled = sum(1 for r in picked if r > 1)
        return {
            "recalled": recalled,
            "rated": len(picked),
            "retention": round(recalled / len(picked), 4) if picked else None,
        }

    assert data["true_retention"] == {
        "today": retention(1),
        "7d": retention(7),
        "30d": retention(30),
    }
    assert data["true_retention"]["7d"]["rated"] > 0 and data["desired_retention"] == 0.9
    heat = data["heatmap"]
    assert len(heat["counts"]) == 365 and heat["to"] == today.isoformat()
    per_day = [sum(1 for d, _, _ in reviewed if d == today - timedelta(days=k)) for k in range(4)]
    assert heat["counts"][-4:] == per_day[::-1] and sum(heat["counts"]) == len(rows)
    cards = data["cards"]
    assert cards["total"] == 12 and sum(v for k, v in cards.items() if k != "total") == 12
    live = [s for s in states if s is not None]
    assert data["studied"] == len(live) == cards["total"] - cards["new"]
    assert data["stability_days"] == dict(
        buckets([s.card.stability for s in live], STABILITY_BUCKETS)
    )
    assert data["difficulty"] == dict(
        buckets([s.card.difficulty for s in live], DIFFICULTY_BUCKETS)
    )
    knowledge = sum(Scheduler().get_card_retrievability(s.card, now) for s in live)
    assert data["total_knowledge"] == round(knowledge, 2)
    assert data["seconds_per_answer"] == 6.0  # every answer of the simulation took 6 s
    assert data["interview_date"] is None and data["readiness_at"] == now.isoformat()
    assert abs(data["readiness"] - knowledge / 12) < 1e-6  # no date: readiness now


def test_stats_panels_stay_whole_at_60_and_100(tmp_path, refresher_home, monkeypatch):
    bank = studied(tmp_path, refresher_home, monkeypatch)
    for width in (60, 100):
        monkeypatch.setenv("COLUMNS", str(width))
        out = CliRunner().invoke(app, ["stats", str(bank.path)]).stdout
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= width, width
        for title in ("Retention", "Study calendar", "Memory", "Readiness", "Cards"):
            assert any(line.startswith(title) for line in lines), (title, width)
        at_ = next(k for k, line in enumerate(lines) if line.startswith("Study calendar"))
        grid = lines[at_ + 2 : at_ + 9]
        assert [line[:3] for line in grid] == ["Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun"]
        assert len({len(line.rstrip()) for line in grid[:3]}) == 1  # a whole year of weeks
        assert len(grid[0]) == 4 + 53 and grid[0][-1] in "░▒▓█"  # studied this Monday
        titles = ("Activity", "Accuracy", "Cards", "Retention", "Study", "Memory", "Readiness")
        assert all("…" not in line for line in lines if line.startswith(titles)), width
        assert "Total knowledge ≈" in out and "an answer on average" in out


def test_buckets_put_every_value_somewhere():
    got = dict(buckets([0.5, 1.0, 6.9, 7.0, 400.0, 10_000.0], STABILITY_BUCKETS))
    assert got == {"< 1 d": 1, "1-7 d": 2, "1-4 wk": 1, "1-3 mo": 0, "3-12 mo": 0, "1 y +": 2}
    assert sum(dict(buckets([1.0, 5.5, 10.0], DIFFICULTY_BUCKETS)).values()) == 3
