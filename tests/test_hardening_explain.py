"""Untrusted specs, options and files end in one line on stderr (exit 1), quickly, in bounded memory.

Covers numeric compute specs on every draw, explain options past the limits, input and params
files (size, kind, .npy header, YAML bombs), config.toml, atomic --export, a closed pipe (141),
and the worst cases under a 1 GiB address-space limit in real subprocesses.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.core import limits
from refresher.core.errors import BankError
from refresher.kinds.numeric import NumericQuestion
from refresher.kinds.numeric.engine import instantiate, spec_problems

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# --- numeric compute specs: the same validator on every draw --------------------------------

BAD_RANDOM = [
    ({"random": [2, 2], "decimals": 1_000_000_000_000}, "decimals must be 0-3"),
    ({"random": [2, 2], "decimals": True}, "decimals must be 0-3"),
    ({"random": [100_000, 100_000]}, "sizes 1-64"),
    ({"random": [2, 2, 2]}, "sizes 1-64"),
    ({"random": [-2, 2]}, "sizes 1-64"),
    ({"random": [2, 2], "low": 5, "high": 1}, "is above high"),
    ({"random": [2, 2], "low": "1"}, "must be numbers"),
    ({"random": [2, 2], "low": float("nan")}, "finite numbers"),
    ({"random": [2, 2], "high": float("inf")}, "finite numbers"),
    ({"random": [2, 2], "high": 1e300}, "finite numbers"),
    ({"choice": []}, "non-empty list"),
]


@pytest.mark.parametrize(("value", "fragment"), BAD_RANDOM)
def test_instantiate_validates_random_inputs_before_drawing(value, fragment):
    question = NumericQuestion(
        bank_id="b", id="q", topic="cnn", prompt="P", line=12,
        compute={"kind": "pool", "input": value},
    )  # fmt: skip
    assert any(fragment in p for p in spec_problems(question.compute))
    with pytest.raises(BankError) as err:
        instantiate(question, seed=1)
    (line,) = str(err.value).splitlines()
    assert line.startswith("b/q (line 12): compute: input: ") and fragment in line
    with pytest.raises(BankError) as err:
        instantiate(question, seed=1, path="bank.yaml")
    assert str(err.value).startswith("bank.yaml:12: q: compute: input: ")


def test_instantiate_reports_a_drawn_spec_the_registry_refuses():
    # padding drawn above half the window: refused by the registry, as a one-line BankError
    question = NumericQuestion(
        bank_id="b", id="q", topic="cnn", prompt="P", line=3,
        compute={"kind": "pool", "size": 2, "padding": {"random": [], "low": 5, "high": 5}},
    )  # fmt: skip
    with pytest.raises(BankError, match=r"^b/q \(line 3\): compute: padding: "):
        instantiate(question, seed=0)


def test_print_with_an_unchecked_huge_decimals_spec_fails_fast(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "id: bad\ntitle: Bad\ntopics: {cnn: CNN}\nquestions:\n"
        "  - id: q\n    type: numeric\n    topic: cnn\n    prompt: P\n"
        "    compute: {kind: pool, input: {random: [4, 4], decimals: 1000000000000}}\n"
    )
    started = time.monotonic()
    line = one_error_line(cli("print", str(bank), "--seed", "1"))
    assert time.monotonic() - started < 5
    assert "compute: input: decimals must be 0-3" in line


# --- explain options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["pool", "--stride", str(10**30)], "--stride: at most 512"),
        (["pool", "--padding", "1000000000", "--size", "2000000000"], "at most 512"),
        (["pool", "--padding", "1000", "--size", "2000", "--stride", "1"], "at most 512"),
        (["conv", "--padding", "1000000000"], "--padding: at most 512"),
        (["pool", "--stride", "9" * 5000], "--stride"),
        (["pool", "--input", "1 2;3 4", "--size", "512", "--padding", "256"], "padded input"),
    ],
)
def test_explain_options_past_the_limits(args, fragment):
    assert fragment in one_error_line(cli("explain", *args))


def test_a_big_window_is_drawn_by_its_corners_quickly(tmp_path):
    np.save(tmp_path / "big.npy", np.zeros((512, 512)))
    started = time.monotonic()
    result = cli("explain", "pool", "--input-file", str(tmp_path / "big.npy"), "--size", "256")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 5
    assert "…" in result.stdout


def test_drill_seed_beyond_the_stored_range():
    line = one_error_line(cli("drill", "pool", "--seed", str(2**70)))
    assert "--seed: at most" in line


# --- input and params files -------------------------------------------------------------------


def npy_claiming(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (118 - 10 - len(header) - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 75


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "bomb.npy": npy_claiming((100000, 100000)),
        "objects.npy": npy_claiming((2, 2), "|O"),
        "cube.npy": npy_claiming((2, 2, 2)),
        "float.yaml": b"W_fx: !!float abc\n",
        "timestamp.yaml": b"W_fx: !!timestamp 2001-13-45\n",
        "deep.yaml": b"W_fx: " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n",
        "deep.json": b'{"W_fx": ' + b"[" * 5000 + b"1" + b"]" * 5000 + b"}",
        "aliases.yaml": "\n".join(
            ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
            + [
                f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ]
        ).encode(),
        "latin1.yaml": b"W_fx: \xff\n",
    }
    out = {}
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(limits.INPUT_FILE_BYTES + 1)  # sparse: refused by its size alone
    out["big.txt"] = big
    return out


@pytest.mark.parametrize(
    ("option", "name", "fragment"),
    [
        ("--input-file", "bomb.npy", "100000x100000 is 10,000,000,000 values"),
        ("--input-file", "objects.npy", "Python objects"),
        ("--input-file", "cube.npy", "expected a matrix"),
        ("--input-file", "big.txt", "larger than 4 MiB"),
        ("--params", "float.yaml", "invalid YAML value"),
        ("--params", "timestamp.yaml", "invalid YAML value"),
        ("--params", "deep.yaml", "nested more than 40 levels"),
        ("--params", "deep.json", "nested more than 40 levels"),
        ("--params", "aliases.yaml", "values (aliases expanded)"),
        ("--params", "latin1.yaml", "cannot read the file"),
    ],
)
def test_untrusted_files(tmp_path, option, name, fragment):
    path = files(tmp_path)[name]
    command = "pool" if option == "--input-file" else "lstm"
    assert fragment in one_error_line(cli("explain", command, option, str(path)))


@pytest.mark.parametrize(
    ("array", "what"),
    [
        (np.array([[1 + 2j, 3], [4, 5]]), "complex numbers"),
        (np.array([["2020-01-01", "2020-01-02"]], dtype="datetime64[D]"), "dates"),
        (np.array([[1, 2]], dtype="timedelta64[s]"), "time spans"),
        (np.array([["a", "b"]]), "text"),
        (np.array([[b"a", b"b"]]), "bytes"),
        (np.zeros((2, 2), dtype=[("a", "f8"), ("b", "i4")]), "records"),
    ],
)
def test_a_npy_of_values_that_are_not_real_numbers_is_refused(tmp_path, array, what):
    """Refused in one line, as an array of objects is: a complex array warned on stderr, lost
    its imaginary parts and was pooled (exit 0)."""
    np.save(tmp_path / "a.npy", array)
    result = cli("explain", "pool", "--input-file", str(tmp_path / "a.npy"))
    assert result.stderr.splitlines() == [
        f"error: --input-file a.npy: expected a .npy array of real numbers, it holds {what}"
    ]
    assert result.exit_code == 1 and result.stdout == ""


@pytest.mark.parametrize(
    ("array", "output"),
    [
        (np.array([[True, False], [False, True]]), 0.5),  # true is 1, false 0
        (np.array([[1, 2], [3, 4]], dtype=np.float16), 2.5),
        (np.array([[1, 2], [3, 4]], dtype=np.uint8), 2.5),
    ],
)
def test_a_npy_of_booleans_or_other_real_numbers_is_read(tmp_path, array, output):
    np.save(tmp_path / "a.npy", array)
    result = cli("explain", "pool", "--input-file", str(tmp_path / "a.npy"), "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["result"]["output"] == [[output]]


def test_a_npy_past_the_number_bound_is_refused(tmp_path):
    np.save(tmp_path / "a.npy", np.array([[1.0, 2.0], [3.0, 1e13]]))
    np.save(tmp_path / "b.npy", np.array([[1, 2], [3, 4]], dtype=np.longdouble) * 10**12)
    big = np.array([[1, 2], [3, 4]], dtype=np.longdouble) * np.longdouble(10) ** 400
    np.save(tmp_path / "c.npy", big)  # past the float range where long doubles are wider
    lines = [
        one_error_line(cli("explain", "pool", "--input-file", str(tmp_path / n)))
        for n in ("a.npy", "b.npy", "c.npy")
    ]
    assert lines[0].endswith(": 1e13 is too large; numbers must be from -1e12 to 1e12")
    assert lines[1].endswith(": 4e12 is too large; numbers must be from -1e12 to 1e12")
    assert lines[2].endswith("is too large; numbers must be from -1e12 to 1e12")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(("command", "option", "name"), [
    ("pool", "--input-file", "in.npy"), ("lstm", "--params", "p.yaml"),
])  # fmt: skip
def test_a_fifo_is_refused_without_blocking(tmp_path, command, option, name):
    os.mkfifo(tmp_path / name)
    line = one_error_line(cli("explain", command, option, str(tmp_path / name)))
    assert "not a regular file" in line


def test_a_device_is_refused():
    assert "not a regular file" in one_error_line(cli("explain", "lstm", "--params", os.devnull))


def test_a_params_file_of_hidden_size_100_still_loads(tmp_path):
    def m(r, c):
        return [[0.1] * c for _ in range(r)]

    weights = {}
    for g in "fico":
        weights |= {f"W_{g}x": m(100, 3), f"W_{g}h": m(100, 100), f"b_{g}": [0.0] * 100}
    (tmp_path / "p.json").write_text(json.dumps(weights))
    result = cli("explain", "lstm", "--params", str(tmp_path / "p.json"), "--json")
    assert result.exit_code == 0, result.stderr


# --- config.toml ------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"fuzz = \xff\xfe\n", b"[[[", None])
def test_a_bad_config_is_one_line_naming_the_file(refresher_home, content):
    refresher_home.mkdir(parents=True, exist_ok=True)
    path = refresher_home / "config.toml"
    if content is None:
        os.mkfifo(path)
    else:
        path.write_bytes(content)
    for command in (["stats"], ["config"], ["review"]):
        line = one_error_line(cli(*command))
        assert str(path) in line


# --- --export writes atomically ---------------------------------------------------------------


def test_a_failed_export_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old content\n")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    line = one_error_line(cli("explain", "pool", "--export", str(target)))
    assert "No space left on device" in line
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]  # no temporary file left
    monkeypatch.undo()
    assert cli("explain", "pool", "--export", str(target)).exit_code == 0
    assert "Average pooling" in target.read_text()


# --- a closed pipe ----------------------------------------------------------------------------

CHILD_ENV = {**os.environ, **ENV, "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}


def test_a_closed_pipe_ends_quietly_with_141(refresher_home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "refresher", "explain", "lstm", "--hidden-size", "64"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**CHILD_ENV, "REFRESHER_HOME": str(refresher_home)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -2` does
    stderr = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert stderr == b""


def test_one_large_write_to_a_closed_pipe_is_141_not_lost_silently(refresher_home):
    # 2 MB of JSON in one write: the reader takes 10 bytes and goes (`| head -c 10`)
    proc = subprocess.Popen(
        [sys.executable, "-m", "refresher", "explain", "lstm", "--hidden-size", "200", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**CHILD_ENV, "REFRESHER_HOME": str(refresher_home)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert stderr == b""


# --- the worst cases under a memory limit -----------------------------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_worst_cases_under_one_gib(tmp_path, refresher_home):
    made = files(tmp_path)
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "id: worst\ntitle: Worst\ntopics: {cnn: CNN}\nquestions:\n"
        "  - id: q\n    type: numeric\n    topic: cnn\n    prompt: P\n"
        "    compute: {kind: pool, input: {random: [100000, 100000]}}\n"
    )
    refresher_home.mkdir(parents=True, exist_ok=True)
    (refresher_home / "config.toml").write_bytes(b"fuzz = \xff\n")
    cases = [
        ["explain", "pool", "--stride", str(10**30)],
        ["explain", "pool", "--padding", "1000000000", "--size", "2000000000"],
        ["explain", "pool", "--padding", "1000", "--size", "2000", "--stride", "1"],
        ["explain", "conv", "--padding", "1000000000"],
        ["explain", "pool", "--input-file", str(made["bomb.npy"])],
        ["explain", "lstm", "--params", str(made["aliases.yaml"])],
        ["explain", "lstm", "--params", str(made["deep.yaml"])],
        ["print", str(bank), "--seed", "1"],
        ["drill", "pool", "--seed", str(2**70)],
        ["stats"],
    ]
    env = {**CHILD_ENV, "REFRESHER_HOME": str(refresher_home)}
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "refresher", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=_limit_memory,
        )
        for args in cases
    ]
    for args, proc in zip(cases, procs, strict=True):
        _, stderr = proc.communicate(timeout=60)
        lines = stderr.decode().strip().splitlines()
        assert proc.returncode == 1 and len(lines) == 1, (args, proc.returncode, stderr)
        assert lines[0].startswith("error: "), (args, lines)
    assert time.monotonic() - started < 30  # all ten together, on two cores
