"""What an event of another machine may carry, checked (an edge module's pure part).

A line that `storage.events.decode` takes names a kind and carries a payload; before anything of
it is stored, the payload is checked to be one refresher writes: exact types, bounds, words, times
and card rows (`replay.checked`), or the line is junk (`BadEvent`). The common payloads, a review
and an answer, are checked against their msgspec shapes first (`storage.shapes`: in C), and only a
payload the shape refuses is checked field by field here, which then says what is wrong with it or
takes it after all (`tests/test_sync_shapes.py` holds the two to the same results). A line read
straight into its shape (`events.decode(shaped=True)`) is finished by `shaped_payload`.

A review's state before is most often the state after of the card's review before it on the same
machine: `seen` keeps each card's last state after checked, and such a state is not checked again.
"""

from __future__ import annotations

import json
import operator
from typing import Any

import msgspec

from refresher.core import limits
from refresher.core.model import ID_RE
from refresher.storage import replay, shapes
from refresher.storage.events import EVENT_ID_RE, Event, valid_time


class BadEvent(ValueError):
    """A payload that cannot be one refresher wrote: its line is junk."""


def _text(value: object, most: int, *, none: bool = False) -> str | None:
    if value is None and none:
        return None
    if not isinstance(value, str) or len(value) > most:
        raise BadEvent("a text")
    return value


def _int(value: object, lo: int, hi: int, *, none: bool = False) -> int | None:
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadEvent("a number")
    return value


def _points(value: object) -> str | None:
    text = _text(value, limits.TEXT_CHARS * (limits.ITEMS_PER_QUESTION + 1), none=True)
    if text is None:
        return None
    try:
        data = json.loads(text)
        of, covered = data["of"], data["covered"]
    except (ValueError, TypeError, KeyError, RecursionError):
        raise BadEvent("points") from None
    _int(of, 1, limits.ITEMS_PER_QUESTION)
    if not isinstance(covered, list) or len(covered) > of:
        raise BadEvent("points")
    for c in covered:
        _text(c, limits.TEXT_CHARS)
    return text


def answer_row(value: object) -> dict[str, Any]:
    """The `attempts` columns an event's answer carries, checked."""
    found = _answer_shaped(value)
    return _answer_fields(value) if found is None else found


def _answer_shaped(value: Any) -> dict[str, Any] | None:
    """`answer_row` of an answer of the shape (`storage.shapes`), else None."""
    return _answer_of_shape(value) if shapes.fits(value, shapes.Answer) else None


def _answer_of_shape(value: Any) -> dict[str, Any] | None:
    """`_answer_shaped` of an answer known to have the shape: its time and points read."""
    if not valid_time(value["answered_at"]):
        return None
    points = value.get("points")
    if points is not None:
        try:
            _points(points)
        except BadEvent:
            return None
    get = value.get
    return {
        "answered_at": value["answered_at"],
        "given": value["given"],
        "correct": get("correct"),
        "seconds": float(value["seconds"]),
        "mode": value["mode"],
        "qtype": value["qtype"],
        "topic": value["topic"],
        "points": points,
        "mistake": get("mistake"),
        "tries": value["tries"],
        "first_given": get("first_given"),
        "overruled": value["overruled"],
        "seed": get("seed"),
    }


def _answer_fields(value: object) -> dict[str, Any]:
    """`answer_row`, field by field."""
    if not isinstance(value, dict):
        raise BadEvent("an answer")
    if not valid_time(value.get("answered_at")):
        raise BadEvent("a time")
    seconds = value.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise BadEvent("seconds")
    if not 0 <= seconds <= 10**7:
        raise BadEvent("seconds")
    mode, qtype = value.get("mode"), value.get("qtype")
    for word in (mode, qtype):
        if not isinstance(word, str) or len(word) > 40 or not ID_RE.match(word):
            raise BadEvent("a word")
    return {
        "answered_at": value["answered_at"],
        "given": _text(value.get("given"), limits.INTERVIEW_ANSWER_CHARS),
        "correct": _int(value.get("correct"), 0, 1, none=True),
        "seconds": float(seconds),
        "mode": mode,
        "qtype": qtype,
        "topic": _text(value.get("topic"), 200),
        "points": _points(value.get("points")),
        "mistake": _text(value.get("mistake"), 200, none=True),
        "tries": _int(value.get("tries"), 1, 9),
        "first_given": _text(value.get("first_given"), limits.INTERVIEW_ANSWER_CHARS, none=True),
        "overruled": _int(value.get("overruled"), 0, 1),
        "seed": _int(value.get("seed"), -limits.SQLITE_INT_MAX, limits.SQLITE_INT_MAX, none=True),
    }


ANSWER_COLUMNS = (
    "answered_at",
    "given",
    "correct",
    "seconds",
    "mode",
    "qtype",
    "topic",
    "points",
    "mistake",
    "tries",
    "first_given",
    "overruled",
    "seed",
)
answer_values = operator.itemgetter(*ANSWER_COLUMNS)  # a checked answer's columns, in order


def checked_payload(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None = None
) -> dict[str, Any]:
    """The payload of `event` if it can be what refresher wrote; raises BadEvent.

    `seen` keeps each card's last state after checked: a review's state before that equals it
    (as it does when one machine's reviews of a card follow each other) is not checked again.
    (A state there may be a `shapes.State`, from `shaped_payload`.)"""
    if event.kind == "review":
        found = _review_shaped(event, seen)
        if found is not None:
            return found
    return _payload_fields(event, seen)


def shaped_payload(
    event: Event, seen: dict[tuple[str | None, str | None], Any]
) -> tuple[Any, tuple[Any, ...] | None]:
    """`checked_payload` of an event read into its shape (`events.decode(shaped=True)`): (the
    payload as stored, a `shapes.StoredReview` or a dict; the answer's `ANSWER_COLUMNS`). What the
    shapes leave to it is checked as `checked_payload` checks it, and what it refuses,
    `checked_payload` would refuse too (a state before the shape refuses is read the plain
    way)."""
    p = event.payload
    answer = p.answer
    if answer is not None:
        when = answer.answered_at
        if when != event.at and not valid_time(when):  # (the event's time is checked)
            raise BadEvent("a time")
        if answer.points is not None:
            _points(answer.points)
        answer = msgspec.structs.astuple(answer)
    if event.kind == "answer":
        return ({} if p.round is msgspec.UNSET else {"round": p.round}), answer
    after, before = p.after, p.before
    card = (event.bank, event.qid)
    trusted = before is None or shapes.same(seen.get(card), before)
    if not trusted and not _state_times(before):
        raise BadEvent("a time")
    if not _state_times(after, before):
        raise BadEvent("a time")
    seen[card] = after
    return shapes.StoredReview(after, p.auto, before, p.duration_ms, p.rating), answer


def _state_times(state: shapes.State, checked: shapes.State | None = None) -> bool:
    """Whether the times of `state` are valid; its first review's time is not read again when
    it is that of `checked`, a state whose times are known valid (the state before it)."""
    fsrs = state.fsrs
    introduced = state.introduced_at
    return (
        valid_time(fsrs.due)
        and (fsrs.last_review is None or valid_time(fsrs.last_review))
        and (
            (checked is not None and introduced == checked.introduced_at) or valid_time(introduced)
        )
    )


def _row_times(value: Any) -> bool:
    """Whether the times of a portable row of the shape are valid (`replay.checked`)."""
    fsrs = value["fsrs"]
    return (
        valid_time(fsrs["due"])
        and (fsrs["last_review"] is None or valid_time(fsrs["last_review"]))
        and valid_time(value["introduced_at"])
    )


def _review_shaped(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None
) -> dict[str, Any] | None:
    """`checked_payload` of a review of the shape (`storage.shapes`), else None."""
    p = event.payload
    if not shapes.fits(p, shapes.Review) or not _row_times(p["after"]):
        return None  # (the shape holds the state after and the answer, not the state before)
    card = (event.bank, event.qid)
    before = p.get("before")
    checked = before is None or (seen is not None and shapes.same(seen.get(card), before))
    if not checked and not (shapes.fits(before, shapes.Row) and _row_times(before)):
        return None
    answer = p.get("answer")
    if answer is not None:
        answer = _answer_of_shape(answer)
        if answer is None:
            return None
    after = p["after"]
    if seen is not None:
        seen[card] = after
    return {
        "rating": p["rating"],
        "auto": p["auto"],
        "duration_ms": p.get("duration_ms"),
        "before": before,
        "after": after,
        "answer": answer,
    }


def _payload_fields(
    event: Event, seen: dict[tuple[str | None, str | None], Any] | None = None
) -> dict[str, Any]:
    """`checked_payload`, field by field."""
    p = event.payload
    try:
        if event.kind == "answer":
            found = {"answer": answer_row(p.get("answer"))}
            if "round" in p:  # the quiz round it was given in (format 2)
                round_id = p["round"]
                if not isinstance(round_id, str) or not EVENT_ID_RE.match(round_id):
                    raise BadEvent("a round")
                found["round"] = round_id
            return found
        if event.kind == "round":
            mode = p.get("mode")
            if not isinstance(mode, str) or len(mode) > 40 or not ID_RE.match(mode):
                raise BadEvent("a word")
            bank = p.get("bank")
            if not isinstance(bank, str) or len(bank) > 200 or not ID_RE.match(bank):
                raise BadEvent("a bank")
            return {
                "bank": bank,
                "mode": mode,
                "seed": _int(
                    p.get("seed"), -limits.SQLITE_INT_MAX, limits.SQLITE_INT_MAX, none=True
                ),
            }
        if event.kind == "review":
            answer = p.get("answer")
            after = replay.checked(p.get("after"))
            if after is None:
                raise BadEvent("a review without its state after")
            before = p.get("before")
            card = (event.bank, event.qid)
            if before is not None and (seen is None or not shapes.same(seen.get(card), before)):
                before = replay.checked(before)
            found = {
                "rating": _int(p.get("rating"), 1, 4),
                "auto": _int(p.get("auto"), 0, 1),
                "duration_ms": _int(p.get("duration_ms"), 0, 10**10, none=True),
                "before": before,
                "after": after,
                "answer": None if answer is None else answer_row(answer),
            }
            if seen is not None:
                seen[card] = after
            return found
        if event.kind == "suspend":
            return {"suspended": _int(p.get("suspended"), 0, 1)}
        if event.kind == "setting":
            retention = p.get("desired_retention")
            if isinstance(retention, bool) or not isinstance(retention, int | float):
                raise BadEvent("a retention")
            if not 0.5 <= retention <= 0.999:
                raise BadEvent("a retention")
            return {
                "desired_retention": float(retention),
                "leech_threshold": _int(p.get("leech_threshold"), 1, 99),
            }
        return {}
    except replay.BadRow as exc:
        raise BadEvent(str(exc)) from None
