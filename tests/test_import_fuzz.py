"""Fuzzing the importers: mutants of the bundled bank exported as CSV, TSV, Anki text, GIFT and
Moodle XML go through `import`; each imports, or leaves out what it cannot take with `FILE:LINE:`
lines, or ends in one `RefresherError` line, and nothing else. `make fuzz` runs many more.

The mutants come in chunks of `CHUNK`, one test each with its own seed, so a long run reports
every chunk that fails instead of stopping at the first, and the per-test time limit of
`tests/conftest.py` catches a mutant that hangs."""

from __future__ import annotations

import os
import random
import xml.etree.ElementTree as ET

import pytest

from refresher.app import interop
from refresher.banks.catalog import bank_paths
from refresher.banks.load import load_bank
from refresher.core.errors import RefresherError
from tests.bank_mutants import mutate

FORMATS = {"csv": "csv", "tsv": "tsv", "txt": "txt", "gift": "gift", "xml": "xml"}
COUNT = int(os.environ.get("REFRESHER_FUZZ", "200")) // len(FORMATS) or 1  # per format
CHUNK = 100
CASES = [(s, c) for s in FORMATS for c in range(0, COUNT, CHUNK)]

# Pieces that mean something to one of the readers: quotes, separators, GIFT's braces and
# markers, Anki's header lines, HTML, huge numbers, control and bidi characters.
_PIECES = [
    '"', '""', "'", ",", ";", "\t", "\n", "\r\n", "{", "}", "=", "~", "#", "::", "->", "%50%",
    "$CATEGORY: x\n", "[html]", "[plain]", "\\", "\\n", "#separator:tab\n", "#html:true\n",
    "#deck column:" + "9" * 5000 + "\n", "#notetype column:2\n", "<b>", "</b>", "<img src=x>",
    "&amp;", "&#0;", "{{c1::x}}", "[/b]", "[link=javascript:x]", "\x1b[2J", "\u202e", "\x00",
    "9" * 5000, "1e400", "nan", "=l -> r " * 40, "{#1..2}", "{TRUE}", "{}",
    # Moodle XML: markup, CDATA, entities, a DOCTYPE (refused), grades, embedded answers.
    "<", ">", "&", "&lt;", "&#x110000;", "&#xD800;", "&nosuch;", "<![CDATA[", "]]>", "<!-- ",
    " -->", "<?pi x?>", "</question>", '<question type="cloze">', '<question type="category">',
    '<question type="nosuch">', "<text>", "</text>", "<answer>", '<answer fraction="1e400">',
    'fraction="nan"', 'fraction="-100"', '<subquestion format="html">', "<tolerance>x</tolerance>",
    "{1:SHORTANSWER:=x}", "{1:MULTICHOICE:=a~b}", "{:NUMERICAL:=1:" + "9" * 400 + "}", "{1:MC:}",
    '<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">]>', "<quiz>", "</quiz>", 'xmlns:x="y"', "<x:y/>",
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


# Values a Moodle XML reader decides by: question types, text formats, grades, element names.
_TYPES = [
    "multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "cloze",
    "multianswer", "description", "category", "calculated", "ddwtos", "nosuch", "",
]  # fmt: skip
_ATTRS = {
    "type": _TYPES,
    "format": ["html", "plain_text", "moodle_auto_format", "markdown", "nosuch", ""],
    "fraction": ["100", "0", "-100", "50", "33.33333", "1e400", "-1e400", "nan", "x", "-0", ""],
}
_TAGS = [
    "answer", "text", "single", "tolerance", "subquestion", "shuffleanswers", "hint", "tags",
    "tag", "idnumber", "name", "questiontext", "graderinfo", "unit", "units", "category", "file",
]  # fmt: skip
_TEXTS = [
    "", " ", "x", "0", "-1", "1e400", "nan", "true", "false", "<b>bold</b> &amp; <br/>",
    "<p>a</p><p>b</p>", "{1:SHORTANSWER:=x~%50%y}", "{2:MULTICHOICE_S:=a#ok~b#no}",
    "{1:NUMERICAL:=1.5:0.1~%50%2:1}", "{:MCV:}", "{1:SA:}", "$course$/top/", "//", "a/b//c",
    "Key points:\n- a\n- b", "\u202e\x1b[2J", "id with spaces", "x" * 5000,
]  # fmt: skip


def _mutate_tree(text: str, rng: random.Random) -> str:
    """A well-formed Moodle XML mutant: elements deleted, doubled, moved, added or given other
    text and attributes, so the mutants reach the reader rather than the XML parser."""
    root = ET.fromstring(text)
    for _ in range(rng.randint(1, 4)):
        nodes = list(root.iter())
        parents = {child: parent for parent in nodes for child in parent}
        node = rng.choice(nodes[1:])
        parent = parents[node]
        op = rng.randrange(6)
        if op == 0:
            parent.remove(node)
        elif op == 1:
            parent.insert(list(parent).index(node), ET.fromstring(ET.tostring(node)))
        elif op == 2:
            node.text = rng.choice(_TEXTS + _PIECES)
        elif op == 3:
            name = rng.choice(list(_ATTRS))
            node.set(name, rng.choice(_ATTRS[name]))
        elif op == 4:
            child = ET.SubElement(node, rng.choice(_TAGS))
            child.text = rng.choice(_TEXTS)
        else:
            other = rng.choice(nodes[1:])
            if other is not node and node not in other.iter():
                parent.remove(node)
                other.append(node)
    return ET.tostring(root, encoding="unicode")


def mutant(text: str, rng: random.Random, suffix: str = "") -> str:
    if suffix == "xml" and rng.random() < 0.7:
        text = _mutate_tree(text, rng)
        return _mutate_chars(text, rng) if rng.random() < 0.2 else text
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


@pytest.mark.parametrize(("suffix", "start"), CASES)
def test_import_mutants_end_in_lines_never_a_traceback(suffix, start, exported, tmp_path):
    rng = random.Random(f"import-{suffix}-20261202-{start}")
    source = tmp_path / f"mutant.{suffix}"
    target = tmp_path / "mutant.yaml"
    for n in range(start, min(start + CHUNK, COUNT)):
        text = mutant(exported[suffix], rng, suffix)
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
