"""Related questions: the ones that share a fact, kept apart (pure).

Two questions are related when the bank's author gave them a common `group:` name (strongly),
or, as a fallback, when they share a tag (weakly). `spread()` reorders a round so that no
question follows one it is related to when another order can avoid it: a card whose back says
`b_f = 1` must not be followed at once by the blank asking for b_f. `siblings()` gives what a
review buries for the day once a card was answered (the same group only: tags are too broad to
hold a card back for).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from refresher.core.model import Question
from refresher.kinds.base import Item

# How far ahead `spread` looks for an unrelated next question: the seeded order stays as it
# was beyond a few swaps, and a large round costs O(n * LOOKAHEAD).
LOOKAHEAD = 64

T = TypeVar("T", Item, Question)


def relatedness(a: Question, b: Question) -> int:
    """2: a common group; 1: no common group but a common tag; 0: unrelated."""
    if a is b or a.id == b.id:
        return 0
    if set(a.group) & set(b.group):
        return 2
    if set(a.tags) & set(b.tags):
        return 1
    return 0


def _question(x: Item | Question) -> Question:
    return x.question if isinstance(x, Item) else x


def spread(items: Sequence[T]) -> list[T]:
    """`items` in their order, except that each next one is the first of the following
    `LOOKAHEAD` that is least related to the one before it (unrelated if any, else sharing
    only a tag, else as it was)."""
    rest = list(items)
    out: list[T] = []
    while rest:
        if not out:
            out.append(rest.pop(0))
            continue
        before = _question(out[-1])
        best, best_score = 0, relatedness(before, _question(rest[0]))
        k = 1
        while best_score and k < min(LOOKAHEAD, len(rest)):
            score = relatedness(before, _question(rest[k]))
            if score < best_score:
                best, best_score = k, score
            k += 1
        out.append(rest.pop(best))
    return _repaired(out)


def _repaired(items: list[T]) -> list[T]:
    """Move each question that still follows one of its group (the greedy pass ran out of
    others near the end) to the nearest earlier gap between two questions it is unrelated to."""
    out = list(items)
    k = 1
    while k < len(out):
        if relatedness(_question(out[k - 1]), _question(out[k])) != 2:
            k += 1
            continue
        moving = out.pop(k)
        q = _question(moving)
        for gap in range(k - 1, -1, -1):  # between out[gap - 1] and out[gap]
            before = _question(out[gap - 1]) if gap else None
            after = _question(out[gap])
            if relatedness(q, after) != 2 and (before is None or relatedness(before, q) != 2):
                out.insert(gap, moving)
                break
        else:
            out.insert(k, moving)  # nowhere better: it stays
        k += 1
    return out


def back_to_back(items: Sequence[Item | Question]) -> int:
    """How many neighbours in `items` share a group (what `spread` avoids first)."""
    qs = [_question(x) for x in items]
    return sum(1 for a, b in zip(qs, qs[1:], strict=False) if relatedness(a, b) == 2)


def siblings(question: Question, questions: Iterable[Question]) -> list[Question]:
    """The other questions of `questions` in a group of `question`."""
    if not question.group:
        return []
    mine = set(question.group)
    return [q for q in questions if q.id != question.id and mine & set(q.group)]
