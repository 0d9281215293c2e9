"""Shared fixtures: every test gets its own REFRESHER_HOME and a colour-free, fixed-width terminal."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run the same examples every time and never fail on a slow machine's timing.
settings.register_profile("refresher", deadline=None, derandomize=True)
settings.load_profile("refresher")

# No test may take longer than this (seconds; REFRESHER_TEST_LIMIT changes it, 0 turns it off):
# a test that waits forever fails on its own instead of using up CI's time for the whole suite.
TEST_LIMIT = int(os.environ.get("REFRESHER_TEST_LIMIT", "300"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    def too_long(signum: int, frame: object) -> None:
        pytest.fail(f"{item.nodeid} ran longer than {TEST_LIMIT} s", pytrace=True)

    if not TEST_LIMIT or not hasattr(signal, "SIGALRM"):
        return (yield)
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(TEST_LIMIT)
    try:
        return (yield)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"


@pytest.fixture(autouse=True)
def refresher_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("REFRESHER_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return home


@pytest.fixture
def mini_path() -> Path:
    return MINI
