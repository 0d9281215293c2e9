"""Moodle GIFT: a bank written for instructors, and GIFT files read back as a bank.

Written: `choice` (`=right ~wrong`), `multi` (`~%50%` weights, wrong options negative), `truefalse`
(`{T}`/`{F}`), `blank` (short answer `{=a =b}`), scalar `numeric` (`{#value:tolerance}`), `match`
(`{=a -> x}`), `open` (essay `{}`) and a cloze with one blank, each after a `// id` comment and
titled with its id, grouped under one `$CATEGORY:` per topic, explanations as general feedback
(`####`). Every text is escaped (`~ = # { } :` and backslash, line breaks as `\\n`). Kinds GIFT
cannot hold are returned with the reason, never written half.

Read: comments, `::title::`, `$CATEGORY:`, `[html]`/`[markdown]`/`[plain]`/`[moodle]` markers,
escapes, multi-line questions, missing-word questions (text after the answers), the answer forms
above plus numeric ranges (`{#1..2}`), several numeric answers (the first full-credit one is kept),
and feedback after `#`, which is added to the explanation. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from refresher.core.model import ID_RE, Bank
from refresher.core.text import a_or_an
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


def _numeric(it: Any, prompt: str, why: str) -> str | None:
    q = it.question
    if q.value is not None:
        value = q.value
    else:
        expected = it.instance.expected
        if expected.size != 1:
            return None
        value = float(expected.reshape(()))
        if _is_random(q.compute):
            from refresher.kinds.numeric.engine import used_params  # NumPy: only when needed

            inputs = used_params(kind_of(q).sheet(it).get("inputs", {}))
            shown = "; ".join(_given(k, v) for k, v in inputs.items() if _shown(k, v))
            prompt += escape(f"\n({shown})")
    return prompt + " {#" + f"{_number(value)}:{_number(q.tolerance)}" + why + "\n}"


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
        return f"a cloze with {len(q.blanks)} blanks; GIFT holds one blank per question"
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
        block = f"// {q.id} ({q.type})\n::{q.id}::{body}\n"
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


def _clean(raw: str, html: bool) -> tuple[str, list[str]]:
    text = unescape(raw.strip())
    if html:
        return to_text(text)
    return text.strip(), []


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line, lines) of each question block: blank lines separate, comments drop."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, current))
                current = []
            continue
        if not current:
            start = n
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def read(text: str, default_topic: str) -> Collected:
    """The questions of a GIFT file, with a problem for every question or part left out."""
    found = Collected()
    category = ""
    for line, lines in _blocks(text.lstrip("\ufeff")):
        while lines and lines[0].strip().startswith("$CATEGORY:"):
            category = lines[0].split(":", 1)[1].strip()
            lines = lines[1:]
            line += 1
        if not lines:
            continue
        topic_name = ""
        if category:
            parts = [p for p in category.split("/") if p and p not in ("$course$", "$system$")]
            parts = [p for p in parts if p.lower() != "top"]
            topic_name = parts[-1] if parts else ""
        topic = found.topic(topic_name, default_topic)
        _one(found, line, "\n".join(lines), topic)
    return found


def _one(found: Collected, line: int, block: str, topic: str) -> None:
    title = ""
    body = block.strip()
    if body.startswith("::"):
        end = _find(body, "::", 2)
        if end < 0:
            found.problem(line, "a '::title' without its closing '::'")
            return
        title, body = unescape(body[2:end]).strip(), body[end + 2 :]
    html = False
    marker = _FORMAT.match(body)
    if marker:
        html = marker.group(1).lower() == "html"
        body = body[marker.end() :]
    opened = _find(body, "{")
    if opened < 0:
        found.problem(line, "a description (no {...} answers): nothing to ask; left out")
        return
    closed = _find(body, "}", opened + 1)
    if closed < 0:
        found.problem(line, "an answer block '{' without its closing '}'")
        return
    head, tail = body[:opened], body[closed + 1 :]
    prompt, dropped = _clean(head + ("____" if tail.strip() else "") + tail, html)
    for what in dropped:
        found.problem(line, f"{what}: images and sounds cannot be kept in a bank; dropped")
    answers = body[opened + 1 : closed]
    general = ""
    cut = _find(answers, "####")
    if cut >= 0:
        general = _clean(answers[cut + 4 :], html)[0]
        answers = answers[:cut]
    question = _answers(found, line, answers.strip(), prompt, general, html)
    if question is None:
        return
    kind = question["type"]
    if title and ID_RE.match(title) and len(title) <= 200:
        qid = title
    elif title:
        qid = slug(title, stable_id("gift", title), width=60)
    else:
        qid = stable_id("gift", kind, prompt)
    found.add(item(line, id=qid, topic=topic, **question))


def _weighted(part: str, html: bool) -> tuple[str, float | None, str, str]:
    """(marker, weight or None, text, feedback) of one `=text#feedback` or `~%50%text` part."""
    marker, rest = part[0], part[1:].strip()
    weight = None
    match = re.match(r"%(-?\d+(?:\.\d+)?)%", rest)
    if match:
        weight, rest = float(match.group(1)), rest[match.end() :]
    cut = _find(rest, "#")
    feedback = ""
    if cut >= 0:
        feedback, rest = _clean(rest[cut + 1 :], html)[0], rest[:cut]
    return marker, weight, _clean(rest, html)[0], feedback


def _explanation(general: str, notes: list[str]) -> str:
    return "\n".join([general, *notes]).strip()


def _answers(
    found: Collected, line: int, answers: str, prompt: str, general: str, html: bool
) -> dict[str, Any] | None:
    if not answers:
        if not general:
            found.problem(line, "an essay question needs a model answer after '####' to import")
            return None
        model, _, points = general.partition(f"\n\n{KEY_POINTS}\n")
        listed = [p[2:].strip() for p in points.split("\n") if p.startswith("- ")]
        return {"type": "open", "prompt": prompt, "answer": model, "points": listed or None}
    word = re.match(r"(TRUE|FALSE|T|F)\b", answers, re.IGNORECASE)
    if word and not answers.startswith(("=", "~", "#")):
        notes = [unescape(f).strip() for f in answers[word.end() :].split("#")[1:] if f.strip()]
        value = word.group(1).upper().startswith("T")
        return {
            "type": "truefalse",
            "prompt": prompt,
            "answer": value,
            "explanation": _explanation(general, [f"Feedback: {n}" for n in notes]),
        }
    if answers.startswith("#"):
        return _numeric_answer(found, line, answers[1:].strip(), prompt, general)
    if _find(answers, "->") >= 0:
        return _matching(found, line, answers, prompt, general, html)
    parts = [_weighted(p.strip(), html) for p in _split(answers, "=~")]
    if not parts or any(p[0] not in "=~" for p in parts):
        found.problem(line, "answers must start with '=' or '~'")
        return None
    notes = [f'"{text}": {fb}' for _, _, text, fb in parts if fb]
    explanation = _explanation(general, notes)
    if all(m == "=" for m, *_ in parts):
        accepted = [t for _, w, t, _ in parts if (w is None or w >= 100) and t]
        if not accepted:
            found.problem(line, "a short-answer question without a full-credit answer")
            return None
        return {"type": "blank", "prompt": prompt, "answer": accepted, "explanation": explanation}
    options = [t for _, _, t, _ in parts]
    right = [
        k
        for k, (m, w, _, _) in enumerate(parts)
        if (m == "=" and (w is None or w > 0)) or (w or 0) > 0
    ]
    if not right:
        found.problem(line, "a multiple-choice question with no right answer ('=' or a positive %)")
        return None
    letters = [chr(ord("A") + k) for k in right]
    weighted = any(w is not None for _, w, _, _ in parts)
    if len(right) == 1 and not weighted:
        return {
            "type": "choice",
            "prompt": prompt,
            "options": options,
            "answer": letters[0],
            "explanation": explanation,
        }
    return {
        "type": "multi",
        "prompt": prompt,
        "options": options,
        "answer": letters,
        "explanation": explanation,
    }


def _numeric_answer(
    found: Collected, line: int, spec: str, prompt: str, general: str
) -> dict[str, Any] | None:
    entries = _split(spec, "=") if spec.startswith("=") else [spec]
    for entry in entries:
        entry = entry.lstrip("=").strip()
        weight = re.match(r"%(-?\d+(?:\.\d+)?)%", entry)
        if weight:
            if float(weight.group(1)) < 100:
                continue
            entry = entry[weight.end() :]
        cut = _find(entry, "#")
        if cut >= 0:
            entry = entry[:cut]
        entry = unescape(entry).strip()
        try:
            if ".." in entry:
                low, high = (float(x) for x in entry.split("..", 1))
                value, tolerance = (low + high) / 2, abs(high - low) / 2
            elif ":" in entry:
                a, b = entry.split(":", 1)
                value, tolerance = float(a), abs(float(b))
            else:
                value, tolerance = float(entry), 0.0
        except ValueError:
            found.problem(line, f"'{entry[:40]}' is not a number, a:tolerance or a low..high range")
            return None
        return {
            "type": "numeric",
            "prompt": prompt,
            "answer": int(value) if value.is_integer() else value,
            "tolerance": tolerance,
            "explanation": general,
        }
    found.problem(line, "a numeric question without a full-credit answer")
    return None


def _matching(
    found: Collected, line: int, answers: str, prompt: str, general: str, html: bool
) -> dict[str, Any] | None:
    pairs: dict[str, str] = {}
    extras: list[str] = []
    for part in _split(answers, "="):
        if not part.startswith("="):
            found.problem(line, "each pair of a matching question starts with '='")
            return None
        cut = _find(part, "->")
        if cut < 0:
            found.problem(line, "each pair of a matching question is '=item -> match'")
            return None
        left = _clean(part[1:cut], html)[0]
        right = _clean(part[cut + 2 :], html)[0]
        if not left:
            extras.append(right)
        elif left in pairs:
            found.problem(line, f"'{left[:40]}' is paired twice")
            return None
        else:
            pairs[left] = right
    return {
        "type": "match",
        "prompt": prompt,
        "pairs": pairs,
        "distractors": extras or None,
        "explanation": general,
    }
