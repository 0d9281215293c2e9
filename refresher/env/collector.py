"""Python's cycle collector held off while a bulk of containers is built that all live on.

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
