"""One event of the sync folder as a line of text (an edge module's pure part).

A line is one JSON object on one line, UTF-8, ending in a newline:

    {"at": "...", "card": "bank/qid", "id": "laptop-3f9a.17", "kind": "review",
     "machine": "laptop-3f9a", "payload": {...}, "sum": "…", "target": null, "v": 1}

`v` is the oldest version of this format that reads the line (1, or 2 for a quiz round).
`id` is unique (the machine's id, a dot and that machine's sequence number), `at` the UTC time the
event is replayed at, `target` the event an undo or an overrule acts on, `sum` the first 16 hex
digits of the SHA-256 of the line as written (sorted keys, no spaces) with `sum` empty. JSON
nested too deep for the parser, a control character (as is or escaped) and a key refresher does
not write make a line junk; `storage.sync` then checks each payload's exact shape. `decode` never
raises: a line that cannot be one refresher wrote gives a `Bad` saying what kind of bad it is
(`torn`, `too-long`, `junk`, `checksum`, `newer`), which sync counts and reports in one line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from refresher.core import limits
from refresher.core.model import ID_RE
from refresher.core.text import first_control

FORMAT = 2  # the newest version of the line format this refresher writes and reads
KINDS = ("answer", "review", "undo", "overrule", "suspend", "setting", "round")
# A line carries the oldest version that can read it: a refresher of format 1 reads every line
# but a quiz round's (which it skips as newer, and reads once upgraded).
SINCE = {"round": 2}
NO_CARD = ("setting", "round")
MACHINE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
EVENT_ID_RE = re.compile(r"^([a-z0-9][a-z0-9-]{0,39})\.([0-9]{1,18})$")
_KEYS = {"v", "id", "machine", "at", "kind", "card", "target", "payload", "sum"}


@dataclass(frozen=True)
class Event:
    event_id: str
    machine: str
    at: str  # ISO 8601 UTC, as the store writes times
    kind: str
    bank: str | None
    qid: str | None
    target: str | None
    payload: dict[str, Any]

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


def _has_control(text: str, data: bytes) -> bool:
    """A control character, as is or escaped (`\\u001b`), in `text` (`data` encoded), a line
    the JSON parser has read; newline and tab are text an interview answer holds, and JSON
    writes them `\\n` and `\\t`.

    Of the controls `first_control` finds, the parser has refused those below U+0020 in a
    string already, and between tokens it takes only tab and carriage return: an ASCII line
    can hold no other than DEL and CR, found without the search (several times faster)."""
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


def _card(text: object) -> tuple[str, str] | None:
    if not isinstance(text, str) or len(text) > 401:
        return None
    bank, slash, qid = text.partition("/")
    if not slash or not ID_RE.match(bank) or not ID_RE.match(qid):
        return None
    return bank, qid


def decode(line: bytes) -> Event | Bad:
    """The event on one line (its newline included when it had one), or why not.

    The checksum covers the line as written with its `sum` value left empty, so it is checked
    on the bytes, without writing the object again."""
    if not line.endswith(b"\n"):
        return Bad("torn")
    if len(line) > limits.SYNC_LINE_BYTES:
        return Bad("too-long")
    if not line.startswith(b"{"):  # refresher writes an object, from the line's first byte
        return Bad("junk")
    try:
        data = line[:-1]
        text = data.decode("utf-8")
        obj = msgspec.json.decode(data)  # as json.loads, several times faster (bytes: faster still)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Bad("junk")
    if not isinstance(obj, dict):
        return Bad("junk")
    version = obj.get("v")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        return Bad("newer")  # a newer refresher may add keys: only its version is looked at
    plain = data.isascii()
    if set(obj) != _KEYS or type(version) is not int or version < 1 or _has_control(text, data):
        return Bad("junk")
    at = text.rfind(_SUM) + len(_SUM)
    written = text[at : at + 16]
    if plain:  # the same index in the bytes: hashed without encoding the text again
        digest = hashlib.sha256(data[:at] + data[at + 16 :]).hexdigest()[:16]
    else:
        digest = _digest(text[:at] + text[at + 16 :])
    if obj["sum"] != written or digest != written:
        return Bad("checksum")
    event_id, machine, kind = obj["id"], obj["machine"], obj["kind"]
    found = EVENT_ID_RE.match(event_id) if isinstance(event_id, str) else None
    if found is None or found.group(1) != machine or kind not in KINDS:
        return Bad("junk")
    if version < SINCE.get(kind, 1):
        return Bad("junk")
    if not valid_time(obj["at"]) or not isinstance(obj["payload"], dict):
        return Bad("junk")
    card = None if obj["card"] is None else _card(obj["card"])
    if (card is None) != (kind in NO_CARD):
        return Bad("junk")
    target = obj["target"]
    if (kind in ("undo", "overrule")) != (
        isinstance(target, str) and EVENT_ID_RE.match(target) is not None
    ):
        return Bad("junk")
    return Event(
        event_id,
        machine,
        obj["at"],
        kind,
        None if card is None else card[0],
        None if card is None else card[1],
        target,
        obj["payload"],
    )
