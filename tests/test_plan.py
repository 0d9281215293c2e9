"""Planning toward an interview date: a simulated learner over 21 days, readiness against py-fsrs
itself, the daily review cap, the pace, the order of new cards, and `refresher plan` as a learner
runs it.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Scheduler
from typer.testing import CliRunner

from refresher.app import plan as app_plan
from refresher.app.banks import open_bank
from refresher.app.review import CardView, open_sitting
from refresher.cli import app
from refresher.core.values import replace
from refresher.env import config as settings
from refresher.env.paths import config_file
from refresher.srs import planning
from refresher.srs import schedule as S
from refresher.srs.schedule import CardInfo, Rating, State, StudyDay
from refresher.storage.store import open_store

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday; study days roll over at 04:00 UTC
INTERVIEW = date(2026, 12, 21)  # 21 days out
BUFFER = 3
DAY = StudyDay(timedelta(0), 4)
TOPICS = ("rnn", "lstm", "gru")


def write_bank(folder: Path, n: int = 45) -> Path:
    lines = ["id: sim", "title: Simulated bank", "topics: {rnn: RNN, lstm: LSTM, gru: GRU}"]
    lines.append("questions:")
    for i in range(n):
        topic = TOPICS[(i * 3) // n]  # bank order: all rnn, then lstm, then gru
        if i % 2:
            body = f"    type: card\n    front: Front {i}\n    back: Back {i}"
        else:
            body = f"    type: open\n    prompt: Explain {i}.\n    answer: Because {i}.\n    points: [a]"
        lines.append(f"  - id: q{i:03d}\n    topic: {topic}\n{body}")
    path = folder / "sim.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def at(monkeypatch, when: datetime) -> None:
    monkeypatch.setenv("REFRESHER_NOW", when.isoformat())


def save(home: Path, **values) -> settings.Config:
    config = settings.Config(fuzz=False, **values)
    settings.save(config_file(home), config)
    return config


def rating_for(card_id: int, day: int, seen_today: int) -> Rating:
    """The fixed answering policy: a card's first answer of the day is forgotten when
    (card id + day) % 7 == 0, else everything is Good."""
    if seen_today == 0 and (card_id + day) % 7 == 0:
        return Rating.Again
    return Rating.Good


def sit(bank, config, day_no: int, always: Rating | None = None) -> int:
    """One review sitting through the app layer, every card answered by the policy."""
    seen: Counter[int] = Counter()
    with open_sitting(bank, bank.questions, config, new_per_day=config.new_per_day) as sitting:
        sitting.start()
        while (card := sitting.next_card()) is not None:
            assert isinstance(card, CardView)
            card_id = card.entry.card_id
            rating = always or rating_for(card_id, day_no, seen[card_id])
            seen[card_id] += 1
            offer = sitting.offer(card)
            done = sitting.rate(
                card, rating, outcome=S.self_rated(rating), auto=False, seconds=6.0, offer=offer
            )
            # the interval shown on the rating button is the one applied
            assert offer.options is not None
            assert done.result.after.card.due == offer.options[rating].after.card.due
    return sum(seen.values())


def direct_readiness(bank, at_time: datetime) -> float:
    """Readiness by hand: py-fsrs's own retrievability of each stored card, unseen ones 0."""
    scheduler = Scheduler()
    total = 0.0
    with open_store() as store:
        ids = store.known_ids(bank.id)
        for q in bank.questions:
            state = store.card_state(ids[q.id]) if q.id in ids else None
            if state is not None:
                total += scheduler.get_card_retrievability(state.card, at_time)
    return total / len(bank.questions)


def test_a_learner_over_21_days_is_ready_on_the_day(tmp_path, refresher_home, monkeypatch):
    bank = open_bank(str(write_bank(tmp_path)))
    config = save(refresher_home, interview_date=INTERVIEW, buffer_days=BUFFER, new_per_day=0)
    buffer_from = INTERVIEW - timedelta(days=BUFFER)
    for k in range(21):
        morning = START + timedelta(days=k)
        for hour in (0, 11):  # 09:00 and 20:00: the evening sitting finishes learning steps
            at(monkeypatch, morning + timedelta(hours=hour))
            sit(bank, config, k)
        with open_store() as store:
            infos = store.card_infos(bank.id)
        # after each day, no card's next review lies after the interview date
        assert all(DAY.date_of(i.due) <= INTERVIEW for i in infos.values()), k
        if DAY.date_of(morning) < buffer_from:
            # new cards come at the pace: 45 cards over the 18 days before the buffer
            assert 45 * (k + 1) / 18 <= len(infos) <= 3 * (k + 1), k

    with open_store() as store:
        introduced = [
            DAY.date_of(datetime.fromisoformat(r[0]))
            for r in store.conn.execute("SELECT introduced_at FROM cards")
        ]
        reviewed: dict = {}
        for when, card_id in store.conn.execute("SELECT reviewed_at, question_id FROM reviews"):
            reviewed.setdefault(DAY.date_of(datetime.fromisoformat(when)), set()).add(card_id)
    # every card is introduced before the buffer
    assert len(introduced) == 45 and max(introduced) < buffer_from
    # the buffer days carry even loads: every card once, spread over the three days
    # (cards reviewed on each buffer day, each counted once a day: 16, 16 and 21 here, max/min
    # 1.31; an Again card comes back in the same sitting, learn-ahead)
    loads = [len(reviewed.get(buffer_from + timedelta(days=k), ())) for k in range(BUFFER)]
    assert min(loads) > 0 and max(loads) / min(loads) <= 1.35, loads
    assert sum(loads) >= 45

    # readiness: the number `plan --json` and `stats --json` give, against py-fsrs directly
    at(monkeypatch, START + timedelta(days=20, hours=12))
    runner = CliRunner()
    plan = json.loads(runner.invoke(app, ["plan", str(bank.path), "--json"]).stdout)
    stats = json.loads(runner.invoke(app, ["stats", str(bank.path), "--json"]).stdout)
    morning = DAY.start(INTERVIEW)
    assert plan["readiness_at"] == morning.isoformat() == stats["readiness_at"]
    expected = direct_readiness(bank, morning)
    with open_store() as store:
        exact = app_plan.readiness(store, [bank], morning).overall
    assert abs(exact - expected) < 1e-9
    assert abs(plan["readiness"] - expected) < 1e-6 and abs(stats["readiness"] - expected) < 1e-6
    assert expected > 0.9
    assert set(plan["readiness_by_topic"]) == set(TOPICS) == set(stats["readiness_by_topic"])


def easy_once(bank, config) -> S.CardState:
    with open_sitting(bank, bank.questions, config, new_per_day=2) as sitting:
        sitting.start()
        card = sitting.next_card()
        assert isinstance(card, CardView)
        offer = sitting.offer(card)
        rating = Rating.Easy
        done = sitting.rate(
            card, rating, outcome=S.self_rated(rating), auto=False, seconds=1, offer=offer
        )
        return done.result.after


def test_after_the_date_scheduling_is_plain_fsrs_and_plan_says_so_once(
    tmp_path, refresher_home, monkeypatch
):
    bank = open_bank(str(write_bank(tmp_path, 2)))
    at(monkeypatch, START)
    plain, _ = S.make_scheduler().review_card(S.new_card(1, START), Rating.Easy, START)
    assert plain.due == START + timedelta(days=8)
    # eight days ahead: Easy's 8 days are cut to the last buffer day before the date
    ahead = easy_once(bank, save(refresher_home, interview_date=date(2026, 12, 8)))
    assert ahead.card.due == START + timedelta(days=7)
    # the date has passed: plain FSRS, to the second
    after = easy_once(bank, save(refresher_home, interview_date=date(2026, 11, 20)))
    assert after.card.due == plain.due
    runner = CliRunner()
    first = runner.invoke(app, ["plan", str(bank.path)]).stdout
    second = runner.invoke(app, ["plan", str(bank.path)]).stdout
    assert "has come: refresher review schedules with plain FSRS again" in first
    assert "plain FSRS again" not in second and "No interview date ahead" in second


# --- the pieces ---------------------------------------------------------------------------------


def test_readiness_matches_py_fsrs_to_1e9():
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    scheduler = S.make_scheduler()
    cards = []
    for k, ratings in enumerate([[3], [3, 3], [1, 3, 4], [2], [4, 4]]):
        t = now - timedelta(days=30 - 3 * k)
        state = None
        for r in ratings:
            state = S.rate(scheduler, state, k + 1, Rating(r), t).after
            t += timedelta(days=2, hours=k)
        cards.append(state)
    at_time = datetime(2026, 12, 20, 4, tzinfo=UTC)
    infos = [
        CardInfo(c.card_id, c.card.due, c.card.state, False, c.card.stability, c.card.last_review)
        for c in cards
    ]
    pairs = [("a", i) for i in infos] + [("b", None), ("b", None)]
    got = planning.readiness(scheduler, pairs, at_time)
    direct = [Scheduler().get_card_retrievability(c.card, at_time) for c in cards]
    assert abs(got.overall - sum(direct) / 7) < 1e-9
    assert abs(got.by_topic["a"] - sum(direct) / 5) < 1e-9 and got.by_topic["b"] == 0
    assert got.weakest(1) == ["b"]


def review_info(card_id: int, stability: float, days_ago: float, now: datetime) -> CardInfo:
    last = now - timedelta(days=days_ago)
    return CardInfo(card_id, now - timedelta(hours=1), State.Review, False, stability, last)


def test_the_cap_holds_back_exactly_the_cards_past_it_lowest_recall_first():
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    scheduler = S.make_scheduler()
    # ten review cards due, recall falling with the card id; two learning cards always shown
    infos = {k: review_info(k, 30.0 - 2 * k, 10, now) for k in range(1, 11)}
    infos[11] = CardInfo(11, now - timedelta(minutes=5), State.Learning, False, 1.0, now)
    infos[12] = CardInfo(12, now - timedelta(minutes=2), State.Relearning, False, 1.0, now)
    recall = {k: planning.recall_at(scheduler, i, now) for k, i in infos.items()}
    queue = S.build_queue(
        list(infos),
        infos,
        now,
        DAY,
        new_per_day=0,
        introduced_today=0,
        review_room=4,
        recall=lambda i: recall[i.card_id],
    )
    shown = [e.card_id for e in queue.entries]
    lowest = sorted(range(1, 11), key=lambda k: recall[k])[:4]
    assert lowest == [10, 9, 8, 7]
    assert shown == [11, 12, *lowest]
    assert queue.held_back == 6 and queue.due_total == 6
    # under the cap nothing changes: most overdue first, nothing held
    free = S.build_queue(
        list(infos), infos, now, DAY, new_per_day=0, introduced_today=0, review_room=10
    )
    assert free.held_back == 0 and len(free.entries) == 12


def test_the_cap_counts_todays_reviews_and_the_sitting_holds_the_rest(
    tmp_path, refresher_home, monkeypatch
):
    bank = open_bank(str(write_bank(tmp_path, 9)))
    config = save(refresher_home, new_per_day=9, max_reviews_per_day=4)
    at(monkeypatch, START)
    sit(bank, config, 1, Rating.Good)  # all nine learnt: Good, Good
    at(monkeypatch, START + timedelta(hours=1))
    sit(bank, config, 1, Rating.Good)  # the last one's second step
    at(monkeypatch, START + timedelta(days=20))  # long away: all nine due
    with open_sitting(bank, bank.questions, config, new_per_day=0) as sitting:
        queue, now = sitting.start()
        assert queue.held_back == 5 and queue.due_count == 4
        infos = sitting.store.card_infos(bank.id)
        scheduler = S.make_scheduler()
        shown = [e.card_id for e in queue.entries]
        by_recall = sorted(infos, key=lambda k: (planning.recall_at(scheduler, infos[k], now), k))
        assert shown == by_recall[:4]
        while (card := sitting.next_card()) is not None:
            offer = sitting.offer(card)
            sitting.rate(
                card, Rating.Good, outcome=S.self_rated(Rating.Good), auto=False, seconds=1,
                offer=offer,
            )  # fmt: skip
        end = sitting.finish()
    assert end.after.held_back == 5 and not end.after.entries  # today's four are done
    at(monkeypatch, START + timedelta(days=21))  # the next day: the backlog's next four
    with open_sitting(bank, bank.questions, config, new_per_day=0) as sitting:
        queue, _ = sitting.start()
    assert queue.due_count == 4 and queue.held_back == 1


def test_pace_and_landing_days():
    target = planning.Target(date(2026, 12, 21), 3)
    assert planning.pace(target, date(2026, 11, 30), 45) == 3  # 18 days before the buffer
    assert planning.pace(target, date(2026, 12, 15), 7) == 3  # 15, 16, 17 December
    assert planning.pace(target, date(2026, 12, 17), 7) == 7  # the last day before the buffer
    assert planning.pace(target, date(2026, 12, 18), 7) == 0  # the buffer holds no new cards
    assert planning.pace(target, date(2026, 12, 21), 7) == 0  # the day has come
    assert planning.new_allowance(10, 3, 2) == 8 and planning.new_allowance(1, 3, 2) == 1
    assert target.landing_days(date(2026, 12, 1)) == [
        date(2026, 12, 18),
        date(2026, 12, 19),
        date(2026, 12, 20),
    ]
    assert target.landing_days(date(2026, 12, 19)) == [date(2026, 12, 21)]
    assert planning.retention_for(target, date(2026, 12, 13), 0.9) == 0.9
    assert planning.retention_for(target, date(2026, 12, 14), 0.9) == 0.95
    assert planning.retention_for(target, date(2026, 12, 21), 0.9) == 0.9


def test_a_long_interval_lands_on_the_least_loaded_buffer_day():
    target = planning.Target(date(2026, 12, 21), 3)
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    scheduler = S.make_scheduler()
    rated = S.rate(scheduler, None, 1, Rating.Easy, now)  # a new card, Easy: 8 days
    assert DAY.date_of(rated.after.card.due) == date(2026, 12, 9)
    assert planning.shorten(rated, target, DAY, {}) == rated  # before the date: unchanged
    later = S.rate(scheduler, rated.after, 1, Rating.Easy, rated.after.card.due)
    assert DAY.date_of(later.after.card.due) > target.day
    loads = {date(2026, 12, 18): 4, date(2026, 12, 19): 2, date(2026, 12, 20): 3}
    short = planning.shorten(later, target, DAY, loads)
    assert DAY.date_of(short.after.card.due) == date(2026, 12, 19)  # the least loaded
    tie = planning.shorten(later, target, DAY, {date(2026, 12, 18): 1})
    assert DAY.date_of(tie.after.card.due) == date(2026, 12, 20)  # on a tie, the latest
    assert short.after.card.due.time() == later.log.review_datetime.time()
    assert short.after.card.stability == later.after.card.stability
    assert short.interval == timedelta(days=10)


def test_new_cards_are_interleaved_across_topics_and_kinds():
    items = [(k, "rnn", "card") for k in range(6)]
    items += [(10 + k, "lstm", "open") for k in range(3)]
    items += [(20 + k, "gru", "numeric" if k % 2 else "card") for k in range(3)]
    order = planning.new_order(items, "interleaved")
    assert sorted(order) == sorted(i for i, _, _ in items)
    first = order[:4]
    assert {k // 10 for k in first} == {0, 1, 2}  # every topic in the first four
    assert order.index(21) == 6  # gru's numeric question in the middle, as 1 of 3 gru cards
    assert planning.new_order(items, "bank") == [i for i, _, _ in items]
    shuffled = planning.new_order(items, "random", seed=3)
    assert shuffled == planning.new_order(items, "random", seed=3) != order


def test_the_bundled_bank_shows_every_kind_in_the_first_days():
    bank = open_bank(None)
    items = [(k, q.topic, q.type) for k, q in enumerate(bank.questions)]
    order = planning.new_order(items, "interleaved")
    first_days = {bank.questions[k].type for k in order[:30]}
    assert {"open", "numeric", "card", "choice"} <= first_days
    assert {bank.questions[k].topic for k in order[:30]} == set(bank.topics)


# --- the command --------------------------------------------------------------------------------


def test_plan_json_and_view(tmp_path, refresher_home, monkeypatch):
    bank_path = write_bank(tmp_path, 12)
    save(refresher_home)
    at(monkeypatch, START)
    runner = CliRunner()
    result = runner.invoke(app, ["plan", str(bank_path), "--date", "2026-12-21", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["interview_date"] == "2026-12-21" and data["days_left"] == 21
    assert data["status"] == "ahead" and data["buffer_from"] == "2026-12-18"
    assert data["cards"] == {
        "new": 12,
        "learning": 0,
        "review": 0,
        "relearning": 0,
        "suspended": 0,
        "total": 12,
    }
    assert data["pace"] == 1 and data["today_plan"]["new"] == 10  # new_per_day is more
    assert data["today_plan"]["seconds_from"] == "default"
    assert data["readiness"] == 0 and data["readiness_by_topic"] == dict.fromkeys(TOPICS, 0)
    for width in (60, 100):
        monkeypatch.setenv("COLUMNS", str(width))
        out = runner.invoke(app, ["plan", str(bank_path), "--date", "2026-12-21"]).stdout
        assert "21 days left" in out and "Readiness" in out and "Weakest:" in out
        assert max(len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "20-12-2026"])
def test_a_bad_date_is_one_line(value):
    result = CliRunner().invoke(app, ["plan", "--date", value])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "--date" in result.stderr
    assert "Traceback" not in result.output


def test_a_fresh_history_plans_today_at_the_pace(refresher_home, monkeypatch):
    # no question has a card id yet: today's target must still follow the pace, as review will
    from typer.testing import CliRunner

    from refresher.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["config", "interview_date", "2026-12-20"]).exit_code == 0
    monkeypatch.setenv("REFRESHER_NOW", "2026-12-01T09:00:00+00:00")
    result = runner.invoke(app, ["plan", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pace"] > data["new_per_day"]
    assert data["today_plan"]["new"] == data["pace"]


def test_plan_on_a_fresh_store_asks_for_the_pace_review_will_show(
    tmp_path, refresher_home, monkeypatch
):
    """Before any review, `plan` counts the bank's unseen questions for today's new cards as
    `review` does (the pace above new_per_day), not only those the store already knows."""
    bank_path = write_bank(tmp_path, 45)
    config = save(refresher_home, new_per_day=2)
    at(monkeypatch, START)
    args = ["plan", str(bank_path), "--date", "2026-12-21", "--json"]
    before = json.loads(CliRunner().invoke(app, args).stdout)
    assert before["pace"] == 3  # 45 cards over the 18 days before the buffer
    assert before["today_plan"]["new"] == 3
    bank = open_bank(str(bank_path))
    config = replace(config, interview_date=date(2026, 12, 21))
    with open_sitting(bank, bank.questions, config, new_per_day=2) as sitting:
        queue, _ = sitting.start()
    assert sum(1 for e in queue.entries if e.new) == 3
    after = json.loads(CliRunner().invoke(app, args).stdout)
    assert after["today_plan"] == before["today_plan"]
