"""Anki: a bank as notes (`.apkg` through genanki, or Anki's "notes in plain text"), and notes
in plain text read back as a bank.

Every kind becomes something a learner can study in Anki: `card` and `open` are Basic notes,
`blank` a type-in-the-answer note, `cloze` a Cloze note (one `{{cN::...}}` per blank), the other
kinds a Basic note with the options or items on the front and the answer, spelled out, on the
back. Each note's GUID comes from `bank id/question id`, so importing a newer export updates the
learner's notes (and keeps their Anki progress) instead of adding copies. Fields are HTML with
every bank text escaped. Edge module: genanki is imported only to write a package.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from refresher.core.model import Bank
from refresher.formats.imported import ANY_ORDER, Collected, cloze_passage, item, stable_id
from refresher.formats.markup import escape, to_text
from refresher.kinds.blank import BlankQuestion
from refresher.kinds.card import CardQuestion
from refresher.kinds.choice import ChoiceQuestion
from refresher.kinds.cloze import ClozeQuestion, group_of, group_sentences
from refresher.kinds.letters import letter
from refresher.kinds.match import MatchQuestion
from refresher.kinds.multi import MultiQuestion
from refresher.kinds.numeric.model import NumericQuestion
from refresher.kinds.open import OpenQuestion
from refresher.kinds.order import OrderQuestion
from refresher.kinds.truefalse import TrueFalseQuestion

# The note types of a package. Their ids are fixed: Anki recognises them on the next import.
BASIC, TYPE_IN, CLOZE = "basic", "type-in", "cloze"
MODEL_IDS = {BASIC: 1_607_392_014, TYPE_IN: 1_607_392_015, CLOZE: 1_607_392_016}
MODEL_NAMES = {BASIC: "refresher Basic", TYPE_IN: "refresher Type-in", CLOZE: "refresher Cloze"}
MODEL_FIELDS = {
    BASIC: ("Front", "Back"),
    TYPE_IN: ("Front", "Back", "Extra"),
    CLOZE: ("Text", "Back Extra"),
}
# Anki's stock note types, present in every collection: what a plain-text file names.
STOCK_NAMES = {BASIC: "Basic", TYPE_IN: "Basic (type in the answer)", CLOZE: "Cloze"}

_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; }
pre { font-size: 13px; text-align: left; }
.why { color: #666; font-size: 16px; }
"""

# What the shell renders for a numeric item: (its inputs, its worked solution), each as HTML.
NumericHtml = Callable[[Any], tuple[str, str]]


@dataclass(frozen=True)
class Note:
    kind: str  # BASIC, TYPE_IN or CLOZE
    fields: tuple[str, ...]  # HTML, as many as MODEL_FIELDS[kind]
    tags: tuple[str, ...]
    guid: str
    deck: str
    qid: str


def guid_of(key: str) -> str:
    """The note GUID of `bank id/question id`: the same in every export of that question."""
    return "rf" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def deck_id(name: str) -> int:
    return (1 << 30) + int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:7], 16)


def _tag(text: str) -> str:
    return "_".join(text.split())


def _why(text: str) -> str:
    return f'<br><br><div class="why">{escape(text)}</div>' if text else ""


def _lines(rows: Iterable[str]) -> str:
    return "<br>".join(rows)


def _fields(it: Any, numeric_html: NumericHtml | None) -> tuple[str, tuple[str, ...]]:
    """The note type and HTML fields of one item (options and items in its display order)."""
    q = it.question
    prompt = escape(q.prompt)
    why = _why(q.explanation)
    if isinstance(q, CardQuestion):
        return BASIC, (prompt, escape(q.back) + why)
    if isinstance(q, OpenQuestion):
        points = "".join(f"<li>{escape(p)}</li>" for p in q.points)
        back = escape(q.answer) + (f"<ul>{points}</ul>" if points else "")
        return BASIC, (prompt, back + why)
    if isinstance(q, BlankQuestion):
        extra = ""
        if len(q.answers) > 1:
            extra = "Also accepted: " + escape(", ".join(q.answers[1:]))
        return TYPE_IN, (
            prompt,
            escape(q.answers[0]),
            extra + why if extra else why.removeprefix("<br><br>"),
        )
    if isinstance(q, ChoiceQuestion | MultiQuestion):
        shown = [f"<b>{letter(k)}.</b> {escape(o)}" for k, o in enumerate(it.options)]
        right = [q.answer] if isinstance(q, ChoiceQuestion) else sorted(q.answers)
        back = [f"<b>{letter(it.order.index(i))}.</b> {escape(q.options[i])}" for i in right]
        hint = "" if isinstance(q, ChoiceQuestion) else "<br><i>Select all that apply.</i>"
        return BASIC, (prompt + "<br><br>" + _lines(shown) + hint, _lines(back) + why)
    if isinstance(q, TrueFalseQuestion):
        back = "<b>True</b>" if q.answer else "<b>False</b>"
        return BASIC, (prompt + "<br><br><i>True or false?</i>", back + why)
    if isinstance(q, OrderQuestion):
        shown = [f"<b>{letter(k)}.</b> {escape(q.items[i])}" for k, i in enumerate(it.order)]
        right = "".join(f"<li>{escape(s)}</li>" for s in q.items)
        return BASIC, (prompt + "<br><br>" + _lines(shown), f"<ol>{right}</ol>" + why)
    if isinstance(q, MatchQuestion):
        left = [f"<b>{k}.</b> {escape(s)}" for k, s in enumerate(q.left, 1)]
        right = [f"<b>{letter(k)}.</b> {escape(q.right[i])}" for k, i in enumerate(it.order)]
        pairs = [
            f"{escape(s)} → <b>{escape(q.right[a])}</b>"
            for s, a in zip(q.left, q.answers, strict=True)
        ]
        front = prompt + "<br><br>" + _lines(left) + "<br><br>" + _lines(right)
        return BASIC, (front, _lines(pairs) + why)
    if isinstance(q, ClozeQuestion):
        # The blanks of a group share one cloze number, so Anki hides them on one card, and
        # carry the hint "any order" (read back on import as that group).
        groups = group_of(q)
        number: dict[tuple[str, int], int] = {}
        text = [escape(q.segments[0])]
        also = []
        for k, accepted in enumerate(q.blanks):
            key = ("g", groups[k]) if k in groups else ("b", k)
            n = number.setdefault(key, len(number) + 1)
            hint = f"::{ANY_ORDER}" if k in groups else ""
            text.append(f"{{{{c{n}::{escape(accepted[0])}{hint}}}}}{escape(q.segments[k + 1])}")
            if len(accepted) > 1:
                also.append(f"{escape(accepted[0])}: also {escape(', '.join(accepted[1:]))}")
        order = group_sentences(q, [escape(b[0]) for b in q.blanks])
        derived = "".join(
            s + ("____" if k < len(q.blanks) else "") for k, s in enumerate(q.segments)
        )
        head = "" if q.prompt == derived.strip() else prompt + "<br><br>"
        extra = "<br>".join([*order, *(["Also accepted: " + "; ".join(also)] if also else [])])
        return CLOZE, (head + "".join(text), extra + why if extra else why.removeprefix("<br><br>"))
    if isinstance(q, NumericQuestion):
        from refresher.kinds.numeric.engine import format_answer  # NumPy: only when needed

        if q.value is not None:
            tol = f" (± {format_answer(q.tolerance)})" if q.tolerance else ""
            return BASIC, (prompt, f"<b>{escape(format_answer(q.value))}</b>{tol}{why}")
        inputs, solution = numeric_html(it) if numeric_html else ("", "")
        answer = f"<b>{escape(format_answer(it.instance.expected))}</b>"
        return BASIC, (prompt + inputs, answer + why + solution)
    raise ValueError(f"no Anki mapping for {q.type}")  # every kind is mapped above


def notes(
    bank: Bank, items: Iterable[Any], *, subdecks: bool, numeric_html: NumericHtml | None
) -> list[Note]:
    """One note per item, in deck `bank.title` (or `title::topic name` with `subdecks`)."""
    out = []
    for it in items:
        q = it.question
        kind, fields = _fields(it, numeric_html)
        deck = bank.title
        if subdecks:
            deck = f"{bank.title}::{bank.topics.get(q.topic, q.topic)}"
        tags = (f"topic::{_tag(q.topic)}", *(_tag(t) for t in q.tags), f"kind::{q.type}")
        out.append(Note(kind, fields, tags, guid_of(q.key), deck, q.id))
    return out


def write_apkg(notes: list[Note], timestamp: float | None = None) -> bytes:
    """An Anki package holding `notes`, as bytes (the caller writes it atomically)."""
    import genanki

    def model(kind: str, card: str, qfmt: str, afmt: str, **extra: Any) -> Any:
        fields = [{"name": n} for n in MODEL_FIELDS[kind]]
        template = {"name": card, "qfmt": qfmt, "afmt": afmt}
        return genanki.Model(
            MODEL_IDS[kind], MODEL_NAMES[kind], fields=fields, templates=[template], css=_CSS,
            **extra,
        )  # fmt: skip

    models = {
        BASIC: model(BASIC, "Card 1", "{{Front}}", '{{FrontSide}}<hr id="answer">{{Back}}'),
        TYPE_IN: model(
            TYPE_IN,
            "Card 1",
            "{{Front}}<br><br>{{type:Back}}",
            '{{Front}}<hr id="answer">{{type:Back}}<br>{{Extra}}',
        ),
        CLOZE: model(
            CLOZE,
            "Cloze",
            "{{cloze:Text}}",
            "{{cloze:Text}}<br>{{Back Extra}}",
            model_type=genanki.Model.CLOZE,
        ),
    }
    decks: dict[str, Any] = {}
    for note in notes:
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(deck_id(note.deck), note.deck)
        deck.add_note(
            genanki.Note(
                model=models[note.kind],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
            )
        )
    buffer = io.BytesIO()
    genanki.Package(list(decks.values())).write_to_file(buffer, timestamp=timestamp)
    return buffer.getvalue()


def write_text(notes: list[Note]) -> str:
    """Anki's "notes in plain text": header lines, then one tab-separated row per note."""
    out = io.StringIO()
    out.write(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        "#tags column:6\n"
    )
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for note in notes:
        front, back = note.fields[0], "<br>".join(f for f in note.fields[1:] if f)
        if note.kind == TYPE_IN:  # Anki's stock type-in note has no Extra field
            back = note.fields[1]
        writer.writerow(
            [note.guid, STOCK_NAMES[note.kind], note.deck, front, back, " ".join(note.tags)]
        )
    return out.getvalue()


# --- reading notes in plain text -------------------------------------------------------------

_SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}


def looks_like(text: str) -> bool:
    """True for a file that starts with Anki's `#key:value` header lines."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return bool(re.match(r"#(separator|html|notetype|deck|tags|columns|guid)", first))


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    n = 0
    for line in lines:
        if not line.startswith("#"):
            break
        n += 1
        key, _, value = line[1:].partition(":")
        header[key.strip().lower()] = value.strip()
    return header, n


def _column(header: dict[str, str], name: str) -> int | None:
    value = header.get(f"{name} column")
    # ASCII digits only ("²" is a digit to isdigit), and few of them (int() has a digit limit)
    ok = value is not None and value.isascii() and value.isdigit() and len(value) <= 6
    return int(value) - 1 if ok and int(value) > 0 else None


def _records(lines: list[str], first_line: int, sep: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its cells), reading quoted multi-line cells."""
    records = ("\n" if ln.startswith("#") else ln + "\n" for ln in lines)  # quoted breaks kept
    reader = csv.reader(records, delimiter=sep)
    start = first_line
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, [f"\x00{exc}"]
            start = first_line + reader.line_num
            continue
        yield start, row
        start = first_line + reader.line_num


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def sniff_separator(lines: list[str], candidates: str = "\t;,|:") -> str:
    """The separator most of the first records agree on (comments and HTML entities, whose `;`
    is no separator, skipped; quoted fields read as CSV reads them): the candidate giving the
    same column count, above one, to the most records. A tab when none does."""
    sample = "".join(
        _ENTITY.sub("", ln) + "\n" for ln in lines[:400] if ln.strip() and not ln.startswith("#")
    )
    best, best_score = "\t", 0
    for sep in candidates:
        try:
            counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=sep) if row]
        except csv.Error:
            continue
        common = max(set(counts), key=counts.count) if counts else 1
        score = counts.count(common) if common > 1 else 0
        if score > best_score:
            best, best_score = sep, score
    return best


def read_text(text: str, default_topic: str, separator: str | None = None) -> Collected:
    """The notes of an Anki plain-text export as questions (Basic -> card, type in the answer
    -> blank, Cloze -> cloze; a reversed note type adds its reverse card), with a problem for
    every note or part of one left out. The separator is the header's, else `separator`, else
    sniffed; fields are HTML unless the header says `#html:false`."""
    lines = text.lstrip("\ufeff").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header, skip = _header(lines)
    body = [ln for ln in lines[skip:]]
    if separator:
        sep = separator
    elif "separator" in header:
        sep_name = header["separator"]
        sep = _SEPARATORS.get(sep_name.lower(), sep_name[:1] or "\t")
    else:
        sep = sniff_separator(body)
    html = header.get("html", "true").lower() != "false"
    cols = {n: _column(header, n) for n in ("guid", "notetype", "deck", "tags")}
    meta = {c for c in cols.values() if c is not None}
    found = Collected()
    for line, row in _records(body, skip + 1, sep):
        if row and row[0].startswith("\x00"):
            found.problem(line, f"cannot read this row: {row[0][1:]}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        _note(found, line, row, cols, meta, header, html, default_topic)
    return found


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _note(
    found: Collected,
    line: int,
    row: list[str],
    cols: dict[str, int | None],
    meta: set[int],
    header: dict[str, str],
    html: bool,
    default_topic: str,
) -> None:
    notetype = _cell(row, cols["notetype"]) or header.get("notetype", "Basic")
    deck = _cell(row, cols["deck"]) or header.get("deck", "")
    guid = _cell(row, cols["guid"])
    raw_tags = f"{header.get('tags', '')} {_cell(row, cols['tags'])}".split()
    fields = []
    for k, cell in enumerate(row):
        if k in meta:
            continue
        if html and _MARKUP.search(cell):
            cell, dropped = to_text(cell)
            found.media += len(dropped)
        fields.append(cell.strip())
    while fields and not fields[-1]:
        fields.pop()
    topic, tags = "", []
    for tag in raw_tags:
        if tag.lower().startswith("topic::"):
            topic = tag[7:]
        elif not tag.lower().startswith("kind::"):
            tags.append(tag)
    if topic:
        topic_key = found.topic(topic, default_topic)
    elif deck:
        topic_key = found.topic(deck.split("::")[-1], default_topic)
    else:
        topic_key = found.topic("", default_topic)
    name = notetype.lower()
    kind = "cloze" if "cloze" in name else "blank" if "type" in name else "card"
    qid = stable_id("anki", guid) if guid else stable_id("anki", kind, *fields)
    qid = found.unique_id(qid, kind, *fields)
    common = dict(id=qid, type=kind, topic=topic_key, tags=tags or None)
    if not fields or not fields[0]:
        found.problem(line, "the note's first field is empty: nothing to ask")
        return
    if kind == "cloze":
        passage, n, hints = cloze_passage(fields[0])
        if n == 0:
            found.problem(line, f"a {notetype} note without any {{{{c1::...}}}}: nothing to ask")
            return
        extra = "\n\n".join(f for f in fields[1:] if f)
        hint = ("Hints: " + "; ".join(hints)) if hints else None
        found.add(item(line, **common, text=passage, explanation=extra, hint=hint))
        return
    optional = "optional reversed" in name
    flag = ""
    if optional and len(fields) >= 3:
        flag, fields = fields[2], fields[:2] + fields[3:]
    if len(fields) < 2 or not fields[1]:
        found.problem(line, f"a {notetype} note needs a back (second field); it is empty")
        return
    if kind == "blank":
        extra = "\n\n".join(f for f in fields[2:] if f)
        found.add(item(line, **common, prompt=fields[0], answer=fields[1], explanation=extra))
        return
    back = "\n\n".join(f for f in fields[1:] if f)
    found.add(item(line, **common, front=fields[0], back=back))
    if ("reverse" in name and not optional) or (optional and flag):
        reverse = dict(common, id=found.unique_id(f"{qid}-reverse", "reverse", *fields))
        found.add(item(line, **reverse, front=fields[1], back=fields[0]))
        found.note(line, f"a {notetype} note: its reverse card is a second card")
