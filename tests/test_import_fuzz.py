"""Fuzzing the importers: mutants of the bundled bank exported as CSV, TSV, Anki text and GIFT
go through `import`; each imports, or leaves out what it cannot take with `FILE:LINE:` lines, or
ends in one `RefresherError` line, and nothing else. `make fuzz` runs many more."""

from __future__ import annotations

import os
import random

import pytest

from refresher.app import interop
from refresher.banks.catalog import bank_paths
from refresher.banks.load import load_bank
from refresher.core.errors import RefresherError
from tests.bank_mutants import mutate

COUNT = int(os.environ.get("REFRESHER_FUZZ", "200")) // 4 or 1
FORMATS = {"csv": "csv", "tsv": "tsv", "txt": "txt", "gift": "gift"}

# Pieces that mean something to one of the readers: quotes, separators, GIFT's braces and
# markers, Anki's header lines, HTML, huge numbers, control and bidi characters.
_PIECES = [
    '"', '""', "'", ",", ";", "\t", "\n", "\r\n", "{", "}", "=", "~", "#", "::", "->", "%50%",
    "$CATEGORY: x\n", "[html]", "[plain]", "\\", "\\n", "#separator:tab\n", "#html:true\n",
    "#deck column:" + "9" * 5000 + "\n", "#notetype column:2\n", "<b>", "</b>", "<img src=x>",
    "&amp;", "&#0;", "{{c1::x}}", "[/b]", "[link=javascript:x]", "\x1b[2J", "\u202e", "\x00",
    "9" * 5000, "1e400", "nan", "=l -> r " * 40, "{#1..2}", "{TRUE}", "{}",
]  # fmt: skip


def _mutate_chars(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(text) + 1)
        op = rng.randrange(4)
        if op == 0:
            text = text[:k] + rng.choice(_PIECES) + text[k:]
        elif op == 1:
            text = text[:k] + text[k + rng.randint(1, 40) :]
        elif op == 2:
            text = text[:k]  # truncated
        else:
            j = rng.randrange(len(text) + 1)
            text = text[:k] + text[j : j + rng.randint(1, 200)] + text[k:]
    return text


def mutant(text: str, rng: random.Random) -> str:
    text = mutate(text, rng) if rng.random() < 0.5 else text
    return _mutate_chars(text, rng) if text else rng.choice(_PIECES)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exported")
    bank = load_bank(bank_paths()[0])
    out = {}
    for suffix, fmt in FORMATS.items():
        path = folder / f"seed.{suffix}"
        interop.export_bank(bank, path, fmt)
        out[suffix] = path.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_import_mutants_end_in_lines_never_a_traceback(suffix, exported, tmp_path):
    rng = random.Random(f"import-{suffix}-20261202")
    source = tmp_path / f"mutant.{suffix}"
    target = tmp_path / "mutant.yaml"
    for n in range(COUNT):
        text = mutant(exported[suffix], rng)
        source.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            done = interop.import_file(source, target, force=True)
        except RefresherError as exc:
            message = str(exc)
            assert message and "\n" not in message.strip(), (n, message[:300])
            continue
        except Exception as exc:  # noqa: BLE001 - anything else is the bug being hunted
            pytest.fail(f"{suffix} mutant {n}: {type(exc).__name__}: {exc}\n{text[:1500]}")
        for line in done.problems:
            assert line.startswith(str(source)), (n, line[:200])
            assert "\x1b" not in line and "\u202e" not in line, (n, line[:200])
        if done.bank is not None:
            load_bank(target)  # what was written checks
