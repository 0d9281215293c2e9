"""The parsed-bank cache: a validated bank kept as checked JSON, so an unchanged file skips
parsing next time (parsing is most of the start-up cost of a large bank).

Edge module. The data folder may be shared or synced, so an entry is untrusted: it is plain
JSON (nothing in it can run code), carries a format version, the key it was written for and a
SHA-256 of its body, is read only when it is a regular file under `limits.CACHE_ENTRY_BYTES`
(`refresher.env.files.read_bounded`, links not followed), is written whole (`write_atomically`),
and is rebuilt into typed questions field by field; any mismatch is a miss, and the bank is
parsed again. The key covers the file's bytes and the source of every module that shapes a
parsed bank, so a change to the reader, the validator or a kind is a new key. Entries not used
for `STALE_DAYS` are removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import stat
import time
import types
import typing
from pathlib import Path
from typing import Any

from refresher.core import limits
from refresher.core.model import Bank, Question
from refresher.env.files import Refused, read_bounded, write_atomically
from refresher.kinds import KINDS

FORMAT = 1
SUFFIX = ".json"
STALE_DAYS = 30
_SHAPERS = ("banks/load.py", "banks/cache.py")
_SHAPER_DIRS = ("core", "formats", "kinds")


def _shaper_files() -> list[Path]:
    package = Path(__file__).resolve().parent.parent
    files = [package / name for name in _SHAPERS]
    for folder in _SHAPER_DIRS:
        files.extend(sorted((package / folder).rglob("*.py")))
    return files


@functools.cache
def _salt() -> bytes:
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in _shaper_files():
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key_of(raw: bytes) -> str:
    return hashlib.sha256(_salt() + raw).hexdigest()


def read(folder: Path, raw: bytes, shown: str) -> Bank | None:
    """The cached bank for a file with bytes `raw`, or None (a miss) for anything unexpected.

    An entry is two lines: a JSON header (format, key, SHA-256 of the body) and the body, the
    bank as JSON. The checksum is taken over the body's bytes as stored, before parsing.
    """
    key = key_of(raw)
    entry = folder / f"{key}{SUFFIX}"
    stored = _read_regular(entry)
    if stored is None:
        return None
    head, _, body = stored.partition(b"\n")
    try:
        doc = json.loads(head)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
            return None
        if doc.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        bank = decode_bank(json.loads(body), shown)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    _touch(entry)
    return bank


def write(folder: Path, raw: bytes, bank: Bank) -> None:
    """Keep `bank` for the file with bytes `raw`; only what reads back equal is kept."""
    body = json.dumps(encode_bank(bank), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        if decode_bank(json.loads(body), bank.path) != bank:
            return  # e.g. a compute spec with non-text keys: parse it each time instead
    except (ValueError, TypeError, KeyError):
        return
    key = key_of(raw)
    head = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # atomic: a reader never sees half
        write_atomically(folder / f"{key}{SUFFIX}", json.dumps(head).encode() + b"\n" + body)
    except OSError:
        return  # a cache that cannot be written only costs speed
    prune(folder)


def prune(folder: Path, now: float | None = None) -> None:
    """Remove entries (and stray temporary files) not used for `STALE_DAYS`."""
    cutoff = (time.time() if now is None else now) - STALE_DAYS * 86_400
    try:
        for path in folder.iterdir():
            if path.suffix in (SUFFIX, ".tmp", ".pickle"):
                info = path.lstat()
                old = info.st_mtime < cutoff or path.suffix == ".pickle"
                if stat.S_ISREG(info.st_mode) and old:
                    path.unlink(missing_ok=True)
    except OSError:
        pass


def _read_regular(entry: Path) -> bytes | None:
    try:
        return read_bounded(entry, limits.CACHE_ENTRY_BYTES, follow=False)
    except Refused:
        return None


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(entry)


# --- questions as plain data and back ---------------------------------------------------------


def encode_bank(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "title": bank.title,
        "topics": dict(bank.topics),
        "questions": [encode_question(q) for q in bank.questions],
    }


def encode_question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"type": q.type}
    for f in dataclasses.fields(q):
        value = getattr(q, f.name)
        out[f.name] = sorted(value) if isinstance(value, frozenset) else value
    return out


def decode_bank(data: Any, shown: str) -> Bank:
    if not isinstance(data, dict):
        raise TypeError("bank")
    topics = data["topics"]
    if not isinstance(topics, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in topics.items()
    ):
        raise TypeError("topics")
    questions = data["questions"]
    if not isinstance(questions, list):
        raise TypeError("questions")
    return Bank(
        id=_exact(str, data["id"]),
        title=_exact(str, data["title"]),
        path=shown,
        topics=topics,
        questions=tuple(decode_question(q) for q in questions),
    )


def decode_question(data: Any) -> Question:
    if not isinstance(data, dict):
        raise TypeError("question")
    model = KINDS[data["type"]].model
    return model(**{name: decode(data[name]) for name, decode in _field_decoders(model)})


@functools.cache
def _field_decoders(model: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(model)
    return tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(model))


def _decoder(hint: Any) -> Any:
    """A function taking a value read from JSON to the type `hint` names (TypeError if not)."""
    if hint is Any:
        return _same
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [_decoder(h) for h in typing.get_args(hint)]
        return functools.partial(_first_fit, options)
    if origin in (tuple, frozenset):
        args = typing.get_args(hint)
        inner = _decoder(args[0] if args else Any)
        return functools.partial(_sequence, inner, origin)
    if origin is dict:
        return functools.partial(_exact, dict)
    if hint is float:
        return _float
    if hint is int:
        return _int
    if hint is type(None):
        return _none
    return functools.partial(_exact, hint)


def _same(value: Any) -> Any:
    return value


def _first_fit(options: list[Any], value: Any) -> Any:
    for option in options:
        try:
            return option(value)
        except TypeError:
            continue
    raise TypeError("no type fits")


def _sequence(inner: Any, origin: type, value: Any) -> Any:
    if type(value) is not list:
        raise TypeError("list")
    return origin(inner(v) for v in value)


def _exact(kind: type, value: Any) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise TypeError(kind.__name__)
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("float")
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("int")
    return value


def _none(value: Any) -> None:
    if value is not None:
        raise TypeError("None")
    return None
