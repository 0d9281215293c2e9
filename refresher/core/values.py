"""`replace`, for the project's records and the scheduler's.

The project's records are msgspec structs (a class is defined in C: a dataclass costs about a
millisecond of start-up each, for the code it generates and compiles); py-fsrs's cards and
logs are dataclasses. `replace` makes a changed copy of either.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec


def replace(value: Any, /, **changes: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.replace(value, **changes)
    return dataclasses.replace(value, **changes)
