"""Moodle GIFT: a bank written for instructors, and GIFT files read back as a bank.

Written: `choice` (`=right ~wrong`), `multi` (`~%50%` weights, wrong options negative), `truefalse`
(`{T}`/`{F}`), `blank` (short answer `{=a =b}`), scalar `numeric` (`{#value:tolerance}`), `match`
(`{=a -> x}`), `open` (essay `{}`) and a cloze with one blank, each after a `// id` comment and
titled with its id, grouped under one `$CATEGORY:` per topic, explanations as general feedback
(`####`). Every text is escaped (`~ = # { } :` and backslash, line breaks as `\\n`) and each
question is marked `[plain]`, so Moodle shows `<b>` as written rather than as markup. Kinds GIFT
cannot hold are returned with the reason, never written half.

Read: comments, `::title::`, `$CATEGORY:`, `[html]`/`[markdown]`/`[plain]`/`[moodle]` markers,
escapes, multi-line questions, missing-word questions (text after the answers), the answer forms
above plus numeric ranges (`{#1..2}`), several numeric answers (the first full-credit one is kept),
and feedback after `#`, which is added to the explanation. A question holding Moodle's embedded
answers (`{1:SHORTANSWER:=x}`, which Moodle's GIFT import misreads) comes in as the cloze it
spells, and says so. An answer block without `=` or `~` that is not true/false is one short
answer, as Moodle reads it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from refresher.core import limits
from refresher.core.model import ID_RE, Bank
from refresher.core.text import a_or_an, plural
from refresher.formats import multianswer
from refresher.formats.imported import Collected, item, slug, stable_id
from refresher.formats.markup import to_text
from refresher.kinds import kind_of

_SPECIAL = "~=#{}:"
KEY_POINTS = "Key points:"


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _number(value: float) -> str:
    text = f"{value:.12g}"
    return "0" if text == "-0" else text


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _feedback(text: str) -> str:
    return f"\n\t####{escape(text)}" if text else ""


def _is_random(spec: Any) -> bool:
    if isinstance(spec, dict):
        return "random" in spec or "choice" in spec or any(_is_random(v) for v in spec.values())
    return False


def _question(it: Any) -> str | None:
    """The GIFT text of one item (no title), or None when `why_not` has a reason."""
    q = it.question
    kind = q.type
    prompt = escape(q.prompt)
    why = _feedback(q.explanation)
    if kind == "choice":
        lines = [("=" if k == q.answer else "~") + escape(o) for k, o in enumerate(q.options)]
        return prompt + " {\n\t" + "\n\t".join(lines) + why + "\n}"
    if kind == "multi":
        right, wrong = len(q.answers), len(q.options) - len(q.answers)
        lines = []
        for k, option in enumerate(q.options):
            weight = 100 / right if k in q.answers else -100 / wrong
            lines.append(f"~%{_weight(weight)}%{escape(option)}")
        return prompt + " {\n\t" + "\n\t".join(lines) + why + "\n}"
    if kind == "truefalse":
        return prompt + " {" + ("T" if q.answer else "F") + why + "\n}"
    if kind == "blank":
        return prompt + " {\n\t" + "\n\t".join("=" + escape(a) for a in q.answers) + why + "\n}"
    if kind == "cloze":
        if len(q.blanks) != 1:
            return None
        segments, accepted = q.segments, q.blanks[0]
        answers = " ".join("=" + escape(a) for a in accepted)
        head = ""
        derived = (segments[0] + "____" + segments[1]).strip()
        if q.prompt != derived:
            head = prompt + "\\n"
        body = escape(segments[0]) + " {" + answers + why + "} " + escape(segments[1])
        return head + body.strip()
    if kind == "match":
        lines = [
            f"={escape(left)} -> {escape(q.right[a])}"
            for left, a in zip(q.left, q.answers, strict=True)
        ]
        lines += [f"= -> {escape(extra)}" for extra in q.right[max(q.answers) + 1 :]]
        return prompt + " {\n\t" + "\n\t".join(lines) + why + "\n}"
    if kind == "open":
        model = q.answer
        if q.points:
            model += f"\n\n{KEY_POINTS}\n" + "\n".join(f"- {p}" for p in q.points)
        return prompt + " {" + _feedback(model) + "\n}"
    if kind == "numeric":
        return _numeric(it, prompt, why)
    return None


def scalar(it: Any) -> tuple[float, str] | None:
    """A numeric item's one number and what to add to its prompt (the drawn inputs of a random
    question, as `(hidden size = 47)`), or None when its answer is not one number."""
    q = it.question
    if q.value is not None:
        return q.value, ""
    expected = it.instance.expected
    if expected.size != 1:
        return None
    value = float(expected.reshape(()))
    if not _is_random(q.compute):
        return value, ""
    return value, f"\n({givens(it)})"


def givens(it: Any) -> str:
    """The inputs a computed numeric item shows, as `C = [[1, 2], [3, 4]]; stride = 2`."""
    from refresher.kinds.numeric.engine import used_params  # NumPy: only when needed

    inputs = used_params(kind_of(it.question).sheet(it).get("inputs", {}), it.instance.worked.kind)
    return "; ".join(_given(k, v) for k, v in inputs.items() if _shown(k, v))


def _numeric(it: Any, prompt: str, why: str) -> str | None:
    found = scalar(it)
    if found is None:
        return None
    value, extra = found
    prompt += escape(extra)
    return prompt + " {#" + f"{_number(value)}:{_number(it.question.tolerance)}" + why + "\n}"


def _shown(name: str, value: Any) -> bool:
    from refresher.kinds.numeric.engine import SETTING_NAMES, setting_parts

    return name not in SETTING_NAMES or setting_parts(name, value) is not None


def _given(name: str, value: Any) -> str:
    """`hidden size = 47`, as the question reads on screen; an unnamed input by its key."""
    from refresher.kinds.numeric.engine import setting_parts

    parts = setting_parts(name, value)
    if parts is None:
        return f"{name} = {value}"
    label, text = parts
    return f"{label} = {text}" if text else label


def why_not(it: Any) -> str:
    q = it.question
    if q.type == "card":
        return "a flashcard has no answer Moodle can grade"
    if q.type == "order":
        return "GIFT has no ordering question"
    if q.type == "cloze":
        grouped = sum(len(g) for g in q.groups)
        free = f", {grouped} of them answered in any order" if grouped else ""
        return f"a cloze with {len(q.blanks)} blanks{free}; GIFT holds one blank per question"
    if q.type == "numeric":
        shape = it.instance.expected.shape
        what = (
            f"{shape[0]} numbers"
            if len(shape) == 1
            else "a " + "x".join(map(str, shape)) + " matrix"
        )
        return f"its answer is {what}; a GIFT numeric answer is one number"
    return f"GIFT cannot hold {a_or_an(q.type)} question"


def write(bank: Bank, items: Iterable[Any]) -> tuple[str, list[tuple[str, str]]]:
    """The GIFT text of `items`, grouped by topic, and (question id, reason) for those left out."""
    by_topic: dict[str, list[str]] = {}
    left_out: list[tuple[str, str]] = []
    for it in items:
        q = it.question
        body = _question(it)
        if body is None:
            left_out.append((q.id, why_not(it)))
            continue
        block = f"// {q.id} ({q.type})\n::{q.id}::[plain]{body}\n"
        by_topic.setdefault(q.topic, []).append(block)
    parts = [f"// {bank.title}\n// exported by refresher from bank '{bank.id}'\n"]
    for topic in [*bank.topics, *(t for t in by_topic if t not in bank.topics)]:
        if topic in by_topic:
            parts.append(f"$CATEGORY: {bank.id}/{topic}\n")
            parts.extend(by_topic[topic])
    return "\n".join(parts), left_out


# --- reading ---------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_FORMAT = re.compile(r"^\s*\[(html|moodle|markdown|plain)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_MARKUP = re.compile(r"<[A-Za-z/!]|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_ID_TAG = re.compile(r"\[(id|tag):([^\]]*)\]")
_TF = ("T", "TRUE", "F", "FALSE")


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _find(text: str, needle: str, start: int = 0) -> int:
    """The index of the first `needle` in `text` from `start` not escaped by a backslash."""
    k = start
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text.startswith(needle, k):
            return k
        k += 1
    return -1


def _split(text: str, markers: str) -> list[str]:
    """`text` cut before every unescaped marker character (each part keeps its marker)."""
    parts, start, k = [], 0, 0
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text[k] in markers and k > start:
            parts.append(text[start:k])
            start = k
        k += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


class _Reader:
    """One question's text cleaner: its format (`[html]`, `[moodle]` ...), and the media and links
    its texts named."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.media = 0

    def clean(self, raw: str) -> str:
        """The text of one part: its own format marker (Moodle writes one per answer and feedback)
        wins over the question's; HTML and Moodle auto-format text becomes plain text."""
        fmt = self.fmt
        marker = _FORMAT.match(raw)
        if marker:
            fmt, raw = marker.group(1).lower(), raw[marker.end() :]
        text = unescape(raw.strip())
        if fmt == "html" or (fmt == "moodle" and _MARKUP.search(text)):
            text, dropped = to_text(text)
            self.media += len(dropped)
        return text.strip()


def _blocks(text: str) -> list[tuple[int, list[str], list[str]]]:
    """(first line, lines, the comments just before) of each question block: blank lines
    separate."""
    blocks: list[tuple[int, list[str], list[str]]] = []
    current: list[str] = []
    comments: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("//"):
            if not current:
                comments.append(line.lstrip()[2:])
            continue
        if not line.strip():
            if current:
                blocks.append((start, current, comments))
                current, comments = [], []
            continue
        if not current:
            start = n
        current.append(line)
    if current:
        blocks.append((start, current, comments))
    return blocks


_GIFT_ANSWERS = re.compile(r"(?<!\\)\{\s*(\}|=|~|#|####|(T|F|TRUE|FALSE)\s*[#}])", re.IGNORECASE)


def looks_like(text: str) -> bool:
    """True for text written in GIFT whatever its name: a `$CATEGORY:` line, a `::title::`
    question, or most blank-line blocks holding a `{...}` answer block (`{=`, `{~`, `{#`, `{T}`)."""
    blocks = _blocks(text.lstrip("\ufeff")[:200_000])
    if not blocks:
        return False
    hits = 0
    for _, lines, _ in blocks:
        first = lines[0].strip()
        if first.startswith("$CATEGORY:") or re.match(r"::[^:\n]+::", first):
            return True
        if _GIFT_ANSWERS.search("\n".join(lines)):
            hits += 1
    return hits * 2 > len(blocks)


def read(text: str, default_topic: str) -> Collected:
    """The questions of a GIFT file, with a problem for every question or part left out."""
    found = Collected()
    category = ""
    for line, lines, comments in _blocks(text.lstrip("\ufeff")):
        while lines and lines[0].strip().startswith("$CATEGORY:"):
            category = lines[0].split(":", 1)[1].strip()
            lines = lines[1:]
            line += 1
            comments = []
        if not lines:
            continue
        topic_name = ""
        if category:
            parts = [p for p in category.split("/") if p and p not in ("$course$", "$system$")]
            parts = [p for p in parts if p.lower() != "top"]
            topic_name = parts[-1] if parts else ""
        topic = found.topic(topic_name, default_topic)
        _one(found, line, "\n".join(lines), topic, comments)
    return found


def _one(found: Collected, line: int, block: str, topic: str, comments: list[str]) -> None:
    title = ""
    body = block.strip()
    if body.startswith("::"):
        end = _find(body, "::", 2)
        if end < 0:
            found.problem(line, "a '::title' without its closing '::'")
            return
        title, body = unescape(body[2:end]).strip(), body[end + 2 :]
    fmt = "moodle"
    marker = _FORMAT.match(body)
    if marker:
        fmt = marker.group(1).lower()
        body = body[marker.end() :]
    reader = _Reader(fmt)
    if multianswer.looks_like(body):
        found.note(
            line,
            "embedded answers ({1:SHORTANSWER:...}) are Moodle XML's cloze, not GIFT (Moodle's"
            " GIFT import reads them as one short answer); imported as the cloze they spell",
        )
        cloze = multianswer.read(found, line, body, fmt in ("html", "moodle"))
        if cloze is not None:
            notes = cloze.pop("notes")
            cloze["explanation"] = "\n".join(notes)
            idnumber, tags = _id_tags(comments)
            qid = _qid(found, idnumber, title, "cloze", body, cloze)
            found.add(item(line, id=qid, topic=topic, tags=tags or None, **cloze))
        return
    opened = _find(body, "{")
    if opened < 0:
        found.problem(line, "a description (no {...} answers): nothing to ask; left out")
        return
    closed = _find(body, "}", opened + 1)
    if closed < 0:
        found.problem(line, "an answer block '{' without its closing '}'")
        return
    head, tail = body[:opened], body[closed + 1 :]
    prompt = reader.clean(head + ("____" if tail.strip() else "") + tail)
    answers = body[opened + 1 : closed]
    general = ""
    cut = _find(answers, "####")
    if cut >= 0:
        general = reader.clean(answers[cut + 4 :])
        answers = answers[:cut]
    question = _answers(found, line, answers.strip(), prompt, general, reader)
    if question is None:
        return
    found.media += reader.media
    idnumber, tags = _id_tags(comments)
    qid = _qid(found, idnumber, title, question["type"], prompt, question)
    found.add(item(line, id=qid, topic=topic, tags=tags or None, **question))


def _id_tags(comments: list[str]) -> tuple[str, list[str]]:
    """The `[id:...]` and `[tag:...]` of the `//` comments before a question."""
    idnumber = ""
    tags: list[str] = []
    for what, value in _ID_TAG.findall(" ".join(comments)):
        if what == "id":
            idnumber = value.strip()
        elif value.strip():
            tags.append(value.strip())
    return idnumber, tags


def _qid(found: Collected, idnumber: str, title: str, kind: str, prompt: str, body: Any) -> str:
    """The id from `// [id:...]`, else the title, else the question's kind and text; one taken
    already gets the content's digest."""
    if idnumber and ID_RE.match(idnumber) and len(idnumber) <= 200:
        qid = idnumber
    elif title and ID_RE.match(title) and len(title) <= 200:
        qid = title
    elif title:
        qid = slug(title, stable_id("gift", title), width=60)
    else:
        qid = stable_id("gift", kind, prompt)
    return found.unique_id(qid, kind, prompt, repr(sorted(body.items())))


def _weighted(part: str, reader: _Reader) -> tuple[str, float | None, str, str]:
    """(marker, weight or None, text, feedback) of one `=text#feedback` or `~%50%text` part."""
    marker, rest = part[0], part[1:].strip()
    weight = None
    match = _WEIGHT.match(rest)
    if match:
        weight, rest = float(match.group(1)), rest[match.end() :]
    cut = _find(rest, "#")
    feedback = ""
    if cut >= 0:
        feedback, rest = reader.clean(rest[cut + 1 :]), rest[:cut]
    return marker, weight, reader.clean(rest), feedback


def _explanation(general: str, notes: list[str]) -> str:
    return "\n".join([general, *notes]).strip()


def _pct(weight: float) -> str:
    return f"{weight:g}%"


def _answers(
    found: Collected, line: int, answers: str, prompt: str, general: str, reader: _Reader
) -> dict[str, Any] | None:
    """The question an answer block makes, its kind told as Moodle tells it: empty is an essay,
    `#` numeric, any `~` multiple choice, `=` with `->` matching, T/F true-false, else short
    answer."""
    if not answers:
        return _essay(found, line, prompt, general)
    if answers.startswith("#"):
        return _numeric_answer(found, line, answers[1:].strip(), prompt, general, reader)
    if _find(answers, "~") >= 0:
        return _choice(found, line, answers, prompt, general, reader)
    if _find(answers, "=") >= 0 and _find(answers, "->") >= 0:
        return _matching(found, line, answers, prompt, general, reader)
    head = answers
    if _find(answers, "#") > 0:
        head = answers[: _find(answers, "#")]
    if head.strip().upper() in _TF:
        feedback = [reader.clean(f) for f in _split(answers[len(head) :], "#")]
        feedback = [f.lstrip("#").strip() for f in feedback]
        value = head.strip().upper().startswith("T")
        notes = []
        if feedback and feedback[0]:
            notes.append(f"Feedback for a wrong answer: {feedback[0]}")
        if len(feedback) > 1 and feedback[1]:
            notes.append(f"Feedback for the right answer: {feedback[1]}")
        return {
            "type": "truefalse",
            "prompt": prompt,
            "answer": value,
            "explanation": _explanation(general, notes),
        }
    return _short(found, line, answers, prompt, general, reader)


def _essay(found: Collected, line: int, prompt: str, general: str) -> dict[str, Any]:
    if not general:
        found.note(
            line, "an essay with no model answer: imported as an open question to self-grade"
        )
        return {"type": "open", "prompt": prompt, "answer": "(The file gives no model answer.)"}
    model, _, points = general.partition(f"\n\n{KEY_POINTS}\n")
    listed = [p[2:].strip() for p in points.split("\n") if p.startswith("- ")]
    return {"type": "open", "prompt": prompt, "answer": model, "points": listed or None}


def _short(
    found: Collected, line: int, answers: str, prompt: str, general: str, reader: _Reader
) -> dict[str, Any] | None:
    if not answers.startswith("="):  # Moodle: text before the first '=' is an answer too
        answers = "=" + answers
    parts = [_weighted(p.strip(), reader) for p in _split(answers, "=")]
    notes = []
    accepted = []
    for _, weight, text, feedback in parts:
        if not text or (weight is not None and weight <= 0):
            if feedback:
                notes.append(f'"{text}" (no credit): {feedback}' if text else feedback)
            continue
        accepted.append(text)
        credit = (
            f" ({_pct(weight)} credit in Moodle)" if weight is not None and weight < 100 else ""
        )
        if credit or feedback:
            notes.append(f'"{text}"{credit}' + (f": {feedback}" if feedback else ""))
    if not accepted:
        found.problem(line, "a short-answer question without an answer that earns credit")
        return None
    partial = [t for _, w, t, _ in parts if t and w is not None and 0 < w < 100]
    if partial:
        found.note(
            line, f"{plural(len(partial), 'partial-credit answer')} accepted; the weight is noted"
        )
    return {
        "type": "blank",
        "prompt": prompt,
        "answer": accepted,
        "explanation": _explanation(general, notes),
    }


def _choice(
    found: Collected, line: int, answers: str, prompt: str, general: str, reader: _Reader
) -> dict[str, Any] | None:
    parts = [_weighted(p.strip(), reader) for p in _split(answers, "=~")]
    if not parts or any(p[0] not in "=~" for p in parts):
        found.problem(line, "answers must start with '=' or '~'")
        return None
    options = [t for _, _, t, _ in parts]
    single = any(m == "=" for m, *_ in parts)  # Moodle: one '=' makes it single-answer
    notes = []
    for marker, weight, text, feedback in parts:
        credit = ""
        if single and marker == "~" and weight is not None and weight > 0:
            credit = f" ({_pct(weight)} credit in Moodle)"
        if credit or feedback:
            notes.append(f'"{text}"{credit}' + (f": {feedback}" if feedback else ""))
    explanation = _explanation(general, notes)
    if single:
        key = next(k for k, (m, *_) in enumerate(parts) if m == "=")
        full = [k for k, (m, *_) in enumerate(parts) if m == "="]
        if len(full) > 1:
            shown = ", ".join(f'"{options[k]}"' for k in full)
            found.note(line, f"{len(full)} full-credit options ({shown}); the first is the key")
        partial = [k for k, (m, w, *_) in enumerate(parts) if m == "~" and (w or 0) > 0]
        if partial:
            found.note(
                line, f"{plural(len(partial), 'partial-credit option')}; the weight is noted"
            )
        return {
            "type": "choice",
            "prompt": prompt,
            "options": options,
            "answer": chr(ord("A") + key),
            "explanation": explanation,
        }
    right = [k for k, (_, w, _, _) in enumerate(parts) if (w or 0) > 0]
    if not right:
        found.problem(line, "a multiple-choice question with no right answer ('=' or a positive %)")
        return None
    return {
        "type": "multi",
        "prompt": prompt,
        "options": options,
        "answer": [chr(ord("A") + k) for k in right],
        "explanation": explanation,
    }


def _number_entry(entry: str) -> tuple[float, float]:
    """(value, tolerance) of `3`, `3:0.5` or `2..4`; ValueError otherwise."""
    if ".." in entry:
        low, high = (float(x) for x in entry.split("..", 1))
        return (low + high) / 2, abs(high - low) / 2
    if ":" in entry:
        a, b = entry.split(":", 1)
        return float(a), abs(float(b))
    return float(entry), 0.0


def _numeric_answer(
    found: Collected, line: int, spec: str, prompt: str, general: str, reader: _Reader
) -> dict[str, Any] | None:
    other = ""
    tilde = _find(spec, "~")
    if tilde >= 0:  # Moodle: feedback for any other answer
        _, _, _, other = _weighted(spec[tilde:], reader)
        spec = spec[:tilde]
    entries = _split(spec, "=") if spec.lstrip().startswith("=") else [spec]
    read: list[tuple[float, float, float, str]] = []  # weight, value, tolerance, feedback
    for raw in entries:
        entry = raw.strip().lstrip("=").strip()
        weight = 100.0
        match = _WEIGHT.match(entry)
        if match:
            weight, entry = float(match.group(1)), entry[match.end() :]
        cut = _find(entry, "#")
        feedback = ""
        if cut >= 0:
            feedback, entry = reader.clean(entry[cut + 1 :]), entry[:cut]
        entry = unescape(entry).strip()
        try:
            value, tolerance = _number_entry(entry)
        except ValueError:
            found.problem(line, f"'{entry[:40]}' is not a number, a:tolerance or a low..high range")
            return None
        read.append((weight, value, tolerance, feedback))
    credited = [r for r in read if r[0] > 0]
    if not credited:
        found.problem(line, "a numeric question without an answer that earns credit")
        return None
    best = max(credited, key=lambda r: r[0])  # the first of the highest weight
    notes = []
    for weight, value, tolerance, feedback in read:
        shown = f"{_number(value)}" + (f" ± {_number(tolerance)}" if tolerance else "")
        if (weight, value, tolerance, feedback) == best:
            if feedback:
                notes.append(f"{shown}: {feedback}")
            continue
        credit = f" ({_pct(weight)} credit in Moodle)" if weight < 100 else ""
        notes.append(f"{shown}{credit}" + (f": {feedback}" if feedback else ""))
    if other:
        notes.append(f"Any other answer: {other}")
    others = [r for r in credited if r != best]
    if others:
        found.note(
            line,
            f"Moodle also credits {plural(len(others), 'other answer')}; the question keeps"
            f" {_number(best[1])} ± {_number(best[2])} and notes the rest with their weight",
        )
    elif best[0] < 100:
        found.note(line, f"the only answer earns {_pct(best[0])} in Moodle; kept as the answer")
    value = best[1]
    return {
        "type": "numeric",
        "prompt": prompt,
        "answer": int(value) if value.is_integer() else value,
        "tolerance": best[2],
        "explanation": _explanation(general, notes),
    }


def _matching(
    found: Collected, line: int, answers: str, prompt: str, general: str, reader: _Reader
) -> dict[str, Any] | None:
    pairs: dict[str, str] = {}
    extras: list[str] = []
    parts = _split(answers, "=")
    if len(parts) > 2 * limits.ITEMS_PER_QUESTION:  # pairs and distractors, each side capped
        found.problem(
            line,
            f"{len(parts):,} pairs; a match question has at most"
            f" {limits.ITEMS_PER_QUESTION} entries on each side",
        )
        return None
    for part in parts:
        if not part.startswith("="):
            found.problem(line, "each pair of a matching question starts with '='")
            return None
        cut = _find(part, "->")
        if cut < 0:
            found.problem(line, "each pair of a matching question is '=item -> match'")
            return None
        left = reader.clean(part[1:cut])
        right = reader.clean(part[cut + 2 :])
        if not left:
            extras.append(right)
        elif left in pairs:
            found.problem(line, f"'{left[:40]}' is paired twice")
            return None
        else:
            pairs[left] = right
    if len(pairs) == 1:
        ((left, right),) = pairs.items()
        asked = f"{prompt}\n{left}".strip()
        if extras:
            found.note(line, "a matching question with one pair: imported as a choice")
            return {
                "type": "choice",
                "prompt": asked,
                "options": [right, *extras],
                "answer": "A",
                "explanation": general,
            }
        found.note(line, "a matching question with one pair: imported as a typed answer")
        return {"type": "blank", "prompt": asked, "answer": [right], "explanation": general}
    return {
        "type": "match",
        "prompt": prompt,
        "pairs": pairs,
        "distractors": extras or None,
        "explanation": general,
    }
