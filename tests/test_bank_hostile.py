"""Hostile bank files and cache entries: each ends in one clear `FILE:LINE` line, fast, and
nothing read back from the data folder can run code or change a bank silently."""

from __future__ import annotations

import json
import os
import random

import pytest
from typer.testing import CliRunner

from refresher.banks import cache
from refresher.banks.catalog import resolve
from refresher.banks.load import load_bank, parse_bank
from refresher.cli import app
from refresher.core import limits
from refresher.core.errors import BankError, RefresherError

HEAD = "id: demo\ntitle: Demo\ntopics: {rnn: RNN}\nquestions:\n"
CARD = "  - id: c\n    type: card\n    topic: rnn\n    front: F\n    back: B\n"


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as info:
        parse_bank(text, "demo.yaml")
    return info.value.problems


def test_an_alias_bomb_is_refused_before_it_expands():
    bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    out = problems(HEAD + CARD + "    extra: {" + bomb.replace("\n", ", ")[:-2] + "}\n")
    assert len(out) == 1 and ("aliases" in out[0] or "once aliases are expanded" in out[0])


def test_an_alias_used_as_a_key_is_a_problem_not_a_blow_up():
    text = "base: &k [1, 2]\n" + HEAD + CARD.replace("back: B", "back: B\n    ? *k\n    : x")
    out = problems(text)
    assert any("a key must be a word" in p for p in out)


@pytest.mark.parametrize("nested", ["[" * 340 + "]" * 340, "{a: " * 990 + "1" + "}" * 990])
def test_deep_nesting_is_one_line(nested):
    out = problems(HEAD + CARD.replace("back: B", f"back: {nested}"))
    assert out == [f"demo.yaml:9: -: nested more than {limits.YAML_DEPTH} levels deep"]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("!!float abc", "'abc' cannot be read as float"),
        ("!!int abc", "'abc' cannot be read as int"),
        ("!!bool abc", "'abc' cannot be read as bool"),
        ("!!timestamp 2001-13-45", "cannot be read as timestamp"),
    ],
)
def test_typed_scalars_with_bad_values(value, said):
    out = problems(HEAD + CARD.replace("back: B", f"back: {value}"))
    assert any(p.startswith("demo.yaml:9: ") and said in p for p in out), out


@pytest.mark.parametrize("topic", ["[rnn, lstm]", "{a: b}"])
def test_a_topic_that_is_not_a_word(topic):
    out = problems(HEAD + CARD.replace("topic: rnn", f"topic: {topic}"))
    assert out[0].startswith("demo.yaml:7: c: unknown topic")


def test_a_broken_user_bank_does_not_hide_the_others(tmp_path, refresher_home):
    banks = refresher_home / "banks"
    banks.mkdir(parents=True)
    (banks / "broken.yaml").write_text(HEAD + CARD.replace("topic: rnn", "topic: [a, b]"))
    runner = CliRunner()
    listed = runner.invoke(app, ["banks"])
    assert listed.exit_code == 0 and "session-14" in listed.output
    quiz = runner.invoke(app, ["quiz", "session-14", "-n", "1", "--seed", "1"], input="q\n")
    assert quiz.exit_code == 0, quiz.output
    unknown = runner.invoke(app, ["quiz", "nosuch"])
    assert unknown.exit_code == 1
    assert "unknown bank 'nosuch'; available: session-14" in unknown.output
    assert "broken.yaml" in unknown.output
    named = runner.invoke(app, ["quiz", "broken"])
    assert named.exit_code == 1 and "broken.yaml:7: c: unknown topic" in named.output


def test_a_fifo_or_device_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(BankError, match="not a regular file"):
        load_bank(fifo)
    result = CliRunner().invoke(app, ["check", str(fifo), "/dev/zero"])
    assert result.exit_code == 1
    assert result.output.count("not a regular file") == 2
    with pytest.raises(RefresherError, match="unknown bank 'x'.*fifo.yaml"):
        resolve("x", [fifo])  # a FIFO among the banks is skipped, not waited on


def test_an_oversize_bank_is_refused_by_its_size(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(limits.BANK_FILE_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(BankError, match=f"at most {limits.BANK_FILE_BYTES:,}"):
        load_bank(big)


def test_a_file_that_is_not_a_bank_is_quoted_short_and_clean(tmp_path):
    secret = "root:$6$saltsalt$" + "x" * 80 + ":19000:0:99999:7:::"
    shadow = tmp_path / "shadow"
    shadow.write_text(f"{secret}\ndaemon:*:19000:0:99999:7:::\n")
    result = CliRunner().invoke(app, ["quiz", str(shadow)])
    assert result.exit_code == 1
    assert "x" * 50 not in result.output and "daemon:*" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def test_an_unclosed_quote_names_where_it_started():
    text = HEAD + CARD.replace("front: F", 'front: "F') + "  - id: d\n    type: card\n"
    out = problems(text)
    assert len(out) == 1 and ":8:" in out[0] and "this quote is never closed" in out[0]


# --- the parsed-bank cache ---------------------------------------------------------------------


def _entry(folder):
    (entry,) = folder.glob("*.json")
    return entry


def test_a_pickle_in_the_cache_folder_is_never_loaded(tmp_path, mini_path):
    import pickle

    folder = tmp_path / "cache"
    folder.mkdir()
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    raw = mini_path.read_bytes()
    for name in (f"{cache.key_of(raw)}.pickle", f"{cache.key_of(raw)}.json"):
        (folder / name).write_bytes(pickle.dumps(Evil()))
    assert load_bank(mini_path, folder) == load_bank(mini_path)
    assert not marker.exists()
    assert not list(folder.glob("*.pickle"))  # old pickle entries are pruned


def test_a_flipped_bit_never_changes_the_bank(tmp_path, mini_path):
    folder = tmp_path / "cache"
    good = load_bank(mini_path, folder)
    entry = _entry(folder)
    pristine = entry.read_bytes()
    rng = random.Random(7)
    for _ in range(150):
        data = bytearray(pristine)
        k = rng.randrange(len(data))
        data[k] ^= 1 << rng.randrange(8)
        entry.write_bytes(bytes(data))
        assert load_bank(mini_path, folder) == good
    assert json.loads(entry.read_bytes().split(b"\n")[0])["format"] == cache.FORMAT  # rebuilt


def test_a_consistent_but_edited_entry_must_still_type_check(tmp_path, mini_path):
    import hashlib

    folder = tmp_path / "cache"
    good = load_bank(mini_path, folder)
    entry = _entry(folder)
    head, body = entry.read_bytes().split(b"\n", 1)
    data = json.loads(body)
    values = data["questions"][0]
    assert values[0] == "ChoiceQuestion" and isinstance(values[-1], int)  # the answer's index
    values[-1] = "not an index"
    body = json.dumps(data).encode()
    doc = json.loads(head)
    doc["sha256"] = hashlib.sha256(body).hexdigest()  # a checksum that fits: types still checked
    entry.write_bytes(json.dumps(doc).encode() + b"\n" + body)
    assert load_bank(mini_path, folder) == good


def test_a_fifo_cache_entry_is_a_miss(tmp_path, mini_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    os.mkfifo(folder / f"{cache.key_of(mini_path.read_bytes())}.json")
    assert load_bank(mini_path, folder) == load_bank(mini_path)


def test_stale_entries_are_pruned(tmp_path, mini_path):
    folder = tmp_path / "cache"
    load_bank(mini_path, folder)
    entry = _entry(folder)
    old = entry.stat().st_mtime - (cache.STALE_DAYS + 1) * 86_400
    os.utime(entry, (old, old))
    cache.prune(folder)
    assert not entry.exists()


def test_the_cache_key_covers_every_module_that_shapes_a_bank():
    shapers = {p.name for p in cache._shaper_files()}
    assert {
        "yaml.py",
        "load.py",
        "model.py",
        "choice.py",
        "cloze.py",
        "fields.py",
        "engine.py",
    } <= shapers


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_hostile_banks_end_in_one_line_under_one_gib(tmp_path, refresher_home):
    import subprocess
    import sys
    import time

    bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    (tmp_path / "bomb.yaml").write_text(bomb + HEAD + CARD)
    (tmp_path / "deep.yaml").write_text(
        HEAD + CARD.replace("back: B", "back: " + "[" * 900 + "]" * 900)
    )
    with (tmp_path / "huge.yaml").open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    cases = [
        ["quiz", str(tmp_path / "bomb.yaml")],
        ["quiz", str(tmp_path / "deep.yaml")],
        ["quiz", str(tmp_path / "huge.yaml")],
        ["quiz", "/dev/zero"],
    ]
    env = {**os.environ, "REFRESHER_HOME": str(refresher_home), "NO_COLOR": "1"}
    started = time.monotonic()
    for args in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "refresher", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            preexec_fn=_limit_memory,
            timeout=60,
        )
        lines = proc.stderr.decode().strip().splitlines()
        assert proc.returncode == 1 and len(lines) == 1, (args, proc.stderr[-500:])
        assert lines[0].startswith("error: ")
    assert time.monotonic() - started < 30


def test_a_timestamp_tag_on_a_word_is_a_problem_not_a_crash():
    # found by `make fuzz`: PyYAML's timestamp constructor fails on a non-date with AttributeError
    out = problems(HEAD + CARD.replace("back: B", "back: !!timestamp yes"))
    assert any(p.startswith("demo.yaml:9: ") and "timestamp" in p for p in out), out


@pytest.mark.parametrize("value", ["&a [*a]", "&m {k: *m}", "&a [1, [2, *a]]"])
def test_a_value_that_contains_itself_is_one_line(value):
    # found by `make fuzz`: an alias inside its own anchor made a loop that copying never ended
    out = problems(HEAD + CARD.replace("back: B", f"back: {value}"))
    assert out == ["demo.yaml:9: -: a value contains itself (an alias inside its anchor)"]


def test_the_cache_key_changes_when_a_module_that_shapes_a_bank_changes(tmp_path, monkeypatch):
    module = tmp_path / "refresher" / "kinds" / "choice.py"
    module.parent.mkdir(parents=True)
    module.write_text("x = 1\n")
    monkeypatch.setattr(cache, "_shaper_files", lambda: [module])
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "refresher" / "banks" / "cache.py"))

    def key() -> str:
        cache._salt.cache_clear()
        return cache.key_of(b"id: b\n")

    try:
        first = key()
        assert key() == first  # nothing changed: the same key
        module.write_text("x = 22\n")  # edited: another size
        second = key()
        assert second != first
        info = module.stat()
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # same size, touched
        assert key() not in (first, second)
    finally:
        cache._salt.cache_clear()
