"""Related questions kept apart: a `group:` (or, weakly, a shared tag) keeps two questions from
being asked back to back in a shuffled round, and in `review` a card answered today buries its
group's new or due siblings until the next day (as Anki buries siblings); `check` validates it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.app.quiz import plan_round
from refresher.banks.load import check_file, parse_bank
from refresher.cli import app
from refresher.env import config as settings
from refresher.env.paths import config_file
from refresher.quiz.related import back_to_back, spread

FORGET_BIAS = ["card-forget-bias-init", "forget-bias-choice", "forget-bias-blank"]
OTHERS = ["rnn-acronym", "pooling-has-weights-tf", "gru-gate-count-blank", "lstm-acronym-blank"]

GROUPED = """\
id: grouped
title: Grouped
topics: {lstm: LSTM}
questions:
  - id: bias-card
    type: card
    topic: lstm
    tags: [forget-gate]
    group: forget-bias
    front: Why is the forget-gate bias set to 1?
    back: So the gate starts open; b_f = 1.
  - id: bias-blank
    type: blank
    topic: lstm
    tags: [forget-gate]
    group: [forget-bias]
    prompt: The forget-gate bias b_f is set to ____.
    answer: ["1", one]
    explanation: A bias of 1 keeps the gate open.
  - id: other-card
    type: card
    topic: lstm
    tags: [cell]
    front: What does the cell state carry?
    back: The long-term memory.
"""


def test_a_seeded_round_never_asks_two_of_a_group_back_to_back() -> None:
    ids = FORGET_BIAS + OTHERS
    for seed in range(40):
        plan = plan_round(None, ids=ids, seed=seed)
        order = [i.question.id for i in plan.items]
        assert sorted(order) == sorted(ids)
        pairs = list(zip(order, order[1:], strict=False))
        assert not [p for p in pairs if set(p) <= set(FORGET_BIAS)], (seed, order)


def test_no_shuffle_keeps_the_bank_order() -> None:
    plan = plan_round(None, ids=FORGET_BIAS, shuffle=False)
    assert [i.question.id for i in plan.items] == FORGET_BIAS  # the bank's order, asked for


def test_spread_prefers_unrelated_then_a_shared_tag_only() -> None:
    bank = parse_bank(GROUPED)
    card, blank, other = bank.questions
    assert spread([card, blank, other]) == [card, other, blank]
    assert back_to_back(spread([card, blank])) == 1  # nothing else to put between them
    tagged = parse_bank(
        GROUPED.replace("group: forget-bias", "").replace("group: [forget-bias]", "")
    )
    a, b, c = tagged.questions
    assert spread([a, b, c]) == [a, c, b]  # a shared tag, the fallback, keeps them apart too


def test_the_session_bank_groups_the_forget_bias_items() -> None:
    from refresher.app.banks import open_bank

    bank = open_bank(None)
    grouped = {q.id for q in bank.questions if "forget-bias" in q.group}
    assert set(FORGET_BIAS) <= grouped
    assert all(q.tags for q in bank.questions)  # the bundled bank tags every question


def test_check_reports_a_group_used_once_and_a_bad_group(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        GROUPED.replace("group: [forget-bias]", "group: forget-bais").replace(
            "tags: [cell]", "tags: [cell]\n    group: [Not A Name]"
        ),
        encoding="utf-8",
    )
    _, problems = check_file(path)
    assert any(
        ":9: bias-card: group 'forget-bias' has no other question (did you mean 'forget-bais'?)"
        in p
        for p in problems
    ), problems
    assert any("other-card: 'group' must be a name like forget-bias" in p for p in problems)


@pytest.fixture
def grouped_bank(tmp_path: Path, refresher_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.save(config_file(refresher_home), settings.Config(fuzz=False))
    path = tmp_path / "grouped.yaml"
    path.write_text(GROUPED, encoding="utf-8")
    return path


def _review(bank: Path, when: datetime, answers: str, monkeypatch) -> str:
    monkeypatch.setenv("REFRESHER_NOW", when.isoformat())
    result = CliRunner().invoke(app, ["review", str(bank), "--seed", "1"], input=answers)
    assert result.exit_code == 0, result.output
    return result.output


def test_review_buries_the_siblings_of_a_card_answered_today(grouped_bank, monkeypatch) -> None:
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    out = _review(grouped_bank, now, "\n4\n\n4\n", monkeypatch)  # Easy: out of today's queue
    assert "0 due · 3 new" in out
    assert "↷ Its related card waits for tomorrow." in out  # said when the card is rated
    assert "What does the cell state carry?" in out
    assert "The forget-gate bias b_f is set to" not in out  # buried: not shown today
    later = _review(grouped_bank, now + timedelta(hours=2), "q\n", monkeypatch)
    assert "Nothing to review" in later and "1 related card waits for tomorrow" in later
    tomorrow = _review(grouped_bank, now + timedelta(days=1), "q\n", monkeypatch)
    assert "The forget-gate bias b_f is set to" in tomorrow


def test_a_buried_new_card_gives_its_place_to_the_next_new_one(
    grouped_bank, refresher_home, monkeypatch
) -> None:
    settings.save(config_file(refresher_home), settings.Config(fuzz=False, new_per_day=2))
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    out = _review(grouped_bank, now, "\n4\n\n4\n", monkeypatch)
    assert "0 due · 2 new" in out and "↷ Its related card waits for tomorrow." in out
    assert "What does the cell state carry?" in out  # today's second new card all the same
    assert "Rated: 2 cards" in out
