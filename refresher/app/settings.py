"""The review settings in `config.toml` (app layer): read, show, change.

`refresher.env.config` owns the file format and each setting's rules; this module finds the file and
returns what `refresher config` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from refresher.env import config as settings
from refresher.env import paths


@dataclass(frozen=True)
class SettingRow:
    name: str
    value: str
    default: str
    help: str


def load(home: Path | None = None) -> settings.Config:
    """The settings in force (defaults for anything not set)."""
    return settings.load(paths.config_file(home))


def shown_value(key: str, home: Path | None = None) -> str:
    """One setting's value as written in the file. Raises RefresherError for an unknown key."""
    current = load(home)
    if key not in settings.SETTINGS:
        raise settings.unknown_setting("config", key)
    return settings.display(getattr(current, key))


def change(key: str, value: str, home: Path | None = None, dropped: list[str] | None = None) -> str:
    """Set `key` from typed text and save; returns the value as now written. A broken setting
    in the file does not stop it (that may be the one being mended): it is left out, and
    said so in `dropped`."""
    path = paths.config_file(home)
    left_out: list[str] = []
    current = settings.load(path, left_out)
    updated = settings.with_value(current, key, value)
    settings.save(path, updated)
    if dropped is not None:
        dropped.extend(d for d in left_out if not d.startswith(f"{key} "))
    return settings.display(getattr(updated, key))


def rows(home: Path | None = None) -> tuple[Path, list[SettingRow]]:
    """The file and every setting: current value, default and help."""
    path = paths.config_file(home)
    current = settings.load(path)
    defaults = settings.Config()
    return path, [
        SettingRow(
            name,
            settings.display(getattr(current, name)),
            settings.display(getattr(defaults, name)),
            s.help,
        )
        for name, s in settings.SETTINGS.items()
    ]
