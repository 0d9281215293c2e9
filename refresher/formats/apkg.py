"""Anki packages (`.apkg`, `.colpkg`) read back as a bank, with their review history.

A package is a zip holding the collection as SQLite: `collection.anki21b` (current Anki,
zstd-compressed, schema 18: note types, fields, templates and decks in tables), else
`collection.anki21` or `collection.anki2` (legacy, schema 11: note types and decks as JSON in
`col`). When both are present the legacy file is a placeholder and the current one is read.

Every card becomes a question: its front is the first field its template shows (so `Basic`,
`Basic (and reversed card)`, `Basic (optional reversed card)` and custom note types come out
right: a reverse card is a second card), its back the note's other fields; a template with
`{{type:...}}` makes a typed-answer `blank`, a cloze note type one `cloze` per note (hints as the
question's hint). Fields are HTML and become text; media stay in place as `[image: name]`.
Deck names become topics. The `revlog` rows of each card (ratings 1-4 with their time and
duration), Anki's stored FSRS memory state of each card in review (its `data`: stability and
difficulty, with its due day), suspended cards and the names in the package's media map are
returned for the importer to store and report. Pure: the zip and the
database are read from bytes in memory (`sqlite3.Connection.deserialize`); `zstandard` is
imported only for a current-format package.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from refresher.core import limits
from refresher.formats.imported import Collected, cloze_passage, item, stable_id
from refresher.formats.markup import to_text

_REF = re.compile(r"\{\{([#^/]?)([^{}]+?)\}\}")
_SPECIAL_REFS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"}


class PackageError(ValueError):
    """A package that cannot be read (the message says why, in one line)."""


@dataclass(frozen=True)
class Review:
    at: datetime
    rating: int  # 1 Again .. 4 Easy
    duration_ms: int


@dataclass(frozen=True)
class Memory:
    """A card's FSRS memory state as Anki stored it (the card's `data`), with its due time."""

    stability: float
    difficulty: float
    due: datetime


@dataclass
class Package:
    found: Collected
    reviews: dict[str, list[Review]] = field(default_factory=dict)  # question id -> oldest first
    suspended: set[str] = field(default_factory=set)
    buried: int = 0
    memory: dict[str, Memory] = field(default_factory=dict)  # question id -> Anki's FSRS state
    media: list[str] = field(default_factory=list)  # the media files the package holds, by name
    referenced: set[str] = field(default_factory=set)  # media the notes name


@dataclass(frozen=True)
class _NoteType:
    name: str
    cloze: bool
    fields: tuple[str, ...]
    fronts: tuple[str, ...]  # per template: its question side


def _database(data: bytes) -> sqlite3.Connection:
    if len(data) < 100 or not data.startswith(b"SQLite format 3\x00"):
        raise PackageError("the collection inside is not an SQLite database")
    page = bytearray(data)
    page[18] = page[19] = 1  # WAL mode marks: a deserialized database must use a rollback journal
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(bytes(page))
        conn.execute("SELECT ver FROM col").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise PackageError(f"the collection inside cannot be read ({exc})") from None
    return conn


def _archive(data: bytes) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return archive, {i.filename: i for i in archive.infolist()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"not a readable zip archive ({exc})") from None


def _media(data: bytes) -> list[str]:
    """The names in a package's `media` map: JSON (`{"0": "a.jpg"}`) in a legacy package, a
    zstd-compressed list of entries (protobuf: name, size, sha1) in a current one."""
    archive, members = _archive(data)
    info = members.get("media")
    if info is None or info.file_size > limits.PACKAGE_COLLECTION_BYTES:
        return []
    try:
        raw = archive.read("media")
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return []
    if raw.startswith(b"\x28\xb5\x2f\xfd"):
        import zstandard

        try:
            raw = _unzstd(zstandard, raw)
        except PackageError:
            return []
        names = []
        for entry in _proto_all(raw, 1):
            name = _proto_string(entry, 1)
            if name:
                names.append(name)
        return names
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(mapping, dict):
        return []
    return [str(v) for v in mapping.values() if isinstance(v, str)]


def _collection(data: bytes) -> sqlite3.Connection:
    archive, members = _archive(data)
    for name in ("collection.anki21b", "collection.anki21", "collection.anki2"):
        info = members.get(name)
        if info is None:
            continue
        if info.file_size > limits.PACKAGE_COLLECTION_BYTES:
            raise PackageError(
                f"its collection is {info.file_size:,} bytes; at most"
                f" {limits.PACKAGE_COLLECTION_BYTES:,} are read"
            )
        raw = archive.read(name)
        if name.endswith("b"):
            import zstandard  # only current-format packages need it

            raw = _unzstd(zstandard, raw)
        return _database(raw)
    raise PackageError("no collection.anki21b, collection.anki21 or collection.anki2 inside")


def _unzstd(zstandard: Any, raw: bytes) -> bytes:
    """`raw` decompressed, read in chunks so a small file cannot expand past the limit."""
    limit = limits.PACKAGE_COLLECTION_BYTES
    chunks: list[bytes] = []
    size = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
            while chunk := reader.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise PackageError(f"its collection expands past {limit:,} bytes")
                chunks.append(chunk)
    except zstandard.ZstdError as exc:
        raise PackageError(f"its collection does not decompress ({exc})") from None
    return b"".join(chunks)


def _proto_string(blob: bytes, tag: int = 1) -> str:
    """Field `tag` (a string) of a protobuf message: a template's question format."""
    k = 0
    while k < len(blob):
        key, k = _varint(blob, k)
        wire = key & 7
        if wire == 2:
            size, k = _varint(blob, k)
            if key >> 3 == tag:
                return blob[k : k + size].decode("utf-8", "replace")
            k += size
        elif wire == 0:
            _, k = _varint(blob, k)
        elif wire == 1:
            k += 8
        elif wire == 5:
            k += 4
        else:
            break
    return ""


def _proto_all(blob: bytes, tag: int) -> list[bytes]:
    """Every length-delimited field `tag` of a protobuf message (a repeated message field)."""
    out = []
    k = 0
    while k < len(blob):
        key, k = _varint(blob, k)
        wire = key & 7
        if wire == 2:
            size, k = _varint(blob, k)
            if key >> 3 == tag:
                out.append(blob[k : k + size])
            k += size
        elif wire == 0:
            _, k = _varint(blob, k)
        elif wire == 1:
            k += 8
        elif wire == 5:
            k += 4
        else:
            break
    return out


def _varint(blob: bytes, k: int) -> tuple[int, int]:
    out = shift = 0
    while k < len(blob):
        byte = blob[k]
        k += 1
        out |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    return out, k


def _front_field(qfmt: str, fields: tuple[str, ...]) -> str:
    """The first field a template's question side shows (not inside a condition's name)."""
    for mark, name in _REF.findall(qfmt):
        if mark:
            continue
        name = name.split(":")[-1].strip()
        if name in fields and name not in _SPECIAL_REFS:
            return name
    return fields[0] if fields else ""


def _note_types(conn: sqlite3.Connection, schema: int) -> dict[int, _NoteType]:
    out: dict[int, _NoteType] = {}
    if schema >= 18:
        names = dict(conn.execute("SELECT id, name FROM notetypes"))
        fields: dict[int, list[str]] = {}
        for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
            fields.setdefault(ntid, []).append(name)
        fronts: dict[int, list[str]] = {}
        for ntid, config in conn.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
            fronts.setdefault(ntid, []).append(_proto_string(bytes(config or b"")))
        for ntid, name in names.items():
            qfmts = fronts.get(ntid, [])
            cloze = any("{{cloze:" in q for q in qfmts)
            out[ntid] = _NoteType(name, cloze, tuple(fields.get(ntid, [])), tuple(qfmts))
        return out
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0] or "{}")
    for key, model in models.items():
        qfmts = tuple(t.get("qfmt", "") for t in model.get("tmpls", []))
        names_ = tuple(f.get("name", "") for f in model.get("flds", []))
        out[int(key)] = _NoteType(model.get("name", "?"), model.get("type") == 1, names_, qfmts)
    return out


def _decks(conn: sqlite3.Connection, schema: int) -> dict[int, str]:
    if schema >= 18:
        return {i: n.replace("\x1f", "::") for i, n in conn.execute("SELECT id, name FROM decks")}
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0] or "{}")
    return {int(k): d.get("name", "") for k, d in decks.items()}


def read(data: bytes, default_topic: str) -> Package:
    """The cards of an Anki package as questions, with each card's reviews."""
    conn = _collection(data)
    try:
        package = _read(conn, default_topic)
        package.media = _media(data)
        package.referenced = set(package.found.media_names)
        return package
    except sqlite3.Error as exc:
        raise PackageError(f"the collection inside cannot be read ({exc})") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # JSON or rows not Anki's
        raise PackageError(
            f"the collection inside is not as Anki writes it ({exc})"[:160]
        ) from None
    finally:
        conn.close()


def _text(found: Collected, html: str) -> str:
    text, media = to_text(html)
    found.media += len(media)
    for entry in media:  # `<img> name.jpg` or `[sound:name.mp3]`
        name = entry[7:-1] if entry.startswith("[sound:") else entry.split(" ", 1)[-1]
        found.media_names.append(name.rsplit("/", 1)[-1].strip())
    return text


def _memory(data: Any, kind: int, queue: int, due: int, crt: int) -> Memory | None:
    """Anki's stored FSRS state of a card in review or relearning (`data` as JSON with `s` and
    `d`), with its due time: a day number after the collection's creation `crt`, or for a card
    relearning within the day a time in seconds."""
    if int(kind) not in (2, 3) or not data:
        return None
    try:
        state = json.loads(data)
        stability, difficulty = float(state["s"]), float(state["d"])
    except (ValueError, TypeError, KeyError):
        return None
    if not (0 < stability < 1e6 and 1 <= difficulty <= 10):
        return None
    try:
        if int(queue) == 1 or int(due) > 10_000_000:  # seconds since the epoch
            at = datetime.fromtimestamp(int(due), UTC)
        else:
            at = datetime.fromtimestamp(int(crt) + int(due) * 86_400, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return Memory(stability, difficulty, at)


def _read(conn: sqlite3.Connection, default_topic: str) -> Package:
    schema = int(conn.execute("SELECT ver FROM col").fetchone()[0])
    types = _note_types(conn, schema)
    decks = _decks(conn, schema)
    found = Collected()
    package = Package(found)
    notes = {
        nid: (guid, mid, tags, flds)
        for nid, guid, mid, tags, flds in conn.execute(
            "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"
        )
    }
    history: dict[int, list[Review]] = {}
    for rid, cid, ease, duration, kind in conn.execute(
        "SELECT id, cid, ease, time, type FROM revlog ORDER BY id"
    ):
        if 1 <= int(ease) <= 4 and int(kind) in (0, 1, 2, 3):
            at = datetime.fromtimestamp(int(rid) / 1000, UTC)
            history.setdefault(cid, []).append(Review(at, int(ease), max(0, int(duration))))
    used_decks = {did for (did,) in conn.execute("SELECT DISTINCT did FROM cards")}
    root = _common_root([decks.get(d, "") for d in used_decks])
    custom: set[str] = set()
    line = 0
    crt = int(conn.execute("SELECT crt FROM col").fetchone()[0] or 0)
    for cid, nid, did, ordinal, queue, ctype, due, data in conn.execute(
        "SELECT id, nid, did, ord, queue, type, due, data FROM cards ORDER BY nid, ord"
    ):
        line += 1
        if nid not in notes:
            continue
        guid, mid, tags, flds = notes[nid]
        kind = types.get(mid)
        if kind is None:
            found.problem(line, f"card {cid}: its note type is missing from the collection")
            continue
        values = dict(zip(kind.fields, str(flds).split("\x1f"), strict=False))
        deck = decks.get(did, "")
        path = deck[len(root) :].strip(":") if root and deck.startswith(root) else deck
        topic = found.topic(path.replace("::", " / "), default_topic)
        tag_list = [t for t in str(tags).split() if t] or None
        base = stable_id("anki", guid)
        if kind.cloze:
            if ordinal != 0 and any(q["id"] == base for q in found.questions):
                continue  # one question per cloze note: its first card's history
            qid = _cloze(found, line, base, kind, values, topic, tag_list)
        else:
            qid = _card(found, line, base, kind, ordinal, values, topic, tag_list, custom)
        if qid is None:
            continue
        if cid in history:
            package.reviews[qid] = history[cid]
            memory = _memory(data, ctype, queue, due, crt)
            if memory is not None:
                package.memory[qid] = memory
        if int(queue) == -1:
            package.suspended.add(qid)
        elif int(queue) in (-2, -3):
            package.buried += 1
    for name in sorted(custom):
        found.note(1, f"note type '{name}': first field shown as the front, the others as back")
    return package


def _common_root(names: list[str]) -> str:
    parts = [n.split("::") for n in names if n]
    if len(parts) < 1 or any(len(p) < 2 for p in parts):
        return ""
    first = parts[0][0]
    return first if all(p[0] == first for p in parts) else ""


_STOCK = (
    "basic",
    "basic (and reversed card)",
    "basic (optional reversed card)",
    "basic (type in the answer)",
)


def _card(
    found: Collected,
    line: int,
    base: str,
    kind: _NoteType,
    ordinal: int,
    values: dict[str, str],
    topic: str,
    tags: list[str] | None,
    custom: set[str],
) -> str | None:
    qfmt = kind.fronts[ordinal] if ordinal < len(kind.fronts) else ""
    front_name = _front_field(qfmt, kind.fields)
    refs = [(m, n.split(":")[-1].strip()) for q in kind.fronts for m, n in _REF.findall(q)]
    conditions = {n for m, n in refs if m in "#^"} - {n for m, n in refs if not m}
    front = _text(found, values.get(front_name, ""))
    backs = [
        _text(found, values.get(name, ""))
        for name in kind.fields
        if name != front_name and name not in conditions
    ]
    back = "\n\n".join(b for b in backs if b)
    if kind.name.lower() not in _STOCK:
        custom.add(kind.name)
    qid = base if ordinal == 0 else f"{base}-card{ordinal + 1}"
    if not front or not back:
        found.problem(line, f"a {kind.name} card with an empty {'front' if not front else 'back'}")
        return None
    common = dict(id=qid, topic=topic, tags=tags)
    if "{{type:" in qfmt:
        found.add(item(line, **common, type="blank", prompt=front, answer=back))
    else:
        found.add(item(line, **common, type="card", front=front, back=back))
    return qid


def _cloze(
    found: Collected,
    line: int,
    base: str,
    kind: _NoteType,
    values: dict[str, str],
    topic: str,
    tags: list[str] | None,
) -> str | None:
    first = kind.fields[0] if kind.fields else ""
    passage, n, hints = cloze_passage(_text(found, values.get(first, "")))
    if n == 0:
        found.problem(line, f"a {kind.name} note without any {{{{c1::...}}}}: nothing to ask")
        return None
    extra = "\n\n".join(_text(found, values.get(f, "")) for f in kind.fields[1:]).strip()
    hint = ("Hints: " + "; ".join(hints)) if hints else None
    common = dict(id=base, type="cloze", topic=topic, tags=tags, hint=hint)
    found.add(item(line, **common, text=passage, explanation=extra))
    return base
