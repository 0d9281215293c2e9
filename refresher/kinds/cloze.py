"""`cloze`: a passage with several blanks, asked as one question.

The bank writes each blank in the passage as `{{answer}}` or `{{answer|alternative|...}}`:

    text: "c_t = {{f_t}} * c_{t-1} + {{i_t}} * {{g_t|g}}"

Blanks whose answers may be given in either order, like the two factors of `i_t * g_t`, share a
group name written before their answers as `~name:`:

    text: "c_t = {{f_t}} * c_{t-1} + {{~ig:i_t|i}} * {{~ig:g_t|g}}"

The learner types one answer per blank, all on one line separated by `;`, or one per line.
Each blank is matched forgivingly like a `blank` answer, with the passage's words around it as
its context; the answers typed into one group's blanks may match that group's blanks in any
order (each blank used once). The question counts right only when every blank is right.
"""

from __future__ import annotations

import re
from typing import Any

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.blank import graded
from refresher.kinds.fields import Fields

_BLANK = re.compile(r"\{\{(.*?)\}\}")
_GROUP = re.compile(r"\s*~([a-z0-9][a-z0-9_-]*)\s*:", re.IGNORECASE)


class ClozeQuestion(Question):
    segments: tuple[str, ...] = ()  # the passage's text around the blanks: len(blanks) + 1
    blanks: tuple[tuple[str, ...], ...] = ()  # accepted answers per blank; the first is shown
    groups: tuple[tuple[int, ...], ...] = ()  # blanks (0-based) whose answers may come in any order

    type = "cloze"

    def passage(self, fill: list[str]) -> str:
        """The passage with `fill[k]` written in blank k."""
        out = [self.segments[0]]
        for k, text in enumerate(fill):
            out.extend([text, self.segments[k + 1]])
        return "".join(out)


Passage = tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[tuple[int, ...], ...]]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def group_sentences(q: ClozeQuestion, names: list[str] | None = None) -> list[str]:
    """One sentence per group saying its blanks may be answered in any order: ``Blanks [2] and
    [3] may be answered in either order.`` (`names`: how each blank is named; default ``[k]``)."""
    out = []
    for group in q.groups:
        shown = [names[k] if names else f"[{k + 1}]" for k in group]
        order = "either order" if len(group) == 2 else "any order"
        out.append(f"Blanks {_and(shown)} may be answered in {order}.")
    return out


def group_of(q: ClozeQuestion) -> dict[int, int]:
    """Blank (0-based) -> the number of its group (1-based), for the blanks in a group."""
    return {k: n for n, group in enumerate(q.groups, 1) for k in group}


def bank_text(q: ClozeQuestion) -> str:
    """The passage as a bank writes it, groups named ``~g1:``, ``~g2:`` ... (the names are not
    kept, only which blanks share one)."""
    groups = group_of(q)
    text = [q.segments[0]]
    for k, accepted in enumerate(q.blanks):
        name = f"~g{groups[k]}:" if k in groups else ""
        text.append("{{" + name + "|".join(accepted) + "}}" + q.segments[k + 1])
    return "".join(text)


def split_passage(text: str) -> Passage | str:
    """(segments, blanks, groups) of a cloze passage, or why it cannot be read."""
    parts = _BLANK.split(text)
    segments, raw = tuple(parts[0::2]), parts[1::2]
    if not raw:
        return "'text' needs at least one blank written as {{answer}}"
    if len(raw) > limits.ITEMS_PER_QUESTION:
        return f"'text' has {len(raw)} blanks; at most {limits.ITEMS_PER_QUESTION}"
    if any("{{" in s or "}}" in s for s in segments):
        return "'text' has an unclosed or nested {{ }}"
    blanks = []
    named: dict[str, list[int]] = {}
    for k, spec in enumerate(raw, 1):
        group = _GROUP.match(spec)
        if group:
            named.setdefault(group.group(1).lower(), []).append(k - 1)
            spec = spec[group.end() :]
        elif spec.lstrip().startswith("~"):
            return f"blank {k} of 'text' has a bad group name; write {{{{~name:answer}}}}"
        accepted = tuple(a.strip() for a in spec.split("|"))
        if not all(accepted):
            return f"blank {k} of 'text' is empty; write {{{{answer}}}} or {{{{answer|other}}}}"
        blanks.append(accepted)
    for name, members in named.items():
        if len(members) < 2:
            return f"group ~{name} of 'text' has one blank; a group needs two or more"
    return segments, tuple(blanks), tuple(tuple(m) for m in named.values())


def _assign(fits: list[list[bool]]) -> list[int | None]:
    """For each typed answer a, the blank it fills (`fits[a][j]`: answer a is right for blank j),
    each blank used once, as many answers placed as possible, own places tried first (a
    maximum bipartite matching by augmenting paths)."""
    n = len(fits)
    owner: list[int | None] = [None] * n  # blank -> the answer placed in it

    def place(a: int, seen: set[int]) -> bool:
        for j in [a, *(j for j in range(n) if j != a)]:
            if fits[a][j] and j not in seen:
                seen.add(j)
                if owner[j] is None or place(owner[j], seen):
                    owner[j] = a
                    return True
        return False

    for a in range(n):
        place(a, set())
    out: list[int | None] = [None] * n
    for j, a in enumerate(owner):
        if a is not None:
            out[a] = j
    return out


def split_answers(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text)]


class Cloze(Kind, model=ClozeQuestion, keys={"prompt", "text"}, hint="one answer per blank"):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt", required=False)
        text = f.text("text")
        if text is None:
            return None
        found = split_passage(text)
        if isinstance(found, str):
            f.problem("text", found)
            return None
        segments, blanks, groups = found
        if prompt is None:
            if f.has("prompt"):
                return None
            prompt = "".join(
                s + ("____" if k < len(blanks) else "") for k, s in enumerate(segments)
            ).strip()
        return ClozeQuestion(
            prompt=prompt, segments=segments, blanks=blanks, groups=groups, **common
        )

    def hint_for(self, item: Any) -> str:
        n = len(item.question.blanks)
        return "the missing part" if n == 1 else f"{n} answers, separated by ';'"

    def more_inputs(self, item: Any, first: str, interactive: bool) -> tuple[str, ...]:
        n = len(item.question.blanks)
        if n == 1 or ";" in first or "\n" in first:
            return ()
        return tuple(f"blank {k}" for k in range(2, n + 1))

    def grade(self, item: Any, text: str) -> Outcome:
        q: ClozeQuestion = item.question
        n = len(q.blanks)
        typed = split_answers(text)
        if len(typed) != n or not all(typed):
            got = sum(1 for t in typed if t)
            raise InputError(f"expected {n} answers separated by ';', got {got}")
        results = [
            graded(t, accepted, q.segments[k], q.segments[k + 1])
            for k, (t, accepted) in enumerate(zip(typed, q.blanks, strict=True))
        ]
        for group in q.groups:
            self._regrade_group(q, typed, group, results)
        return Outcome(
            correct=all(r["ok"] for r in results),
            given="; ".join(typed),
            expected="; ".join(b[0] for b in q.blanks),
            detail={"blanks": results, "typed": typed},
        )

    @staticmethod
    def _regrade_group(
        q: ClozeQuestion, typed: list[str], group: tuple[int, ...], results: list[dict[str, Any]]
    ) -> None:
        """Grade the answers typed into `group`'s blanks against its blanks in any order."""
        if all(results[k]["ok"] for k in group):
            return
        fits = [
            [graded(typed[k], q.blanks[j], q.segments[k], q.segments[k + 1])["ok"] for j in group]
            for k in group
        ]
        chosen = _assign(fits)
        free = [j for j in range(len(group)) if j not in chosen]
        for a, k in enumerate(group):
            j = chosen[a]
            if j is None:  # wrong anyway: shown against its own blank when that is still free
                j = a if a in free else free[0]
                free.remove(j)
            results[k] = graded(typed[k], q.blanks[group[j]], q.segments[k], q.segments[k + 1])

    def answer(self, item: Any) -> Any:
        return [list(b) for b in item.question.blanks]

    def answer_text(self, item: Any) -> str:
        return "; ".join(b[0] for b in item.question.blanks)

    def sheet(self, item: Any) -> dict[str, Any]:
        q: ClozeQuestion = item.question
        return {"text": q.passage([f"[{k}]____" for k in range(1, len(q.blanks) + 1)])}


KIND = Cloze()
