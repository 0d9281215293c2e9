"""The one hardened YAML reader: a bank (`read`) into plain data with line numbers
(`refresher.core.document`), and a `--params` file (`read_params`) into plain data.

PyYAML's C parser in safe mode: no Python object is ever built from a tag. The node graph is
walked once, recording the line of every mapping, key and list entry; aliases share one object.
The walk is bounded before it can cost memory or time (`refresher.core.limits`): nesting depth,
alias uses, and the size the document would have with every alias expanded (an "alias bomb" of a few
hundred bytes otherwise expands to gigabytes once copied). In a bank, problems that do not stop
reading (duplicate keys, unreadable typed scalars) are returned with their lines; in a params
file the first such problem stops reading (a duplicate key keeps its last value).
"""

from __future__ import annotations

from typing import Any

import yaml

from refresher.core import limits
from refresher.core.document import LineDict, LineList, plain
from refresher.core.errors import BankError, InputError
from refresher.core.text import codepoint, excerpt

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG, _SEQ_TAG, _MAP_TAG = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))


class _Reader(_Loader):
    def resolve(self, kind, value, implicit):
        # The same answer as PyYAML's resolver, without its per-scalar path-resolver work and
        # list building: tag resolution was the larger part of loading a big bank.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


_IMPLICIT = {
    first: tuple(rules) + tuple(_Reader.yaml_implicit_resolvers.get(None, []))
    for first, rules in _Reader.yaml_implicit_resolvers.items()
    if first is not None
}


class _TooBig(Exception):
    """Reading stopped: `kind` is "loop", "aliases", "depth", "values", "tag", or (params
    only) "key" or "value"."""

    def __init__(self, line: int, message: str, kind: str = ""):
        self.line, self.message, self.kind = line, message, kind


class _Walk:
    """One walk over a composed document: Python data, lines, and the limits kept.

    `params`: a params file's rules. Every alias counts (one to a scalar too), the root is one
    of the `limits.YAML_DEPTH` levels, and the first problem stops the walk."""

    def __init__(self, loader: _Reader, nodes: int = limits.YAML_NODES, params: bool = False):
        self.loader = loader
        self.nodes, self.params = nodes, params
        self.depth = limits.YAML_DEPTH - 1 if params else limits.YAML_DEPTH
        self.memo: dict[int, tuple[Any, int]] = {}  # node id -> (object, expanded size)
        self.scalars: set[int] = set()  # (params) scalar nodes seen: another use is an alias
        self.aliases = 0
        self.building: set[int] = set()  # collections not finished yet: an alias to one is a loop
        self.problems: list[tuple[int, str]] = []

    def _alias(self, node: yaml.Node) -> None:
        self.aliases += 1
        if self.aliases > limits.YAML_ALIASES:
            raise _TooBig(_line(node), f"more than {limits.YAML_ALIASES} aliases", "aliases")

    def build(self, node: yaml.Node, depth: int) -> tuple[Any, int]:
        done = self.memo.get(id(node))
        if done is not None:
            if id(node) in self.building:
                message = "a value contains itself (an alias inside its anchor)"
                raise _TooBig(_line(node), message, "loop")
            if not isinstance(node, yaml.ScalarNode):
                self._alias(node)
            return done
        if depth > self.depth:
            message = f"nested more than {limits.YAML_DEPTH} levels deep"
            raise _TooBig(_line(node), message, "depth")
        if isinstance(node, yaml.ScalarNode):
            if self.params:
                if id(node) in self.scalars:
                    self._alias(node)
                self.scalars.add(id(node))
            return self._scalar(node), 1
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            seq = LineList()
            self.memo[id(node)] = (seq, 1)
            self.building.add(id(node))
            size = 1
            for child in node.value:
                value, n = self.build(child, depth + 1)
                seq.append(value)
                seq.item_lines.append(_line(child))
                size = self._grow(size, n, node)
            self.memo[id(node)] = (seq, size)
            self.building.discard(id(node))
            return seq, size
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            data = LineDict(line=_line(node))
            self.memo[id(node)] = (data, 1)
            self.building.add(id(node))
            self.loader.flatten_mapping(node)  # merge keys (<<)
            size = 1
            for key_node, value_node in node.value:
                key, n_key = self.build(key_node, depth + 1)
                line = _line(key_node)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    # an alias's own mark is its anchor's
                    line = _line(key_node if self.params else value_node)
                    self._problem(line, "a key must be a word, not a list or mapping", "key")
                    key = f"<{type(key).__name__}>"
                if key in data and not self.params:
                    self.problems.append((line, f"duplicate key '{excerpt(key)}'"))
                value, n_value = self.build(value_node, depth + 1)
                data[key] = value
                data.key_lines[key] = line
                size = self._grow(self._grow(size, n_key, node), n_value, node)
            self.memo[id(node)] = (data, size)
            self.building.discard(id(node))
            return data, size
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        message = f"the tag {excerpt(tag, 60)} is not allowed in a bank"
        raise _TooBig(_line(node), message, "tag")

    def _grow(self, size: int, more: int, node: yaml.Node) -> int:
        size += more
        if size > self.nodes:
            message = f"more than {self.nodes:,} values once aliases are expanded"
            raise _TooBig(_line(node), message, "values")
        return size

    def _problem(self, line: int, message: str, kind: str) -> None:
        """A problem that does not stop reading a bank; it stops reading a params file."""
        if self.params:
            raise _TooBig(line, message, kind)
        self.problems.append((line, message))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self.loader.construct_object(node)  # bool, int, float, null, timestamp
        except yaml.constructor.ConstructorError as exc:
            self._problem(_line(node), exc.problem or "cannot be read", "tag")
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError, IndexError) as exc:
            if self.params:
                raise _TooBig(_line(node), " ".join(str(exc).split()), "value") from None
            type_name = node.tag.rsplit(":", 1)[-1]
            self.problems.append(
                (_line(node), f"'{excerpt(node.value)}' cannot be read as {type_name}")
            )
        return node.value


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def read(text: str, path: str) -> tuple[Any, list[tuple[int, str]]]:
    """The document as plain data, and the problems that did not stop reading (line, message).

    Raises `BankError` (`FILE:LINE: message`) for syntax errors and exceeded limits.
    """
    loader = _Reader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        walk = _Walk(loader)
        data, _ = walk.build(node, 0)
        return data, walk.problems
    except _TooBig as exc:
        raise BankError([f"{path}:{exc.line}: -: {exc.message}"]) from None
    except yaml.MarkedYAMLError as exc:
        raise BankError([f"{path}:{_syntax(exc)}"]) from None
    except yaml.reader.ReaderError as exc:
        refused = _refused(text)
        if not refused:  # not a character of the text: say what the reader said
            raise BankError([f"{path}:1: -: YAML error: {excerpt(str(exc), 80)}"]) from None
        # read on with each one stood in for, so that the rest of the file is checked too
        data, problems = read(_REFUSED.sub("\ufffd", text), path)
        return data, refused + problems
    except yaml.YAMLError as exc:
        raise BankError([f"{path}:1: -: YAML error: {excerpt(str(exc), 80)}"]) from None
    finally:
        loader.dispose()


# What YAML allows in a file as is (the YAML 1.1 printable set, as PyYAML's reader checks it):
# a control character (ESC, BEL, DEL, C1), a lone surrogate or U+FFFE/FFFF stops its parser.
_REFUSED = yaml.reader.Reader.NON_PRINTABLE
REFUSED_SHOWN = 20  # lines named, one problem each


def _refused(text: str) -> list[tuple[int, str]]:
    """The first `REFUSED_SHOWN` lines holding a character YAML refuses as is, each as (line,
    message) with the first such character of the line, then one more if lines below hold some."""
    found: list[tuple[int, str]] = []
    line, counted, pos = 1, 0, 0
    while (match := _REFUSED.search(text, pos)) is not None:
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if len(found) == REFUSED_SHOWN:
            found.append((found[-1][0], "and lines below hold more such characters"))
            break
        char = codepoint(match.group())
        found.append((line, f"control character {char}: YAML allows none as is (remove it)"))
        end = text.find("\n", match.start())
        if end < 0:
            break
        pos = end + 1  # the next line: one problem a line
    return found


def read_params(text: str, label: str) -> Any:
    """A params file's plain data (dicts, lists, scalars), or `InputError` starting with `label`.

    Bounded as a bank is, with `limits.PARAMS_VALUES` values at most once aliases are expanded.
    """
    loader = _Reader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        data, _ = _Walk(loader, limits.PARAMS_VALUES, params=True).build(node, 0)
        return plain(data)
    except _TooBig as exc:
        if exc.kind in ("depth", "loop"):
            message = f"nested more than {limits.YAML_DEPTH} levels deep"
        elif exc.kind == "aliases":
            message = f"more than {limits.YAML_ALIASES} aliases (*name)"
        elif exc.kind == "values":
            message = f"more than {limits.PARAMS_VALUES:,} values (aliases expanded)"
        elif exc.kind == "value":
            detail = exc.message if len(exc.message) <= 60 else exc.message[:59] + "…"
            message = f"invalid YAML value ({detail})"
        else:  # a tag or a key that is no word
            message = f"invalid YAML at line {exc.line}"
        raise InputError(f"{label}: {message}") from None
    except yaml.YAMLError as exc:
        if "nesting depth" in (getattr(exc, "problem", None) or ""):  # the C parser's bound
            raise InputError(f"{label}: nested more than {limits.YAML_DEPTH} levels deep") from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{label}: invalid YAML{where}") from None
    finally:
        loader.dispose()


def _syntax(exc: yaml.MarkedYAMLError) -> str:
    """`LINE:COL: YAML syntax error: ...`, naming where the unclosed construct began."""
    mark = exc.problem_mark or exc.context_mark
    where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1"
    reason = exc.problem or exc.context or "invalid YAML"
    start = exc.context_mark
    if exc.context and "quoted scalar" in exc.context and start is not None:
        # the quote that was never closed is the mistake, not the end where it was noticed
        found = f"; noticed on line {mark.line + 1}" if mark and mark.line != start.line else ""
        return (
            f"{start.line + 1}:{start.column + 1}: YAML syntax error: this quote is never"
            f" closed{found}"
        )
    if start is not None and mark is not None and start.line != mark.line and exc.context:
        reason += f" ({exc.context} on line {start.line + 1})"
    if "mapping values are not allowed" in reason:
        reason += "; quote a value that contains ': ' (title: \"Session 14: RNN\")"
    return f"{where}: YAML syntax error: {reason}"


def dump(data: Any, comment: str = "") -> str:
    """A bank's plain data as YAML text that `read` takes back (keys in the given order)."""

    class _Dumper(yaml.SafeDumper):
        pass

    def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value and value == value.strip() else None
        return dumper.represent_scalar(_STR_TAG, value, style=style)

    _Dumper.add_representer(str, _text)
    _Dumper.add_representer(LineDict, _Dumper.represent_dict)
    _Dumper.add_representer(LineList, _Dumper.represent_list)
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + body
