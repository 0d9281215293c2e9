"""A drill: endless numeric items of one compute kind, each with fresh numbers (pure core).

`drill_kinds()` says what a bank can drill, `nothing_to_drill()` why it has nothing, and
`drill_items()` yields the items; the numeric engine (and NumPy) loads only when one is drawn.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from refresher.core.errors import RefresherError
from refresher.core.model import Bank
from refresher.kinds.base import Item
from refresher.kinds.numeric.model import NumericQuestion


def drill_kinds(bank: Bank) -> list[str]:
    """The compute kinds a bank's numeric questions use: what `drill` can practise."""
    return sorted(
        {
            str(q.compute.get("kind"))
            for q in bank.questions
            if isinstance(q, NumericQuestion) and not q.fixed
        }
    )


def nothing_to_drill(bank: Bank) -> str:
    """Why `bank` has nothing to drill (it has no `drill_kinds`)."""
    if any(isinstance(q, NumericQuestion) for q in bank.questions):
        return (
            f"{bank.id}'s numeric questions have a fixed answer (as imported ones do), so there "
            "are no fresh numbers to drill; `quiz` and `review` ask them"
        )
    return f"{bank.id} has no numeric questions to drill"


def drill_items(bank: Bank, kind: str, seed: int, rng: random.Random) -> Iterator[Item]:
    """Endless numeric items whose compute kind is `kind`, each with fresh numbers.

    Items with random inputs are preferred; fixed ones are drilled only when a kind has no
    other. Instance k is drawn from seed + k, so `--seed` replays a drill exactly.
    """
    kinds = drill_kinds(bank)
    if not kinds:
        raise RefresherError(nothing_to_drill(bank))
    numeric = [q for q in bank.questions if isinstance(q, NumericQuestion) and not q.fixed]
    pool = [q for q in numeric if q.compute.get("kind") == kind]
    if not pool:
        raise RefresherError(
            f"nothing to drill for '{kind}'; kinds in {bank.id}: {', '.join(kinds)}"
        )
    varied = [q for q in pool if any(isinstance(v, dict) for v in q.compute.values())]
    return _endless(varied or pool, seed, rng)


def _endless(pool: list[NumericQuestion], seed: int, rng: random.Random) -> Iterator[Item]:
    from refresher.kinds.numeric.engine import instantiate  # NumPy: only once a drill draws

    k = 0
    while True:
        order = list(pool)
        rng.shuffle(order)
        for q in order:
            yield Item(q, (), instantiate(q, seed + k))
            k += 1
