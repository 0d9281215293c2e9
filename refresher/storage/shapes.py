"""The shapes of the payloads refresher writes, checked in one call (an edge module's pure part).

`storage.sync_checks` checks each payload it reads field by field in Python
(`checked_payload`): of a large import, a third of the time. The common payloads, a review and
an answer, are first checked here against a msgspec shape (types, ranges, lengths, words and
exact key sets, in C), and only a payload the shape refuses goes through the field-by-field
check, which then says what is wrong with it or takes it after all.

So the shapes may be stricter than the check, never looser: they take a number for a float,
but no bool and no float for an int, only 0 and 1 for a flag (not `True`, `1.0`), and each field
within the same bounds as the check. Times stay text here (at most 40 characters) and are read
by `events.valid_time` afterwards, as the check reads them. `tests/test_sync_shapes.py`
compares the two on many altered payloads: whatever the shapes take, the check takes too, with
the same result.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from refresher.core import limits
from refresher.core.model import ID_RE

_Time = Annotated[str, Meta(max_length=40)]
_Number = Annotated[float, Meta(ge=0, lt=1e9)]  # replay._number: an int or a float
_Count = Annotated[int, Meta(ge=0, lt=10**9)]
_Flag = Literal[0, 1]
_Word = Annotated[str, Meta(max_length=40, pattern=ID_RE.pattern)]
_Answer_text = Annotated[str, Meta(max_length=limits.INTERVIEW_ANSWER_CHARS)]
_Seed = Annotated[int, Meta(ge=-limits.SQLITE_INT_MAX, le=limits.SQLITE_INT_MAX)]


class _Fsrs(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    state: Literal[1, 2, 3]
    step: _Count | None
    stability: _Number | None
    difficulty: _Number | None
    due: _Time
    last_review: _Time | None


class Row(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A portable card row (`replay.checked`): exactly its keys."""

    fsrs: _Fsrs
    reps: _Count
    lapses: _Count
    suspended: _Flag
    leech: _Flag
    introduced_at: _Time


class Answer(msgspec.Struct, gc=False):
    """An answer (`sync_checks.answer_row`): other keys are passed over, a missing one is None."""

    answered_at: _Time
    given: _Answer_text
    seconds: Annotated[float, Meta(ge=0, le=10**7)]
    mode: _Word
    qtype: _Word
    topic: Annotated[str, Meta(max_length=200)]
    tries: Annotated[int, Meta(ge=1, le=9)]
    overruled: _Flag
    correct: _Flag | None = None
    points: str | None = None  # its JSON is read by `sync_checks._points`
    mistake: Annotated[str, Meta(max_length=200)] | None = None
    first_given: _Answer_text | None = None
    seed: _Seed | None = None


class Review(msgspec.Struct, gc=False):
    rating: Annotated[int, Meta(ge=1, le=4)]
    auto: _Flag
    after: Row
    before: Any = None  # checked on its own: often the state after of the review before
    duration_ms: Annotated[int, Meta(ge=0, le=10**10)] | None = None
    answer: Answer | None = None


def fits(value: Any, shape: type) -> bool:
    """Whether `value` (decoded JSON) has `shape`."""
    try:
        msgspec.convert(value, shape)
    except msgspec.ValidationError:
        return False
    return True


# --- whole lines of the two common kinds, read in one call ----------------------------------
#
# `events.decode(line, shaped=True)` reads a review's or an answer's line straight into these
# (`events.ReviewLine`, `events.AnswerLine`)
# (types, ranges, words and exact key sets, in C), and only a line they refuse is read as plain
# JSON and checked in Python. The same rule holds: never looser than the check. A number keeps
# its JSON type (`1` stays an int, `1.0` a float), so the stored payload written from them is
# the JSON a plain read would write, byte for byte; and the structs' fields are in sorted order,
# as the stored JSON's keys are. A state (`State`) reads like the dict it stands for
# (`state["fsrs"]["due"]`, `state.get(...)`), so the replay takes either.

_Num = Annotated[int, Meta(ge=0, lt=10**9)] | Annotated[float, Meta(ge=0, lt=1e9)]


class _Like:
    """Read a struct's fields as a dict's keys."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


class Fsrs(_Like, msgspec.Struct, forbid_unknown_fields=True, gc=False):
    difficulty: _Num | None
    due: _Time
    last_review: _Time | None
    stability: _Num | None
    state: Literal[1, 2, 3]
    step: _Count | None


class State(_Like, msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A portable card row (`Row`), as read from a line."""

    fsrs: Fsrs
    introduced_at: _Time
    lapses: _Count
    leech: _Flag
    reps: _Count
    suspended: _Flag


class LineAnswer(msgspec.Struct, kw_only=True, gc=False):
    """`Answer`, its fields in the order of the `attempts` columns
    (`sync_checks.ANSWER_COLUMNS`)."""

    answered_at: _Time
    given: _Answer_text
    correct: _Flag | None = None
    seconds: Annotated[float, Meta(ge=0, le=10**7)]
    mode: _Word
    qtype: _Word
    topic: Annotated[str, Meta(max_length=200)]
    points: str | None = None
    mistake: Annotated[str, Meta(max_length=200)] | None = None
    tries: Annotated[int, Meta(ge=1, le=9)]
    first_given: _Answer_text | None = None
    overruled: _Flag
    seed: _Seed | None = None


class ReviewPayload(msgspec.Struct, gc=False):
    """`Review`, its state before a `State` too (a line whose state before is not one is read
    the plain way, which may still take it)."""

    rating: Annotated[int, Meta(ge=1, le=4)]
    auto: _Flag
    after: State
    before: State | None = None
    duration_ms: Annotated[int, Meta(ge=0, le=10**10)] | None = None
    answer: LineAnswer | None = None


class StoredReview(_Like, msgspec.Struct, gc=False):
    """A review's payload as the store keeps it: without its answer (a row of its own)."""

    after: State
    auto: int
    before: State | None
    duration_ms: int | None
    rating: int


def plain(value: Any) -> Any:
    """A state read into a struct as the dict a plain read gives (any other value as is)."""
    return msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else value


def same(a: Any, b: Any) -> bool:
    """`a == b` for states read either way (a struct and a dict of the same state are equal)."""
    if type(a) is type(b) or a is None or b is None:
        return a == b
    return plain(a) == plain(b)
