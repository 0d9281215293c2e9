"""Moodle XML (`<quiz>` of `<question type="...">`): a bank written for Moodle's importer, and
Moodle XML files read back as a bank.

Read: categories as topics (a category's idnumber, as refresher writes it, is the topic key),
multichoice (single: one key, partial credit noted with its weight; multiple: the options with
positive fractions), truefalse, shortanswer (every answer earning credit accepted, partial weights
noted), numerical (the best answer and its tolerance, the others and units noted), matching
(empty sub-questions as distractors), essay (the grader information as model answer, a "Key
points:" list as its points), embedded answers (`cloze`, also named `multianswer`; see
`formats.multianswer`), hints, tags and idnumbers, per-answer and general feedback in the
explanation. Text in `html` or `moodle_auto_format` becomes plain text; `plain_text` and
`markdown` are kept as written. A description refresher wrote comes back as the question it
stands for (its keys in a `<refresher>` element); any other is reported. A DOCTYPE is refused,
so no entity is ever expanded.

Written: one category per topic (`$course$/top/<bank title>/<topic title>`, the topic key as its
idnumber), each question named and idnumbered by its id, every text `plain_text` (so Moodle
shows `<b>` as written), grades from Moodle's own list (a multiple-answer question's right
options share 100%, its wrong ones share -100%), `choice`/`multi` as multichoice, `truefalse`,
`blank` as shortanswer, a one-number `numeric` as numerical (a relative tolerance made absolute),
`match` as matching, `open` as essay (model answer and key points as grader information),
`cloze` as embedded answers; flashcards, order questions and matrix answers, which Moodle cannot
grade, as descriptions showing the answer, each returned with the reason and carrying its own
keys as JSON in a `<refresher>` element (Moodle's importer reads only the elements it knows), so
that reading the file back gives the same bank. Pure.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from refresher.core.model import ID_RE, Bank
from refresher.core.text import plural
from refresher.formats import multianswer
from refresher.formats.imported import Collected, item, slug, stable_id
from refresher.formats.markup import to_text
from refresher.kinds import kind_of

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
            parts = [p.replace("\x00", "/") for p in path.replace("//", "\x00").split("/")]
            parts = [p for p in parts if p and p not in ("$course$", "$system$")]
            parts = [p for p in parts if p.lower() != "top"]
            key = (question.findtext("idnumber") or "").strip()
            if parts and ID_RE.match(key) and len(key) <= 40 and key not in found.topics:
                found.topics[key] = parts[-1]  # a refresher export: the topic's own key
                topic = key
            else:
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
        body = _own_keys(found, line, q)
        if body is None:
            return
    elif kind in ("cloze", "multianswer"):  # Moodle writes a multianswer question as "cloze"
        text_node = q.find("questiontext")
        fmt = "html" if text_node is None else text_node.get("format", "html")
        raw = q.findtext("questiontext/text") or ""
        body = multianswer.read(found, line, raw, fmt in ("html", "moodle_auto_format"))
    elif kind == "multichoice":
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
        model, _, points = model.partition(f"\n\n{KEY_POINTS}\n")
        listed = [p[2:].strip() for p in points.split("\n") if p.startswith("- ")]
        body = {"type": "open", "prompt": prompt, "answer": model, "points": listed or None}
    else:
        found.problem(line, f"a Moodle '{kind}' question: no refresher kind holds it; left out")
        return
    if body is None:
        return
    notes = body.pop("notes", []) or []
    body["explanation"] = "\n".join([general, *notes]).strip()
    hint = _text(found, q.find("hint"))
    if hint and body["type"] != "open":
        body["hint"] = hint
    tags = [t.strip() for t in (x.text or "" for x in q.findall("tags/tag/text")) if t.strip()]
    body["tags"] = tags or None
    idnumber = (q.findtext("idnumber") or "").strip()
    if idnumber and ID_RE.match(idnumber) and len(idnumber) <= 200:
        qid = idnumber
    elif name and ID_RE.match(name) and len(name) <= 200:
        qid = name
    elif name:
        qid = slug(name, stable_id("moodle", name), width=60)
    else:
        qid = stable_id("moodle", body["type"], prompt)
    qid = found.unique_id(qid, body["type"], prompt, repr(sorted(body.items())))
    found.add(item(line, id=qid, topic=topic, **body))


# The keys a description's refresher element may not set: the question's Moodle fields give them.
_MOODLE_KEYS = {"id", "topic", "tags", "hint", "explanation", "source", "group"}


def _own_keys(found: Collected, line: int, q: ET.Element) -> dict[str, Any] | None:
    """The question a description refresher wrote stands for (its keys in a `<refresher>`
    element), or None, with the problem reported, for any other description."""
    own = q.find(OWN)
    if own is None:
        found.problem(line, "a description (no answers): nothing to ask; left out")
        return None
    try:
        keys = json.loads(own.text or "")
    except (ValueError, RecursionError):
        keys = None
    if not isinstance(keys, dict) or not isinstance(keys.get("type"), str):
        found.problem(line, f"a description whose <{OWN}> is not a question's keys; left out")
        return None
    return {k: v for k, v in keys.items() if k not in _MOODLE_KEYS}


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


# --- writing ---------------------------------------------------------------------------------

# The grades Moodle's importer accepts (question_bank's full list of fractions, in percent);
# any other fraction makes it refuse the question.
GRADES = (
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
    0,
)
KEY_POINTS = "Key points:"
# A description refresher wrote for a kind Moodle cannot grade carries the question's own keys
# as JSON in this element; Moodle's importer reads only the elements it knows.
OWN = "refresher"


def _grade(percent: float) -> str | None:
    """`percent` as Moodle writes it when it is one of Moodle's grades, else None."""
    for grade in GRADES:
        if abs(abs(percent) - grade) < 1e-4:
            text = f"{grade:.7g}"
            return text if percent >= 0 or grade == 0 else "-" + text
    return None


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _texted(parent: ET.Element, tag: str, text: str, fmt: str | None = "plain_text") -> None:
    node = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(node, "text", text)


def _answer(parent: ET.Element, fraction: str, text: str, fmt: str = "plain_text") -> ET.Element:
    node = _sub(parent, "answer", fraction=fraction, format=fmt)
    _sub(node, "text", text)
    _texted(node, "feedback", "")
    return node


def _cloze_escape(text: str) -> str:
    """An answer inside `{1:SHORTANSWER:...}`: Moodle reads `\\` before } # ~ / " and \\."""
    return re.sub(r'([}#~/"\\])', r"\\\1", text)


def _category_part(text: str) -> str:
    return text.replace("/", "//")  # Moodle's escape for a slash inside one category name


def _head(node: ET.Element, q: Any, prompt: str) -> None:
    name = _sub(node, "name")
    _sub(name, "text", q.id)
    _texted(node, "questiontext", prompt)
    _texted(node, "generalfeedback", q.explanation)
    _sub(node, "defaultgrade", "1")
    _sub(node, "penalty", "0.3333333")
    _sub(node, "hidden", "0")
    _sub(node, "idnumber", q.id)


def _tail(node: ET.Element, q: Any) -> None:
    if q.hint:
        _texted(node, "hint", q.hint)
    if q.tags:
        tags = _sub(node, "tags")
        for tag in q.tags:
            _sub(_sub(tags, "tag"), "text", tag)


def _question_xml(it: Any, numeric: Any) -> tuple[ET.Element, str] | str:
    """The `<question>` of one item and its Moodle type, or why it is written as a description."""
    q = it.question
    kind = q.type
    if kind in ("choice", "multi"):
        node = ET.Element("question", type="multichoice")
        _head(node, q, q.prompt)
        right = {q.answer} if kind == "choice" else set(q.answers)
        wrong = len(q.options) - len(right)
        good = _grade(100 / len(right))
        bad = "0" if kind == "choice" else (_grade(-100 / wrong) if wrong else "0") or "-100"
        if good is None:
            return f"{len(right)} right options: Moodle has no grade of 1/{len(right)}"
        _sub(node, "single", "true" if kind == "choice" else "false")
        _sub(node, "shuffleanswers", "true")
        _sub(node, "answernumbering", "abc")
        for k, option in enumerate(q.options):
            _answer(node, good if k in right else bad, option)
        _tail(node, q)
        return node, "multichoice"
    if kind == "truefalse":
        node = ET.Element("question", type="truefalse")
        _head(node, q, q.prompt)
        _answer(node, "100" if q.answer else "0", "true", "moodle_auto_format")
        _answer(node, "0" if q.answer else "100", "false", "moodle_auto_format")
        _tail(node, q)
        return node, "truefalse"
    if kind == "blank":
        node = ET.Element("question", type="shortanswer")
        _head(node, q, q.prompt)
        _sub(node, "usecase", "0")
        for accepted in q.answers:
            _answer(node, "100", accepted, "moodle_auto_format")
        _tail(node, q)
        return node, "shortanswer"
    if kind == "numeric":
        found = numeric(it)
        if found is None:
            return "its answer is more than one number; a Moodle numerical answer is one"
        value, extra = found
        node = ET.Element("question", type="numerical")
        _head(node, q, q.prompt + extra)
        answer = _answer(node, "100", f"{value:.12g}", "moodle_auto_format")
        tolerance = q.tolerance + q.rtol * abs(value)
        _sub(answer, "tolerance", f"{tolerance:.12g}")
        _sub(node, "unitgradingtype", "0")
        _sub(node, "unitpenalty", "0.1000000")
        _sub(node, "showunits", "3")
        _sub(node, "unitsleft", "0")
        _tail(node, q)
        return node, "numerical"
    if kind == "match":
        node = ET.Element("question", type="matching")
        _head(node, q, q.prompt)
        _sub(node, "shuffleanswers", "true")
        for left, a in zip(q.left, q.answers, strict=True):
            sub = _sub(node, "subquestion", format="plain_text")
            _sub(sub, "text", left)
            _sub(_sub(sub, "answer"), "text", q.right[a])
        for extra in q.right[max(q.answers) + 1 :]:
            sub = _sub(node, "subquestion", format="plain_text")
            _sub(sub, "text", "")
            _sub(_sub(sub, "answer"), "text", extra)
        _tail(node, q)
        return node, "matching"
    if kind == "open":
        node = ET.Element("question", type="essay")
        _head(node, q, q.prompt)
        _sub(node, "responseformat", "plain")
        _sub(node, "responserequired", "1")
        _sub(node, "responsefieldlines", "10")
        _sub(node, "attachments", "0")
        model = q.answer
        if q.points:
            model += f"\n\n{KEY_POINTS}\n" + "\n".join(f"- {p}" for p in q.points)
        _texted(node, "graderinfo", model)
        _texted(node, "responsetemplate", "")
        _tail(node, q)
        return node, "essay"
    if kind == "cloze":
        node = ET.Element("question", type="cloze")
        bare = q.prompt == q.passage(["____"] * len(q.blanks)).strip()
        parts = [("" if bare else q.prompt + "\n\n") + q.segments[0]]
        for k, accepted in enumerate(q.blanks, 1):
            answers = "~".join("=" + _cloze_escape(a) for a in accepted)
            parts += [f"{{1:SHORTANSWER:{answers}}}", q.segments[k]]
        name = _sub(node, "name")
        _sub(name, "text", q.id)
        _texted(node, "questiontext", "".join(parts))
        _texted(node, "generalfeedback", q.explanation)
        _sub(node, "penalty", "0.3333333")
        _sub(node, "hidden", "0")
        _sub(node, "idnumber", q.id)
        _tail(node, q)
        return node, "cloze"
    if kind == "card":
        return "a flashcard has no answer Moodle can grade"
    if kind == "order":
        return "core Moodle has no ordering question"
    return f"Moodle XML cannot hold a {kind} question"


def _own(q: Any) -> dict[str, Any] | None:
    """The keys a bank gives a question of a kind written as a description (all but the id,
    topic, tags, hint and explanation, which have their Moodle places), or None for a kind
    that has none here."""
    if q.type == "card":
        return {"type": "card", "front": q.prompt, "back": q.back}
    if q.type == "order":
        return {"type": "order", "prompt": q.prompt, "items": list(q.items)}
    if q.type == "numeric":
        keys: dict[str, Any] = {"type": "numeric", "prompt": q.prompt}
        if q.fixed:
            keys["answer"] = q.value
        else:
            keys["compute"] = q.compute
        keys["tolerance"] = q.tolerance
        if q.rtol:
            keys["rtol"] = q.rtol
        return keys
    if q.type in ("choice", "multi"):
        right = [q.answer] if q.type == "choice" else sorted(q.answers)
        letters = [chr(ord("A") + k) for k in right]
        keys = {"type": q.type, "prompt": q.prompt, "options": list(q.options)}
        keys["answer"] = letters[0] if q.type == "choice" else letters
        return keys
    return None


def _shown_answer(it: Any) -> str:
    """A described question's answer as a reader sees it: a card's back, the items of an order
    question in their order, the letters of a choice (its options listed in the text)."""
    q = it.question
    if q.type == "card":
        return q.back
    if q.type == "order":
        return "\n" + "\n".join(f"{n}. {step}" for n, step in enumerate(q.items, 1))
    return kind_of(q).answer_text(it)


def _description(it: Any, why: str) -> ET.Element:
    """A question Moodle cannot grade, kept for reading: its prompt and its answer, spelled out.
    Its refresher keys, as JSON in a `<refresher>` element (which Moodle's importer skips, as it
    skips every element it does not know), bring it back whole on `refresher import`."""
    q = it.question
    node = ET.Element("question", type="description")
    name = _sub(node, "name")
    _sub(name, "text", q.id)
    answer = _shown_answer(it)
    given = ""
    if q.type == "numeric" and not q.fixed:
        from refresher.formats.gift import givens  # NumPy: only for a computed question

        given = f"\n\nGiven: {givens(it)}"
    if q.type in ("choice", "multi"):
        given = "\n\n" + "\n".join(
            f"{chr(ord('A') + k)}. {option}" for k, option in enumerate(q.options)
        )
    space = "" if answer.startswith("\n") else " "
    text = q.prompt + given + (f"\n\nAnswer:{space}{answer}" if answer.strip() else "")
    _texted(node, "questiontext", text)
    _texted(node, "generalfeedback", q.explanation)
    _sub(node, "defaultgrade", "0")
    _sub(node, "penalty", "0")
    _sub(node, "hidden", "0")
    _sub(node, "idnumber", q.id)
    _tail(node, q)
    node.append(ET.Comment(f" {q.type}: {why} ".replace("--", "- -")))
    own = _own(q)
    if own is not None:
        _sub(node, OWN, json.dumps(own, ensure_ascii=False))
    return node


def write(
    bank: Bank, items: Iterable[Any], numeric: Any
) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """Moodle XML of `items`: one category per topic (the topic key as its idnumber), each
    question named and idnumbered by its id, every text `plain_text`. Returns the text,
    (question id, why) of each question written as a description because Moodle cannot grade it,
    and (question id, what) of each written with something Moodle lacks (blanks answerable in
    any order). `numeric(item)` gives a numeric item's one number and the text to add to its
    prompt."""
    quiz = ET.Element("quiz")
    described: list[tuple[str, str]] = []
    changed: list[tuple[str, str]] = []
    by_topic: dict[str, list[ET.Element]] = {}
    for it in items:
        q = it.question
        made = _question_xml(it, numeric)
        if isinstance(made, str):
            described.append((q.id, made))
            node = _description(it, made)
        else:
            node = made[0]
            if q.type == "cloze" and q.groups:
                changed.append((q.id, "its blanks answerable in any order are fixed in Moodle"))
        by_topic.setdefault(q.topic, []).append(node)
    for topic in [*bank.topics, *(t for t in by_topic if t not in bank.topics)]:
        if topic not in by_topic:
            continue
        title = bank.topics.get(topic, topic)
        category = ET.SubElement(quiz, "question", type="category")
        path = f"$course$/top/{_category_part(bank.title)}/{_category_part(title)}"
        _texted(category, "category", path, None)
        _texted(category, "info", f"Topic '{topic}' of bank '{bank.id}'", "plain_text")
        _sub(category, "idnumber", topic)
        quiz.extend(by_topic[topic])
    ET.indent(quiz, "  ")
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {_comment(bank)} -->\n'
    return head + body + "\n", described, changed


def _comment(bank: Bank) -> str:
    return f"exported by refresher from bank '{bank.id}'".replace("--", "- -")
