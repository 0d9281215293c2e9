"""Loading a question bank: read the file by its format, validate, build the questions.

One public loader, `load_bank(path)`, returns a `Bank` or raises `BankError` carrying every
problem of the file as `FILE:LINE: QUESTION-ID: message`. A format reader
(`refresher.formats.<fmt>`) turns the file into plain data with line numbers; `build_bank`
validates that data (bank keys, ids, topics, text fields) and hands each question to its kind
(`refresher.kinds`). The file is untrusted: it is refused by its size and type before it is read
(`refresher.env.files.read_bounded`). Ids follow `refresher.core.model.ID_RE`.
"""

from __future__ import annotations

import bisect
import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from refresher.banks import cache as banks_cache
from refresher.core import limits
from refresher.core.document import line_of
from refresher.core.errors import BankError
from refresher.core.model import ID_RE, Bank, Question
from refresher.core.text import a_or_an, excerpt
from refresher.env import collector
from refresher.env.files import Refused, read_bounded
from refresher.kinds import KINDS, NAMES, kind_of
from refresher.kinds.fields import Fields, Problem, as_text, text_problem

BANK_KEYS = {"id", "title", "description", "topics", "questions"}
COMMON_KEYS = {"id", "type", "topic", "tags", "explanation", "source", "hint", "group"}


def _suggest(key: Any, allowed: Iterable[str]) -> str:
    near = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


def _good_id(value: Any) -> bool:
    """Whether `value` can be a bank's or a question's id (`ID_RE`, 200 characters at most)."""
    return isinstance(value, str) and ID_RE.match(value) is not None and len(value) <= 200


def _build_question(
    item: Any, line: int, bank_id: str, topics: dict, problems: list[Problem], index: int,
    seen: dict,
) -> Question | None:  # fmt: skip
    if not isinstance(item, dict):
        problems.append((line, f"#{index + 1}", "each question must be a mapping of keys"))
        return None
    raw_id = item.get("id")
    good_id = _good_id(raw_id)
    qid = raw_id if good_id else f"#{index + 1}" if raw_id is None else excerpt(str(raw_id))
    f = Fields(item, problems, qid)
    if raw_id is None:
        f.problem(None, "missing required key 'id'")
    elif not good_id:
        f.problem("id", "'id' must be lower-case letters, digits, '-' or '_' (like rnn-acronym)")
    elif raw_id in seen:
        f.problem("id", f"duplicate id (first used on line {seen[raw_id]})")
    else:
        seen[raw_id] = line

    raw_type = item.get("type")
    kind = KINDS.get(raw_type) if isinstance(raw_type, str) else None
    if kind is None:
        known = ", ".join(NAMES)
        if raw_type is None:
            f.problem(None, f"missing required key 'type' (one of {known})")
        else:
            near = _suggest(raw_type, NAMES)
            f.problem("type", f"unknown type '{excerpt(raw_type)}'{near}; known: {known}")
        return None
    allowed = COMMON_KEYS | kind.keys
    for key in item:
        if key not in allowed:
            f.problem(
                key,
                f"unknown key '{excerpt(key)}' for {a_or_an(kind.name)} question"
                + _suggest(key, allowed),
            )

    topic = item.get("topic")
    if topic is None:
        f.problem(None, "missing required key 'topic'")
    elif not isinstance(topic, str) or topic not in topics:
        f.problem(
            "topic",
            f"unknown topic '{excerpt(topic)}'; the bank's topics are: {', '.join(topics)}",
        )
    tags: tuple[str, ...] = ()
    if "tags" in item:
        tags = f.text_list("tags", min_len=0) or ()
    group = _group(item, f)
    explanation = f.text("explanation", required=False) or ""
    source = f.text("source", required=False) or ""
    hint = f.text("hint", required=False) or ""
    common = dict(
        bank_id=bank_id,
        id=qid,
        topic=str(topic),
        tags=tags,
        explanation=explanation,
        source=source,
        line=line,
        hint=hint,
        group=group,
    )
    return kind.build(f, common)


_GROUP_SHAPE = "'group' must be a name like forget-bias, or a list of names"


def _group(item: dict, f: Fields) -> tuple[str, ...]:
    """The groups a question belongs to: one name or a list of names, each like an id."""
    if "group" not in item:
        return ()
    raw = item["group"]
    names = [raw] if isinstance(raw, str) else raw
    if (
        not isinstance(names, list)
        or not names
        or len(names) > limits.ITEMS_PER_QUESTION
        or not all(isinstance(n, str) and ID_RE.match(n) and len(n) <= 200 for n in names)
    ):
        f.problem("group", _GROUP_SHAPE)
        return ()
    return tuple(dict.fromkeys(names))


def _check_groups(built: list[tuple[Question, Any]], problems: list[Problem]) -> None:
    """A group holds at least two questions: a name no other question gives is a typo."""
    members: dict[str, list[tuple[Question, Any]]] = {}
    for q, item in built:
        for name in q.group:
            members.setdefault(name, []).append((q, item))
    names = sorted(members)
    for name, found in members.items():
        if len(found) > 1:
            continue
        q, item = found[0]
        near = _suggest(name, [n for n in names if n != name])
        problems.append(
            (
                line_of(item, "group", q.line),
                q.id,
                f"group '{name}' has no other question{near}; give the same name to the"
                " questions that share a fact",
            )
        )


def _check_links(built: list[tuple[Question, Any]], raw: list, problems: list[Problem]) -> None:
    """Ids one question names (an open item's `follow_ups`) must be other questions of the
    bank, of the same type, each named once."""
    types = {
        item.get("id"): item.get("type")
        for item in raw
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    for q, item in built:
        for key, ids in kind_of(q).links(q).items():
            at = getattr(item.get(key), "item_lines", None)
            for k, ref in enumerate(ids):
                where = at[k] if at and k < len(at) else line_of(item, key)
                if ref == q.id:
                    message = f"'{key}' names the question itself"
                elif ref not in types:
                    near = _suggest(ref, [i for i, t in types.items() if t == q.type])
                    message = f"'{key}' names '{excerpt(ref)}', which is not in this bank{near}"
                elif types[ref] != q.type:
                    message = (
                        f"'{key}' names '{excerpt(ref)}', a {excerpt(types[ref])} question;"
                        f" only {q.type} questions can be named here"
                    )
                elif ref in ids[:k]:
                    message = f"'{key}' names '{excerpt(ref)}' twice"
                else:
                    continue
                problems.append((where, q.id, message))


def _lines(path: str, problems: list[Problem]) -> list[str]:
    ordered = sorted(problems, key=lambda p: p[0])
    return [f"{path}:{line}: {qid}: {msg}" for line, qid, msg in ordered]


def build_bank(data: Any, path: str, problems: list[Problem]) -> Bank:
    """The bank built from every valid question of `data`; problems are appended."""
    if not isinstance(data, dict):
        raise BankError(
            [f"{path}:1: -: a bank must be a mapping with id, title, topics, questions"]
        )
    if data and not set(data) & BANK_KEYS:  # some other file: say so once, quote little
        first = excerpt(next(iter(data)), 24)
        raise BankError(
            [f"{path}:1: -: not a question bank (no id, title, topics or questions): '{first}'"]
        )
    for key in data:
        if key not in BANK_KEYS:
            problems.append(
                (
                    line_of(data, key),
                    "-",
                    f"unknown top-level key '{excerpt(key)}'{_suggest(key, BANK_KEYS)}",
                )
            )
    bank_id = data.get("id")
    if not _good_id(bank_id):
        problems.append(
            (
                line_of(data, "id", 1),
                "-",
                "the bank needs an 'id' of lower-case letters, digits, '-' (like session-14)",
            )
        )
        bank_id = "?"
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append((line_of(data, "title", 1), "-", "the bank needs a non-empty 'title'"))
        title = bank_id
    elif text_problem(title, "title"):
        problems.append((line_of(data, "title", 1), "-", text_problem(title, "title")))
        title = bank_id
    topics = data.get("topics")
    if (
        not isinstance(topics, dict)
        or not topics
        or not all(isinstance(k, str) and as_text(v) for k, v in topics.items())
    ):
        message = "'topics' must map topic keys to names, e.g. {rnn: RNN}"
        problems.append((line_of(data, "topics", 1), "-", message))
        topics = {}
    else:
        for key, name in topics.items():
            why = text_problem(f"{key} {name}", "topics")
            if why:
                problems.append((line_of(topics, key, line_of(data, "topics", 1)), "-", why))
                topics = {}
                break
    questions_raw = data.get("questions")
    questions: list[Question] = []
    if not isinstance(questions_raw, list) or not questions_raw:
        problems.append(
            (line_of(data, "questions", 1), "-", "'questions' must be a non-empty list")
        )
    elif len(questions_raw) > limits.QUESTIONS_PER_BANK:
        problems.append(
            (
                line_of(data, "questions", 1),
                "-",
                f"a bank holds at most {limits.QUESTIONS_PER_BANK:,} questions,"
                f" found {len(questions_raw):,}",
            )
        )
    else:
        seen: dict[str, int] = {}
        lines = getattr(questions_raw, "item_lines", None) or [0] * len(questions_raw)
        built = []
        for index, item in enumerate(questions_raw):
            q = _build_question(item, lines[index], bank_id, topics, problems, index, seen)
            if q is not None:
                questions.append(q)
                built.append((q, item))
        _check_links(built, questions_raw, problems)
        _check_groups(built, problems)
    return Bank(
        id=bank_id,
        title=title.strip(),
        path=path,
        topics={k: str(v).strip() for k, v in topics.items()},
        questions=tuple(questions),
    )


def _parse(text: str, path: str) -> tuple[Bank, list[Problem]]:
    from refresher.formats import yaml as reader  # PyYAML only on a cache miss

    with collector.paused():  # a node, then a dict or list, for every value: none is garbage
        data, found = reader.read(text, path)
        problems: list[Problem] = [(line, _question_at(data, line), m) for line, m in found]
        bank = build_bank(data, path, problems)
    return bank, problems


def _question_at(data: Any, line: int) -> str:
    """Which question the reader's problem at `line` (a duplicate key, a control character)
    lies in: its id as problems name it, or "-" outside the questions."""
    if not isinstance(data, dict):
        return "-"
    questions = data.get("questions")
    starts = getattr(questions, "item_lines", None)
    if not isinstance(questions, list) or not starts or line < starts[0]:
        return "-"
    after = line_of(data, "questions")  # a top-level key below the list ends it
    if any(after < at <= line for at in getattr(data, "key_lines", {}).values()):
        return "-"
    index = bisect.bisect_right(starts, line) - 1
    item = questions[index]
    raw = item.get("id") if isinstance(item, dict) else None
    if _good_id(raw):
        return raw
    return f"#{index + 1}"


def parse_bank(text: str, path: str = "<string>") -> Bank:
    """Parse and validate one bank's YAML text. Raises BankError listing every problem."""
    bank, problems = _parse(text, path)
    if problems:
        raise BankError(_lines(path, problems))
    return bank


class NotABankFile(BankError):
    """No bank file where one was named or listed: nothing there (a dangling link too), or a
    folder. Its one problem line is what a list of banks skips and `check` reports; its message
    is the plain error for a path named on the command line."""

    def __init__(self, shown: str, problem: str, message: str):
        super().__init__([f"{shown}:1: -: {problem}"])
        self.args = (message,)


def read_bank_file(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The bytes of a bank file and the name to show for it, refused before reading when it is
    not a regular file (a FIFO would block) or is larger than `limits.BANK_FILE_BYTES`."""
    p = Path(path)
    shown = excerpt(display_path(p), 200)
    try:
        return read_bounded(p, limits.BANK_FILE_BYTES), shown
    except Refused as why:
        if why.kind == "missing":
            if _is_link(p):
                message = f"{excerpt(str(p), 80)} is a link to nothing, not a bank file"
                raise NotABankFile(shown, "a link to nothing", message) from None
            message = f"no such bank file: {excerpt(str(p), 80)}"
            raise NotABankFile(shown, "no such file", message) from None
        if why.kind == "folder":
            message = f"{excerpt(shown, 80)} is a folder, not a bank file"
            raise NotABankFile(shown, "a folder, not a bank file", message) from None
        if why.kind == "special":
            message = "not a regular file"
        elif why.kind == "too-big":
            message = f"{why.size:,} bytes; a bank file may have at most {limits.BANK_FILE_BYTES:,}"
        elif why.kind == "grew":
            message = f"grew past {limits.BANK_FILE_BYTES:,} bytes while read"
        else:
            message = f"cannot read: {why.reason}"
        raise BankError([f"{shown}:1: -: {message}"]) from None


def _is_link(p: Path) -> bool:
    try:
        return p.is_symlink()
    except (OSError, ValueError):
        return False


def _decode(raw: bytes, shown: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BankError([f"{shown}:{line}: -: not UTF-8 text ({exc.reason})"]) from None


def load_bank(path: str | os.PathLike[str], cache: Path | None = None) -> Bank:
    """Read and validate one bank file.

    With `cache` (a folder), a bank that loaded cleanly is kept there as checked plain data
    (`refresher.banks.cache`), so an unchanged file skips parsing next time.
    """
    raw, shown = read_bank_file(path)
    if cache is None:
        return parse_bank(_decode(raw, shown), shown)

    hit = banks_cache.read(cache, raw, shown)
    if hit is not None:
        return hit
    bank = parse_bank(_decode(raw, shown), shown)
    banks_cache.write(cache, raw, bank)
    return bank


def check_file(
    path: str | os.PathLike[str], *, named: bool = False
) -> tuple[Bank | None, list[str]]:
    """Every problem of one bank file, structural and numeric, for `refresher check`. A path
    `named` on the command line with no file there raises `NotABankFile`; one found in a folder
    has it as its problem."""
    try:
        raw, shown = read_bank_file(path)
        bank, problems = _parse(_decode(raw, shown), shown)
    except BankError as exc:  # unreadable or over a limit: nothing further can be checked
        if named and isinstance(exc, NotABankFile):
            raise
        return None, exc.problems
    problems = problems + _deep_problems(bank)
    return (None if problems else bank), _lines(shown, problems)


def every_problem(path: str | os.PathLike[str], exc: BankError) -> BankError:
    """The error to show for a bank asked for by name that does not load: every problem
    `check` finds in it (the numeric specs' too, which loading alone does not reach); for no
    bank file there, its own one line."""
    if isinstance(exc, NotABankFile):
        return exc
    _, problems = check_file(path)
    return BankError(problems) if problems else exc


def display_path(p: Path) -> str:
    cwd = Path.cwd().resolve()
    try:
        return str(p.resolve().relative_to(cwd)) if cwd != Path(cwd.anchor) else str(p.resolve())
    except (ValueError, OSError):
        return str(p)


def _deep_problems(bank: Bank) -> list[Problem]:
    """Checks that need to run a question (numeric compute specs); kept apart from
    `parse_bank` so loading a bank for a quiz never imports NumPy."""
    return [
        (line, q.id, message)
        for q in bank.questions
        for line, message in kind_of(q).deep_problems(q)
    ]
