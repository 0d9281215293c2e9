"""Moodle's embedded answers ("Cloze", question type `multianswer`): a text holding codes such as
`{1:SHORTANSWER:=Paris~%50%paris#close}`, `{2:NUMERICAL:=1822:2}` or `{:MULTICHOICE:~a~=b}`, read
as a refresher `cloze` (or, for a single code, the kind that code is).

Each code becomes one blank accepting its answers that earn credit (partial credit noted with its
weight, per-answer feedback in the explanation). A choice among options inside a passage becomes
a typed blank with the options listed after it, `[a / b / c]`; a multiple-response code one blank
per right option, answerable in any order. A numerical code with a tolerance accepts the numbers
of its range when they are a few whole numbers, else the exact value, and says so. A case-sensitive
short answer is graded without case, and says so. Pure.
"""

from __future__ import annotations

import re
from typing import Any

from refresher.core import limits
from refresher.core.text import plural
from refresher.formats.imported import Collected
from refresher.formats.markup import to_text

# {weight:TYPE:answers}; answers run to the first `}` not escaped by a backslash
CODE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}", re.DOTALL)
_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_HOLE = re.compile("\ue000(\\d+)\ue001")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")

SHORT = {"SHORTANSWER", "SA", "MW"}
SHORT_CASE = {"SHORTANSWER_C", "SAC", "MWC"}
NUMERICAL = {"NUMERICAL", "NM"}
CHOICE = {"MULTICHOICE", "MC", "MCV", "MCH", "MCS", "MCVS", "MCHS"} | {
    "MULTICHOICE_" + s for s in ("V", "H", "S", "VS", "HS")
}
RESPONSE = {"MULTIRESPONSE", "MR", "MRH", "MRS", "MRHS"} | {
    "MULTIRESPONSE_" + s for s in ("H", "S", "HS")
}
_WHOLE_RANGE = 21  # a numerical range of at most this many whole numbers is accepted whole


def looks_like(text: str) -> bool:
    """True when `text` holds at least one embedded-answer code of a type Moodle knows."""
    return any(_known(m.group(2)) for m in CODE.finditer(text))


def _known(kind: str) -> bool:
    return kind in SHORT | SHORT_CASE | NUMERICAL | CHOICE | RESPONSE


def _split(text: str, mark: str) -> list[str]:
    """`text` cut at every `mark` not escaped by a backslash."""
    parts, start, k = [], 0, 0
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text[k] == mark:
            parts.append(text[start:k])
            start = k + 1
        k += 1
    parts.append(text[start:])
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _answers(spec: str, html: bool) -> list[tuple[float, str, str]]:
    """(weight in percent, text, feedback) of each `~`-separated answer of one code."""
    out = []
    for part in _split(spec, "~"):
        part = part.strip()
        if not part:
            continue
        weight = 0.0
        if part.startswith("="):
            weight, part = 100.0, part[1:]
        else:
            match = _WEIGHT.match(part)
            if match:
                weight, part = float(match.group(1)), part[match.end() :]
        text, *rest = _split(part, "#")
        feedback = "#".join(rest)
        out.append((weight, _clean(_unescape(text), html), _clean(_unescape(feedback), html)))
    return out


def _clean(text: str, html: bool) -> str:
    if html and _MARKUP.search(text):
        text, _ = to_text(text)
    return text.strip()


def _number(value: float) -> str:
    text = f"{value:.12g}"
    return "0" if text == "-0" else text


def _numbers(text: str) -> tuple[float, float] | None:
    value, _, tolerance = text.partition(":")
    try:
        return float(value), abs(float(tolerance or 0))
    except ValueError:
        return None


def read(found: Collected, line: int, raw: str, html: bool) -> dict[str, Any] | None:
    """The question one embedded-answers text makes, with its notes under `notes`; None (and a
    problem) when it cannot be read faithfully."""
    codes = list(CODE.finditer(raw))
    unknown = [m.group(2) for m in codes if not _known(m.group(2))]
    if unknown:
        found.problem(line, f"an embedded answer of unknown type '{unknown[0][:30]}'; left out")
        return None
    if not codes:
        found.problem(line, "an embedded-answers (cloze) question with no {1:TYPE:...} code")
        return None
    if len(codes) > limits.ITEMS_PER_QUESTION:
        found.problem(
            line,
            f"{len(codes)} embedded answers; a cloze holds at most {limits.ITEMS_PER_QUESTION}",
        )
        return None
    starts = {m.start(): k for k, m in enumerate(codes)}
    holed = CODE.sub(lambda m: f"\ue000{starts[m.start()]}\ue001", raw)
    text = _clean(holed, html) if html else holed.strip()
    pieces = _HOLE.split(text)
    segments = pieces[0::2]
    order = [int(k) for k in pieces[1::2]]
    if sorted(order) != list(range(len(codes))):
        found.problem(line, "an embedded answer inside markup that cannot be read as text")
        return None
    if any("{{" in s or "}}" in s for s in segments):
        found.problem(line, "'{{' or '}}' in the text of an embedded-answers question; left out")
        return None
    subs = [(codes[k].group(2), _answers(codes[k].group(3), html)) for k in order]
    if len(subs) == 1:
        single = _single(found, line, segments, *subs[0])
        if single is not None:
            return single
    return _cloze(found, line, segments, subs)


def _shown(kind: str, text: str) -> str:
    """An answer as a note names it: `"Paris"`, or a numerical answer as `4 ± 0.5`."""
    if text == "*":
        return "any other answer"
    numbers = _numbers(text) if kind in NUMERICAL else None
    if numbers is None:
        return f'"{text}"'
    value, tolerance = numbers
    return _number(value) + (f" ± {_number(tolerance)}" if tolerance else "")


def _prompt(segments: list[str]) -> str:
    return (segments[0] + "____" + segments[1]).strip()


def _single(
    found: Collected, line: int, segments: list[str], kind: str, answers: list[Any]
) -> dict[str, Any] | None:
    """One code alone: a choice, multiple-response or numeric question, as Moodle asks it."""
    notes = [f"{_shown(kind, t)}: {f}" for _, t, f in answers if f]
    if kind in CHOICE:
        best = max((w for w, _, _ in answers), default=0)
        if best <= 0:
            return None
        key = next(k for k, (w, _, _) in enumerate(answers) if w == best)
        partial = [k for k, (w, _, _) in enumerate(answers) if w > 0 and k != key]
        notes = []
        for k, (w, t, f) in enumerate(answers):
            credit = f" ({w:g}% credit in Moodle)" if k in partial else ""
            if credit or f:
                notes.append(f'"{t}"{credit}' + (f": {f}" if f else ""))
        if partial:
            found.note(
                line, f"{plural(len(partial), 'partial-credit option')}; the weight is noted"
            )
        return {
            "type": "choice",
            "prompt": _prompt(segments),
            "options": [t for _, t, _ in answers],
            "answer": chr(ord("A") + key),
            "notes": notes,
        }
    if kind in RESPONSE:
        right = [chr(ord("A") + k) for k, (w, _, _) in enumerate(answers) if w > 0]
        if not right:
            return None
        return {
            "type": "multi",
            "prompt": _prompt(segments),
            "options": [t for _, t, _ in answers],
            "answer": right,
            "notes": notes,
        }
    if kind in NUMERICAL:
        read = [(w, _numbers(t), f) for w, t, f in answers if t != "*"]
        if any(n is None for _, n, _ in read):
            return None
        credited = [(w, n) for w, n, _ in read if w > 0 and n is not None]
        if not credited:
            return None
        weight, (value, tolerance) = max(credited, key=lambda r: r[0])
        others = [(w, n) for w, n in credited if n != (value, tolerance)]
        notes = [f"{_shown(kind, t)}: {f}" for w, t, f in answers if f]
        notes += [f"{_number(v)} ± {_number(t)} ({w:g}% credit in Moodle)" for w, (v, t) in others]
        if others:
            found.note(line, f"Moodle also credits {plural(len(others), 'other answer')}; noted")
        return {
            "type": "numeric",
            "prompt": _prompt(segments),
            "answer": int(value) if value.is_integer() else value,
            "tolerance": tolerance,
            "notes": notes,
        }
    return None


def _cloze(
    found: Collected, line: int, segments: list[str], subs: list[tuple[str, list[Any]]]
) -> dict[str, Any] | None:
    parts = [segments[0]]
    notes: list[str] = []
    said: set[str] = set()

    def say(message: str) -> None:
        if message not in said:
            said.add(message)
            found.note(line, message)

    for code, (kind, answers) in enumerate(subs, 1):
        n = "".join(parts).count("{{") + 1  # the blank it starts, as the learner numbers them
        credited = [(w, t) for w, t, _ in answers if w > 0 and t and t != "*"]
        for w, t, f in answers:
            credit = f" ({w:g}% credit in Moodle)" if 0 < w < 100 and kind not in RESPONSE else ""
            if credit or f:
                notes.append(f"Blank {n}, {_shown(kind, t)}{credit}" + (f": {f}" if f else ""))
        if not credited:
            found.problem(line, f"embedded answer {code} has no answer that earns credit; left out")
            return None
        if any(c in t for _, t in credited for c in ("|", ";", "{{", "}}")):
            found.problem(line, f"an answer of embedded answer {code} holds '|', ';' or braces")
            return None
        if any(w < 100 for w, _ in credited):
            say("partial-credit answers of embedded answers are accepted; the weight is noted")
        if kind in SHORT_CASE:
            say("a case-sensitive embedded answer is graded without case")
        if kind in NUMERICAL:
            accepted = _numeric_blank(found, line, n, credited, say)
            if accepted is None:
                return None
            blank = "{{" + "|".join(accepted) + "}}"
        elif kind in CHOICE or kind in RESPONSE:
            listing = " [" + " / ".join(t for _, t, _ in answers) + "]"
            say("a choice inside a passage is asked as a typed blank with its options listed")
            if kind in CHOICE:
                best = max(w for w, _ in credited)
                accepted = [t for w, t in credited if w == best] + [
                    t for w, t in credited if w != best
                ]
                blank = "{{" + "|".join(accepted) + "}}" + listing
            elif len(credited) == 1:
                blank = "{{" + credited[0][1] + "}}" + listing
            else:
                group = f"~r{code}:"
                blank = ", ".join("{{" + group + t + "}}" for _, t in credited) + listing
        else:
            ordered = sorted(credited, key=lambda r: -r[0])
            blank = "{{" + "|".join(t for _, t in ordered) + "}}"
        parts += [blank, segments[code]]
    text = "".join(parts).strip()
    head, cut, rest = text.partition("\n\n")
    if cut and "{{" not in head:  # a paragraph before the passage: its instruction
        return {"type": "cloze", "prompt": head.strip(), "text": rest.strip(), "notes": notes}
    return {"type": "cloze", "text": text, "notes": notes}


def _numeric_blank(
    found: Collected, line: int, n: int, credited: list[tuple[float, str]], say: Any
) -> list[str] | None:
    accepted: list[str] = []
    for _, text in sorted(credited, key=lambda r: -r[0]):
        numbers = _numbers(text)
        if numbers is None:
            found.problem(line, f"blank {n}: '{text[:30]}' is not a number")
            return None
        value, tolerance = numbers
        if tolerance == 0:
            accepted.append(_number(value))
        elif value.is_integer() and tolerance.is_integer() and 2 * tolerance < _WHOLE_RANGE:
            low, high = int(value - tolerance), int(value + tolerance)
            accepted += [str(v) for v in range(low, high + 1)]
            say("a numerical embedded answer with a tolerance accepts the whole numbers in range")
        else:
            accepted.append(_number(value))
            say(
                f"blank {n} accepts {_number(value)} exactly; Moodle also accepts"
                f" ± {_number(tolerance)}"
            )
    return list(dict.fromkeys(accepted))
