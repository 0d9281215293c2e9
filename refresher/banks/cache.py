"""The parsed-bank cache: a validated bank kept as checked JSON, so an unchanged file skips
parsing next time (parsing is most of the start-up cost of a large bank).

Edge module. The data folder may be shared or synced, so an entry is untrusted: it is plain
JSON (nothing in it can run code), carries a format version, the key it was written for and a
SHA-256 of its body, is read only when it is a regular file under `limits.CACHE_ENTRY_BYTES`
(`refresher.env.files.read_bounded`, links not followed), is written whole (`write_atomically`),
and is decoded by msgspec straight into the kinds' models, every field's type checked as it is
read (a typed decoder: about four times faster than JSON parsing followed by checks in Python);
any mismatch is a miss, and the bank is parsed again. The key covers the file's bytes, the
package's version and the name, size and modification time of every module that shapes a
parsed bank (what Python's own bytecode cache trusts), so a change to the reader, the validator
or a kind is a new key. Entries not used for `STALE_DAYS` are removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
import time
import typing
from pathlib import Path
from typing import Any

import msgspec

from refresher.core import limits
from refresher.core.model import Bank
from refresher.env.files import Refused, read_bounded, write_atomically
from refresher.kinds import KINDS

FORMAT = 3  # 3: tagged arrays decoded into the models (2: typed rows, 1: field-named JSON)
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
    from refresher import __version__

    digest = hashlib.sha256(f"format {FORMAT} version {__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in _shaper_files():
        info = path.stat()
        name = path.relative_to(package).as_posix()
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.digest()


def key_of(raw: bytes) -> str:
    return hashlib.sha256(_salt() + raw).hexdigest()


def read(folder: Path, raw: bytes, shown: str) -> Bank | None:
    """The cached bank for a file with bytes `raw`, or None (a miss) for anything unexpected.

    An entry is two lines: a JSON header (format, key, SHA-256 of the body) and the body, the
    bank as JSON. The checksum is taken over the body's bytes as stored, before decoding.
    """
    key = key_of(raw)
    entry = folder / f"{key}{SUFFIX}"
    stored = _read_regular(entry)
    if stored is None:
        return None
    head, _, body = stored.partition(b"\n")
    try:
        doc = _HEAD.decode(head)
        if doc.format != FORMAT or doc.key != key:
            return None
        if doc.sha256 != hashlib.sha256(body).hexdigest():
            return None
        bank = decode_bank(body, shown)
    except (msgspec.DecodeError, RecursionError):
        return None
    _touch(entry)
    return bank


def write(folder: Path, raw: bytes, bank: Bank) -> None:
    """Keep `bank` for the file with bytes `raw`; only what reads back equal is kept."""
    try:
        body = encode_bank(bank)
        if decode_bank(body, bank.path) != bank:
            return  # e.g. a compute spec with non-text keys: parse it each time instead
    except (msgspec.DecodeError, msgspec.EncodeError, TypeError):
        return
    key = key_of(raw)
    head = _Head(FORMAT, key, hashlib.sha256(body).hexdigest())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # atomic: a reader never sees half
        write_atomically(folder / f"{key}{SUFFIX}", msgspec.json.encode(head) + b"\n" + body)
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


# --- the bank as typed arrays and back ------------------------------------------------------
#
# Each question is stored as an array: its model's class name (the tag), then its field values
# in the model's order (`Question` is an `array_like`, tagged msgspec struct). One decoder reads
# the whole body straight into the kinds' models, checking every field's type while it decodes
# and refusing an array with a value too many or too few, or a tag no kind has.


class _Head(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    key: str
    sha256: str


_HEAD = msgspec.json.Decoder(_Head)


@functools.cache
def _body_decoder() -> msgspec.json.Decoder[Any]:
    question = typing.Union[tuple(kind.model for kind in KINDS.values())]  # noqa: UP007
    fields = [("id", str), ("title", str), ("topics", dict[str, str])]
    body = msgspec.defstruct(
        "Body", [*fields, ("questions", tuple[question, ...])], forbid_unknown_fields=True
    )
    return msgspec.json.Decoder(body)


def encode_bank(bank: Bank) -> bytes:
    return msgspec.json.encode(
        {"id": bank.id, "title": bank.title, "topics": bank.topics, "questions": bank.questions}
    )


def decode_bank(body: bytes, shown: str) -> Bank:
    """The bank stored in `body` (msgspec.DecodeError if it is not one)."""
    data = _body_decoder().decode(body)
    return Bank(
        id=data.id, title=data.title, path=shown, topics=data.topics, questions=data.questions
    )
