"""Finding and loading YAML question banks, with validation that names file, line and question.

One public loader, `load_bank(path)`, returns a `Bank` or raises `BankError` carrying every
problem of the file as `FILE:LINE: QUESTION-ID: message`. YAML is read with PyYAML's C parser in
safe mode (no Python objects from tags); a mapping constructor records the line of every mapping
and key so each problem can point at its line. Each question kind has one small builder in
`_BUILDERS`; adding a kind means adding a model class and a builder.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from refresher.errors import BankError, RefresherError
from refresher.model import (
    Bank,
    BlankQuestion,
    CardQuestion,
    ChoiceQuestion,
    MultiQuestion,
    NumericQuestion,
    OpenQuestion,
    QType,
    Question,
    TrueFalseQuestion,
)

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BANK_KEYS = {"id", "title", "description", "topics", "questions"}
COMMON_KEYS = {"id", "type", "topic", "tags", "explanation", "source"}


class _LineDict(dict):
    """A mapping that remembers where it starts and where each of its keys is."""

    line: int = 0
    key_lines: dict[Any, int]


class _LineList(list):
    """A sequence that remembers the line of each entry."""

    item_lines: list[int]


class _BankLoader(_Loader):  # type: ignore[misc, valid-type]
    duplicate_keys: list[tuple[int, str]]

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        # The same answer as PyYAML's resolver, without its per-scalar path-resolver work and
        # list building: tag resolution was the larger part of loading a big bank.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                candidates = _IMPLICIT.get(value[:1], ())
                for tag, regexp in candidates:
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


_STR_TAG, _SEQ_TAG, _MAP_TAG = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_IMPLICIT = {
    first: tuple(rules) + tuple(_BankLoader.yaml_implicit_resolvers.get(None, []))
    for first, rules in _BankLoader.yaml_implicit_resolvers.items()
    if first is not None
}


def _build(loader: _BankLoader, node: yaml.Node, memo: dict[int, Any]) -> Any:
    """Python data from a composed node, recording lines; aliases share one object."""
    done = memo.get(id(node))
    if done is not None:
        return done
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR_TAG:
            return node.value
        return loader.construct_object(node)  # bool, int, float, null; unsafe tags raise
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
        seq = _LineList()
        memo[id(node)] = seq
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        seq.extend(_build(loader, child, memo) for child in node.value)
        return seq
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
        data = _LineDict()
        memo[id(node)] = data
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        loader.flatten_mapping(node)  # merge keys (<<)
        for key_node, value_node in node.value:
            key = _build(loader, key_node, memo)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in data:
                loader.duplicate_keys.append((line, f"duplicate key '{key}'"))
            data[key] = _build(loader, value_node, memo)
            data.key_lines[key] = line
        return data
    return loader.construct_object(node, deep=True)  # other tags: safe ones or an error


@dataclass
class _Ctx:
    """Collects problems for one file."""

    path: str
    problems: list[tuple[int, str, str]]

    def add(self, line: int, qid: str, message: str) -> None:
        self.problems.append((line, qid, message))


def _line_of(mapping: Any, key: Any = None, default: int = 0) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return default


def _suggest(key: str, allowed: Iterable[str]) -> str:
    near = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


def _text(value: Any) -> str | None:
    """Scalars authors write naturally (numbers in options, 1997 as a blank answer) as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value).strip()
    return None


# --- per-kind builders -----------------------------------------------------------------------
# Each takes (item, common fields, ctx, qid) and returns a Question or None after adding
# problems. `_Field` reads a key with its type checked and its line known.


class _Field:
    def __init__(self, item: _LineDict, ctx: _Ctx, qid: str):
        self.item, self.ctx, self.qid = item, ctx, qid

    def problem(self, key: str | None, message: str) -> None:
        self.ctx.add(_line_of(self.item, key), self.qid, message)

    def text(self, key: str, *, required: bool = True) -> str | None:
        if key not in self.item:
            if required:
                self.problem(None, f"missing required key '{key}'")
            return None
        value = _text(self.item[key])
        if not value:
            self.problem(key, f"'{key}' must be non-empty text")
            return None
        return value

    def text_list(self, key: str, *, min_len: int = 1, max_len: int | None = None):
        if key not in self.item:
            self.problem(None, f"missing required key '{key}'")
            return None
        raw = self.item[key]
        if not isinstance(raw, list):
            self.problem(key, f"'{key}' must be a list")
            return None
        out = [_text(v) for v in raw]
        if any(not v for v in out):
            self.problem(key, f"every entry of '{key}' must be non-empty text")
            return None
        if len(out) < min_len or (max_len is not None and len(out) > max_len):
            span = f"{min_len}-{max_len}" if max_len else f"at least {min_len}"
            self.problem(key, f"'{key}' needs {span} entries, found {len(out)}")
            return None
        return tuple(out)  # type: ignore[arg-type]

    def letter(self, value: Any, n_options: int, key: str = "answer") -> int | None:
        text = _text(value)
        if text is None or len(text) != 1 or text.upper() not in LETTERS:
            self.problem(key, f"'{key}' must be an option letter like A, found {value!r}")
            return None
        index = LETTERS.index(text.upper())
        if index >= n_options:
            last = LETTERS[n_options - 1]
            self.problem(key, f"answer {text.upper()} is not among the options A-{last}")
            return None
        return index


def _build_choice(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    options = f.text_list("options", min_len=2, max_len=len(LETTERS))
    if "answer" not in f.item:
        f.problem(None, "missing required key 'answer'")
        return None
    if options is None:
        return None
    answer = f.letter(f.item["answer"], len(options))
    if answer is None or prompt is None:
        return None
    return ChoiceQuestion(prompt=prompt, options=options, answer=answer, **common)


def _build_multi(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    options = f.text_list("options", min_len=2, max_len=len(LETTERS))
    if "answer" not in f.item:
        f.problem(None, "missing required key 'answer'")
        return None
    raw = f.item["answer"]
    if not isinstance(raw, list) or not raw:
        f.problem("answer", "'answer' of a multi question must be a list of letters like [A, C]")
        return None
    if options is None:
        return None
    letters = [f.letter(v, len(options)) for v in raw]
    if any(i is None for i in letters) or prompt is None:
        return None
    if len(set(letters)) != len(letters):
        f.problem("answer", "'answer' lists the same letter twice")
        return None
    return MultiQuestion(prompt=prompt, options=options, answers=frozenset(letters), **common)


def _build_truefalse(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    if "answer" not in f.item:
        f.problem(None, "missing required key 'answer'")
        return None
    answer = f.item["answer"]
    if not isinstance(answer, bool):
        f.problem(
            "answer", f"'answer' of a truefalse question must be true or false, found {answer!r}"
        )
        return None
    if prompt is None:
        return None
    return TrueFalseQuestion(prompt=prompt, answer=answer, **common)


def _build_blank(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    if "answer" not in f.item:
        f.problem(None, "missing required key 'answer'")
        return None
    raw = f.item["answer"]
    answers = f.text_list("answer") if isinstance(raw, list) else (_text(raw),)
    if not answers or not all(answers):
        if not isinstance(raw, list):
            f.problem("answer", "'answer' must be text or a list of accepted texts")
        return None
    if prompt is None:
        return None
    return BlankQuestion(prompt=prompt, answers=tuple(answers), **common)  # type: ignore[arg-type]


def _build_numeric(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    spec = f.item.get("compute")
    if spec is None:
        f.problem(None, "missing required key 'compute'")
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
        f.problem("compute", "'compute' must be a mapping with a 'kind' (e.g. {kind: pool, ...})")
        return None
    tol: dict[str, float] = {}
    for key in ("tolerance", "rtol"):
        if key in f.item:
            value = f.item[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                f.problem(key, f"'{key}' must be a non-negative number, found {value!r}")
                return None
            tol[key] = float(value)
    if prompt is None:
        return None
    return NumericQuestion(prompt=prompt, compute=_plain(spec), **tol, **common)


def _build_open(f: _Field, common: dict) -> Question | None:
    prompt = f.text("prompt")
    answer = f.text("answer")
    points = f.text_list("points", min_len=1) if "points" in f.item else ()
    if prompt is None or answer is None or points is None:
        return None
    return OpenQuestion(prompt=prompt, answer=answer, points=points, **common)


def _build_card(f: _Field, common: dict) -> Question | None:
    front = f.text("front")
    back = f.text("back")
    if front is None or back is None:
        return None
    return CardQuestion(prompt=front, back=back, **common)


@dataclass(frozen=True)
class _Kind:
    keys: frozenset[str]  # keys besides COMMON_KEYS
    build: Callable[[_Field, dict], Question | None]


_BUILDERS: dict[QType, _Kind] = {
    QType.CHOICE: _Kind(frozenset({"prompt", "options", "answer"}), _build_choice),
    QType.MULTI: _Kind(frozenset({"prompt", "options", "answer"}), _build_multi),
    QType.TRUEFALSE: _Kind(frozenset({"prompt", "answer"}), _build_truefalse),
    QType.BLANK: _Kind(frozenset({"prompt", "answer"}), _build_blank),
    QType.NUMERIC: _Kind(frozenset({"prompt", "compute", "tolerance", "rtol"}), _build_numeric),
    QType.OPEN: _Kind(frozenset({"prompt", "answer", "points"}), _build_open),
    QType.CARD: _Kind(frozenset({"front", "back"}), _build_card),
}


def _plain(value: Any) -> Any:
    """Strip the line-tracking mapping type so specs are ordinary dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _build_question(
    item: Any, line: int, bank_id: str, topics: dict, ctx: _Ctx, index: int, seen: dict
) -> Question | None:
    if not isinstance(item, dict):
        ctx.add(line, f"#{index + 1}", "each question must be a mapping of keys")
        return None
    raw_id = item.get("id")
    qid = str(raw_id) if raw_id is not None else f"#{index + 1}"
    f = _Field(item, ctx, qid)
    if raw_id is None:
        f.problem(None, "missing required key 'id'")
    elif not isinstance(raw_id, str) or not ID_RE.match(raw_id):
        f.problem("id", "'id' must be lower-case letters, digits, '-' or '_' (like rnn-acronym)")
    elif raw_id in seen:
        f.problem("id", f"duplicate id (first used on line {seen[raw_id]})")
    else:
        seen[raw_id] = line

    raw_type = item.get("type")
    try:
        qtype = QType(raw_type)
    except ValueError:
        known = ", ".join(t.value for t in QType)
        if raw_type is None:
            f.problem(None, f"missing required key 'type' (one of {known})")
        else:
            near = _suggest(str(raw_type), known.split(", "))
            f.problem("type", f"unknown type '{raw_type}'{near}; known: {known}")
        return None
    kind = _BUILDERS[qtype]
    allowed = COMMON_KEYS | kind.keys
    for key in item:
        if key not in allowed:
            f.problem(
                key, f"unknown key '{key}' for a {qtype.value} question{_suggest(key, allowed)}"
            )

    topic = item.get("topic")
    if topic is None:
        f.problem(None, "missing required key 'topic'")
    elif topic not in topics:
        f.problem("topic", f"unknown topic '{topic}'; the bank's topics are: {', '.join(topics)}")
    tags: tuple[str, ...] = ()
    if "tags" in item:
        tags = f.text_list("tags", min_len=0) or ()
    explanation = f.text("explanation", required=False) or ""
    source = f.text("source", required=False) or ""
    common = dict(
        bank_id=bank_id,
        id=qid,
        topic=str(topic),
        tags=tags,
        explanation=explanation,
        source=source,
        line=line,
    )
    question = kind.build(f, common)
    return question


def parse_bank(text: str, path: str = "<string>") -> Bank:
    """Parse and validate one bank's YAML text. Raises BankError listing every problem."""
    bank, problems = _parse(text, path)
    if problems:
        raise BankError(_lines(path, problems))
    return bank


def _lines(path: str, problems: list[tuple[int, str, str]]) -> list[str]:
    ordered = sorted(problems, key=lambda p: p[0])
    return [f"{path}:{line}: {qid}: {msg}" for line, qid, msg in ordered]


def _parse(text: str, path: str) -> tuple[Bank, list[tuple[int, str, str]]]:
    """The bank built from every valid question, and the problems found (line, id, message)."""
    ctx = _Ctx(path=path, problems=[])
    loader = _BankLoader(text)
    loader.duplicate_keys = []
    try:
        node = loader.get_single_node()
        data = None if node is None else _build(loader, node, {})
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1"
        reason = exc.problem or exc.context or "invalid YAML"
        raise BankError([f"{path}:{where}: YAML syntax error: {reason}"]) from None
    except yaml.YAMLError as exc:
        raise BankError([f"{path}:1: YAML error: {exc}"]) from None
    finally:
        loader.dispose()

    for line, message in loader.duplicate_keys:
        ctx.add(line, "-", message)
    if not isinstance(data, dict):
        raise BankError(
            [f"{path}:1: -: a bank must be a mapping with id, title, topics, questions"]
        )

    for key in data:
        if key not in BANK_KEYS:
            ctx.add(
                _line_of(data, key), "-", f"unknown top-level key '{key}'{_suggest(key, BANK_KEYS)}"
            )
    bank_id = data.get("id")
    if not isinstance(bank_id, str) or not ID_RE.match(bank_id):
        ctx.add(
            _line_of(data, "id", 1),
            "-",
            "the bank needs an 'id' of lower-case letters, digits, '-' (like session-14)",
        )
        bank_id = "?"
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        ctx.add(_line_of(data, "title", 1), "-", "the bank needs a non-empty 'title'")
        title = bank_id
    topics = data.get("topics")
    if (
        not isinstance(topics, dict)
        or not topics
        or not all(isinstance(k, str) and _text(v) for k, v in topics.items())
    ):
        ctx.add(
            _line_of(data, "topics", 1),
            "-",
            "'topics' must map topic keys to names, e.g. {rnn: RNN}",
        )
        topics = {}
    questions_raw = data.get("questions")
    questions: list[Question] = []
    if not isinstance(questions_raw, list) or not questions_raw:
        ctx.add(_line_of(data, "questions", 1), "-", "'questions' must be a non-empty list")
    else:
        seen: dict[str, int] = {}
        lines = getattr(questions_raw, "item_lines", [0] * len(questions_raw))
        for index, item in enumerate(questions_raw):
            q = _build_question(item, lines[index], bank_id, topics, ctx, index, seen)
            if q is not None:
                questions.append(q)

    bank = Bank(
        id=bank_id,
        title=title.strip(),
        path=path,
        topics={k: str(v) for k, v in topics.items()},
        questions=tuple(questions),
    )
    return bank, ctx.problems


def load_bank(path: str | os.PathLike[str], cache: Path | None = None) -> Bank:
    """Read and validate one bank file.

    With `cache` (a folder), a bank that loaded cleanly is kept there in parsed form, keyed on
    its bytes and on this loader's own source, so an unchanged file skips YAML parsing next time
    (parsing is most of the start-up cost of a large bank). A cache entry that cannot be read is
    ignored and rewritten.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise RefresherError(f"no such bank file: {p}") from None
    except UnicodeDecodeError as exc:
        raise BankError([f"{_display_path(p)}:1: -: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise RefresherError(f"cannot read bank file {p}: {exc.strerror or exc}") from None
    shown = _display_path(p)
    if cache is None:
        return parse_bank(text, shown)
    entry = cache / f"{hashlib.sha256(_cache_salt() + raw).hexdigest()}.pickle"
    hit = _cache_read(entry)
    if hit is not None:
        return dataclasses.replace(hit, path=shown)
    bank = parse_bank(text, shown)
    _cache_write(entry, bank)
    return bank


@functools.cache
def _cache_salt() -> bytes:
    # The parsed form depends on the loader and the model classes: a change to either is a new key.
    here = Path(__file__).resolve().parent
    return b"".join((here / name).read_bytes() for name in ("bank.py", "model.py"))


def _cache_read(entry: Path) -> Bank | None:
    try:
        with entry.open("rb") as f:
            bank = pickle.load(f)  # our own file in the user's data folder
    except FileNotFoundError:
        return None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
        IndexError,
    ):
        return None
    return bank if isinstance(bank, Bank) else None


def _cache_write(entry: Path, bank: Bank) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, delete=False) as f:
            pickle.dump(bank, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, entry)  # atomic: a reader never sees half a file
    except OSError:
        pass  # a cache that cannot be written only costs speed


def check_file(path: str | os.PathLike[str]) -> tuple[Bank | None, list[str]]:
    """Every problem of one bank file, structural and numeric, for `refresher check`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RefresherError(f"no such bank file: {p}") from None
    except UnicodeDecodeError as exc:
        return None, [f"{_display_path(p)}:1: -: not UTF-8 text ({exc.reason})"]
    except OSError as exc:
        return None, [f"{_display_path(p)}:1: -: cannot read: {exc.strerror or exc}"]
    shown = _display_path(p)
    try:
        bank, problems = _parse(text, shown)
    except BankError as exc:  # YAML syntax: nothing further can be checked
        return None, exc.problems
    problems = problems + _numeric_problems(bank)
    return (None if problems else bank), _lines(shown, problems)


def _display_path(p: Path) -> str:
    cwd = Path.cwd().resolve()
    try:
        return str(p.resolve().relative_to(cwd)) if cwd != Path(cwd.anchor) else str(p.resolve())
    except ValueError:
        return str(p)


def deep_check(bank: Bank) -> list[str]:
    """Checks that need the explain engine (numeric compute specs), as `FILE:LINE: ID: msg`.

    Kept apart from `parse_bank` so loading a bank for a quiz never imports NumPy.
    """
    return _lines(bank.path, _numeric_problems(bank))


def _numeric_problems(bank: Bank) -> list[tuple[int, str, str]]:
    numeric = [q for q in bank.questions if isinstance(q, NumericQuestion)]
    if not numeric:
        return []
    from refresher.numeric import spec_problems  # NumPy only when a bank has numeric items

    return [(q.line, q.id, f"compute: {m}") for q in numeric for m in spec_problems(q.compute)]


# --- discovery -----------------------------------------------------------------------------


def bundled_dir() -> Path:
    """The banks shipped with the package (inside the wheel), or `content/` in a checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "_content"
    if inside.is_dir():
        return inside
    return here.parent / "content"


def bank_paths(extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Every bank file: bundled first, then user folders (e.g. `$REFRESHER_HOME/banks`)."""
    out: list[Path] = []
    for folder in (bundled_dir(), *extra_dirs):
        if folder.is_dir():
            out.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")))
    return out


def resolve(name: str | None, paths: list[Path], cache: Path | None = None) -> Bank:
    """A bank by id (or by file path), or the first bundled bank when `name` is None."""
    if name and (name.endswith((".yaml", ".yml")) or os.sep in name or "/" in name):
        return load_bank(name, cache)
    if not paths:
        raise RefresherError("no question banks found")
    banks: list[Bank] = []
    broken: list[BankError] = []
    for path in paths:
        try:
            bank = load_bank(path, cache)
        except BankError as exc:  # a broken bank elsewhere must not block this one
            broken.append(exc)
            continue
        if name is None or bank.id == name:
            return bank
        banks.append(bank)
    if broken:
        raise broken[0]
    known = ", ".join(b.id for b in banks)
    raise RefresherError(f"unknown bank '{name}'; available: {known}")
