"""The review settings in `config.toml` (app layer): read, show, change.

`refresher.env.config` owns the file format and each setting's rules; this module finds the file and
returns what `refresher config` shows.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from refresher.core.errors import RefresherError
from refresher.env import config as settings
from refresher.env import paths
from refresher.env.clock import local_now


class SettingRow(msgspec.Struct, frozen=True):
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


def change(
    key: str,
    value: str,
    home: Path | None = None,
    *,
    past: bool = False,
    dropped: list[str] | None = None,
) -> str:
    """Set `key` from typed text and save; returns the value as now written. An
    `interview_date` before today is refused unless `past` (for trying things out). A broken
    setting in the file does not stop it (that may be the one being mended): it is left out,
    and said so in `dropped`."""
    path = paths.config_file(home)
    left_out: list[str] = []
    current = settings.load(path, left_out)
    updated = settings.with_value(current, key, value)
    day = updated.interview_date
    if key == "interview_date" and day is not None and not past:
        from refresher.srs.schedule import StudyDay  # py-fsrs: only for this check

        now = local_now()
        today = StudyDay.local_to(now, current.day_starts_at).date_of(now)
        if day < today:
            raise RefresherError(
                f"interview_date {day} is in the past (today is {today}); "
                "add --past to set it anyway"
            )
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
