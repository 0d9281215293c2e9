"""What every import reader shares: ids and topic keys made from foreign text, and the plain
bank data (with line numbers) the readers build for the one bank validator.

A reader adds one question per usable row with the line it came from, and a `(line, message)`
problem for every row or part of a row it cannot take; a `(line, note)` for what it kept in the
closest form refresher has (a partial-credit answer, a link, a reversed card). Ids are stable
across re-imports: made from a GUID when the file has one, otherwise from the question's title or
content; questions sharing a title or stem get the content's digest appended (`unique_id`). A name
in a script `slug` cannot spell (Cyrillic, Greek, CJK) keys by its digest, so distinct names stay
distinct. Pure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from refresher.core import limits
from refresher.core.document import LineDict, LineList
from refresher.core.text import codepoint, excerpt, first_control

_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "imported", width: int = 40) -> str:
    """`Recurrent Neural Networks` -> `recurrent-neural-networks`, a valid bank/topic key."""
    out = _NOT_ID.sub("-", text.lower()).strip("-")[:width].strip("-")
    return out or fallback


def name_key(name: str, fallback: str, width: int = 40) -> str:
    """`slug(name)`, or for a name with no Latin letters or digits a key made from its digest."""
    key = slug(name, "", width)
    if key:
        return key
    return stable_id("t", name.strip()) if name.strip() else fallback


def stable_id(prefix: str, *parts: str) -> str:
    """An id that depends only on `parts` (a GUID, or a question's kind and text)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:10]}"


def item(line: int, **keys: Any) -> LineDict:
    """One question as plain data; every key is reported at the row's line."""
    out = LineDict(line=line)
    for key, value in keys.items():
        if value is None or value == "" or value == []:
            continue
        out[key] = value
        out.key_lines[key] = line
    return out


class TooManyQuestions(Exception):
    """More questions than a bank may hold; `line` is where the first one too many starts."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@dataclass
class Collected:
    """The questions, topics and problems a reader found in one file."""

    questions: LineList = field(default_factory=LineList)
    topics: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    title: str = ""
    notes: list[tuple[int, str]] = field(default_factory=list)
    media: int = 0  # images and sounds kept as `[image: name]` in the text
    media_names: list[str] = field(default_factory=list)  # their names, where a reader keeps them
    used: set[str] = field(default_factory=set)

    def unique_id(self, qid: str, *content: str) -> str:
        """`qid`, or when an earlier question took it, `qid` with a digest of `content`."""
        out = qid
        if out in self.used:
            out = f"{qid[:190]}-{stable_id('', *content)[1:7]}"
            n = 2
            while out in self.used:
                out = f"{qid[:190]}-{stable_id('', *content)[1:7]}-{n}"
                n += 1
        self.used.add(out)
        return out

    def note(self, line: int, message: str) -> None:
        self.notes.append((line, message))

    # topic key -> why its name cannot be a bank's topic (its questions are left out, alone)
    bad_topics: dict[str, str] = field(default_factory=dict)

    def add(self, question: LineDict) -> None:
        """Keep `question`; raises `TooManyQuestions` as the count passes the bank limit, so a
        file of a million tiny rows stops there instead of being read whole into memory."""
        if len(self.questions) >= limits.QUESTIONS_PER_BANK:
            raise TooManyQuestions(question.line)
        why = self.bad_topics.get(question.get("topic"))
        if why is not None:
            self.problem(question.line, f"{why}; left out")
            return
        self.questions.append(question)
        self.questions.item_lines.append(question.line)

    def topic(self, name: str, fallback: str) -> str:
        """The key of topic `name` (created on first use); `fallback` when the name is empty.
        A name no bank may hold (a control character, too long) is not made a topic: the
        questions filed under it are reported one by one, and the others are kept."""
        key = name_key(name, fallback)
        title = name.strip() or fallback
        if key in self.topics or key in self.bad_topics:
            return key
        char = first_control(title)
        if char is not None:
            self.bad_topics[key] = f"topic name '{excerpt(title)}' holds {codepoint(char)}"
        elif len(title) > limits.TEXT_CHARS:
            self.bad_topics[key] = f"topic name longer than {limits.TEXT_CHARS:,} characters"
        else:
            self.topics[key] = title
        return key

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))


# --- Anki cloze text (a note's text field, .txt or .apkg) --------------------------------------

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::([^{}]*?))?\}\}", re.DOTALL)
ANY_ORDER = "any order"  # the hint refresher's export gives the blanks of one group


def cloze_passage(text: str) -> tuple[str, int, list[str]]:
    """An Anki cloze text as a bank passage: ``{{c1::answer}}`` -> ``{{answer}}``, with the
    count of blanks and the hints (``1: a gate``) in order. Blanks that share a cloze number
    and are all hinted ``any order`` (as refresher exports a group) become one group again,
    ``{{~c2:answer}}``; any other shared number stays a blank of its own."""
    marks = list(_CLOZE.finditer(text))
    numbers: dict[str, list[re.Match[str]]] = {}
    for m in marks:
        numbers.setdefault(m.group(1), []).append(m)
    grouped = {
        n
        for n, found in numbers.items()
        if len(found) > 1 and all((m.group(3) or "").strip().lower() == ANY_ORDER for m in found)
    }
    hints: list[str] = []

    def blank(m: re.Match[str]) -> str:
        if m.group(1) in grouped:
            return "{{~c" + m.group(1) + ":" + m.group(2).strip() + "}}"
        if m.group(3) and m.group(3).strip():
            hints.append(f"{len(hints) + 1}: {m.group(3).strip()}")
        return "{{" + m.group(2).strip() + "}}"

    passage, n = _CLOZE.subn(blank, text)
    return passage, n, hints
