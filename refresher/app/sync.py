"""Sync with a folder other machines sync too (app layer): `refresher sync DIR` and the hook
that syncs around every studying command when `sync_dir` is set.

`sync()` takes the data folder's sync lock (a second sync waits), makes this machine's id once,
sends the scheduling settings when they changed, appends this machine's new events to its file
and brings in every other machine's (see `storage.sync`). `status()` says what is waiting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from refresher.app import settings as app_settings
from refresher.core.errors import RefresherError
from refresher.env.clock import Clock, utcnow
from refresher.storage.store import open_store
from refresher.storage.sync import Sync
from refresher.storage.sync_folder import SyncError, check_folder, machine_id, sync_lock
from refresher.storage.sync_report import Progress, Reading, SyncResult, SyncStatus

__all__ = ["Progress", "Reading", "SyncResult", "SyncStatus", "around_study", "status", "sync"]


def _folder(folder: Path | str) -> Path:
    """The sync folder named, checked before anything is locked or written: an empty name is
    refused (it is not the working folder), and so is a file or a folder that is not there."""
    if isinstance(folder, str) and not folder.strip():
        raise SyncError("the sync folder's name is empty: refresher sync DIR")
    return check_folder(Path(folder).expanduser())


def sync(
    folder: Path | str,
    home: Path | None = None,
    clock: Clock = utcnow,
    progress: Progress | None = None,
) -> SyncResult:
    """One sync of the data folder `home` with `folder`; `progress` is told how far each
    file of the folder is read (`Reading`)."""
    path = _folder(folder)
    config = app_settings.load(home)
    now = clock()
    with sync_lock(home):
        machine = machine_id(home)
        with open_store(home) as store:
            job = Sync(store, path, machine)
            result = SyncResult(machine)
            job.record_settings(
                {
                    "desired_retention": config.desired_retention,
                    "leech_threshold": config.leech_threshold,
                },
                now,
            )
            job.export(result)
            try:
                job.import_all(result, now, progress)
            except OSError as exc:  # the folder went away or cannot be listed
                raise SyncError(f"cannot read sync folder {folder}: {exc.strerror}") from None
            job.finished(now)
    return result


def status(folder: Path | str, home: Path | None = None) -> SyncStatus:
    """Machines seen, the last sync of each, and events waiting either way."""
    path = _folder(folder)
    with sync_lock(home):
        machine = machine_id(home)
        with open_store(home) as store:
            return Sync(store, path, machine).status()


@contextlib.contextmanager
def around_study(
    tell: Callable[[SyncResult], None],
    warn: Callable[[str], None],
    home: Path | None = None,
    showing: Callable[[], AbstractContextManager[Progress | None]] | None = None,
) -> Iterator[None]:
    """Sync before and after a studying command when `sync_dir` is set. A sync that fails
    is one warning: studying goes on, and the next sync catches up. `showing` makes what
    shows each sync's progress while it lasts (gone before `tell`)."""
    folder = app_settings.load(home).sync_dir
    if not folder:
        yield
        return

    def once() -> None:
        try:
            with showing() if showing is not None else contextlib.nullcontext() as progress:
                result = sync(folder, home, progress=progress)
            tell(result)
        except RefresherError as exc:
            warn(f"sync with {folder} failed: {exc}")

    once()
    try:
        yield
    finally:
        once()
