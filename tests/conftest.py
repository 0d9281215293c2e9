"""Shared fixtures: every test gets its own REFRESHER_HOME and a colour-free, fixed-width terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run the same examples every time and never fail on a slow machine's timing.
settings.register_profile("refresher", deadline=None, derandomize=True)
settings.load_profile("refresher")

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
