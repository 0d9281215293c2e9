"""Every path refresher reads or writes, in one place (an edge module).

The data folder is `$REFRESHER_HOME` when set (tests always set it), else the platform's user data
folder (platformdirs). Inside it: the history database, `config.toml`, the learner's own banks in
`banks/`, and `cache/` (safe to delete). Nothing here creates a folder or touches a file: callers
create what they write, when they write it.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "REFRESHER_HOME"
DB_NAME = "refresher.db"
CONFIG_NAME = "config.toml"
BANKS_DIR = "banks"
CACHE_DIR = "cache"


def home_dir() -> Path:
    """`$REFRESHER_HOME` if set, else the platform's user data folder."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs  # only without $REFRESHER_HOME

    return Path(platformdirs.user_data_dir("refresher", appauthor=False))


def db_path(home: Path | None = None) -> Path:
    """The history database."""
    return (home if home is not None else home_dir()) / DB_NAME


def config_file(home: Path | None = None) -> Path:
    """The settings file (see `refresher.env.config`)."""
    return (home if home is not None else home_dir()) / CONFIG_NAME


def user_banks_dir(home: Path | None = None) -> Path:
    """The learner's own bank files, found by id next to the bundled ones."""
    return (home if home is not None else home_dir()) / BANKS_DIR


def cache_dir(home: Path | None = None) -> Path:
    """Everything that can be rebuilt; safe to delete."""
    return (home if home is not None else home_dir()) / CACHE_DIR


def bank_cache_dir(home: Path | None = None) -> Path:
    """Where parsed banks are kept between runs (see `bank.load_bank`)."""
    return cache_dir(home) / "banks"


MACHINE_NAME = "machine-id"
SYNC_LOCK_NAME = "sync.lock"


def machine_file(home: Path | None = None) -> Path:
    """This machine's id for the sync folder, made once (see `storage.sync_folder`)."""
    return (home if home is not None else home_dir()) / MACHINE_NAME


def sync_lock_file(home: Path | None = None) -> Path:
    """Held while a sync runs, so that two syncs of one data folder wait for each other."""
    return (home if home is not None else home_dir()) / SYNC_LOCK_NAME
