"""The question kinds, by the name a bank gives in `type:`.

Adding a kind: write `refresher/kinds/<name>.py` (its model and a `Kind` subclass: build and
validate from plain data, arrange, grade, answer text, hint), add it to `KINDS` below, and draw
it in `refresher/render/kinds/` (that registry refuses, at import, a kind it cannot draw).
"""

from __future__ import annotations

from refresher.core.model import Question
from refresher.kinds import (
    blank,
    card,
    choice,
    cloze,
    match,
    multi,
    numeric,
    open,
    order,
    truefalse,
)
from refresher.kinds.base import Kind

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        choice.KIND,
        multi.KIND,
        truefalse.KIND,
        blank.KIND,
        numeric.KIND,
        open.KIND,
        card.KIND,
        order.KIND,
        match.KIND,
        cloze.KIND,
    )
}
NAMES: tuple[str, ...] = tuple(KINDS)


def kind_of(question: Question) -> Kind:
    return KINDS[question.type]


__all__ = ["KINDS", "NAMES", "Kind", "kind_of"]
