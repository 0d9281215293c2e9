"""The payload shapes sync checks first (`storage.shapes`) never take what the field-by-field
check refuses, and what they take gives the same payload: on real reviews and answers altered
in many ways (a field's type, a bound and one past it, a key gone or added)."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.sync_data import event_lines
from refresher.storage import events, sync_log
from refresher.storage import sync_checks as checks

LINES = list(event_lines("far-1", 300, 40, seed=3))
EVENTS = [events.decode(line) for line in LINES]
TIME = "2025-11-01T08:01:09.000+00:00"

VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 2, 3, 4, 5, 9, 10, 0.0, -0.0, 1.0, 0.5, 2.0, 3.0,
    10**7, 1e7, 10**7 + 1, 1e7 + 0.5, 10**9 - 1, 999999999.5, 10**9, 1e9, 10**10, 10**10 + 1,
    2**63 - 1, 2**63, -(2**63 - 1), -(2**63), float("inf"), float("nan"),
    "", "a", "A", "review", "card", "abc\n", "ab c", "x" * 40, "x" * 41, "x" * 200, "x" * 201,
    "é" * 200, "é" * 201, "x" * 20_000, "x" * 20_001,
    TIME, "2025-11-01T08:01:09+00:00", "2025-11-01T08:01:09", "1700-01-01T00:00:00+00:00",
    "9999-01-01T00:00:00+00:00", "2025-13-01T00:00:00+00:00", "2025-11-01T08:01:09.000+00:00 ",
    '{"of": 2, "covered": ["a"]}', '{"of": 2, "covered": ["a", "b", "c"]}', '{"of": 0}', "[1]",
    "not json", {}, [], [1], {"a": 1},
]  # fmt: skip


def _paths(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found.extend(_paths(inner, (*prefix, key)))
    return found


def _alter(payload: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(payload)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        holder = payload
        for key in path[:-1]:
            holder = holder[key]
        how = data.draw(st.sampled_from(["set", "set", "set", "drop", "add"]))
        if how == "drop":
            del holder[path[-1]]
        elif how == "add":
            holder["extra"] = data.draw(st.sampled_from(VALUES[:12]))
        else:
            holder[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(VALUES)))
    return payload


def _outcome(call) -> tuple[str, str | None]:
    """("ok", the result as sorted JSON: True, 1 and 1.0 told apart) or ("bad", None)."""
    try:
        found = call()
    except checks.BadEvent:
        return "bad", None
    return "ok", msgspec.json.encode(found, order="sorted").decode()


def _json(found: Any) -> str:
    return msgspec.json.encode(found, order="sorted").decode()


def test_every_review_written_has_the_shape():
    seen: dict[Any, Any] = {}
    for event in EVENTS:
        assert isinstance(event, events.Event)
        shaped = checks._review_shaped(event, seen)
        assert shaped is not None
        assert _json(shaped) == _json(checks._payload_fields(event, None))
        assert checks._answer_shaped(event.payload["answer"]) is not None


@settings(max_examples=1500)
@given(st.sampled_from(EVENTS), st.booleans(), st.data())
def test_a_review_the_shape_takes_the_check_takes_alike(event, with_seen, data):
    payload = _alter(event.payload, data)
    altered = msgspec.structs.replace(event, payload=payload)
    card = (event.bank, event.qid)
    seen = {card: copy.deepcopy(event.payload["before"])} if with_seen else None
    slow = _outcome(lambda: checks._payload_fields(altered, None if seen is None else dict(seen)))
    fast_seen = None if seen is None else dict(seen)
    fast = checks._review_shaped(altered, fast_seen)
    if fast is not None:
        assert slow == ("ok", _json(fast))
        assert fast_seen is None or fast_seen[card] is payload["after"]
    elif fast_seen is not None:
        assert fast_seen == seen  # nothing noted of a payload passed on
    assert _outcome(lambda: checks.checked_payload(altered, seen)) == slow


@settings(max_examples=1500)
@given(st.sampled_from(EVENTS), st.data())
def test_an_answer_the_shape_takes_the_check_takes_alike(event, data):
    answer = _alter({"answer": event.payload["answer"]}, data).get("answer")
    slow = _outcome(lambda: checks._answer_fields(answer))
    fast = checks._answer_shaped(answer)
    if fast is not None:
        assert slow == ("ok", _json(fast))
    assert _outcome(lambda: checks.answer_row(answer)) == slow


def _resealed(text: str) -> bytes:
    """A line's text with its sum made anew (for bytes `events.seal` would escape)."""
    at = text.rfind('"sum":"') + len('"sum":"')
    return (text[:at] + events._digest(text[:at] + text[at + 16 :]) + text[at + 16 :]).encode()


def test_a_control_as_is_makes_a_line_junk_wherever_it_is():
    """`events._has_control` looks for DEL and CR only in an ASCII line: the JSON parser
    refuses the other controls in a string, and between tokens takes only tab and CR."""
    text = LINES[0].decode()[:-1]
    assert isinstance(events.decode(_resealed(text) + b"\n"), events.Event)
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]:
        char = chr(code)
        in_string = text.replace('"given":"', f'"given":"x{char}', 1)
        between = text.replace('"given":', f'"given":{char}', 1)
        for line in (in_string, between):
            assert events.decode(_resealed(line) + b"\n") == events.Bad("junk"), hex(code)
    tab = text.replace('"given":', '"given":\t', 1)
    assert isinstance(events.decode(_resealed(tab) + b"\n"), events.Event)


def _answer_line(event: events.Event, rounded: bool) -> dict[str, Any]:
    """The line of an answer event made of a review's answer."""
    payload: dict[str, Any] = {"answer": copy.deepcopy(event.payload["answer"])}
    if rounded:
        payload["round"] = "far-1.77"
    return {**_line(event), "id": event.event_id + "0", "kind": "answer", "payload": payload}


def _line(event: events.Event) -> dict[str, Any]:
    return {
        "v": 1,
        "id": event.event_id,
        "machine": event.machine,
        "at": event.at,
        "kind": event.kind,
        "card": f"{event.bank}/{event.qid}",
        "target": None,
        "payload": copy.deepcopy(event.payload),
    }


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(value)}
    return value


def _read(line: bytes, seen: dict[Any, Any], *, shaped: bool) -> tuple[Any, ...]:
    """What an import makes of a line: why it is bad, or (kind, stored JSON, answer columns)."""
    event = events.decode(line, shaped=shaped)
    if isinstance(event, events.Bad):
        return ("bad", event.why)
    try:
        if isinstance(event.payload, dict):
            payload = checks.checked_payload(event, seen)
            answer = payload.get("answer")
            stored = {k: v for k, v in payload.items() if k != "answer"}
            answer = None if answer is None else checks.answer_values(answer)
        else:
            stored, answer = checks.shaped_payload(event, seen)
    except checks.BadEvent:
        return ("junk",)
    return (event.kind, event.event_id, sync_log.compact(stored), answer)


@settings(max_examples=400)
@given(st.integers(0, len(EVENTS) - 8), st.data())
def test_a_line_read_into_its_shape_is_judged_as_a_plain_read(first, data):
    """`events.decode(shaped=True)` and `checks.shaped_payload` give what the plain read and
    `checked_payload` give, line after line of a few cards (a state before may be the state
    after of the card's line before, which is then not checked again), on lines altered
    anywhere: their payloads, their other keys, and their JSON's key order."""
    plain_seen: dict[Any, Any] = {}
    shaped_seen: dict[Any, Any] = {}
    for event in EVENTS[first : first + 8]:
        assert isinstance(event, events.Event)
        kind = data.draw(st.sampled_from(["review", "review", "answer", "rounded"]))
        obj = _line(event) if kind == "review" else _answer_line(event, kind == "rounded")
        if data.draw(st.booleans()):
            obj["payload"] = _alter(obj["payload"], data)
        if data.draw(st.integers(0, 9)) == 0:
            key = data.draw(st.sampled_from(sorted(obj)))
            obj[key] = copy.deepcopy(data.draw(st.sampled_from([*VALUES[:12], "far-1.3", "x/y"])))
        line = events.seal(obj)
        if data.draw(st.integers(0, 9)) == 0:  # the same line, its keys in another order
            line = _resealed(json.dumps(_reversed(json.loads(line)), separators=(",", ":"))) + b"\n"
        plain = _read(line, plain_seen, shaped=False)
        assert _read(line, shaped_seen, shaped=True) == plain
    assert {k: msgspec.to_builtins(v) for k, v in shaped_seen.items()} == plain_seen
