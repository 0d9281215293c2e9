"""The clock (an edge module): the one place refresher asks what time it is.

The core never reads the clock; the shell and the app pass `now` in. `REFRESHER_NOW` pins the time
for tests and demos. Times outside the years refresher can schedule in (`limits.YEAR_MIN` to
`limits.YEAR_MAX`) are refused with one line, so that no date arithmetic overflows later.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from refresher.core import limits
from refresher.core.errors import RefresherError

NOW_ENV = "REFRESHER_NOW"

Clock = Callable[[], datetime]  # returns an aware datetime


def local_now() -> datetime:
    """Aware, in the learner's local zone.

    `REFRESHER_NOW` (ISO 8601 with a UTC offset, e.g. `2026-11-25T09:30:00+01:00`) pins it, for
    tests and demos; its offset is then the local zone.
    """
    pinned = os.environ.get(NOW_ENV)
    if not pinned:
        return _in_range(datetime.now().astimezone(), "the system clock")
    try:
        value = datetime.fromisoformat(pinned.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise RefresherError(
            f"{NOW_ENV}={pinned!r} is not an ISO 8601 time with a UTC offset"
            " (e.g. 2026-11-25T09:30:00+00:00)"
        )
    return _in_range(value, f"{NOW_ENV}={pinned.strip()!r}")


def utcnow() -> datetime:
    """`local_now()` in UTC: what the store writes."""
    return local_now().astimezone(UTC)


def in_range(t: datetime) -> bool:
    """Whether `t` (aware) lies in the years refresher schedules in, in every time zone."""
    return limits.YEAR_MIN <= t.year <= limits.YEAR_MAX


def _in_range(value: datetime, what: str) -> datetime:
    if not in_range(value):
        raise RefresherError(
            f"{what} is outside the years {limits.YEAR_MIN}-{limits.YEAR_MAX} refresher handles"
        )
    return value
