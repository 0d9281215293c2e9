"""The numeric question: a `compute:` spec run by the explain engine, or a fixed imported number.

Pure data, NumPy-free: the kind (`refresher.kinds.numeric`), its engine and the renderers all
import it from here, so that none of them imports another to learn the question's shape.
"""

from __future__ import annotations

from typing import Any

import msgspec

from refresher.core.model import Question


class NumericQuestion(Question):
    compute: dict[str, Any] = msgspec.field(default_factory=dict)
    tolerance: float = 0.01
    rtol: float = 0.0
    value: float | None = None  # a fixed answer (imported questions), instead of `compute`

    @property
    def fixed(self) -> bool:
        return self.value is not None

    # The line of each compute key in the bank file, so `check` points at the key at fault.
    compute_lines: dict[str, int] = msgspec.field(default_factory=dict)

    type = "numeric"
