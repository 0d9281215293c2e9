"""One event of the sync folder as a line of text (an edge module's pure part).

A line is one JSON object on one line, UTF-8, ending in a newline:

    {"at": "...", "card": "bank/qid", "id": "laptop-3f9a.17", "kind": "review",
     "machine": "laptop-3f9a", "payload": {...}, "sum": "…", "target": null, "v": 1}

`v` is the oldest version of this format that reads the line (1, or 2 for a quiz round).
`id` is unique (the machine's id, a dot and that machine's sequence number), `at` the UTC time the
event is replayed at, `target` the event an undo or an overrule acts on, `sum` the first 16 hex
digits of the SHA-256 of the line as written (sorted keys, no spaces) with `sum` empty. JSON
nested too deep for the parser, a control character (as is or escaped) and a key refresher does
not write make a line junk; `storage.sync_checks` then checks each payload's exact shape.
`decode` never raises: a line that cannot be one refresher wrote gives a `Bad` saying what kind
of bad it is (`torn`, `too-long`, `junk`, `checksum`, `newer`), which sync counts and reports in
one line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from refresher.core import limits
from refresher.core.model import ID_RE
from refresher.core.text import first_control
from refresher.storage import shapes

FORMAT = 2  # the newest version of the line format this refresher writes and reads
KINDS = ("answer", "review", "undo", "overrule", "suspend", "setting", "round")
# A line carries the oldest version that can read it: a refresher of format 1 reads every line
# but a quiz round's (which it skips as newer, and reads once upgraded).
SINCE = {"round": 2}
NO_CARD = ("setting", "round")
MACHINE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
EVENT_ID_RE = re.compile(r"^([a-z0-9][a-z0-9-]{0,39})\.([0-9]{1,18})$")
_KEYS = {"v", "id", "machine", "at", "kind", "card", "target", "payload", "sum"}
_TARGETED = ("undo", "overrule")


class Event(msgspec.Struct, frozen=True, gc=False):
    """One event of a line (a struct: made in C, 100,000 of them in a large import; it holds no
    cycle, and is not tracked by the cycle collector)."""

    event_id: str
    machine: str
    at: str  # ISO 8601 UTC, as the store writes times
    kind: str
    bank: str | None
    qid: str | None
    target: str | None
    payload: Any  # a dict; with `decode(shaped=True)`, a review's or an answer's may be a struct

    @property
    def seq(self) -> int:
        return int(self.event_id.rpartition(".")[2])


@dataclass(frozen=True)
class Bad:
    """Why a line was skipped: one of `torn`, `too-long`, `junk`, `checksum`, `newer`."""

    why: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_SUM = '"sum":"'
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def encode(event: Event) -> bytes:
    """The line (newline included) for `event`."""
    obj: dict[str, Any] = {
        "v": SINCE.get(event.kind, 1),
        "id": event.event_id,
        "machine": event.machine,
        "at": event.at,
        "kind": event.kind,
        "card": None if event.bank is None else f"{event.bank}/{event.qid}",
        "target": event.target,
        "payload": event.payload,
    }
    return seal(obj)


def seal(obj: dict[str, Any]) -> bytes:
    """The line for a whole event object, its `sum` computed."""
    obj = {**obj, "sum": ""}
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    at = text.rfind(_SUM + '"') + len(_SUM)  # keys are sorted: the last "sum" is the line's
    return (text[:at] + _digest(text) + text[at:]).encode("utf-8") + b"\n"


def _has_control(text: str | None, data: bytes) -> bool:
    """A control character, as is or escaped (`\\u001b`), in `text` (`data` encoded), a line
    the JSON parser has read; newline and tab are text an interview answer holds, and JSON
    writes them `\\n` and `\\t`.

    Of the controls `first_control` finds, the parser has refused those below U+0020 in a
    string already, and between tokens it takes only tab and carriage return: an ASCII line
    can hold no other than DEL and CR, found without the search (several times faster)."""
    if text is None:
        text = data.decode("utf-8")
    if data.isascii():
        if b"\x7f" in data or b"\r" in data:
            return True
    elif first_control(text) is not None:
        return True
    return "\\u" in text and any(
        first_control(chr(int(m.group(1), 16))) for m in _ESCAPE.finditer(text)
    )


def valid_time(text: object) -> bool:
    if not isinstance(text, str) or len(text) > 40:
        return False
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return False
    return value.tzinfo is not None and (
        limits.STORED_YEAR_MIN <= value.year <= limits.STORED_YEAR_MAX
    )


_CARDS: dict[str, tuple[str, str] | None] = {}  # a card's text -> its (bank, qid): a file names
# the same cards again and again


def _card(text: object) -> tuple[str, str] | None:
    if not isinstance(text, str) or len(text) > 401:
        return None
    if text in _CARDS:
        return _CARDS[text]
    bank, slash, qid = text.partition("/")
    found = (bank, qid) if slash and ID_RE.match(bank) and ID_RE.match(qid) else None
    if len(_CARDS) >= limits.SYNC_CHUNK:
        _CARDS.clear()  # bounded: a file of many cards
    _CARDS[text] = found
    return found


class AnswerPayload(msgspec.Struct, gc=False):
    """An answer's payload (`sync_checks.checked_payload`): other keys are passed over."""

    answer: shapes.LineAnswer
    round: Annotated[str, Meta(pattern=EVENT_ID_RE.pattern)] | msgspec.UnsetType = msgspec.UNSET


class _Line(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, gc=False):
    """A whole line of one of the two common kinds, read in one call (`storage.shapes`)."""

    at: str
    card: str
    id: str
    machine: str
    sum: str
    target: None
    v: Annotated[int, Meta(ge=1, le=FORMAT)]


class ReviewLine(_Line, tag="review"):
    payload: shapes.ReviewPayload


class AnswerLine(_Line, tag="answer"):
    payload: AnswerPayload


_SHAPED = msgspec.json.Decoder(ReviewLine | AnswerLine).decode
_SUM_BYTES = _SUM.encode()
_LOADS = msgspec.json.Decoder().decode


def decode(line: bytes, *, shaped: bool = False) -> Event | Bad:
    """The event on one line (its newline included when it had one), or why not.

    `shaped`: a review or an answer of the shape (`storage.shapes`) comes with its payload as
    read into it (`shapes.ReviewPayload`, `AnswerPayload`), any other line as plain JSON; the
    line is judged the same either way.

    The checksum covers the line as written with its `sum` value left empty, so it is checked
    on the bytes, without writing the object again (the sum's digits are ASCII: where they sit
    in the bytes, the text has them too)."""
    if not line.endswith(b"\n"):
        return Bad("torn")
    if len(line) > limits.SYNC_LINE_BYTES:
        return Bad("too-long")
    if not line.startswith(b"{"):  # refresher writes an object, from the line's first byte
        return Bad("junk")
    data = line[:-1]
    plain = data.isascii()
    if shaped:
        try:
            read = _SHAPED(data)
        except (msgspec.DecodeError, RecursionError):
            pass  # read as plain JSON below, which says what is wrong
        else:
            return _shaped(read, data, plain)
    try:
        text = None if plain else data.decode("utf-8")  # ASCII is UTF-8 already
        obj = _LOADS(data)  # as json.loads, several times faster (bytes: faster still)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Bad("junk")
    if type(obj) is not dict:
        return Bad("junk")
    version = obj.get("v")
    if type(version) is int and version > FORMAT:  # (bool is not int's type)
        return Bad("newer")  # a newer refresher may add keys: only its version is looked at
    if len(obj) != len(_KEYS) or obj.keys() != _KEYS or type(version) is not int or version < 1:
        return Bad("junk")
    why = _sealed(data, plain, text, obj["sum"])
    if why is not None:
        return why
    event_id, machine, kind = obj["id"], obj["machine"], obj["kind"]
    found = EVENT_ID_RE.match(event_id) if type(event_id) is str else None
    if found is None or found.group(1) != machine or kind not in KINDS:
        return Bad("junk")
    if version < SINCE.get(kind, 1):
        return Bad("junk")
    when = obj["at"]
    if not valid_time(when) or type(obj["payload"]) is not dict:
        return Bad("junk")
    card = obj["card"]
    if card is not None:
        card = _card(card)
    if (card is None) != (kind in NO_CARD):
        return Bad("junk")
    target = obj["target"]
    if (kind in _TARGETED) != (type(target) is str and EVENT_ID_RE.match(target) is not None):
        return Bad("junk")
    if card is None:
        return Event(event_id, machine, when, kind, None, None, target, obj["payload"])
    return Event(event_id, machine, when, kind, card[0], card[1], target, obj["payload"])


def _sealed(data: bytes, plain: bool, text: str | None, written: object) -> Bad | None:
    """Why a line read whole is bad for its characters or its checksum, or None."""
    if plain:  # see `_has_control`; `find` of one byte is memchr's, several times `in`'s speed
        if data.find(b"\x7f") >= 0 or data.find(b"\r") >= 0:
            return Bad("junk")
        if data.find(b"\\") >= 0 and b"\\u" in data and _has_control(None, data):
            return Bad("junk")
    elif _has_control(text, data):
        return Bad("junk")
    at = data.rfind(_SUM_BYTES) + len(_SUM_BYTES)
    digest = hashlib.sha256(data[:at] + data[at + 16 :]).hexdigest()[:16]
    if written != digest or data[at : at + 16] != digest.encode():
        return Bad("checksum")
    return None


def _shaped(read: ReviewLine | AnswerLine, data: bytes, plain: bool) -> Event | Bad:
    """`decode` of a line read into its shape: the checks its shape does not make, in the
    order the plain read makes them (its keys, version and target are right already)."""
    try:
        text = None if plain else data.decode("utf-8")
    except UnicodeDecodeError:
        return Bad("junk")
    why = _sealed(data, plain, text, read.sum)
    if why is not None:
        return why
    event_id, machine = read.id, read.machine
    found = EVENT_ID_RE.match(event_id)
    if found is None or found.group(1) != machine:
        return Bad("junk")
    if not valid_time(read.at):
        return Bad("junk")
    card = _card(read.card)
    if card is None:
        return Bad("junk")
    kind = "review" if type(read) is ReviewLine else "answer"
    return Event(event_id, machine, read.at, kind, card[0], card[1], None, read.payload)
