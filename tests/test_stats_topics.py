"""`stats` over all banks keys topics by bank: a user bank's `rnn: RNN` neither renames the
bundled bank's `rnn: Recurrent neural networks` nor is counted with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.cli import app


@pytest.fixture
def user_bank(refresher_home: Path, mini_path: Path) -> Path:
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    return Path(shutil.copy(mini_path, folder / "mini.yaml"))  # topics: {rnn: RNN, lstm: LSTM}


def _run(*args: str, input: str | None = None, columns: int = 100):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": str(columns)})


@pytest.mark.parametrize("columns", [60, 100])
def test_all_banks_keep_each_banks_topic_names(user_bank: Path, columns: int) -> None:
    assert _run("quiz", "session-14", "--id", "rnn-acronym", input="B\n").exit_code == 0
    assert _run("quiz", "mini", "--id", "hidden-state", input="hidden state\n").exit_code == 0
    out = _run("stats", "--no-pager", columns=columns).stdout
    assert "Recurrent neural networks (session-14)" in out
    assert "RNN (mini)" in out
    data = json.loads(_run("stats", "--json").stdout)
    assert set(data["by_topic"]) == {"session-14/rnn", "mini/rnn"}
    assert data["by_topic"]["mini/rnn"]["answered"] == 1
    # one bank alone keeps its plain keys
    one = json.loads(_run("stats", "session-14", "--json").stdout)
    assert set(one["by_topic"]) == {"rnn"}
