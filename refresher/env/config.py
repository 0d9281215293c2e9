"""Study settings (the scheduler's, tries at an answer) in `$REFRESHER_HOME/config.toml`.

Read with tomllib, written by hand.

The file is small and optional: a missing file means every default, a missing key means that
key's default. A file that cannot be read, an unknown key or a value out of range is a
`RefresherError` naming the file and the key; the file is then left as it is. Saving rewrites the
whole file (atomically) with a comment above each setting, so comments added by hand are lost.
"""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from refresher.core import limits
from refresher.core.errors import RefresherError
from refresher.core.text import excerpt, strip_controls
from refresher.core.values import replace
from refresher.env import paths
from refresher.env.files import read_regular, write_atomically

CONFIG_NAME = paths.CONFIG_NAME


class Config(msgspec.Struct, frozen=True):
    desired_retention: float = 0.9
    new_per_day: int = 10
    day_starts_at: int = 4
    leech_threshold: int = 8
    fuzz: bool = True
    tries: int = 1
    interview_date: date | None = None
    buffer_days: int = 3
    final_retention: float = 0.95
    new_order: str = "interleaved"
    max_reviews_per_day: int = 200
    interview_warm_up: int = 20
    daily_minutes: int | None = None  # a study budget a day (None: none)
    # FSRS parameters fitted by `refresher optimize` (None: py-fsrs's defaults), for all banks
    # and for single banks as (bank id, parameters) pairs.
    parameters: tuple[float, ...] | None = None
    bank_parameters: tuple[tuple[str, tuple[float, ...]], ...] = ()
    sync_dir: str | None = None


NEW_ORDERS = ("interleaved", "bank", "random")
NO_DATE = {"", "none", "off", "no", "-"}


class Setting(msgspec.Struct, frozen=True):
    name: str
    help: str
    parse: Callable[[str], Any]
    check: Callable[[Any], str | None]  # a problem, or None when the value is fine
    # A value read from TOML -> the setting's value (raises ValueError); None: the type check
    from_toml: Callable[[Any], Any] | None = None


def _number(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return kind(text.strip())
        except ValueError:
            what = "a number" if kind is float else "a whole number"
            raise ValueError(f"'{excerpt(text)}' is not {what}") from None

    return parse


def _bool(text: str) -> bool:
    word = text.strip().lower()
    if word in {"true", "yes", "on", "1"}:
        return True
    if word in {"false", "no", "off", "0"}:
        return False
    raise ValueError(f"'{excerpt(text)}' is not true or false")


def _date(text: str) -> date | None:
    word = text.strip()
    if word.lower() in NO_DATE:
        return None
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ValueError(f"'{excerpt(text)}' is not a date as YYYY-MM-DD (or none)") from None


def _date_from_toml(value: Any) -> date | None:
    """A TOML date (`2026-12-20`) or the same as a string; anything else is refused."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        return _date(value)
    raise ValueError("must be a date as YYYY-MM-DD")


def _date_range(value: date | None) -> str | None:
    if value is None or limits.YEAR_MIN < value.year < limits.YEAR_MAX:
        return None
    return f"must be in the years {limits.YEAR_MIN + 1}-{limits.YEAR_MAX - 1}"


PARAMETER_COUNT = 21  # FSRS-6


def _parameters(value: Any) -> tuple[float, ...]:
    """21 finite numbers (a TOML array, or typed as a comma-separated list)."""
    if isinstance(value, str):
        value = [v for v in value.replace("[", " ").replace("]", " ").split(",") if v.strip()]
    if not isinstance(value, list | tuple) or len(value) != PARAMETER_COUNT:
        raise ValueError(f"must be {PARAMETER_COUNT} numbers (as `refresher optimize` writes)")
    out = []
    for v in value:
        if isinstance(v, bool):
            raise ValueError("must be numbers")
        try:
            number = float(v.strip()) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            raise ValueError(f"'{v}' is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"'{v}' is not a finite number")
        out.append(number)
    return tuple(out)


def _parameters_text(text: str) -> tuple[float, ...] | None:
    if text.strip().lower() in NO_DATE | {"default", "defaults"}:
        return None
    return _parameters(text)


def _bank_parameters_from_toml(value: Any) -> tuple[tuple[str, tuple[float, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of bank id = parameters")
    return tuple(sorted((str(k), _parameters(v)) for k, v in value.items()))


def _bank_parameters_text(text: str) -> Any:
    if text.strip().lower() in NO_DATE | {"default", "defaults"}:
        return ()
    raise ValueError("is written by `refresher optimize BANK` (undone by `optimize BANK --reset`)")


def parameters_for(config: Config, bank: str | None) -> tuple[float, ...] | None:
    """The FSRS parameters in force for `bank`: its own, else the global ones, else None."""
    if bank is not None:
        for name, params in config.bank_parameters:
            if name == bank:
                return params
    return config.parameters


def for_bank(config: Config, bank: str | None) -> Config:
    """`config` with `parameters` set to those in force for `bank`."""
    return replace(config, parameters=parameters_for(config, bank))


def with_parameters(config: Config, bank: str | None, params: tuple[float, ...] | None) -> Config:
    """`config` with the parameters of `bank` (None: the global ones) set, or removed (None);
    rounded as the file keeps them."""
    if params is not None:
        params = tuple(float(f"{p:.6g}") for p in params)
    if bank is None:
        return replace(config, parameters=params)
    others = tuple((k, v) for k, v in config.bank_parameters if k != bank)
    mine = () if params is None else ((bank, tuple(params)),)
    return replace(config, bank_parameters=tuple(sorted(others + mine)))


def _folder_name(text: str) -> str | None:
    word = text.strip()
    if word.lower() in NO_DATE:
        return None
    if len(word) > 4096 or "\n" in word or "\x00" in word:
        raise ValueError("is not a folder name")
    return word


def _folder(text: str) -> str | None:
    """A sync folder as typed (`none` clears it), made absolute so that every command finds
    it from any working folder."""
    word = _folder_name(text)
    return None if word is None else os.path.abspath(os.path.expanduser(word))


def _folder_from_toml(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError("must be a folder, as a string")
    return _folder_name(value)


MINUTES_MAX = 24 * 60


def _minutes(text: str) -> int | None:
    """Whole minutes, or none/0 for no budget."""
    word = text.strip()
    if word.lower() in NO_DATE:
        return None
    try:
        value = int(word)
    except ValueError:
        raise ValueError(f"'{excerpt(text)}' is not a whole number of minutes (or none)") from None
    return value or None


def _minutes_from_toml(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number of minutes")
    return value or None


def _minutes_range(value: int | None) -> str | None:
    if value is None or 1 <= value <= MINUTES_MAX:
        return None
    return f"must be between 1 and {MINUTES_MAX} (or none)"


def _word(text: str) -> str:
    return text.strip().lower()


def _one_of(words: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in words else f"must be one of {', '.join(words)}"


def _between(lo: float, hi: float) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}"


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "desired_retention",
            "Share of due cards you aim to recall (higher: more reviews).",
            _number(float),
            _between(0.7, 0.99),
        ),
        Setting(
            "new_per_day",
            "New cards a day at most (`review --new N` overrides it).",
            _number(int),
            _between(0, 9999),
        ),
        Setting(
            "day_starts_at",
            "Hour a study day begins (4: late nights count as the day before).",
            _number(int),
            _between(0, 23),
        ),
        Setting(
            "leech_threshold",
            "Lapses (learnt, then forgotten) before a card is suspended.",
            _number(int),
            _between(1, 99),
        ),
        Setting(
            "fuzz",
            "Spread out cards learnt together by a day or so (FSRS fuzz).",
            _bool,
            lambda v: None,
        ),
        Setting(
            "tries",
            "Tries at a typed answer in practice and review (2: a hint, then a second try).",
            _number(int),
            _between(1, 2),
        ),
        Setting(
            "interview_date",
            "Your interview day, YYYY-MM-DD: `review` and `plan` work toward it (none: no date).",
            _date,
            _date_range,
            _date_from_toml,
        ),
        Setting(
            "buffer_days",
            "Days before the interview kept for a last review of everything (no new cards).",
            _number(int),
            _between(0, 30),
        ),
        Setting(
            "final_retention",
            "Desired retention in the last 7 days before the interview.",
            _number(float),
            _between(0.7, 0.99),
        ),
        Setting(
            "new_order",
            "Order of new cards: interleaved (topics and kinds mixed), bank or random.",
            _word,
            _one_of(NEW_ORDERS),
        ),
        Setting(
            "max_reviews_per_day",
            "Reviews a day at most; the rest wait, lowest recall first the next day.",
            _number(int),
            _between(1, 100_000),
        ),
        Setting(
            "interview_warm_up",
            "Cards reviewed on the interview day itself at most, the weakest first.",
            _number(int),
            _between(0, 9999),
        ),
        Setting(
            "daily_minutes",
            "Minutes a day you have for `review` (none: no budget); `plan` fits the pace to it.",
            _minutes,
            _minutes_range,
            _minutes_from_toml,
        ),
        Setting(
            "parameters",
            "FSRS parameters fitted to your reviews by `refresher optimize` (none: defaults).",
            _parameters_text,
            lambda v: None,
            _parameters,
        ),
        Setting(
            "bank_parameters",
            "FSRS parameters of single banks, by `refresher optimize BANK`.",
            _bank_parameters_text,
            lambda v: None,
            _bank_parameters_from_toml,
        ),
        Setting(
            "sync_dir",
            "A folder to sync with at the start and end of study (none: no sync).",
            _folder,
            lambda v: None,
            _folder_from_toml,
        ),
    )
}

assert list(SETTINGS) == list(Config.__struct_fields__)


def unknown_setting(path: Path | str, key: str) -> RefresherError:
    close = difflib.get_close_matches(key, SETTINGS, n=1)
    hint = f" (did you mean {close[0]}?)" if close else f"; settings: {', '.join(SETTINGS)}"
    return RefresherError(f"{path}: unknown setting '{excerpt(key)}'{hint}")


def _typed(name: str, value: Any) -> Any:
    """A value read from TOML, checked for type (bool is not an int here) and range."""
    default = getattr(Config(), name)
    convert = SETTINGS[name].from_toml
    if convert is not None:
        value = convert(value)
        ok = True
    elif isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, str):
        ok = isinstance(value, str)
        value = value.strip().lower() if ok else value
    else:
        ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok:
        raise ValueError(f"must be {type(default).__name__.replace('bool', 'true or false')}")
    problem = SETTINGS[name].check(value)
    if problem:
        raise ValueError(problem)
    return value


def load(path: Path, dropped: list[str] | None = None) -> Config:
    """The settings in `path`, defaults for what is missing. Raises RefresherError.

    With a `dropped` list, a setting that is unknown or of the wrong kind is left out (and
    said so in `dropped`) instead: `config KEY VALUE` must be able to mend a broken file.

    Only a regular file of at most `limits.INPUT_FILE_BYTES` is read (checked before opening);
    bytes that are not UTF-8 or not TOML are one error naming the file.
    """
    if not os.path.exists(path):  # a dangling link too: no settings yet
        return Config()
    raw = read_regular(path, limits.INPUT_FILE_BYTES, str(path))
    import tomllib  # here: most commands run without a settings file

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RefresherError(
            f"{path}: not UTF-8 text (byte {exc.start + 1}); fix or delete the file"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise RefresherError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise RefresherError(
            f"{path}: nested too deeply to be settings; fix or delete the file"
        ) from None
    except ValueError:  # an integer past Python's digit limit
        raise RefresherError(
            f"{path}: holds a number too long to read; fix or delete the file"
        ) from None
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in SETTINGS:
            if dropped is None:
                raise unknown_setting(path, key)
            dropped.append(f"{key} is not a setting: left out")
            continue
        try:
            values[key] = _typed(key, value)
        except ValueError as exc:
            if dropped is None:
                raise RefresherError(f"{path}: {key} {exc} (found {excerpt(value)})") from None
            dropped.append(f"{key} {exc} (found {excerpt(value)}): back to its default")
    return Config(**values)


def with_value(config: Config, key: str, text: str) -> Config:
    """`config` with `key` set from the text a user typed. Raises RefresherError."""
    if key not in SETTINGS:
        raise unknown_setting("config", key)
    setting = SETTINGS[key]
    try:
        value = setting.parse(text)
    except ValueError as exc:
        raise RefresherError(strip_controls(f"{key}: {exc}")) from None
    problem = setting.check(value)
    if problem:
        raise RefresherError(strip_controls(f"{key} {problem} (got {excerpt(text)})"))
    return replace(config, **{key: value})


def shown(value: Any) -> str:
    """A value as written in the file (and shown by `refresher config`)."""
    if value == ():
        return "{}"
    if isinstance(value, tuple) and all(isinstance(v, float) for v in value):
        return "[" + ", ".join(f"{v:.6g}" for v in value) + "]"  # a TOML array
    if isinstance(value, tuple):  # (bank, parameters) pairs: a TOML inline table
        return "{" + ", ".join(f"{json.dumps(k)} = {shown(v)}" for k, v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, date):
        return value.isoformat()  # a TOML local date
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    return repr(value)


def display(value: Any) -> str:
    """A value as `refresher config` shows it: as in the file, words without their quotes."""
    if value == ():
        return "none"
    return value if isinstance(value, str) else shown(value)


def dumps(config: Config) -> str:
    lines = [
        "# refresher settings. Change them with `refresher config KEY VALUE` or edit here.",
        "",
    ]
    for name, setting in SETTINGS.items():
        lines.append(f"# {setting.help}")
        value = getattr(config, name)
        if value is None or value == ():  # TOML has no null: an unset setting is a comment
            lines.append(f"# {name} = (not set)")
        else:
            lines.append(f"{name} = {shown(value)}")
        lines.append("")
    return "\n".join(lines)


def save(path: Path, config: Config) -> None:
    """Write the whole file atomically (a crash leaves the old file or the new one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, dumps(config).encode("utf-8"))
    except OSError as exc:
        raise RefresherError(f"cannot write {path}: {exc.strerror}") from None
