"""Hardening, third pass: text from a bank or an import is shown as text (never as Rich
markup), typed input and options that used to crash, hostile config and data-folder files,
targets that are not regular files. Each case ends in one clear line, exit 1 at most."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app

ROOT = str(Path(__file__).resolve().parents[1])
MINI = Path(__file__).parent / "data" / "mini.yaml"
MARKUP_TOPICS = ["[/b]", "[link=javascript:alert(1)]click[/link]", "[reverse]x[/reverse]"]


def markup_bank(path: Path, name: str) -> Path:
    title = name.replace('"', "")
    path.write_text(
        f'id: marked\ntitle: "Marked"\ntopics: {{rnn: "{title}"}}\nquestions:\n'
        "  - id: c\n    type: truefalse\n    topic: rnn\n    prompt: P\n    answer: true\n",
        encoding="utf-8",
    )
    return path


def run(*args: str, input: str = ""):  # noqa: A002
    return CliRunner().invoke(app, list(args), input=input)


@pytest.mark.parametrize("name", MARKUP_TOPICS)
def test_a_topic_name_with_markup_is_shown_as_text(name, refresher_home):
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    bank = markup_bank(banks / "marked.yaml", name)
    assert run("check", str(bank)).exit_code == 0
    shown = name.replace('"', "")
    quiz = run("quiz", "marked", "--no-shuffle", input="t\n")
    assert quiz.exit_code == 0 and quiz.exception is None, quiz.output
    assert shown in quiz.output
    for args in (["banks"], ["stats", "marked"], ["plan", "marked"]):
        out = run(*args)
        assert out.exit_code == 0 and out.exception is None, (args, out.output)
        assert shown in out.output, (args, out.output)


def test_an_imported_topic_and_deck_name_stay_text(tmp_path, refresher_home):
    source = tmp_path / "cards.csv"
    source.write_text("front,back,topic\nF,B,[/b]\n", encoding="utf-8")
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    target = banks / "cards.yaml"
    done = run("import", str(source), "--to", str(target), "--title", "[reverse]T[/reverse]")
    assert done.exit_code == 0, done.output
    listed = run("banks")
    assert listed.exit_code == 0 and listed.exception is None, listed.output
    assert "[reverse]T[/reverse]" in listed.output


def cli_process(home: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The real command, so typed bytes reach it as a terminal's would (surrogateescape)."""
    env = {**os.environ, "REFRESHER_HOME": str(home), "LC_ALL": "C.UTF-8", "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-m", "refresher", *args], input=stdin, capture_output=True, env=env
    )


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["quiz", str(MINI), "--id", "hidden-state"], b"hid\xffden\n"),
        (["interview", str(MINI), "--count", "1", "--time", "0"], b"An \xff answer\n\n\n"),
    ],
)
def test_a_byte_that_is_not_utf8_in_a_typed_answer_is_replaced_and_stored(
    args, stdin, refresher_home
):
    done = cli_process(refresher_home, *args, stdin=stdin)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-300:]
    history = cli_process(refresher_home, "history", "--json")
    rows = json.loads(history.stdout)
    assert len(rows) == 1 and "?" in rows[0]["given"]


def one_line_error(result, *words: str) -> str:
    """The error of a run that ended in exit 1 with one line and no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output[-500:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output[-500:]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "since", ["0001-01-01", "9999-12-31T23:00-05:00", "0001-01-01T00:00+14:00"]
)
def test_history_since_a_date_out_of_range_is_one_line(since):
    one_line_error(run("history", "--since", since), "--since", "1900-9000")


def test_config_arguments_are_echoed_without_control_characters():
    for args in (
        ["new_per_day", "\x1b[31mten"],
        ["\x1b]0;title\x07", "1"],
        ["buffer_days", "99\x1b[2J"],
    ):
        line = one_line_error(run("config", *args))
        assert "\x1b" not in line and "\x07" not in line, repr(line)


def config_file(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        '"\\u001b[31mkey\\u202e" = 1\n',  # an escape and a bidi override in a key
        "new_per_day = 1\nbuffer_days = '\u202eevil'\n",
    ],
)
def test_a_config_key_or_value_with_controls_is_named_without_them(text, refresher_home):
    config_file(refresher_home, text)
    line = one_line_error(run("config"), "config.toml")
    assert "\x1b" not in line and "\u202e" not in line, repr(line)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested"),
        ("new_per_day = " + "7" * 5000, ""),
    ],
)
def test_a_config_nested_deep_or_with_a_huge_number_is_one_line(text, said, refresher_home):
    config_file(refresher_home, text)
    for args in (["config"], ["stats"], ["plan"]):
        one_line_error(run(*args), "config.toml", said)


def test_an_anki_header_column_of_5000_digits_is_ignored(tmp_path):
    source = tmp_path / "deck.txt"
    source.write_text("#separator:tab\n#deck column:" + "1" * 5000 + "\nF\tB\n", encoding="utf-8")
    done = run("import", str(source), "--to", str(tmp_path / "deck.yaml"))
    assert done.exit_code == 0 and done.exception is None, done.output


def test_a_params_json_with_a_5000_digit_integer_is_one_line(tmp_path):
    params = tmp_path / "p.json"
    names = ["W_x", "W_h", "b_h", "W_y", "b_y"]
    values = {n: "[[0.1]]" for n in names}
    values["W_x"] = "[[" + "9" * 5000 + "]]"
    params.write_text("{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}")
    one_line_error(run("explain", "rnn", "--params", str(params)), "--params")


def test_a_planted_tmp_link_beside_the_config_is_not_followed(tmp_path, refresher_home):
    refresher_home.mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    for name in ("config.toml.tmp", ".config.toml.tmp"):
        (refresher_home / name).symlink_to(victim)
    done = run("config", "new_per_day", "12")
    assert done.exit_code == 0, done.output
    assert victim.read_text() == "keep me"
    assert "new_per_day = 12" in (refresher_home / "config.toml").read_text()


LONG = "x" * 5000


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--to", f"{LONG}/a.csv"],
        ["import", "@SOURCE", "--to", f"{LONG}/a.yaml"],
        ["print", "--export", f"{LONG}/a.html"],
        ["explain", "pool", "--export", f"{LONG}/a.txt"],
        ["explain", "pool", "--input-file", f"{LONG}/a.txt"],
        ["check", f"{LONG}/a.yaml"],
        ["quiz", f"{LONG}/a.yaml"],
    ],
)
def test_a_path_longer_than_the_system_takes_is_one_line(args, tmp_path):
    source = tmp_path / "c.csv"
    source.write_text("front,back\nF,B\n")
    result = run(*[str(source) if a == "@SOURCE" else a for a in args])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output[-300:]
    assert not isinstance(result.exception, OSError), result.exception


def test_a_legal_long_file_name_can_be_written(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / ("y" * 250 + ".csv")  # 254 bytes: the limit is 255
    done = run("export", "--to", str(target))
    assert done.exit_code == 0, done.output
    assert target.stat().st_size > 0 and list(folder.iterdir()) == [target]


def special_targets(folder: Path, suffix: str) -> dict[str, Path]:
    folder.mkdir()
    bashrc = folder / "bashrc"
    bashrc.write_text("keep me")
    targets = {k: folder / f"{k}{suffix}" for k in ("link", "dangling", "fifo", "folder")}
    targets["link"].symlink_to(bashrc)
    targets["dangling"].symlink_to(folder / f"nowhere{suffix}")
    os.mkfifo(targets["fifo"])
    targets["folder"].mkdir()
    return targets


def state(folder: Path) -> dict[str, tuple[bool, int]]:
    return {p.name: (p.is_symlink(), p.lstat().st_mode) for p in folder.iterdir()}


@pytest.mark.parametrize("kind", ["link", "dangling", "fifo", "folder"])
@pytest.mark.parametrize("command", ["export", "import", "print", "explain"])
def test_a_target_that_is_not_a_regular_file_is_refused(kind, command, tmp_path):
    source = tmp_path / "c.csv"
    source.write_text("front,back\nF,B\n")
    suffix = {"export": ".csv", "import": ".yaml", "print": ".html", "explain": ".txt"}[command]
    folder = tmp_path / "out"
    target = str(special_targets(folder, suffix)[kind])
    args = {
        "export": ["export", "--to", target],
        "import": ["import", str(source), "--to", target, "--force"],
        "print": ["print", "--export", target],
        "explain": ["explain", "pool", "--export", target],
    }[command]
    before = state(folder)
    one_line_error(run(*args))
    assert state(folder) == before and (folder / "bashrc").read_text() == "keep me"


def test_export_to_a_device_is_refused(tmp_path):
    # Never the system's /dev/null: code with this bug would replace it (tests may run as root).
    device = tmp_path / "null.csv"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root")
    one_line_error(run("export", "--to", str(device)), "not a regular file")
    assert stat.S_ISCHR(device.lstat().st_mode)
    one_line_error(run("explain", "pool", "--export", str(device / "x.txt")))


def studied_store(refresher_home: Path) -> Path:
    """A history with two quiz answers and one review, made by the real commands."""
    assert run("quiz", str(MINI), "--no-shuffle", "-n", "2", input="B\nA B D\n").exit_code == 0
    assert run("review", str(MINI), "--seed", "1", input="B\n\nq\n").exit_code == 0
    return refresher_home / "refresher.db"


def tamper(db: Path, *sql: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        for statement in sql:
            conn.execute(statement)
    conn.close()


@pytest.mark.parametrize(
    ("sql", "commands"),
    [
        ("UPDATE reviews SET due_after = 'junk'", [["history"], ["history", "--json"]]),
        ("UPDATE attempts SET given = x'ff00fe'", [["history", "--csv"], ["history", "--json"]]),
        ("UPDATE attempts SET seconds = 'slow'", [["plan", str(MINI)], ["history", "--json"]]),
        ("UPDATE attempts SET topic = '[/b]'", [["stats", str(MINI)], ["history"]]),
    ],
)
def test_values_the_start_up_check_does_not_read_do_not_crash(sql, commands, refresher_home):
    db = studied_store(refresher_home)
    tamper(db, sql)
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0 and result.exception is None, (args, result.exception)
        if "--json" in args:
            json.loads(result.output)


@pytest.mark.parametrize(
    "planted",
    [
        "CREATE TRIGGER drop_it AFTER INSERT ON attempts BEGIN"
        " DELETE FROM attempts WHERE id = new.id; END",
        "CREATE TRIGGER shout BEFORE INSERT ON attempts BEGIN SELECT RAISE(ABORT, '\x1b[2J'); END",
        "CREATE VIEW peek AS SELECT * FROM attempts",
        "CREATE TABLE extra (x)",
        # one of refresher's own trigger names, with another body
        (
            "DROP TRIGGER sync_answer",
            "CREATE TRIGGER sync_answer AFTER INSERT ON attempts BEGIN"
            " DELETE FROM attempts WHERE id = new.id; END",
        ),
    ],
)
def test_a_store_with_schema_objects_refresher_did_not_make_is_refused(planted, refresher_home):
    db = studied_store(refresher_home)
    tamper(db, *(planted if isinstance(planted, tuple) else (planted,)))
    before = db.read_bytes()
    result = run("quiz", str(MINI), "--no-shuffle", "-n", "2", input="B\nA B D\n")
    line = one_line_error(result, "refresher did not make")
    assert "\x1b" not in line and "Score" not in result.output
    assert db.read_bytes() == before


def bash_completion(words: str, cwd: Path) -> list[str]:
    parts = words.split(" ")
    env = {
        **os.environ,
        "PYTHONPATH": ROOT,
        "_REFRESHER_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    script = "from refresher.cli import app; app(prog_name='refresher')"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=cwd
    )
    return done.stdout.splitlines()


def test_bash_completion_quotes_a_tag_from_a_bank(tmp_path, refresher_home):
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    tag = "$(touch pwned)"
    (banks / "tagged.yaml").write_text(
        "id: tagged\ntitle: T\ntopics: {rnn: RNN}\nquestions:\n  - id: c\n    type: card\n"
        f"    topic: rnn\n    tags: ['{tag}', plain]\n    front: F\n    back: B\n"
    )
    offered = bash_completion("refresher quiz tagged --tag ", tmp_path)
    assert "plain" in offered and tag not in offered, offered
    # the word as bash reads it back is the tag itself, and nothing ran
    for word in offered:
        echoed = subprocess.run(
            ["bash", "-c", f"printf '%s' {word}"], capture_output=True, text=True, cwd=tmp_path
        )
        assert echoed.stdout in (tag, "plain")
    assert not (tmp_path / "pwned").exists()


class CountingStdin:
    """Standard input that hands out one huge line and records the largest read asked for."""

    def __init__(self, size: int) -> None:
        self.left, self.largest, self.tail = size, 0, ["B\n"]

    def readline(self, limit: int = -1) -> str:
        assert limit > 0, "a piped line must be read with a bound"
        self.largest = max(self.largest, limit)
        if self.left:
            n = min(limit, self.left)
            self.left -= n
            return "x" * n
        if self.tail:
            return "\n" if self.tail.pop() else ""
        return ""

    def isatty(self) -> bool:
        return False


def test_a_huge_piped_line_is_read_in_bounded_pieces_and_counted(monkeypatch):
    from refresher.cli.runner import read_line
    from refresher.core import limits
    from refresher.render.console import make_console

    fake = CountingStdin(50_000_000)
    monkeypatch.setattr(sys, "stdin", fake)
    lines = iter(["B"])
    console = make_console(file=io.StringIO())
    monkeypatch.setattr(console, "input", _input_with(console, lines))
    with pytest.raises(EOFError):
        read_line(console, "Answer ›", interactive=False)
    assert fake.largest <= max(limits.ANSWER_CHARS + 1, 1 << 16)
    assert "50,000,000 characters" in console.file.getvalue()


def _input_with(console, lines):
    def fake_input(prompt="", *, stream=None, **kwargs):
        return stream.readline() if stream is not None else next(lines)

    return fake_input


# --- work that grows with its input, not with its square ----------------------------------------


def counting(monkeypatch, module, name: str, most: int) -> list[int]:
    """Wrap `module.name` to count its calls and fail past `most` (a quadratic loop would)."""
    real, calls = getattr(module, name), [0]

    def counted(*args, **kwargs):
        calls[0] += 1
        assert calls[0] <= most, f"{name} called more than {most:,} times"
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_match_question_with_150000_pairs_is_refused_before_its_pairs_are_read(
    monkeypatch, tmp_path
):
    from refresher.banks.load import parse_bank
    from refresher.core.errors import BankError
    from refresher.kinds import fields

    counting(monkeypatch, fields.Fields, "checked", 1_000)
    pairs = "".join(f"      l{i}: r{i}\n" for i in range(150_000))
    text = (
        "id: big\ntitle: Big\ntopics: {rnn: RNN}\nquestions:\n  - id: m\n    type: match\n"
        "    topic: rnn\n    prompt: P\n    pairs:\n" + pairs
    )
    with pytest.raises(BankError) as info:
        parse_bank(text, "big.yaml")
    assert info.value.problems == [
        "big.yaml:9: m: a match question has at most 26 entries on each side"
    ]


def test_a_gift_match_with_200000_pairs_is_one_line(tmp_path, monkeypatch):
    from refresher.kinds import fields

    # the import reads the other banks too (an id must not shadow one): far fewer checks than
    # the 400,000 texts a per-pair check would make
    counting(monkeypatch, fields.Fields, "checked", 20_000)
    source = tmp_path / "big.gift"
    source.write_text("::m:: P {" + " ".join(f"=l{i} -> r{i}" for i in range(200_000)) + "}\n")
    result = run("import", str(source), "--to", str(tmp_path / "big.yaml"))
    assert result.exit_code == 1 and "200,000 pairs" in result.output, result.output[-300:]


def test_wrapping_a_long_line_is_linear(monkeypatch):
    from refresher.render import worked

    line = ", ".join(f"{k * 0.137:.3f}" for k in range(1_200))  # about 8,000 characters
    calls = counting(monkeypatch, worked, "cell_len", 2 * len(line))
    text = worked.wrap_hanging(worked.Text("h = [" + line + "]"), 80)
    assert calls[0] > 0 and max(len(row) for row in text.plain.split("\n")) <= 80


def test_missed_questions_are_found_in_one_pass_over_the_answers(refresher_home):
    from refresher.storage.store import open_store

    with open_store() as store:
        ids = store.question_ids("demo", ["q1", "q2"])
        rows = [
            (
                ids["q1" if k % 3 else "q2"],
                f"2026-11-{1 + k % 28:02d}T09:{k % 60:02d}:00+00:00",
                k % 2,
            )
            for k in range(3_000)
        ]
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO attempts (question_id, answered_at, given, correct, seconds, mode,"
                " qtype, topic, seed) VALUES (?, ?, 'x', ?, 1.0, 'practice', 'blank', 'rnn', 7)",
                rows,
            )
        ticks = [0]

        def tick() -> int:
            ticks[0] += 1
            return int(ticks[0] > 2_000)  # past it the query is interrupted: a quadratic plan

        store.conn.set_progress_handler(tick, 1_000)
        missed = store.missed_since("demo", datetime(2026, 10, 1, tzinfo=UTC))
        seeds = store.missed_seeds("demo", ["q1", "q2"])
    last = {}
    for card, _, correct in rows:
        last[card] = correct
    assert sorted(missed) == sorted(q for q in ("q1", "q2") if not last[ids[q]])
    assert seeds == {"q1": 7, "q2": 7}


def test_interview_history_reads_only_the_latest_answers(monkeypatch, refresher_home):
    from refresher.app import interview
    from refresher.banks.load import load_bank
    from refresher.core import limits
    from refresher.storage.store import open_store

    bank = load_bank(MINI)
    with open_store() as store:
        card = store.question_ids(bank.id, ["explain-rnn"])["explain-rnn"]
        points = json.dumps({"of": 2, "covered": []})
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO attempts (question_id, answered_at, given, correct, seconds, mode,"
                " qtype, topic, points) VALUES (?, ?, ?, 0, 1.0, 'interview', 'open', 'rnn', ?)",
                [
                    (card, f"2026-11-{1 + k // 200:02d}T09:00:00+00:00", f"answer {k}", points)
                    for k in range(3_000)
                ],
            )
    calls = counting(monkeypatch, interview, "guess", 100)
    with interview.open_interview_history() as past:
        shown = past.past(bank, "explain-rnn")
    assert [p.given for p in shown.answers] == [
        f"answer {k}" for k in range(3_000 - limits.PAST_ANSWERS_SHOWN, 3_000)
    ]
    assert calls[0] == limits.PAST_ANSWERS_SHOWN
    result = run("interview", str(MINI), "--history", "explain-rnn")
    assert (
        result.exit_code == 0
        and "answer 2999" in result.output
        and "answer 2993" not in result.output
    )


def test_a_csv_of_tiny_rows_stops_at_the_question_limit_while_read(tmp_path, monkeypatch):
    from refresher.core import limits
    from refresher.formats import imported

    monkeypatch.setattr(limits, "QUESTIONS_PER_BANK", 50)
    made = counting(monkeypatch, imported, "item", 60)  # rows are not all turned into questions
    source = tmp_path / "tiny.csv"
    source.write_text("front,back\n" + "".join(f"a{k},b\n" for k in range(5_000)))
    line = one_line_error(run("import", str(source), "--to", str(tmp_path / "t.yaml")))
    assert "tiny.csv:52: more than 50 questions" in line and made[0] <= 60
    assert not (tmp_path / "t.yaml").exists()


def test_a_quote_never_closed_is_reported_not_merged(tmp_path):
    source = tmp_path / "open.csv"
    source.write_text('front,back\nF1,B1\n"F2,B2\nF3,B3\nF4,B4\n')
    target = tmp_path / "open.yaml"
    result = run("import", str(source), "--to", str(target))
    assert result.exit_code == 1
    assert "open.csv:3: a quote opened on this row is never closed" in result.output
    assert "F3" not in target.read_text() and "F1" in target.read_text()


@pytest.mark.parametrize("bad", ["bad\x01name", "x" * 30_000])
def test_one_bad_topic_name_leaves_out_its_rows_only(bad, tmp_path):
    source = tmp_path / "topics.csv"
    source.write_text(f"front,back,topic\nF1,B1,fine\nF2,B2,{bad}\nF3,B3,fine\n")
    target = tmp_path / "topics.yaml"
    result = run("import", str(source), "--to", str(target))
    assert result.exit_code == 1, result.output
    reported = [line for line in result.output.splitlines() if "topics.csv:" in line]
    assert len(reported) == 1 and "topics.csv:3: topic name" in reported[0], reported
    assert "unknown topic" not in result.output
    text = target.read_text()
    assert "F1" in text and "F3" in text and "F2" not in text
