"""Python's cycle collector held off while a bulk of containers is built that all live on, and
while the program starts.

Reading a large bank makes a node for every value, then a dict or list for it; a sync import
makes each event's payload. The collector, run every few hundred new containers, walked all of
them again and again, though none of them is garbage until the whole is built: it was half the
time of `check` on a 10,000-question bank, a third of a large import's CPU. Memory is not what
the collector keeps low here (reference counting frees what is acyclic as it goes); what is
left in cycles is collected once the collector is back on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off inside, and back as it was after (nested uses keep it off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def collect_young() -> None:
    """Collect the young generations now, while paused: a long bulk's garbage in cycles, each
    chunk of it, so that it cannot build up."""
    gc.collect(1)


_held_for_start_up = False


def hold_for_start_up() -> None:
    """The collector off while the program starts: importing the command line, Typer, Rich and
    the command's modules makes tens of thousands of functions, classes and dicts that live as
    long as the process, and the collector went through them again and again (and once more at
    exit). Called first thing by the `refresher` program, never by a library use or a test."""
    global _held_for_start_up
    if gc.isenabled():
        gc.disable()
        _held_for_start_up = True


def release_after_start_up() -> None:
    """As a command begins: what start-up made is set aside for good (`gc.freeze`: it is never
    garbage, so no collection looks at it again) and the collector is back on for the command,
    however long it runs. Nothing when start-up did not hold it off."""
    global _held_for_start_up
    if _held_for_start_up:
        _held_for_start_up = False
        gc.freeze()
        gc.enable()
