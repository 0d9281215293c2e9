"""CSV and TSV: one row per question for spreadsheets, and rows (or a Quizlet export) read back.

Columns: id, type, topic, tags, prompt, options, answer, explanation, points, compute,
tolerance. Lists in one cell are one entry per line (options, order items, points, accepted
answers); `match` options are `item -> match` lines (a distractor is `-> match`); tags are
separated by spaces; `compute` is the numeric spec as JSON. A `card`'s back is its answer.

Reading: a first row made of known column names is a header (`front`/`term`/`question` mean
prompt, `back`/`definition` mean answer); without one, two columns are front and back, which
reads a Quizlet `term<TAB>definition` export as it is. A row without a type is a `card`. The
separator is sniffed over many lines (see `read`). Pure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from refresher.core.text import FORMULA_STARTS, safe_cell
from refresher.formats.imported import Collected, item, stable_id
from refresher.kinds.cloze import bank_text
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
        row["options"] = ""
        row["answer"] = bank_text(q)  # groups as ~g1: ..., read back as the same groups
    elif kind == "numeric":
        if q.value is not None:
            row["answer"] = f"{q.value:.12g}"
        else:
            row["compute"] = json.dumps(q.compute, ensure_ascii=False)
        row["tolerance"] = f"{q.tolerance:g}"
    return row


def _unsafe(cell: str) -> str:
    """A cell `safe_cell` quoted, as it was."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def write(questions: Iterable[Any], delimiter: str = ",", *, raw: bool = False) -> str:
    """The rows of `questions`; cells that would run as formulas quoted unless `raw`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for q in questions:
        row = _row(q)
        writer.writerow(row if raw else {k: safe_cell(v) for k, v in row.items()})
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _header(row: list[str]) -> list[str] | None:
    names = [_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in row]
    if names and all(n in COLUMNS for n in names if n) and "prompt" in names:
        return names
    return None


def mapping(spec: str) -> list[str]:
    """`--columns front,back,-,tags`: the name of each column in order (`-` skips one); every
    name a known column or alias. ValueError naming the unknown one."""
    names = []
    for raw in spec.split(","):
        name = raw.strip().lower()
        name = "" if name in ("-", "_", "skip", "") else _ALIASES.get(name, name)
        if name and name not in COLUMNS:
            known = ", ".join(sorted({*COLUMNS, *_ALIASES}))
            raise ValueError(f"unknown column {raw.strip()!r} (known: {known})")
        names.append(name)
    if "prompt" not in names:
        raise ValueError("name the column holding the front (front, prompt, term or question)")
    return names


def _labels(row: list[str]) -> bool:
    """True for a row of column names (short, distinct, no sentence punctuation)."""
    cells = [c.strip() for c in row]
    return (
        bool(cells)
        and all(0 < len(c) <= 30 and not re.search(r"[?.!]|^\d+$", c) for c in cells)
        and len(set(cells)) == len(cells)
    )


def _lines_of(cell: str) -> list[str]:
    return [s.strip() for s in cell.replace("\r\n", "\n").split("\n") if s.strip()]


def _rows(text: str, delimiter: str, found: Collected) -> list[tuple[int, list[str]]]:
    """(line, cells) of every record; `#` comment lines skipped; a separator of several
    characters (Quizlet's custom ones) splits each line at its first occurrence, unquoted."""
    lines = text.split("\n")
    if len(delimiter) > 1:
        return [
            (n, ln.split(delimiter, 1))
            for n, ln in enumerate(lines, 1)
            if ln.strip() and not ln.startswith("#")
        ]
    feed = io.StringIO("".join("\n" if ln.startswith("#") else ln + "\n" for ln in lines))
    # strict: a quote never closed is an error at the end, not every later row in one cell
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
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
        if any(c.strip() for c in row):
            out.append((line, row))
    return out


def read(
    text: str, default_topic: str, separator: str | None = None, columns: list[str] | None = None
) -> Collected:
    """Questions from CSV/TSV text; every row that cannot be used is a problem with its line.

    The separator is `separator` or the one most of the first lines agree on (`#` comments
    skipped); `columns` names the columns in order, the file's own header row then skipped.
    Cells holding HTML (an Anki export without its header lines) become text, except in a file
    written by refresher (its own `id`/`type` columns). A headerless two-column file is a list of
    cards as Quizlet writes it: a line without the separator continues the definition above,
    and cells past the second (an unquoted comma) are part of the definition."""
    from refresher.formats.anki import sniff_separator
    from refresher.formats.markup import to_text

    text = text.lstrip("\ufeff")
    found = Collected()
    delimiter = separator or sniff_separator(text.split("\n"), "\t,;|")
    rows = _rows(text, delimiter, found)
    names: list[str] | None = None
    if columns is not None:
        names = columns
        if rows and _labels(rows[0][1]) and _header(rows[0][1]) is None:
            line, row = rows.pop(0)
            found.note(line, f"the file's header row ({', '.join(row)[:80]}) replaced by --columns")
        elif rows and _header(rows[0][1]) is not None:
            rows.pop(0)
    elif rows:
        names = _header(rows[0][1])
        if names is not None:
            rows.pop(0)
    own = names is not None and "id" in names and "type" in names
    if names is None:
        rows = _quizlet(rows, delimiter)
    third = next((line for line, row in rows if len(row) == 3), None) if names is None else None
    if third is not None:
        found.note(
            third,
            "three columns and no header row naming them: the third is kept as the"
            " explanation (--columns front,back,tags names them otherwise)",
        )
    for line, row in rows:
        used = names or (["prompt", "answer"] + ["explanation"] * (len(row) > 2))
        if names is None and len(row) > 3:
            found.problem(line, f"{len(row)} columns and no header row naming them; left out")
            continue
        cells: dict[str, str] = {}
        for name, cell in zip(used, row, strict=False):
            if name:
                if own:
                    cell = _unsafe(cell)
                elif _MARKUP.search(cell):
                    cell, dropped = to_text(cell)
                    found.media += len(dropped)
                cells[name] = cell.strip()
        if len(row) > len(used) and any(c.strip() for c in row[len(used) :]):
            found.problem(line, "more cells than the header has columns; left out")
            continue
        _question(found, line, cells, default_topic)
    return found


_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def _quizlet(rows: list[tuple[int, list[str]]], delimiter: str) -> list[tuple[int, list[str]]]:
    """Headerless rows as Quizlet writes them when most rows have two cells: a one-cell line
    continues the definition above, and extra cells (an unquoted comma) join the definition."""
    if not rows or sum(len(r) == 2 for _, r in rows) * 2 <= len(rows):
        return rows
    out: list[tuple[int, list[str]]] = []
    for line, row in rows:
        if len(row) == 1 and out:
            out[-1][1][-1] += "\n" + row[0]
            continue
        if len(row) > 2:
            row = [row[0], delimiter.join(row[1:])]
        out.append((line, list(row)))
    return out


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
