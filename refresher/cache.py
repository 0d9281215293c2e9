"""The parsed-bank cache: a validated bank kept as checked JSON, so an unchanged file skips
parsing next time (parsing is most of the start-up cost of a large bank).

Edge module. The data folder may be shared or synced, so an entry is untrusted: it is plain
JSON (nothing in it can run code), carries a format version, the key it was written for and a
SHA-256 of its body, is read only when it is a regular file under `limits.CACHE_ENTRY_BYTES`,
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
import tempfile
import time
import types
import typing
from pathlib import Path
from typing import Any

from refresher import limits
from refresher.kinds import KINDS
from refresher.model import Bank, Question

FORMAT = 1
SUFFIX = ".json"
STALE_DAYS = 30
_SHAPERS = ("bank.py", "model.py", "document.py", "text.py", "limits.py", "cache.py")
_SHAPER_DIRS = ("formats", "kinds")


@functools.cache
def _salt() -> bytes:
    here = Path(__file__).resolve().parent
    files = [here / name for name in _SHAPERS]
    for folder in _SHAPER_DIRS:
        files.extend(sorted((here / folder).glob("*.py")))
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key_of(raw: bytes) -> str:
    return hashlib.sha256(_salt() + raw).hexdigest()


def read(folder: Path, raw: bytes, shown: str) -> Bank | None:
    """The cached bank for a file with bytes `raw`, or None (a miss) for anything unexpected."""
    key = key_of(raw)
    entry = folder / f"{key}{SUFFIX}"
    body = _read_regular(entry)
    if body is None:
        return None
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
            return None
        data = doc.get("bank")
        if doc.get("sha256") != hashlib.sha256(_canonical(data).encode()).hexdigest():
            return None
        bank = decode_bank(data, shown)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    _touch(entry)
    return bank


def write(folder: Path, raw: bytes, bank: Bank) -> None:
    """Keep `bank` for the file with bytes `raw`; only what reads back equal is kept."""
    data = encode_bank(bank)
    try:
        if decode_bank(json.loads(_canonical(data)), bank.path) != bank:
            return  # e.g. a compute spec with non-text keys: parse it each time instead
    except (ValueError, TypeError, KeyError):
        return
    key = key_of(raw)
    doc = {
        "format": FORMAT,
        "key": key,
        "sha256": hashlib.sha256(_canonical(data).encode()).hexdigest(),
        "bank": data,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(f.name, folder / f"{key}{SUFFIX}")  # atomic: a reader never sees half
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
        fd = os.open(entry, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limits.CACHE_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limits.CACHE_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(entry)


def _canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
        id=_typed(data["id"], str),
        title=_typed(data["title"], str),
        path=shown,
        topics=topics,
        questions=tuple(decode_question(q) for q in questions),
    )


def decode_question(data: Any) -> Question:
    if not isinstance(data, dict):
        raise TypeError("question")
    model = KINDS[data["type"]].model
    hints = _hints(model)
    fields = {f.name: _typed(data[f.name], hints[f.name]) for f in dataclasses.fields(model)}
    return model(**fields)


@functools.cache
def _hints(model: type) -> dict[str, Any]:
    return typing.get_type_hints(model)


def _typed(value: Any, hint: Any) -> Any:
    """`value` (from JSON) as the type `hint` names; TypeError when it is not that type."""
    if hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        for option in typing.get_args(hint):
            try:
                return _typed(value, option)
            except TypeError:
                continue
        raise TypeError(str(hint))
    if origin in (tuple, frozenset):
        if not isinstance(value, list):
            raise TypeError(str(hint))
        args = typing.get_args(hint)
        inner = args[0] if args else Any
        items = [_typed(v, inner) for v in value]
        return tuple(items) if origin is tuple else frozenset(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(str(hint))
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("float")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("int")
        return value
    if hint is type(None):
        if value is not None:
            raise TypeError("None")
        return None
    if not isinstance(value, hint):
        raise TypeError(str(hint))
    return value
