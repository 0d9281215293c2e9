"""What a worked-example kind declares about itself, and the reader that checks a spec against it.

Pure standard library (no NumPy), so that the command line can build its options from these
declarations without loading NumPy (`refresher --help` and `refresher quiz` stay fast):

* `Option`: one spec key, with its one default, its bounds or choices and, for a command-line
  option, its flags and help (``{default}`` and ``{maximum}`` in the help are filled in from the
  option itself, so a default is written once);
* `Example`: one kind: its options in spec-key order, its results and default answer, the command
  it has (options in command-line order, the command's help, its ``--precision`` default) and
  where its reader lives (``module:function`` in `refresher.explain`, imported when a spec of
  that kind is computed: the NumPy side);
* `Problem`: one thing wrong with a spec, with the key it is about as data (None: the spec as a
  whole); `SpecError` carries them all;
* `Reader`: reads spec keys through coercers (defaults and bounds from the `Option`), collecting
  every problem instead of stopping.

Each kind's declaration is in ``refresher.explain.specs.<module>``, named after the maths module
that reads and computes it; the table of kinds is `refresher.explain.registry`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from refresher.core.errors import InputError

__all__ = ["Example", "Option", "Problem", "Reader", "SpecError"]


class Problem(NamedTuple):
    """One problem with a spec: the key it is about (None: the whole spec) and its message."""

    key: str | None
    message: str


class SpecError(InputError):
    """A spec cannot be computed; `problems` holds one line per problem, `keyed` the same
    problems with the key each is about (a plain string given here is about no key)."""

    def __init__(self, problems: list[Problem] | list[str] | list[Problem | str]):
        self.keyed = [p if isinstance(p, Problem) else Problem(None, p) for p in problems]
        self.problems = [p.message for p in self.keyed]
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Option:
    """One spec key. `default` is the one default (None: none, or one the reader works out);
    `minimum`, `maximum` and `choices` go to the coercer that reads it.

    For the command line: `type` is how the option is typed there (``text``, ``int``,
    ``float``, ``flag``, ``choice``, ``matrix`` -- text or ``--input-file`` -- or ``params``, a
    weights file), `flags` its names (default ``--key-with-dashes``), and `unset` says the
    command leaves it unset (its default named in the help) rather than showing the default.
    """

    key: str
    default: Any = None
    type: str = "text"
    help: str = ""
    flags: tuple[str, ...] = ()
    metavar: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    unset: bool = False

    def limits(self) -> dict[str, Any]:
        """The coercer's keyword arguments this option sets."""
        kw = {"minimum": self.minimum, "maximum": self.maximum, "choices": self.choices}
        return {k: v for k, v in kw.items() if v is not None}

    def help_text(self) -> str:
        text = self.help.replace("{default}", default_text(self.default))
        return text.replace("{maximum}", str(self.maximum))


def default_text(value: Any) -> str:
    """A default as the help writes it: ``0.5 -0.5`` for a pattern, ``1 0; 0 -1`` for rows."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "; ".join(default_text(row) for row in value)
    if isinstance(value, tuple):
        return " ".join(f"{v:g}" for v in value)
    return str(value)


@dataclass(frozen=True)
class Example:
    """One computable kind: its options (all optional), result names and default answer.

    `reader` names ``module:function`` in `refresher.explain`: given a `Reader`, the function
    checks the options and returns the computation to run. `command` is the options of its
    ``refresher explain`` command in their order (``()``: the kind has no command), `help` that
    command's help and `precision` the decimals it shows: its ``--precision`` default, or fixed
    when `choose_precision` is false. `minus_infinity` names the values that may be -∞ by
    design (a masked attention score); any other value that is not finite is refused.
    """

    name: str
    summary: str
    options: tuple[Option, ...]
    results: tuple[str, ...]
    answer: str
    reader: str
    command: tuple[str, ...] = ()
    help: str = ""
    precision: int = 3
    choose_precision: bool = True
    minus_infinity: tuple[str, ...] = ()
    by_key: dict[str, Option] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {o.key: o for o in self.options})

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.by_key)

    def default(self, key: str) -> Any:
        """The one default of an option (the maths functions' defaults are these too)."""
        return self.by_key[key].default

    def read(self) -> Callable[[Reader], Callable[[], Any]]:
        """The reader function (imports its module, and so NumPy, on first use)."""
        module, function = self.reader.split(":")
        return getattr(importlib.import_module(f"refresher.explain.{module}"), function)


Label = Callable[[str], str]
_GIVEN_DEFAULT = object()


class Reader:
    """Reads spec keys through coercers, collecting every problem (with its key) instead of
    stopping. A key left out reads as its `Option`'s default, through the same coercer."""

    def __init__(self, spec: Mapping[str, Any], label: Label, example: Example):
        self.spec, self.label, self.example = spec, label, example
        self.problems: list[Problem] = []

    def has(self, key: str) -> bool:
        return key in self.spec and self.spec[key] is not None

    def default(self, key: str) -> Any:
        return self.example.default(key)

    def get(
        self, key: str, coerce: Callable[..., Any], default: Any = _GIVEN_DEFAULT, **kw: Any
    ) -> Any:
        """`coerce` (with the option's bounds, then `kw`) of the key's value; when the key is
        not given, of the option's default, or `default` itself when one is passed here."""
        if not self.has(key):
            if default is not _GIVEN_DEFAULT:
                return default
            value = self.default(key)
            if value is None:
                return None
        else:
            value = self.spec[key]
        try:
            return coerce(value, self.label(key), **{**self.example.by_key[key].limits(), **kw})
        except InputError as exc:
            self.problems.append(Problem(key, str(exc)))
            return None

    def peek(self, key: str, read: Callable[[Any, str], Any]) -> Any:
        """`read` of a given key's value, or None (its problem is reported when it is read)."""
        try:
            return read(self.spec[key], self.label(key))
        except InputError:
            return None

    def fail(self, key: str, error: InputError) -> None:
        self.problems.append(Problem(key, str(error)))

    def add(self, key: str, message: str) -> None:
        """A problem about `key`, its message after the key's label."""
        self.problems.append(Problem(key, f"{self.label(key)}: {message}"))

    def extend(self, pairs: list[tuple[str, str]]) -> None:
        for key, message in pairs:
            self.add(key, message)

    def check(self) -> None:
        if self.problems:
            raise SpecError(self.problems)

    def require(self, pairs: list[tuple[str, str]]) -> None:
        """Add these ``(key, message)`` problems, then stop if there are any."""
        self.extend(pairs)
        self.check()
