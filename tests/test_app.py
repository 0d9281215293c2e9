"""The app layer on its own, as a second front end would use it: no CLI, time injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from refresher.app import banks as app_banks
from refresher.app import quiz as app_quiz
from refresher.app import settings as app_settings
from refresher.app import stats as app_stats
from refresher.app.review import CardView, ReviewSitting, open_cards, open_sitting
from refresher.banks import load as banks
from refresher.core.errors import InputError, RefresherError
from refresher.env.config import Config
from refresher.kinds.card import CardQuestion
from refresher.quiz.round import Item, Mode, Round, make_items
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating
from refresher.storage.store import open_store

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
MINI_BANK = Path(__file__).parent / "data" / "mini.yaml"
EXACT = Config(fuzz=False)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_review_sitting_rates_undoes_and_reports(mini_path):
    bank = banks.load_bank(mini_path)
    clock = Clock(T0)
    cards = [q for q in bank.questions if q.self_graded]
    with open_sitting(bank, cards, EXACT, new_per_day=5, seed=1, clock=clock) as sitting:
        queue, now = sitting.start()
        assert now == T0 and queue.new_count == len(cards) > 0
        card = sitting.next_card()
        assert isinstance(card, CardView) and card.status == "new" and card.position == 1
        offer = sitting.offer(card)
        assert offer.intervals[S.Rating.Good] == timedelta(minutes=10)
        done = sitting.rate(
            card, S.Rating.Good, outcome=S.self_rated(S.Rating.Good), auto=False, seconds=3,
            offer=offer,
        )  # fmt: skip
        assert done.result.after.card.due == T0 + timedelta(minutes=10) and done.again
        undone = sitting.undo()
        assert undone.done is not None and undone.question == card.question
        assert sitting.next_card().entry == card.entry  # the undone card comes back first
        end = sitting.finish()
        assert end.summary.ratings == 0 and end.now == T0
    with open_store() as store:
        assert store.card_infos() == {}


def test_the_previewed_rating_is_stored_as_shown_unless_the_card_changed(refresher_home):
    q = CardQuestion(bank_id="b", id="c", topic="t", prompt="front", back="back")
    fuzzy = S.make_scheduler(fuzz=True)
    with open_store() as store:
        card_id = store.question_id("b", "c")
        rate = dict(scheduler=fuzzy, leech_threshold=8, question=q, seconds=1.0, auto=False)
        first = store.rate_card(CardRating(card_id, S.Rating.Easy,
                                outcome=S.self_rated(S.Rating.Easy), now=T0, **rate))  # fmt: skip
        shown = store.card_state(card_id)
        later = T0 + timedelta(days=30)
        preview = S.preview(fuzzy, shown, card_id, later)[S.Rating.Good]
        kept = store.rate_card(CardRating(card_id, S.Rating.Good, outcome=S.self_rated(S.Rating.Good),
                               now=later, shown=shown, preview=preview, **rate))  # fmt: skip
        assert kept.rated.after.card.due == preview.after.card.due  # fuzz included
        assert kept.rated.log.review_duration == 1000
        # shown a state that another window has since changed: computed from the stored one
        stale = store.rate_card(CardRating(card_id, S.Rating.Good, outcome=S.self_rated(S.Rating.Good),
                                now=later, shown=shown, preview=preview, **rate))  # fmt: skip
        assert stale.rated.before == kept.rated.after and stale.rated.after.reps == 3
    assert first.rated.after.reps == 1


def test_a_quiz_history_records_each_answer_at_once(mini_path):
    bank = banks.load_bank(mini_path)
    clock = Clock(T0)
    item: Item = make_items([bank.questions[0]], __import__("random").Random(1), shuffle=False)[0]
    with app_quiz.open_history(clock=clock) as history:
        round_id = history.start_round(bank.id, Mode.PRACTICE.value, 7)
        answered = Round([item]).answer("A")
        history.record(answered, mode="practice", round_id=round_id)
        with open_store() as other:  # committed: another connection sees it now
            assert [(a.qid, a.correct) for a in other.attempts()] == [("rnn-acronym", False)]
        history.record_skip(item, mode="practice", round_id=round_id)
    with open_store() as store:
        assert app_quiz.missed_ids(store, bank, None, [], T0) == ["rnn-acronym"]
        assert app_quiz.missed_ids(store, bank, 1, [], T0 + timedelta(hours=1)) == ["rnn-acronym"]
        with pytest.raises(InputError, match="--missed-days"):
            app_quiz.missed_ids(store, bank, 10**9, [], T0)


def test_seeds_beyond_the_history_are_refused_before_anything_is_stored(refresher_home):
    with app_quiz.open_history() as history, pytest.raises(InputError, match="--seed"):
        history.start_round("b", "practice", 10**30, T0)
    with open_store() as store:
        assert store.conn.execute("SELECT count(*) FROM rounds").fetchone()[0] == 0


def test_broken_user_banks_come_back_as_data(refresher_home):
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("id: broken\nquestions: 3\n")
    loaded, skipped = app_banks.load_all()
    assert loaded and [s.path.name for s in skipped] == ["broken.yaml"]
    assert skipped[0].problem.startswith(str(folder / "broken.yaml"))


def test_stats_settings_and_unsuspend_without_a_terminal(mini_path, monkeypatch):
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    assert app_settings.change("new_per_day", "3") == "3"
    assert app_settings.shown_value("new_per_day") == "3"
    path, rows = app_settings.rows()
    assert path.name == "config.toml" and rows[1].name == "new_per_day" and rows[1].value == "3"
    report = app_stats.gather(str(mini_path), 14)
    assert report.title == "Mini bank for tests" and report.skipped == []
    with open_cards() as cards, pytest.raises(RefresherError, match="no card"):
        cards.unsuspend("9" * 30)


def test_a_sitting_takes_its_time_from_the_clock(mini_path):
    bank = banks.load_bank(mini_path)
    with open_store() as store:
        sitting = ReviewSitting(store, bank, bank.questions, EXACT, new_per_day=0)
        assert sitting.build_queue(T0).entries == ()


def test_a_numeric_card_back_after_its_answer_comes_with_new_numbers(refresher_home):
    # learn-ahead shows an Again card in the same sitting: the answer was just on screen, so
    # the same numbers would only be copied; an undone card comes back exactly as it was
    from refresher.banks.catalog import bank_paths

    bank = banks.load_bank(bank_paths()[0])
    (q,) = [q for q in bank.questions if q.id == "bptt-contribution-norms"]
    clock = Clock(T0)
    with open_sitting(bank, [q], EXACT, new_per_day=5, seed=4, clock=clock) as sitting:
        sitting.start()
        first = sitting.next_card()
        inputs = first.item.instance.spec
        offer = sitting.offer(first)
        wrong = S.self_rated(S.Rating.Again)
        sitting.rate(first, S.Rating.Again, outcome=wrong, auto=True, seconds=2, offer=offer)
        sitting.undo()
        assert sitting.next_card().item.instance.spec == inputs  # undone: as it was
        again = sitting.next_card()
        offer = sitting.offer(again)
        sitting.rate(again, S.Rating.Again, outcome=wrong, auto=True, seconds=2, offer=offer)
        back = sitting.next_card()
        assert back is not None and back.entry.card_id == first.entry.card_id
        assert back.item.instance.spec != inputs  # shown again: fresh numbers


def test_a_planned_round_is_the_seeded_round_and_its_retry_reorders_the_options(mini_path):
    plan = app_quiz.plan_round(str(mini_path), seed=4, tries=1)
    again = app_quiz.plan_round(str(mini_path), seed=4, tries=1)
    assert [i.question.id for i in plan.items] == [i.question.id for i in again.items]
    assert plan.matched == len(plan.bank.questions) == len(plan.items)
    assert plan.seed == 4 and plan.tries == 1 and plan.mode is Mode.PRACTICE
    rnd = plan.start()
    choice = next(i for i in plan.items if i.question.type == "choice")
    while rnd.current is not choice:
        rnd.skip()
    wrong = next(letter for k, letter in enumerate("ABCD") if choice.order[k] != 1)
    rnd.answer(wrong)
    summary = rnd.summary(0.0)
    plan.retry(summary.misses)
    assert [i.question.id for i in plan.items] == [choice.question.id]
    assert plan.items[0].order != choice.order  # a new letter for the right option
    unshuffled = app_quiz.plan_round(str(mini_path), shuffle=False, tries=1, types=["choice"])
    unshuffled.retry([summary.misses[0]])
    assert unshuffled.items[0].order == choice.order


def test_a_planned_drill_names_its_kinds_and_replays_from_its_seed():
    with pytest.raises(RefresherError, match="kinds in session-14: .*pool"):
        app_quiz.plan_drill(None, None)
    with pytest.raises(RefresherError, match="no numeric questions to drill"):
        app_quiz.plan_drill(str(MINI_BANK), None)
    one, two = app_quiz.plan_drill("pool", None, seed=3), app_quiz.plan_drill("pool", None, seed=3)
    rnd_one, rnd_two = one.start(), two.start()
    for _ in range(3):
        one.next_into(rnd_one)
        two.next_into(rnd_two)
    assert [i.instance.seed for i in rnd_one.items] == [i.instance.seed for i in rnd_two.items]
    assert [i.question.id for i in rnd_one.items] == [i.question.id for i in rnd_two.items]
    rnd_one.skip()
    one.finish(rnd_one)
    assert len(rnd_one.items) == 1
    with pytest.raises(InputError, match="--seed: at most"):
        app_quiz.plan_drill("pool", None, seed=2**70)
