"""A weights file for a worked example (`explain ... --params FILE`): JSON or YAML text turned into
a mapping of weight names to values (edge: the command line reads the file, `refresher.explain`
checks the values).

YAML goes through the one hardened reader (`refresher.formats.yaml.read_params`): at most
`limits.YAML_ALIASES` aliases, `limits.YAML_DEPTH` levels and `limits.PARAMS_VALUES` values.
JSON is bounded by the same depth. NumPy-free.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.formats.yaml import read_params


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of lists/mappings, stopping (without recursion) once past `limit`."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        if isinstance(item, Mapping):
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)
    return deepest


def read(text: str, is_json: bool, label: str) -> dict[str, Any]:
    """Weights from a YAML or JSON file's text (the caller reads the file): weight names to
    numbers / nested lists / matrix text. YAML is composed with at most `limits.YAML_ALIASES`
    aliases, `limits.YAML_DEPTH` levels and `limits.PARAMS_VALUES` values."""
    if is_json:
        try:
            data = json.loads(text, parse_int=float)  # no digit limit: too big is refused
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
        except RecursionError:  # nested deeper than the parser goes
            raise InputError(f"{label}: nested more than {limits.YAML_DEPTH} levels deep") from None
    else:
        data = read_params(text, label)
    if _depth(data, limits.YAML_DEPTH) > limits.YAML_DEPTH:  # aliases can nest deeper
        raise InputError(f"{label}: nested more than {limits.YAML_DEPTH} levels deep")
    if not isinstance(data, dict):
        raise InputError(f"{label}: expected a mapping of weight names to values")
    return data
