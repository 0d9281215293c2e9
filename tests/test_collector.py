"""The cycle collector is held off while a bank is parsed, and put back as it was."""

from __future__ import annotations

import gc

import pytest

from refresher.banks import load
from refresher.env import collector
from refresher.formats import yaml as reader


@pytest.fixture(autouse=True)
def _collector_back():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_puts_the_collector_back_as_it_was():
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves the outer one off
    assert gc.isenabled()
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()  # off before, off after


def test_paused_puts_it_back_when_the_work_fails():
    gc.enable()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_a_bank_is_read_and_built_with_the_collector_off(monkeypatch):
    seen = []
    real_read, real_build = reader.read, load.build_bank

    def read(text, path):
        seen.append(("read", gc.isenabled()))
        return real_read(text, path)

    def build(data, path, problems):
        seen.append(("build", gc.isenabled()))
        return real_build(data, path, problems)

    monkeypatch.setattr(reader, "read", read)
    monkeypatch.setattr(load, "build_bank", build)
    gc.enable()
    text = (
        "id: b\ntitle: B\ntopics: {t: T}\nquestions:\n"
        "  - {id: q1, type: truefalse, topic: t, prompt: 'Is it?', answer: true}\n"
    )
    bank = load.parse_bank(text)
    assert [q.id for q in bank.questions] == ["q1"]
    assert seen == [("read", False), ("build", False)]
    assert gc.isenabled()


def test_release_without_a_hold_changes_nothing():
    gc.enable()
    frozen = gc.get_freeze_count()
    collector.release_after_start_up()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


PROGRAM = """
import atexit, builtins, gc, sys
seen = {}
real_import = builtins.__import__

def spy(name, *args, **kwargs):
    seen.setdefault(name.split(".")[0], gc.isenabled())
    return real_import(name, *args, **kwargs)

builtins.__import__ = spy
atexit.register(lambda: print("after", gc.isenabled(), gc.get_freeze_count() > 1000,
                              "typer", seen["typer"]))
from refresher.__main__ import run
sys.argv = ["refresher", "banks"]
run()
"""


def test_the_program_starts_with_the_collector_off_and_runs_the_command_with_it_on(tmp_path):
    """The console script is `refresher.__main__:run`: Typer is imported with the collector
    off, and the command ends with it on and start-up's objects frozen."""
    import os
    import subprocess
    import sys
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["refresher"] == "refresher.__main__:run"
    env = {**os.environ, "REFRESHER_HOME": str(tmp_path), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "after True True typer False"
