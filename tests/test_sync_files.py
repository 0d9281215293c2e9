"""The sync folder's files: hostile lines refused one by one, copies and rollbacks read safely,
undo/overrule/suspension carried, other machines' files never written, the CLI's words, two
syncs at once, an older history brought in, and two git clones merged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.app import settings as app_settings
from refresher.app import sync as app_sync
from refresher.cli import app
from refresher.core.model import Outcome
from refresher.kinds.card import CardQuestion
from refresher.render import sync as show
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating
from refresher.storage import events
from refresher.storage.store import open_store

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SCHED = S.make_scheduler(fuzz=False)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def card(qid: str) -> CardQuestion:
    return CardQuestion(bank_id="b", id=qid, topic="t", prompt=f"front {qid}", back="back")


def machine(root: Path, name: str) -> Path:
    home = root / name
    home.mkdir(parents=True)
    (home / "machine-id").write_text(name + "\n")
    app_settings.change("fuzz", "false", home)
    return home


def rate(home: Path, qid: str, rating: S.Rating, now: datetime) -> int:
    with open_store(home) as store:
        q = card(qid)
        return store.rate_card(
            CardRating(
                store.question_id("b", qid),
                rating,
                scheduler=SCHED,
                question=q,
                outcome=S.self_rated(rating),
                seconds=2.0,
                now=now,
            )
        ).review_id


def sync(home: Path, folder: Path, now: datetime = T0) -> app_sync.SyncResult:
    return app_sync.sync(folder, home, Clock(now))


def table(home: Path, sql: str) -> list[tuple]:
    with open_store(home) as store:
        return store.conn.execute(sql).fetchall()


def states(home: Path) -> list[tuple]:
    return table(
        home,
        "SELECT q.qid, c.due, c.reps, c.suspended FROM cards c"
        " JOIN questions q ON q.id = c.question_id ORDER BY q.qid",
    )


@pytest.fixture
def pair(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    return machine(tmp_path, "laptop-1"), machine(tmp_path, "lab-2"), folder


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_reviews_undo_overrule_and_suspension_travel(pair):
    a, b, folder = pair
    first = rate(a, "c1", S.Rating.Good, T0)
    rate(a, "c2", S.Rating.Again, T0 + timedelta(seconds=1))
    with open_store(a) as store:
        wrong = store.record_attempt(
            card("c3"), Outcome(False, "typo", "x"), seconds=1.0, mode="practice", now=T0
        )
    sync(a, folder)
    result = sync(b, folder)
    assert show.summary_lines(result)[0] == (
        "brought in 2 reviews, 1 answer, 1 setting from laptop-1"
    )
    assert states(a) == states(b)
    with open_store(a) as store:
        store.undo_review(first)
        store.overrule_attempt(wrong)
        store.set_suspended(store.question_id("b", "c2"), True)
    before_b = digest(folder)
    sync(a, folder)
    assert {k: v for k, v in digest(folder).items() if k != "laptop-1.jsonl"} == {
        k: v for k, v in before_b.items() if k != "laptop-1.jsonl"
    }
    sync(b, folder)
    assert states(a) == states(b) and [s[0] for s in states(b)] == ["c2"]
    assert states(b)[0][3] == 1  # suspended there too
    assert table(b, "SELECT given, correct, overruled FROM attempts WHERE mode = 'practice'") == [
        ("typo", 1, 1)
    ]
    assert table(b, "SELECT count(*) FROM reviews") == [(1,)]
    from refresher.app import history as past

    with open_store(b) as store:
        made_on = {(r["question"], r["machine"]) for r in past.history(store, None, None)}
    assert made_on == {("c2", "laptop-1"), ("c3", "laptop-1")}


def test_a_card_reviewed_on_both_is_replayed_in_time_order_never_doubled(pair):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    rate(b, "c1", S.Rating.Easy, T0 + timedelta(hours=2))  # b had not seen a's review
    rate(a, "c1", S.Rating.Hard, T0 + timedelta(hours=5))
    for home in (a, b, a, b):
        sync(home, folder)
    state = None
    for rating, hours in ((S.Rating.Good, 0), (S.Rating.Easy, 2), (S.Rating.Hard, 5)):
        state = S.rate(SCHED, state, 1, rating, T0 + timedelta(hours=hours)).after
    assert states(a) == states(b)
    assert states(a)[0][1:3] == (state.card.due.isoformat(timespec="milliseconds"), 3)
    assert table(a, "SELECT count(*) FROM reviews") == [(3,)]


def _line(obj: dict) -> bytes:
    return events.seal({k: v for k, v in obj.items() if k != "sum"})


def test_hostile_lines_are_refused_one_by_one_and_reported_once_each(pair):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    sync(a, folder)
    good = (folder / "laptop-1.jsonl").read_bytes().splitlines(keepends=True)
    base = json.loads(good[0])
    newer = dict(base, v=events.FORMAT + 1, id="evil-9.1", machine="evil-9")
    bad_sum = dict(base, id="evil-9.2", machine="evil-9")
    control = dict(base, id="evil-9.3", machine="evil-9")
    control["payload"] = dict(control["payload"], answer=dict(base["payload"]["answer"]))
    control["payload"]["answer"]["given"] = "\x1b]0;owned\x07"
    odd_rating = dict(base, id="evil-9.4", machine="evil-9")
    odd_rating["payload"] = dict(odd_rating["payload"], rating=9)
    fine = dict(base, id="evil-9.5", machine="evil-9", card="b/c9")
    lines = [
        b"x" * (3 * 1024 * 1024) + b"\n",  # a huge line
        b"[" * 100_000 + b"]" * 100_000 + b"\n",  # deep JSON
        json.dumps(newer).encode() + b"\n",
        _line(bad_sum).replace(b'"sum":"', b'"sum":"0'),
        _line(control),
        _line(odd_rating),
        b"\xff\xfe not utf-8\n",
        *[b"junk %d\n" % k for k in range(20_000)],
        _line(fine),
        b'{"v":1,"id":"evil-9.6"',  # torn
    ]
    hostile = folder / "evil-9.jsonl"
    hostile.write_bytes(b"".join(lines))
    before = digest(folder)
    result = sync(b, folder)
    assert digest(folder) == {**before, "lab-2.jsonl": digest(folder)["lab-2.jsonl"]}
    problems = show.problem_lines(result)
    assert [p.split(" ", 1)[1].split(":")[0] for p in problems] == [
        "line too long skipped",
        "lines that are not refresher events skipped",
        "line from a newer refresher skipped (upgrade refresher to read them)",
        "line with a bad checksum skipped",
        "torn last line skipped (read again at the next sync)",
    ]
    assert problems[1].startswith("20,004 lines")  # deep, control, rating 9, not UTF-8, junk
    assert all(p.endswith("evil-9.jsonl") for p in problems)
    assert result.brought == {"evil-9": {"review": 1}, "laptop-1": {"review": 1, "setting": 1}}
    assert [s[0] for s in states(b)] == ["c1", "c9"]
    again = sync(b, folder)  # the torn line is still torn; nothing else is read again
    assert [p.split(" ", 1)[1][:4] for p in show.problem_lines(again)] == ["torn"]


def test_a_rolled_back_file_removes_nothing_and_our_own_is_written_again(pair):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    sync(a, folder)
    old = (folder / "laptop-1.jsonl").read_bytes()
    rate(a, "c2", S.Rating.Good, T0 + timedelta(minutes=1))
    sync(a, folder)
    sync(b, folder)
    (folder / "laptop-1.jsonl").write_bytes(old)  # the cloud restores an older copy
    result = sync(b, folder)
    assert [p.split(" ", 1)[1][:9] for p in show.problem_lines(result)] == ["file rewr"]
    assert [s[0] for s in states(b)] == ["c1", "c2"]
    mine = sync(a, folder)
    assert mine.rewritten_own == 1 and "written again" in show.summary_lines(mine)[-1]
    ids = [json.loads(x)["id"] for x in (folder / "laptop-1.jsonl").read_bytes().splitlines()]
    assert len(ids) == len(set(ids)) == 3  # c1, its setting, c2: once each
    with (folder / "laptop-1.jsonl").open("ab") as fh:
        fh.write(b'{"torn": ')  # a crash of ours mid-line: cut, then appended whole
    rate(a, "c3", S.Rating.Good, T0 + timedelta(minutes=2))
    sync(a, folder)
    sync(b, folder)
    assert states(a) == states(b)
    assert (folder / "laptop-1.jsonl").read_bytes().count(b"\n") == 4


def test_a_copied_data_folder_is_refused_in_one_line(pair, tmp_path):
    a, _, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    sync(a, folder)
    twin = tmp_path / "twin"
    shutil.copytree(a, twin)
    rate(a, "c3", S.Rating.Good, T0 + timedelta(hours=1))
    rate(a, "c4", S.Rating.Good, T0 + timedelta(hours=1))
    rate(twin, "c2", S.Rating.Good, T0 + timedelta(hours=2))  # the same id, another event
    sync(twin, folder)
    with pytest.raises(app_sync.RefresherError, match="another machine uses the id laptop-1"):
        sync(a, folder)


def test_the_cli_says_what_it_did_and_what_waits(pair, monkeypatch):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    status = runner.invoke(app, ["sync", str(folder), "--status", "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["to_send"] == 1
    done = runner.invoke(app, ["sync", str(folder)])
    assert done.output.splitlines() == [
        "nothing new from other machines",
        "sent 2 events from laptop-1",
    ]
    monkeypatch.setenv("REFRESHER_HOME", str(b))
    out = runner.invoke(app, ["sync", str(folder), "--json"])
    assert json.loads(out.output)["brought"] == {"laptop-1": {"review": 1, "setting": 1}}
    shown = runner.invoke(app, ["sync", str(folder), "--status"])
    assert "laptop-1" in shown.output and "lab-2 (this one)" in shown.output
    assert shown.output.startswith("This machine: lab-2  sync folder:")  # no markup shown
    missing = runner.invoke(app, ["sync", str(folder / "nope")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert "Traceback" not in missing.output
    none = runner.invoke(app, ["sync"])
    assert none.exit_code == 2 and "sync_dir" in none.output
    assert runner.invoke(app, ["config", "sync_dir", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["sync"]).exit_code == 0


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_folder_name_is_refused_and_nothing_is_written(pair, monkeypatch, name):
    a, _, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    work = folder.parent / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    home_before = sorted(p.name for p in a.iterdir())
    for args in (["sync", name], ["sync", name, "--status"], ["sync", name, "--json"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.splitlines() == [
            "error: the sync folder's name is empty: refresher sync DIR"
        ]
        assert result.stdout == ""
    assert list(work.iterdir()) == [] and list(folder.iterdir()) == []
    assert sorted(p.name for p in a.iterdir()) == home_before


def test_a_file_given_as_the_folder_is_one_line_in_own_words(pair, monkeypatch):
    a, _, folder = pair
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    given = folder / "notes.txt"
    given.write_text("not a folder\n")
    for args in (["sync", str(given)], ["sync", str(given), "--status"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.splitlines() == [f"error: {given} is a file, not a sync folder"]
    assert given.read_text() == "not a folder\n"


def test_what_waits_to_send_is_told_per_folder(pair, tmp_path):
    a, _, folder = pair
    other = tmp_path / "other"
    other.mkdir()
    rate(a, "c1", S.Rating.Good, T0)
    assert sync(a, folder).exported == 2
    assert sync(a, other).exported == 2  # the mark of what was sent moves to the other folder
    assert app_sync.status(folder, a).to_send == 0  # the folder holds them already
    rate(a, "c2", S.Rating.Good, T0 + timedelta(minutes=1))
    assert app_sync.status(folder, a).to_send == 1
    assert app_sync.status(other, a).to_send == 1
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert app_sync.status(fresh, a).to_send == 3
    assert sync(a, folder).exported == 1
    assert app_sync.status(other, a).to_send == 1
    assert app_sync.status(folder, a).to_send == 0


def test_a_warning_s_count_and_its_words_agree(pair, monkeypatch):
    a, _, folder = pair
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    (folder / "other.jsonl").write_bytes(b"junk 1\n")
    one = CliRunner().invoke(app, ["sync", str(folder)])
    assert one.exit_code == 0, one.output
    assert one.stderr.splitlines() == [
        "warning: 1 line that is not a refresher event skipped: other.jsonl"
    ]
    with (folder / "other.jsonl").open("ab") as fh:
        fh.write(b"junk 2\njunk 3\n")
    two = CliRunner().invoke(app, ["sync", str(folder)])
    assert two.stderr.splitlines() == [
        "warning: 2 lines that are not refresher events skipped: other.jsonl"
    ]
    result = app_sync.SyncResult("laptop-1")
    for why in show._PROBLEMS:
        result.problem(why, "x.jsonl")
    assert [line.split(":")[0] for line in show.problem_lines(result)] == [
        "1 torn last line skipped (read again at the next sync)",
        "1 line too long skipped",
        "1 line that is not a refresher event skipped",
        "1 line with a bad checksum skipped",
        "1 line from a newer refresher skipped (upgrade refresher to read them)",
        "1 file rewritten from an older copy read again from the start"
        " (nothing already brought in is removed)",
        "1 file that could not be read",
    ]


def test_two_syncs_at_once_wait_for_each_other(pair):
    a, _, folder = pair
    for k in range(30):
        rate(a, f"c{k}", S.Rating.Good, T0 + timedelta(seconds=k))
    env = {**os.environ, "REFRESHER_HOME": str(a), "PYTHONPATH": str(Path.cwd())}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "refresher", "sync", str(folder)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ids = [json.loads(x)["id"] for x in (folder / "laptop-1.jsonl").read_bytes().splitlines()]
    assert len(ids) == len(set(ids)) == 31


def test_a_history_made_before_sync_is_sent_whole(pair):
    a, b, folder = pair
    rate(a, "c1", S.Rating.Good, T0)
    rate(a, "c1", S.Rating.Good, T0 + timedelta(minutes=11))
    with open_store(a) as store:  # as a refresher without sync left it
        conn = store.conn
        for trigger in ("answer", "review", "undo", "overrule", "suspend", "round"):
            conn.execute(f"DROP TRIGGER sync_{trigger}")
        for trigger in ("review", "answer"):
            conn.execute(f"DROP TRIGGER history_{trigger}_removed")
        conn.execute("DROP TRIGGER history_answer_regraded")
        conn.execute("DROP INDEX attempts_with_mistakes")
        for name in (
            "sync_events",
            "sync_state",
            "sync_files",
            "sync_cards",
            "flags",
            "history_mark",
        ):
            conn.execute(f"DROP TABLE {name}")
        conn.execute("PRAGMA user_version = 5")
    sync(a, folder)
    sync(b, folder)
    assert states(a) == states(b) and states(b)[0][2] == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_git_clones_merge_without_conflict_and_sync_alike(pair, tmp_path):
    a, b, _ = pair
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def git(where: Path, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=where, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True, env=env)
    one, two = tmp_path / "one", tmp_path / "two"
    for clone in (one, two):
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, env=env)
    rate(a, "c1", S.Rating.Good, T0)
    sync(a, one)
    git(one, "add", "-A")
    git(one, "commit", "-qm", "laptop")
    git(one, "push", "-q", "origin", "HEAD:main")
    git(two, "pull", "-q", "origin", "main")
    for day in range(1, 4):  # both append on their own branch of history, then merge
        now = T0 + timedelta(days=day)
        rate(a, "c1", S.Rating.Good, now)
        rate(b, "c1", S.Rating.Hard, now + timedelta(hours=1))
        sync(a, one, now)
        sync(b, two, now)
        for clone, who in ((one, "laptop"), (two, "lab")):
            git(clone, "add", "-A")
            git(clone, "commit", "-qm", f"{who} day {day}")
        git(one, "push", "-q", "origin", "HEAD:main")
        git(two, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")  # a real merge
        git(two, "push", "-q", "origin", "HEAD:main")
        git(one, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert "<<<<<<<" not in "".join(p.read_text() for p in one.glob("*.jsonl"))
    for home, clone in ((a, one), (b, two), (a, one)):
        sync(home, clone, T0 + timedelta(days=5))
    assert states(a) == states(b) and states(a)[0][2] == 7


def test_studying_commands_sync_before_and_after_with_sync_dir(pair, monkeypatch, mini_path):
    a, b, folder = pair
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_NOW", T0.isoformat())
    for home in (a, b):
        app_settings.change("sync_dir", str(folder), home)
    monkeypatch.setenv("REFRESHER_HOME", str(a))
    done = runner.invoke(app, ["quiz", str(mini_path), "--no-shuffle", "--count", "1"], input="B\n")
    assert done.exit_code == 0, done.output
    assert (folder / "laptop-1.jsonl").read_bytes().count(b'"kind":"answer"') == 1  # after
    monkeypatch.setenv("REFRESHER_HOME", str(b))
    other = runner.invoke(app, ["review", str(mini_path), "--limit", "1"], input="q\n")
    assert other.exit_code == 0, other.output
    assert "sync: brought in 1 answer, 1 quiz round, 1 setting from laptop-1" in other.output
    assert table(b, "SELECT given FROM attempts") == [("B",)]
    app_settings.change("sync_dir", str(folder / "gone"), b)
    failed = runner.invoke(app, ["review", str(mini_path), "--limit", "1"], input="q\n")
    assert failed.exit_code == 0 and failed.output.count("does not exist") == 2


def test_each_machine_s_retention_is_used_alike_on_both(pair):
    a, b, folder = pair
    app_settings.change("desired_retention", "0.8", b)
    rate(a, "c1", S.Rating.Good, T0)
    rate(a, "c1", S.Rating.Good, T0 + timedelta(minutes=10))
    rate(b, "c1", S.Rating.Good, T0 + timedelta(days=3))  # not knowing a's
    for home in (b, a, b, a):
        sync(home, folder, T0 + timedelta(days=4))
    assert states(a) == states(b)
    loose = S.make_scheduler(desired_retention=0.8)  # b's, not a's 0.9
    state = S.rate(SCHED, None, 1, S.Rating.Good, T0).after
    state = S.rate(SCHED, state, 1, S.Rating.Good, T0 + timedelta(minutes=10)).after
    state = S.rate(loose, state, 1, S.Rating.Good, T0 + timedelta(days=3)).after
    assert states(a)[0][1] == state.card.due.isoformat(timespec="milliseconds")


def test_a_database_error_in_a_sync_is_one_line(pair, monkeypatch):
    """SQLite's error inside a sync (a store locked too long) is the store's one-line error,
    not a traceback."""
    import sqlite3

    from refresher.core.errors import StoreError
    from refresher.storage import sync_export

    a, _, folder = pair

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sync_export, "_export", locked)
    with pytest.raises(StoreError, match="database is locked"):
        sync(a, folder)
