"""Import and export: a bank to Anki (.apkg, notes in plain text), Moodle GIFT, Moodle XML and
CSV; CSV/TSV, Anki plain text and packages, GIFT and Moodle XML files to a bank; the history
store as a stream of rows.

Use cases only: the formats live in `refresher.formats`, the drawing of a numeric item's worked
solution comes in from the shell as a function (`numeric_html`), and every file is written
whole or not at all (`refresher.env.files.write_atomically`). An imported file is untrusted: it is
read within `limits.IMPORT_FILE_BYTES`, every question goes through the bank validator with the
line it came from, and the bank written is parsed back before it replaces anything.
"""

from __future__ import annotations

import codecs
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refresher.banks.load import build_bank, display_path, parse_bank
from refresher.core import limits
from refresher.core.document import LineDict, plain
from refresher.core.errors import BankError, RefresherError
from refresher.core.model import Bank, Outcome
from refresher.core.text import excerpt, plural
from refresher.env.files import check_target, read_regular, write_atomically
from refresher.formats import anki, apkg, gift, moodlexml
from refresher.formats import csv as table
from refresher.formats import yaml as bank_yaml
from refresher.formats.imported import Collected, TooManyQuestions, slug
from refresher.kinds import kind_of
from refresher.kinds.cloze import ClozeQuestion
from refresher.quiz.round import attach_instances, make_items
from refresher.storage.store import open_store

EXPORT_FORMATS = ("apkg", "txt", "gift", "xml", "csv", "tsv")
IMPORT_FORMATS = ("csv", "tsv", "anki", "gift", "apkg", "xml")
ALIASES = {"moodlexml": "xml", "moodle": "xml"}  # --format moodlexml is Moodle XML
DEFAULT_SEED = 14  # numeric items of an export: the same numbers every time unless --seed


@dataclass
class Exported:
    path: Path
    format: str
    written: int
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (question id, why)
    notes: list[str] = field(default_factory=list)  # what the format keeps only in part
    described: list[tuple[str, str]] = field(default_factory=list)  # Moodle XML: (id, why)
    changed: list[tuple[str, str]] = field(default_factory=list)  # written in a near form


def export_format(path: Path, given: str | None) -> str:
    fmt = (given or path.suffix.lstrip(".")).lower()
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in EXPORT_FORMATS:
        known = ", ".join(EXPORT_FORMATS)
        shown = path.suffix or "(none)"
        raise RefresherError(
            f"--to {excerpt(path.name, 60)}: cannot tell the format from {shown!r};"
            f" use a suffix or --format ({known})"
        )
    return fmt


def export_bank(
    bank: Bank,
    path: Path,
    fmt: str,
    *,
    subdecks: bool = False,
    seed: int = DEFAULT_SEED,
    numeric_html: Callable[[Any], tuple[str, str]] | None = None,
    timestamp: float | None = None,
    raw: bool = False,
    excel: bool = False,
) -> Exported:
    """Write `bank` to `path` in `fmt` (one of EXPORT_FORMATS); CSV/TSV cells that a
    spreadsheet would run as formulas start with `'` unless `raw`."""
    check_target(path, "--to")
    questions = list(bank.questions)
    if fmt in ("csv", "tsv"):
        delimiter = "\t" if fmt == "tsv" else ","
        data = table.write(questions, delimiter, raw=raw).encode("utf-8-sig" if excel else "utf-8")
        _write(path, data)
        return Exported(path, fmt, len(questions))
    items = make_items(questions, random.Random(seed), shuffle=False)
    items = attach_instances(items, seed, bank.path)
    if fmt == "gift":
        text, left_out = gift.write(bank, items)
        _write(path, text.encode("utf-8"))
        grouped = _grouped(questions)
        notes = (
            [
                f"GIFT cannot carry blanks answered in any order ({_ids(grouped)}): a GIFT "
                "question holds one blank"
            ]
            if grouped
            else []
        )
        return Exported(path, fmt, len(items) - len(left_out), left_out, notes)
    if fmt == "xml":
        text, described, changed = moodlexml.write(bank, items, gift.scalar)
        _write(path, text.encode("utf-8"))
        return Exported(path, fmt, len(items), described=described, changed=changed)

    notes = anki.notes(bank, items, subdecks=subdecks, numeric_html=numeric_html)
    if fmt == "apkg":
        data = anki.write_apkg(notes, timestamp)
    else:
        data = anki.write_text(notes).encode("utf-8")
    _write(path, data)
    return Exported(path, fmt, len(notes), notes=_anki_groups_note(questions))


def _grouped(questions: list[Any]) -> list[str]:
    """The ids of the cloze questions with blanks answered in any order."""
    return [q.id for q in questions if isinstance(q, ClozeQuestion) and q.groups]


def _ids(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")


def _anki_groups_note(questions: list[Any]) -> list[str]:
    """What an Anki export does with cloze blanks answered in any order (it cannot grade them)."""
    grouped = _grouped(questions)
    if not grouped:
        return []
    return [
        f"{plural(len(grouped), 'cloze question')} ({_ids(grouped)}) "
        f"{'has' if len(grouped) == 1 else 'have'} blanks answered in any order: in Anki each "
        "such group is hidden on one card, hinted 'any order', and Anki leaves the order to "
        "you (importing the file back keeps the groups)"
    ]


def left_out_summary(bank: Bank, left_out: list[tuple[str, str]]) -> list[str]:
    """One line per kind of question left out of an export, with its count and first ids."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    kinds = {q.id: q.type for q in bank.questions}
    for qid, why in left_out:
        by_kind.setdefault(kinds.get(qid, "?"), []).append((qid, why))
    lines = []
    for kind, entries in by_kind.items():
        ids = ", ".join(qid for qid, _ in entries[:3]) + (", ..." if len(entries) > 3 else "")
        why = entries[0][1] if len(entries) == 1 else _reason(kind)
        lines.append(f"left out {plural(len(entries), kind + ' question')} ({ids}): {why}")
    if lines:
        lines.append("(--verbose names each question left out and why)")
    return lines


def described_summary(bank: Bank, described: list[tuple[str, str]]) -> list[str]:
    """One line per kind written as a Moodle description (shown, not graded), with its count."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    kinds = {q.id: q.type for q in bank.questions}
    for qid, why in described:
        by_kind.setdefault(kinds.get(qid, "?"), []).append((qid, why))
    lines = []
    for kind, entries in by_kind.items():
        ids = ", ".join(qid for qid, _ in entries[:3]) + (", ..." if len(entries) > 3 else "")
        lines.append(
            f"wrote {plural(len(entries), kind + ' question')} ({ids}) as Moodle descriptions"
            f" (shown with the answer, not graded): {entries[0][1]}"
        )
    return lines


def _reason(kind: str) -> str:
    return {
        "card": "a flashcard has no answer Moodle can grade",
        "order": "GIFT has no ordering question",
        "cloze": "GIFT holds one blank per question",
        "numeric": "a GIFT numeric answer is one number",
    }.get(kind, f"GIFT cannot hold a {kind} question")


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data, follow=False)
    except OSError as exc:
        raise RefresherError(
            f"cannot write {excerpt(str(path), 80)}: {exc.strerror or exc}"
        ) from None


# --- import ----------------------------------------------------------------------------------


@dataclass
class Imported:
    path: Path
    bank: Bank | None
    problems: list[str]  # FILE:LINE: what and why, one per thing left out
    notes: list[str] = field(default_factory=list)  # FILE:LINE: note: kept in the closest form
    reviews: int = 0  # Anki reviews stored in the history


PACKAGE_SUFFIXES = (".apkg", ".colpkg")  # Anki's own names for a package (a zip file)


def given_format(given: str | None) -> str | None:
    """`--format` as one of IMPORT_FORMATS (an alias resolved), or None when not given."""
    if not given:
        return None
    given = ALIASES.get(given.lower(), given.lower())
    if given not in IMPORT_FORMATS:
        raise RefresherError(f"--format {given!r}: use one of {', '.join(IMPORT_FORMATS)}")
    return given


def import_format(path: Path, text: str, given: str | None) -> str:
    if given:
        return given_format(given) or given

    suffix = path.suffix.lower()
    if suffix == ".gift":
        return "gift"
    if suffix == ".xml" or moodlexml.looks_like(text):
        return "xml"
    if anki.looks_like(text):
        return "anki"
    if suffix in (".txt", "") and gift.looks_like(text):
        return "gift"
    if suffix in (".csv", ".tsv", ".txt", ""):
        return "csv"
    raise RefresherError(
        f"{excerpt(path.name, 60)}: cannot tell the format from {suffix!r};"
        f" give --format ({', '.join(IMPORT_FORMATS)})"
    )


def separator_of(given: str | None) -> str | None:
    """`--separator`: a name (tab, comma, semicolon, pipe, space, colon), `\\t`, or the text."""
    if not given:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    named.update(space=" ", colon=":")
    out = named.get(given.lower(), given)
    if len(out) > 20 or "\n" in out or '"' in out:
        raise RefresherError(f"--separator {excerpt(given, 30)!r}: give a short text or tab")
    return out


def columns_of(given: str | None) -> list[str] | None:
    if not given:
        return None
    try:
        return table.mapping(given)
    except ValueError as exc:
        raise RefresherError(f"--columns: {exc}") from None


def _read(
    fmt: str, text: str, topic: str, separator: str | None, columns: list[str] | None
) -> Collected:
    if fmt == "gift":
        return gift.read(text, topic)
    if fmt == "xml":
        return moodlexml.read(text, topic)
    if fmt == "anki" and columns is None:
        return anki.read_text(text, topic, separator)
    if fmt == "anki":  # own columns: the header lines are comments to the table reader
        return table.read(text, topic, separator or "\t", columns)
    return table.read(text, topic, "\t" if fmt == "tsv" and not separator else separator, columns)


def import_file(
    source: Path,
    target: Path,
    *,
    bank_id: str | None = None,
    title: str | None = None,
    topic: str | None = None,
    fmt: str | None = None,
    force: bool = False,
    separator: str | None = None,
    columns: str | None = None,
    history: bool = True,
) -> Imported:
    """Read `source` and write the questions it holds as a bank at `target`.

    Everything left out is returned as `FILE:LINE: what and why`; the bank holds the rest.
    Refuses to replace an existing `target` without `force`.
    """
    shown = excerpt(display_path(source), 200)
    check_target(target, "--to", force=force)
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise RefresherError("--to: a bank is a .yaml file (e.g. --to my-deck.yaml)")
    _refuse_shadowing(slug(bank_id) if bank_id else slug(source.stem), target)
    fmt = given_format(fmt)
    package_suffix = source.suffix.lower() in (*PACKAGE_SUFFIXES, ".zip")
    limit = limits.IMPORT_PACKAGE_BYTES if package_suffix else limits.IMPORT_FILE_BYTES
    raw = read_regular(source, limit, shown)
    package = None
    is_zip = raw.startswith(b"PK\x03\x04")
    if fmt == "apkg" or (fmt is None and source.suffix.lower() in PACKAGE_SUFFIXES):
        if not is_zip:  # --format decides; an Anki package is a zip file, never text
            raise RefresherError(f"{shown}: not an Anki package (not a zip file)")
        package = _package(raw, shown, slug(topic or "imported"))
    elif fmt is None and is_zip:
        package = _package(raw, shown, slug(topic or "imported"))
    default_topic = slug(topic or "imported")
    if package is not None:
        found = package.found
    else:
        if len(raw) > limits.IMPORT_FILE_BYTES:
            raise RefresherError(
                f"{shown}: {len(raw):,} bytes; a text file to import is at most"
                f" {limits.IMPORT_FILE_BYTES:,}"
            )
        text = _decoded(raw, shown)
        kind = import_format(source, text, fmt)
        if separator or columns:
            kind = "csv" if kind == "gift" and not fmt else kind
        try:
            found = _read(kind, text, default_topic, separator_of(separator), columns_of(columns))
        except TooManyQuestions as more:
            raise RefresherError(
                f"{shown}:{more.line}: more than {limits.QUESTIONS_PER_BANK:,} questions, the"
                " most a bank holds; split the file"
            ) from None
    if len(found.questions) > limits.QUESTIONS_PER_BANK:  # a package's notes
        raise RefresherError(
            f"{shown}: {len(found.questions):,} questions; a bank holds at most"
            f" {limits.QUESTIONS_PER_BANK:,}"
        )
    the_id = slug(bank_id) if bank_id else slug(source.stem)
    data = LineDict(line=1)
    data.update(
        id=the_id,
        title=title or source.stem,
        topics=found.topics or {default_topic: default_topic},
        questions=found.questions,
    )
    problems: list[tuple[int, str, str]] = []
    if not found.questions:
        reported = [f"{shown}:{line}: {message}" for line, message in sorted(found.problems)]
        reported.append(f"{shown}: nothing could be imported; no bank written")
        return Imported(target, None, reported, [])
    try:
        bank = build_bank(data, shown, problems)
    except BankError as exc:
        raise RefresherError(exc.problems[0]) from None
    for q in bank.questions:
        # (line, message) of its run: named at the question's line in the file read
        problems.extend((q.line, q.id, m) for _, m in kind_of(q).deep_problems(q))
    bad_lines = {line for line, _, _ in problems}
    kept = [
        q
        for q, line in zip(found.questions, found.questions.item_lines, strict=True)
        if line not in bad_lines
    ]
    reported = [(line, m) for line, m in found.problems] + [(ln, m) for ln, _, m in problems]
    lines = [f"{shown}:{line}: {message}" for line, message in sorted(reported)]
    notes = [f"{shown}:{ln}: note: {m}" for ln, m in sorted(found.notes) if ln not in bad_lines]
    if found.media and package is None:
        notes.append(
            f"{shown}: note: {plural(found.media, 'image, sound or video', _MEDIA)} kept in"
            " the text as [image: name] / [sound: name]; the media files are not imported"
        )
    if not kept:
        lines.append(f"{shown}: nothing could be imported; no bank written")
        return Imported(target, None, lines, notes)
    used = {q["topic"] for q in kept}
    data["topics"] = {k: v for k, v in data["topics"].items() if k in used}
    data["questions"] = kept
    comment = (
        f"Imported by refresher from {source.name}.\n"
        "Question ids come from the file (a GUID, a title, or the question's text): keep them,"
        " and\nre-importing an edited file keeps the learner's history."
    )
    yaml_text = bank_yaml.dump(plain(data), comment)
    try:
        written = parse_bank(yaml_text, str(target))
    except BankError as exc:  # a reader produced something the validator refuses after all
        raise RefresherError(f"the imported bank does not check: {exc.problems[0]}") from None
    _write(target, yaml_text.encode("utf-8"))
    done = Imported(target, written, lines, notes)
    if package is not None:
        _package_notes(package, shown, history, done)
        if history:
            done.reviews = import_history(written, package, done, shown)
    return done


def _refuse_shadowing(the_id: str, target: Path) -> None:
    """Refuse a bank id a bundled or user bank already has (other than `target` itself): two
    banks with one id would share, and mix, one history."""
    from refresher.app.banks import load_all

    banks, _ = load_all()
    for other in banks:
        if other.path and Path(other.path).resolve() == target.resolve():
            continue
        if other.id == the_id:
            taken = {b.id for b in banks}
            free = next(f"{the_id}-{n}" for n in range(2, 10_000) if f"{the_id}-{n}" not in taken)
            where = excerpt(display_path(Path(other.path)), 80)
            raise RefresherError(
                f"bank id '{the_id}' is already used by {where};"
                f" give another with --id (e.g. --id {free})"
            )


_MEDIA = "images, sounds or videos"
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _decoded(raw: bytes, shown: str) -> str:
    """The text of an imported file, which must be UTF-8 (a byte-order mark is dropped); a file
    in another encoding is refused with what it is and how to fix it."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        wide = "UTF-32" if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) else "UTF-16"
        raise RefresherError(
            f"{shown}: {wide} text (it starts with a {wide} byte-order mark), not UTF-8: save it"
            " as UTF-8 (in Excel: CSV UTF-8) and import it again"
        )
    declared = _DECLARED.match(raw[:200])
    name = declared.group(1).decode("ascii") if declared else ""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        said = f"; it declares {name}" if name and name.lower().replace("_", "-") != "utf-8" else ""
        raise RefresherError(
            f"{shown}:{line}: not UTF-8 text ({exc.reason}){said}: save it as UTF-8"
            " and import it again"
        ) from None
    return text.replace("\r\n", "\n")


def _package(raw: bytes, shown: str, topic: str) -> apkg.Package:
    try:
        return apkg.read(raw, topic)
    except apkg.PackageError as exc:
        raise RefresherError(f"{shown}: {exc}") from None


def _package_notes(package: apkg.Package, shown: str, history: bool, done: Imported) -> None:
    held = set(package.media)
    if held or package.referenced:
        named = sorted(package.referenced & held)
        missing = sorted(package.referenced - held)
        unused = sorted(held - package.referenced)

        def some(names: list[str]) -> str:
            return ", ".join(excerpt(n, 40) for n in names[:3]) + (
                ", ..." if len(names) > 3 else ""
            )

        if named:
            done.notes.append(
                f"{shown}: note: {plural(len(named), 'media file')} of the package ({some(named)})"
                " named in the notes stay as [image: name] / [sound: name]; the files are not"
                " copied into the bank"
            )
        if missing:
            done.notes.append(
                f"{shown}: note: {plural(len(missing), 'media file')} named in the notes"
                f" ({some(missing)}) are not in the package"
            )
        if unused:
            done.notes.append(
                f"{shown}: note: {plural(len(unused), 'media file')} in the package"
                f" ({some(unused)}) no note names; not imported"
            )
    if package.buried:
        done.notes.append(
            f"{shown}: note: {package.buried} buried cards come in unburied (a bury lasts a day)"
        )
    if not history and package.reviews:
        done.notes.append(f"{shown}: note: --no-history: the Anki reviews were not imported")


def import_history(bank: Bank, package: apkg.Package, done: Imported, shown: str) -> int:
    """Store each card's Anki reviews as refresher reviews, oldest first, so its memory state is
    the one FSRS computes from them; suspended cards stay suspended. A card that already has a
    history here is left as it is (a second import adds nothing). Returns the reviews stored."""
    from refresher.srs.rating import CardRating, Memory
    from refresher.srs.schedule import Rating, make_scheduler

    scheduler = make_scheduler()
    questions = {q.id: q for q in bank.questions}
    stored = skipped = adopted = 0
    with open_store() as store:
        ids = store.question_ids(bank.id, [q for q in questions if q in package.reviews])
        for qid, reviews in package.reviews.items():
            q = questions.get(qid)
            if q is None:
                continue
            card_id = ids[qid]
            if store.review_logs(card_id):
                skipped += 1
                continue
            stored_state = package.memory.get(qid)
            if stored_state is not None:
                adopted += 1
            for n, review in enumerate(reviews, 1):
                outcome = Outcome(review.rating > 1, "", "(imported from Anki)")
                memory = None
                if stored_state is not None and n == len(reviews):
                    memory = Memory(
                        stored_state.stability, stored_state.difficulty, stored_state.due
                    )
                store.rate_card(
                    CardRating(
                        card_id,
                        Rating(review.rating),
                        question=q,
                        outcome=outcome,
                        seconds=review.duration_ms / 1000,
                        now=review.at,
                        scheduler=scheduler,
                        memory=memory,
                    )
                )
                stored += 1
        for qid in package.suspended:
            if qid in questions and qid in ids:
                store.set_suspended(ids[qid], True)
            elif qid in questions:
                done.notes.append(
                    f"{shown}: note: {qid} is suspended in Anki but was never reviewed;"
                    " it comes in as a new card"
                )
    if skipped:
        done.notes.append(
            f"{shown}: note: {skipped} cards already have a history here; their Anki reviews"
            " were not added again"
        )
    if adopted:
        done.notes.append(
            f"{shown}: note: {plural(adopted, 'card')} keep the FSRS memory state Anki stored"
            " (stability, difficulty, due day); the others' state is computed from their reviews"
        )
    return stored
