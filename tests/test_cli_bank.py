"""`refresher banks` and `refresher check`."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from refresher.cli import app

BAD = """\
id: bad
title: Bad
topics: {rnn: RNN}
questions:
  - id: q1
    type: choice
    topic: rnn
    promt: Hello
    options: [a, b]
    answer: C
"""


def test_check_bundled_banks_is_clean():
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "session-14" in result.output and "no problems" in result.output


def test_check_reports_every_problem_with_file_and_line(tmp_path, mini_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(BAD)
    shutil.copy(mini_path, tmp_path / "mini.yaml")
    result = CliRunner().invoke(app, ["check", "bad.yaml", "mini.yaml"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "bad.yaml:5: q1: missing required key 'prompt'",
        "bad.yaml:8: q1: unknown key 'promt' for a choice question (did you mean 'prompt'?)",
        "bad.yaml:10: q1: answer C is not among the options A-B",
    ]
    assert result.stderr.strip() == "1 of 2 bank files has problems"
    assert "mini.yaml  mini: 6 questions, no problems" in result.output


def test_check_a_folder_and_a_missing_file(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1 and "did you mean 'prompt'" in result.stdout
    result = CliRunner().invoke(app, ["check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no such bank file")


def test_quiz_on_a_bad_bank_is_one_clear_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(BAD)
    result = CliRunner().invoke(app, ["quiz", "bad.yaml"])
    assert result.exit_code == 1
    assert "bad.yaml:10: q1: answer C is not among the options A-B" in result.stderr
    assert "Traceback" not in result.stderr


def test_banks_lists_counts_and_json(refresher_home, mini_path):
    (refresher_home / "banks").mkdir(parents=True)
    shutil.copy(mini_path, refresher_home / "banks" / "mini.yaml")
    result = CliRunner().invoke(app, ["banks"])
    assert result.exit_code == 0
    assert "Session 14" in result.output and "Mini bank for tests" in result.output
    data = json.loads(CliRunner().invoke(app, ["banks", "--json"]).stdout)  # warnings: stderr
    ids = [b["id"] for b in data]
    assert ids == ["session-14", "mini"]
    mini = data[1]
    assert mini["questions"] == 6
    assert mini["by_type"] == {
        "choice": 1,
        "multi": 1,
        "truefalse": 1,
        "blank": 1,
        "open": 1,
        "card": 1,
    }
    assert mini["by_topic"] == {"rnn": 3, "lstm": 3}


def test_user_banks_can_be_quizzed_by_id(refresher_home, mini_path):
    (refresher_home / "banks").mkdir(parents=True)
    shutil.copy(mini_path, refresher_home / "banks" / "mini.yaml")
    result = CliRunner().invoke(app, ["quiz", "mini", "--no-shuffle"], input="B\nq\n")
    assert result.exit_code == 0 and "Score: 1/1" in result.output


def test_check_keeps_going_past_an_unreadable_file(tmp_path):
    (tmp_path / "a-bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "b-bad.yaml").write_text(BAD)
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "a-bin.yaml:1: -: not UTF-8 text" in result.stdout
    assert "b-bad.yaml:10: q1: answer C is not among the options A-B" in result.stdout
    assert result.stderr.strip() == "2 of 2 bank files have problems"


def test_check_reports_structure_and_compute_problems_together(tmp_path):
    text = (
        BAD
        + """\
  - id: n1
    type: numeric
    topic: rnn
    prompt: P
    compute: {kind: poool}
"""
    )
    (tmp_path / "both.yaml").write_text(text)
    result = CliRunner().invoke(app, ["check", str(tmp_path / "both.yaml")])
    out = result.stdout
    assert "answer C is not among the options A-B" in out
    assert ":11: n1: compute: unknown kind 'poool' (did you mean 'pool'?)" in out


def test_banks_skips_a_broken_user_bank(refresher_home):
    (refresher_home / "banks").mkdir(parents=True)
    (refresher_home / "banks" / "bad.yaml").write_text(BAD)
    result = CliRunner().invoke(app, ["banks"])
    assert result.exit_code == 0
    assert "Session 14" in result.stdout
    assert result.stderr.startswith("warning: skipped ") and "bad.yaml:5: q1:" in result.stderr


def test_banks_warns_when_two_banks_share_an_id_or_question_ids(refresher_home):
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    one = "id: {id}\ntitle: {id}\ntopics: {{t: T}}\nquestions:\n" + "".join(
        f"  - {{{{id: {qid}, type: card, topic: t, front: F{qid}, back: B}}}}\n"
        for qid in ("a", "b", "c", "d")
    )
    (folder / "first.yaml").write_text(one.format(id="deck"))
    (folder / "second.yaml").write_text(one.format(id="deck"))
    (folder / "third.yaml").write_text(one.format(id="other"))
    result = CliRunner().invoke(app, ["banks"])
    assert result.exit_code == 0
    err = result.stderr
    assert "first.yaml and " in err and "second.yaml have one id 'deck'" in err
    assert "their progress would be one history" in err
    assert "banks 'deck' and 'other' share 4 question ids (a, b, c, ...)" in err
    assert "Session 14" in result.stdout
    alone = CliRunner().invoke(app, ["banks"], env={"REFRESHER_HOME": str(refresher_home / "x")})
    assert "share" not in alone.stderr and "have one id" not in alone.stderr


@pytest.mark.parametrize("odd", ["folder", "dangling link"])
def test_a_folder_or_a_dangling_link_among_the_banks_is_skipped(refresher_home, tmp_path, odd):
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    entry = folder / "odd.yaml"
    if odd == "folder":
        entry.mkdir()
    else:
        entry.symlink_to(tmp_path / "nowhere.yaml")
    runner = CliRunner()
    home = runner.invoke(app, [])
    assert home.exit_code == 0, home.output
    assert "session-14" in home.stdout and "odd.yaml" in home.output
    for args in (["banks"], ["stats", "--no-pager"], ["find", "lstm"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout.strip()
        warned = [line for line in result.stderr.splitlines() if "odd.yaml" in line]
        assert len(warned) == 1, (args, result.stderr)
        assert warned[0].startswith("warning: skipped ")
        assert warned[0].endswith("(see `refresher check odd`)")
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 1
    named = [line for line in check.stdout.splitlines() if "odd.yaml" in line]
    assert len(named) == 1 and "odd.yaml:1: -: " in named[0], check.stdout
    assert "session-14: 251 questions, no problems" in " ".join(check.stdout.split())
    assert check.stderr.strip() == "1 of 2 bank files has problems"
    assert runner.invoke(app, ["check", "odd"]).stdout == "\n".join(named) + "\n"
    unknown = runner.invoke(app, ["quiz", "nosuch"])
    assert unknown.exit_code == 1 and "available: session-14 (not loaded" in unknown.stderr
    assert "odd.yaml" in unknown.stderr
