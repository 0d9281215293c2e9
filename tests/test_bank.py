"""The bank loader: every kind of problem is reported with its line and question id."""

from __future__ import annotations

import textwrap

import pytest

from refresher.banks.catalog import bank_paths, resolve
from refresher.banks.load import load_bank, parse_bank
from refresher.core.errors import BankError, RefresherError

HEAD = """\
id: demo
title: Demo
topics: {rnn: RNN}
questions:
"""


def problems(body: str) -> list[str]:
    with pytest.raises(BankError) as info:
        parse_bank(HEAD + textwrap.dedent(body), "demo.yaml")
    return info.value.problems


def test_mini_bank_loads_every_kind(mini_path):
    bank = load_bank(mini_path)
    assert bank.id == "mini"
    kinds = {q.type for q in bank.questions}
    assert kinds == {
        "choice",
        "multi",
        "truefalse",
        "blank",
        "open",
        "card",
    }
    choice = bank.get("rnn-acronym")
    assert choice.answer == 1 and choice.line == 5 and choice.key == "mini/rnn-acronym"
    assert bank.get("lstm-sigmoid-gates").answers == frozenset({0, 1, 3})


def test_unknown_key_names_line_and_suggests():
    out = problems(
        """\
          - id: q1
            type: choice
            topic: rnn
            promt: Hello
            options: [a, b]
            answer: A
        """
    )
    assert "demo.yaml:5: q1: missing required key 'prompt'" in out
    assert (
        "demo.yaml:8: q1: unknown key 'promt' for a choice question (did you mean 'prompt'?)" in out
    )


def test_answer_letter_out_of_range():
    out = problems(
        """\
          - id: q1
            type: choice
            topic: rnn
            prompt: P
            options: [a, b]
            answer: C
        """
    )
    assert out == ["demo.yaml:10: q1: answer C is not among the options A-B"]


def test_duplicate_ids_unknown_type_and_topic_all_reported():
    out = problems(
        """\
          - id: q1
            type: truefalse
            topic: rnn
            prompt: P
            answer: true
          - id: q1
            type: choise
            topic: rnn
          - id: q2
            type: blank
            topic: cnn
            prompt: The ____
            answer: x
        """
    )
    assert out[0] == "demo.yaml:10: q1: duplicate id (first used on line 5)"
    assert out[1].startswith("demo.yaml:11: q1: unknown type 'choise' (did you mean 'choice'?)")
    assert out[2] == "demo.yaml:15: q2: unknown topic 'cnn'; the bank's topics are: rnn"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  - id: q\n    type: truefalse\n    topic: rnn\n    prompt: P\n    answer: maybe\n",
            "demo.yaml:9: q: 'answer' of a truefalse question must be true or false, found 'maybe'",
        ),
        (
            "  - id: q\n    type: multi\n    topic: rnn\n    prompt: P\n    options: [a, b]\n    answer: A\n",
            "demo.yaml:10: q: 'answer' of a multi question must be a list of letters like [A, C]",
        ),
        (
            "  - id: q\n    type: open\n    topic: rnn\n    prompt: P\n",
            "demo.yaml:5: q: missing required key 'answer'",
        ),
        (
            "  - id: q\n    type: card\n    topic: rnn\n    front: F\n    back: ''\n",
            "demo.yaml:9: q: 'back' must be non-empty text",
        ),
        (
            "  - id: Bad Id\n    type: card\n    topic: rnn\n    front: F\n    back: B\n",
            "demo.yaml:5: Bad Id: 'id' must be lower-case letters, digits, '-' or '_' (like rnn-acronym)",
        ),
        (
            "  - id: q\n    type: choice\n    topic: rnn\n    prompt: P\n    options: [a]\n    answer: A\n",
            "demo.yaml:9: q: 'options' needs 2-26 entries, found 1",
        ),
        (
            "  - id: q\n    type: numeric\n    topic: rnn\n    prompt: P\n    compute: 3\n",
            "demo.yaml:9: q: 'compute' must be a mapping with a 'kind' (e.g. {kind: pool, ...})",
        ),
        ("  - just a string\n", "demo.yaml:5: #1: each question must be a mapping of keys"),
    ],
)
def test_field_problems(body, expected):
    assert problems(body) == [expected]


def test_duplicate_yaml_key_is_reported():
    out = problems(
        "  - id: q\n    type: truefalse\n    topic: rnn\n    prompt: P\n    answer: true\n    answer: false\n"
    )
    assert out == ["demo.yaml:10: q: duplicate key 'answer'"]  # named by its question


def test_a_raw_control_character_is_named_by_its_line_and_question_and_the_rest_is_checked():
    """YAML refuses a raw control character before anything is read: each line holding one is
    a problem of its question, and the file is read on (a stand-in for each) for the rest."""
    out = problems(
        "  - id: fine\n    type: card\n    topic: rnn\n    front: F\n    back: B\n"
        "  - id: z\n    type: card\n    topic: rnn\n    front: 'a\x1bb \x1b'\n    back: 'B\x7f'\n"
        "  - id: y\n    type: card\n    topic: nowhere\n    front: F\n    back: B\n"
    )
    assert out == [
        "demo.yaml:13: z: control character U+001B: YAML allows none as is (remove it)",
        "demo.yaml:14: z: control character U+007F: YAML allows none as is (remove it)",
        "demo.yaml:17: y: unknown topic 'nowhere'; the bank's topics are: rnn",
    ]


def test_control_characters_on_many_lines_name_the_first_lines_then_say_more_follow():
    from refresher.formats import yaml as reader

    body = "".join(
        f"  - id: q{k}\n    type: card\n    topic: rnn\n    front: 'x\x07'\n    back: B\n"
        for k in range(30)
    )
    out = problems(body)
    shown = reader.REFUSED_SHOWN
    assert len(out) == shown + 1
    assert out[0] == "demo.yaml:8: q0: control character U+0007: YAML allows none as is (remove it)"
    assert out[shown - 1].startswith(f"demo.yaml:{8 + 5 * (shown - 1)}: q{shown - 1}: ")
    assert (
        out[-1]
        == f"demo.yaml:{8 + 5 * (shown - 1)}: q{shown - 1}: and lines below hold more such characters"
    )


def test_syntax_error_gives_line_and_column():
    with pytest.raises(BankError) as info:
        parse_bank("id: x\nquestions: [a, b\n", "broken.yaml")
    assert info.value.problems == [
        "broken.yaml:3:1: YAML syntax error: did not find expected ',' or ']'"
        " (while parsing a flow sequence on line 2)"
    ]


def test_python_tags_are_refused_not_constructed():
    with pytest.raises(BankError) as info:
        parse_bank("id: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml")
    assert info.value.problems[0].startswith("evil.yaml:1: -: the tag !!python/object/apply")


def test_top_level_problems():
    with pytest.raises(BankError) as info:
        parse_bank("id: x\ntitel: T\ntopics: {}\nquestions: []\n", "t.yaml")
    out = info.value.problems
    assert "t.yaml:2: -: unknown top-level key 'titel' (did you mean 'title'?)" in out
    assert any("'questions' must be a non-empty list" in p for p in out)


def test_numbers_in_options_and_blank_answers_are_text():
    bank = parse_bank(
        HEAD
        + "  - id: q\n    type: blank\n    topic: rnn\n    prompt: LSTMs date from ____.\n    answer: 1997\n"
    )
    assert bank.questions[0].answers == ("1997",)


def test_resolve_unknown_bank_names_what_exists(mini_path):
    with pytest.raises(RefresherError, match=r"unknown bank 'nope'; available: .*mini"):
        resolve("nope", [mini_path])


def test_resolve_by_path_and_by_id(mini_path):
    assert resolve(str(mini_path), []).id == "mini"
    assert resolve("mini", [mini_path]).id == "mini"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(RefresherError, match="no such bank file"):
        load_bank(tmp_path / "none.yaml")


def test_bundled_banks_are_found_and_valid():
    paths = bank_paths()
    assert paths, "content/ should ship at least one bank"
    for path in paths:
        load_bank(path)


def test_the_parse_cache_gives_the_same_bank_and_follows_edits(tmp_path, mini_path, monkeypatch):
    import refresher.banks.load as bank_module

    cache = tmp_path / "cache"
    copy = tmp_path / "mini.yaml"
    copy.write_bytes(mini_path.read_bytes())
    first = load_bank(copy, cache)
    assert len(list(cache.glob("*.json"))) == 1
    calls = []
    monkeypatch.setattr(bank_module, "parse_bank", lambda *a: calls.append(a) or first)
    again = load_bank(copy, cache)
    assert calls == [] and again == first  # served from the cache, equal in every field
    monkeypatch.undo()
    copy.write_text(copy.read_text().replace("RNN stands for", "R.N.N. stands for"))
    edited = load_bank(copy, cache)
    assert edited.get("rnn-acronym").prompt.startswith("R.N.N.")
    assert len(list(cache.glob("*.json"))) == 2


def test_a_damaged_cache_entry_is_ignored_and_replaced(tmp_path, mini_path):
    cache = tmp_path / "cache"
    good = load_bank(mini_path, cache)
    (entry,) = cache.glob("*.json")
    entry.write_bytes(b"not json at all")
    assert load_bank(mini_path, cache) == good
    assert load_bank(mini_path, cache) == good


def test_a_broken_bank_is_never_cached(tmp_path):
    cache = tmp_path / "cache"
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "  - id: q\n    type: choice\n    topic: rnn\n")
    for _ in range(2):
        with pytest.raises(BankError):
            load_bank(bad, cache)
    assert not cache.exists() or not list(cache.glob("*.json"))
