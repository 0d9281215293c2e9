"""Grading one typed answer against one question: `grade(question, text, order) -> Outcome`.

Pure. An answer that cannot be read (`zz` for a choice) raises `InputError` with a hint; the
caller re-prompts and nothing counts as wrong. `order` is the display order of options after a
shuffle (display position -> index in the bank), so letters are read as the learner saw them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from refresher.errors import InputError
from refresher.model import (
    BlankQuestion,
    ChoiceQuestion,
    MultiQuestion,
    Outcome,
    QType,
    Question,
    TrueFalseQuestion,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TRUE = {"t", "true", "y", "yes"}
_FALSE = {"f", "false", "n", "no"}


def letter(index: int) -> str:
    return LETTERS[index]


def identity_order(question: Question) -> tuple[int, ...]:
    return tuple(range(len(getattr(question, "options", ()))))


def parse_choices(text: str, n_options: int) -> list[int]:
    """`B`, `b`, `2`, `A C`, `a,c`, `AC`, `1 3` -> display indices. Raises InputError."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError("type a letter")
    tokens = [t.upper() for t in re.split(r"[\s,;/+]+", cleaned) if t]
    last = LETTERS[n_options - 1]
    if len(tokens) == 1 and len(tokens[0]) > 1 and all(c in LETTERS[:n_options] for c in tokens[0]):
        tokens = list(tokens[0])  # "AC" means A and C
    out: list[int] = []
    for token in tokens:
        if token.isdigit() and 1 <= int(token) <= n_options:
            index = int(token) - 1
        elif len(token) == 1 and token in LETTERS[:n_options]:
            index = LETTERS.index(token)
        else:
            shown = cleaned if len(tokens) == 1 else token
            raise InputError(f"'{shown}' is not an option: answer A-{last} (or 1-{n_options})")
        if index not in out:
            out.append(index)
    return out


def _grade_choice(q: ChoiceQuestion, text: str, order: Sequence[int]) -> Outcome:
    picked = parse_choices(text, len(q.options))
    if len(picked) != 1:
        raise InputError("pick one letter")
    right = order.index(q.answer)
    return Outcome(
        correct=picked[0] == right,
        given=letter(picked[0]),
        expected=letter(right),
        detail={"expected_text": q.options[q.answer], "given_text": q.options[order[picked[0]]]},
    )


def _grade_multi(q: MultiQuestion, text: str, order: Sequence[int]) -> Outcome:
    picked = set(parse_choices(text, len(q.options)))
    right = {order.index(i) for i in q.answers}
    return Outcome(
        correct=picked == right,
        given=" ".join(letter(i) for i in sorted(picked)),
        expected=" ".join(letter(i) for i in sorted(right)),
        detail={
            "missing": [letter(i) for i in sorted(right - picked)],
            "extra": [letter(i) for i in sorted(picked - right)],
        },
    )


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InputError("answer t (true) or f (false)")


def _grade_truefalse(q: TrueFalseQuestion, text: str, order: Sequence[int]) -> Outcome:
    given = parse_bool(text)
    return Outcome(
        correct=given == q.answer,
        given="true" if given else "false",
        expected="true" if q.answer else "false",
    )


def fold(text: str) -> str:
    """Case, accents, hyphens, spacing and edge punctuation folded for blank answers."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("×", "x")  # 2×2 is how sizes are printed
    text = re.sub(r"[-_‐–—]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?'\"()")


def _grade_blank(q: BlankQuestion, text: str, order: Sequence[int]) -> Outcome:
    given = fold(text)
    if not given:
        raise InputError("type the missing word(s), or s to skip")
    accepted = {fold(a) for a in q.answers}
    squeezed = {a.replace(" ", "") for a in accepted}
    ok = given in accepted or given.replace(" ", "") in squeezed
    return Outcome(
        correct=ok, given=text.strip(), expected=q.answers[0], detail={"accepted": list(q.answers)}
    )


_GRADERS: dict[QType, Callable[[Any, str, Sequence[int]], Outcome]] = {
    QType.CHOICE: _grade_choice,
    QType.MULTI: _grade_multi,
    QType.TRUEFALSE: _grade_truefalse,
    QType.BLANK: _grade_blank,
}


def grade(question: Question, text: str, order: Sequence[int] | None = None) -> Outcome:
    """Grade an objective answer. Raises InputError when the text cannot be read."""
    grader = _GRADERS.get(question.type)
    if grader is None:
        raise ValueError(f"{question.type.value} questions are graded by the learner")
    return grader(question, text, identity_order(question) if order is None else order)


def self_grade(question: Question, knew: bool) -> Outcome:
    """Outcome of an open question or a card that the learner scored themselves."""
    return Outcome(correct=knew, given="knew it" if knew else "missed it", expected="")
