"""CSV and TSV: one row per question for spreadsheets, and rows (or a Quizlet export) read back.

Columns: id, type, topic, tags, prompt, options, answer, explanation, points, compute,
tolerance. Lists in one cell are one entry per line (options, order items, points, accepted
answers); `match` options are `item -> match` lines (a distractor is `-> match`); tags are
separated by spaces; `compute` is the numeric spec as JSON. A `card`'s back is its answer.

Reading: a first row made of known column names is a header (`front`/`term`/`question` mean
prompt, `back`/`definition` mean answer); without one, two columns are front and back, which
reads a Quizlet `term<TAB>definition` export as it is. A row without a type is a `card`. Tabs
or commas (or semicolons) are told apart from the first line. Pure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from refresher.formats.imported import Collected, item, stable_id
from refresher.kinds.letters import letter

COLUMNS = (
    "id",
    "type",
    "topic",
    "tags",
    "prompt",
    "options",
    "answer",
    "explanation",
    "points",
    "compute",
    "tolerance",
)
_ALIASES = {
    "front": "prompt",
    "term": "prompt",
    "question": "prompt",
    "text": "prompt",
    "back": "answer",
    "definition": "answer",
    "answers": "answer",
    "kind": "type",
    "feedback": "explanation",
    "tag": "tags",
}


def _row(q: Any) -> dict[str, str]:
    row = {c: "" for c in COLUMNS}
    row.update(id=q.id, type=q.type, topic=q.topic, tags=" ".join(q.tags))
    row["prompt"] = q.prompt
    row["explanation"] = q.explanation
    kind = q.type
    if kind in ("choice", "multi"):
        row["options"] = "\n".join(q.options)
        right = [q.answer] if kind == "choice" else sorted(q.answers)
        row["answer"] = " ".join(letter(i) for i in right)
    elif kind == "truefalse":
        row["answer"] = "true" if q.answer else "false"
    elif kind == "blank":
        row["answer"] = "\n".join(q.answers)
    elif kind == "card":
        row["answer"] = q.back
    elif kind == "open":
        row["answer"] = q.answer
        row["points"] = "\n".join(q.points)
    elif kind == "order":
        row["options"] = "\n".join(q.items)
    elif kind == "match":
        pairs = [f"{left} -> {q.right[a]}" for left, a in zip(q.left, q.answers, strict=True)]
        pairs += [f"-> {extra}" for extra in q.right[max(q.answers) + 1 :]]
        row["options"] = "\n".join(pairs)
    elif kind == "cloze":
        text = [q.segments[0]]
        for k, accepted in enumerate(q.blanks, 1):
            text.append("{{" + "|".join(accepted) + "}}" + q.segments[k])
        row["options"] = ""
        row["answer"] = "".join(text)
    elif kind == "numeric":
        if q.value is not None:
            row["answer"] = f"{q.value:.12g}"
        else:
            row["compute"] = json.dumps(q.compute, ensure_ascii=False)
        row["tolerance"] = f"{q.tolerance:g}"
    return row


def write(questions: Iterable[Any], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for q in questions:
        writer.writerow(_row(q))
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _delimiter(first: str) -> str:
    counts = {d: first.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else "\t"


def _header(row: list[str]) -> list[str] | None:
    names = [_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in row]
    if names and all(n in COLUMNS for n in names if n) and "prompt" in names:
        return names
    return None


def _lines_of(cell: str) -> list[str]:
    return [s.strip() for s in cell.replace("\r\n", "\n").split("\n") if s.strip()]


def read(text: str, default_topic: str) -> Collected:
    """Questions from CSV/TSV text; every row that cannot be used is a problem with its line."""
    text = text.lstrip("\ufeff")
    found = Collected()
    delimiter = _delimiter(text.split("\n", 1)[0])
    # strict: a quote never closed is an error at the end, not every later row in one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns: list[str] | None = None
    start = 1
    first = True
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                found.problem(
                    start,
                    "a quote opened on this row is never closed, so every later row would be"
                    " one cell; this row and the rest of the file are left out",
                )
                break
            found.problem(start, f"cannot read this row: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if first:
            first = False
            columns = _header(row)
            if columns is not None:
                continue
        if not any(c.strip() for c in row):
            continue
        names = columns or (["prompt", "answer"] + ["explanation"] * (len(row) > 2))
        if columns is None and len(row) > 3:
            found.problem(line, f"{len(row)} columns and no header row naming them; left out")
            continue
        cells: dict[str, str] = {}
        for name, cell in zip(names, row, strict=False):
            if name:
                cells[name] = cell.strip()
        if len(row) > len(names) and any(c.strip() for c in row[len(names) :]):
            found.problem(line, "more cells than the header has columns; left out")
            continue
        _question(found, line, cells, default_topic)
    return found


def _question(found: Collected, line: int, cells: dict[str, str], default_topic: str) -> None:
    kind = (cells.get("type") or "card").lower()
    prompt = cells.get("prompt", "")
    answer = cells.get("answer", "")
    topic = found.topic(cells.get("topic", ""), default_topic)
    tags = [t for t in re.split(r"[\s,]+", cells.get("tags", "")) if t] or None
    qid = cells.get("id") or stable_id("row", kind, prompt, answer, cells.get("options", ""))
    common: dict[str, Any] = dict(id=qid, type=kind, topic=topic, tags=tags)
    common["explanation"] = cells.get("explanation", "")
    options = _lines_of(cells.get("options", ""))
    if len(options) == 1 and "|" in options[0]:
        options = [o.strip() for o in options[0].split("|") if o.strip()]
    keys: dict[str, Any]
    if kind == "card":
        keys = {"front": prompt, "back": answer}
    elif kind == "choice":
        keys = {"prompt": prompt, "options": options, "answer": answer.upper()}
    elif kind == "multi":
        keys = {"prompt": prompt, "options": options, "answer": re.findall(r"[A-Za-z]", answer)}
        keys["answer"] = [a.upper() for a in keys["answer"]]
    elif kind == "truefalse":
        word = answer.strip().lower()
        if word not in ("true", "false", "t", "f", "yes", "no"):
            found.problem(line, f"a truefalse answer must be true or false, found '{answer[:20]}'")
            return
        keys = {"prompt": prompt, "answer": word in ("true", "t", "yes")}
    elif kind == "blank":
        keys = {"prompt": prompt, "answer": _lines_of(answer) or None}
    elif kind == "open":
        keys = {"prompt": prompt, "answer": answer, "points": _lines_of(cells.get("points", ""))}
    elif kind == "order":
        keys = {"prompt": prompt, "items": options}
    elif kind == "match":
        pairs: dict[str, str] = {}
        extras = []
        for entry in options:
            left, arrow, right = entry.partition("->")
            if not arrow:
                found.problem(line, f"match option '{entry[:40]}' is not 'item -> match'")
                return
            if left.strip():
                pairs[left.strip()] = right.strip()
            else:
                extras.append(right.strip())
        keys = {"prompt": prompt, "pairs": pairs, "distractors": extras}
    elif kind == "cloze":
        keys = {"text": answer or prompt}
        if answer and prompt:
            keys["prompt"] = prompt
    elif kind == "numeric":
        keys = _numeric(found, line, prompt, answer, cells)
        if not keys:
            return
    else:
        keys = {"prompt": prompt}  # the validator names the unknown type and the known ones
    found.add(item(line, **common, **keys))


def _numeric(
    found: Collected, line: int, prompt: str, answer: str, cells: dict[str, str]
) -> dict[str, Any] | None:
    keys: dict[str, Any] = {"prompt": prompt}
    try:
        if cells.get("compute"):
            keys["compute"] = json.loads(cells["compute"])
        elif answer:
            value = float(answer)
            keys["answer"] = int(value) if value.is_integer() else value
        if cells.get("tolerance"):
            keys["tolerance"] = float(cells["tolerance"])
    except (ValueError, RecursionError) as exc:
        found.problem(line, f"a numeric row needs a number answer or a JSON compute: {exc}"[:120])
        return None
    return keys
