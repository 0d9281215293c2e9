"""Moodle XML (`<quiz>` of `<question type="...">`) read as a bank.

Read: categories as topics, multichoice (single: one key, partial credit noted with its weight;
multiple: the options with positive fractions), truefalse, shortanswer (every answer earning
credit accepted, partial weights noted), numerical (the best answer and its tolerance, the others
and units noted), matching (empty sub-questions as distractors), essay (the grader information as
model answer), per-answer and general feedback in the explanation. Text in `html` or
`moodle_auto_format` becomes plain text; `plain_text` and `markdown` are kept as written.
Descriptions and cloze (multianswer) questions are reported. A DOCTYPE is refused, so no entity
is ever expanded. Pure.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from refresher.core.model import ID_RE
from refresher.core.text import plural
from refresher.formats.imported import Collected, item, slug, stable_id
from refresher.formats.markup import to_text

_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def looks_like(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    return head.startswith("<?xml") and "<quiz" in head or head.startswith("<quiz")


def _text(found: Collected, node: ET.Element | None, fmt: str | None = None) -> str:
    if node is None:
        return ""
    fmt = node.get("format", fmt or "html")
    inner = node.find("text")
    raw = (inner.text if inner is not None else node.text) or ""
    if fmt in ("html", "moodle_auto_format") and _MARKUP.search(raw):
        raw, media = to_text(raw)
        found.media += len(media)
    return raw.strip()


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def read(text: str, default_topic: str) -> Collected:
    found = Collected()
    if re.search(r"<!DOCTYPE|<!ENTITY", text[:100_000], re.IGNORECASE):
        found.problem(1, "a DOCTYPE or ENTITY declaration: Moodle XML has none; nothing read")
        return found
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as exc:
        found.problem(exc.position[0] if exc.position else 1, f"not well-formed XML ({exc})")
        return found
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<question\b", text)]
    topic = found.topic("", default_topic)
    for n, question in enumerate(root.iter("question")):
        line = lines[n] if n < len(lines) else 1
        kind = question.get("type", "")
        if kind == "category":
            path = _text(found, question.find("category"), "plain_text")
            parts = [p for p in path.split("/") if p and p not in ("$course$", "$system$")]
            parts = [p for p in parts if p.lower() != "top"]
            topic = found.topic(parts[-1] if parts else "", default_topic)
            continue
        _question(found, line, question, kind, topic)
    return found


def _question(found: Collected, line: int, q: ET.Element, kind: str, topic: str) -> None:
    name = _text(found, q.find("name"), "plain_text")
    prompt = _text(found, q.find("questiontext"))
    general = _text(found, q.find("generalfeedback"))
    answers = q.findall("answer")
    body: dict[str, Any] | None
    if kind == "description":
        found.problem(line, "a description (no answers): nothing to ask; left out")
        return
    if kind == "multianswer":
        found.problem(line, "an embedded-answers (cloze) question: not imported; left out")
        return
    if kind == "multichoice":
        body = _choice(found, line, q, answers, prompt)
    elif kind == "truefalse":
        right = max(answers, key=_fraction, default=None)
        value = right is not None and _text(found, right, "plain_text").lower() == "true"
        body = {
            "type": "truefalse",
            "prompt": prompt,
            "answer": value,
            "notes": _fb(found, answers),
        }
    elif kind == "shortanswer":
        accepted = [(a, _fraction(a)) for a in answers if _fraction(a) > 0]
        if not accepted:
            found.problem(line, "a short-answer question without an answer that earns credit")
            return
        notes = [
            f'"{_text(found, a, "plain_text")}" ({w:g}% credit in Moodle)'
            for a, w in accepted
            if w < 100
        ]
        if notes:
            found.note(
                line, f"{plural(len(notes), 'partial-credit answer')} accepted; weight noted"
            )
        words = [_text(found, a, "plain_text") for a, _ in accepted]
        body = {"type": "blank", "prompt": prompt, "answer": words, "notes": notes}
    elif kind == "numerical":
        body = _numerical(found, line, q, answers, prompt)
    elif kind == "matching":
        body = _matching(found, line, q, prompt)
    elif kind == "essay":
        model = _text(found, q.find("graderinfo")) or general
        general = "" if model == general else general
        if not model:
            found.note(line, "an essay with no grader information: an open question to self-grade")
            model = "(The file gives no model answer.)"
        body = {"type": "open", "prompt": prompt, "answer": model}
    else:
        found.problem(line, f"a Moodle '{kind}' question: no refresher kind holds it; left out")
        return
    if body is None:
        return
    notes = body.pop("notes", []) or []
    body["explanation"] = "\n".join([general, *notes]).strip()
    if name and ID_RE.match(name) and len(name) <= 200:
        qid = name
    elif name:
        qid = slug(name, stable_id("moodle", name), width=60)
    else:
        qid = stable_id("moodle", body["type"], prompt)
    qid = found.unique_id(qid, body["type"], prompt, repr(sorted(body.items())))
    found.add(item(line, id=qid, topic=topic, **body))


def _fb(found: Collected, answers: list[ET.Element]) -> list[str]:
    out = []
    for a in answers:
        feedback = _text(found, a.find("feedback"))
        if feedback:
            out.append(f'"{_text(found, a)}": {feedback}')
    return out


def _choice(
    found: Collected, line: int, q: ET.Element, answers: list[ET.Element], prompt: str
) -> dict[str, Any] | None:
    single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
    options = [_text(found, a) for a in answers]
    weights = [_fraction(a) for a in answers]
    notes = _fb(found, answers)
    if not answers or max(weights) <= 0:
        found.problem(line, "a multiple-choice question with no right answer")
        return None
    if single:
        key = weights.index(max(weights))
        partial = [k for k, w in enumerate(weights) if 0 < w < 100 and k != key]
        notes += [f'"{options[k]}" ({weights[k]:g}% credit in Moodle)' for k in partial]
        if partial:
            found.note(
                line, f"{plural(len(partial), 'partial-credit option')}; the weight is noted"
            )
        return {
            "type": "choice",
            "prompt": prompt,
            "options": options,
            "answer": chr(ord("A") + key),
            "notes": notes,
        }
    right = [chr(ord("A") + k) for k, w in enumerate(weights) if w > 0]
    return {"type": "multi", "prompt": prompt, "options": options, "answer": right, "notes": notes}


def _numerical(
    found: Collected, line: int, q: ET.Element, answers: list[ET.Element], prompt: str
) -> dict[str, Any] | None:
    read = []
    for a in answers:
        try:
            value = float(_text(found, a, "plain_text"))
            tolerance = abs(float(a.findtext("tolerance") or 0))
        except ValueError:
            continue  # '*' (any other answer) and the like
        read.append((_fraction(a), value, tolerance))
    credited = [r for r in read if r[0] > 0]
    if not credited:
        found.problem(line, "a numeric question without a number that earns credit")
        return None
    best = max(credited, key=lambda r: r[0])
    notes = [
        f"{v:g} ± {t:g} ({w:g}% credit in Moodle)" for w, v, t in credited if (w, v, t) != best
    ]
    units = [u.findtext("unit_name") or "" for u in q.iter("unit")]
    if any(units):
        notes.append("Units: " + ", ".join(u for u in units if u))
        found.note(line, "units are noted in the explanation; the answer is the number alone")
    notes += _fb(found, answers)
    value = best[1]
    return {
        "type": "numeric",
        "prompt": prompt,
        "answer": int(value) if value.is_integer() else value,
        "tolerance": best[2],
        "notes": notes,
    }


def _matching(found: Collected, line: int, q: ET.Element, prompt: str) -> dict[str, Any] | None:
    pairs: dict[str, str] = {}
    extras: list[str] = []
    for sub in q.findall("subquestion"):
        left = _text(found, sub)
        right = _text(found, sub.find("answer"), "plain_text")
        if not left:
            extras.append(right)
        else:
            pairs[left] = right
    if len(pairs) < 2:
        found.problem(line, "a matching question needs at least two pairs")
        return None
    return {"type": "match", "prompt": prompt, "pairs": pairs, "distractors": extras or None}
