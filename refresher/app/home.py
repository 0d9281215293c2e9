"""The home screen of bare `refresher` (app layer): where the learner stands, and what next.

Per bank: cards due today and new cards left today (as `review` would ask them), the days to
the interview and readiness on its morning when a date is set; over all banks: the study
streak and the last study. `next_command` is the one command to run now; `warnings` are the
bank problems (broken banks skipped, ids shared), worded as `refresher banks` words them.
Nothing here loads NumPy (the explain engine): the home screen starts as fast as `--help`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from refresher.app import banks as bank_access
from refresher.app import plan
from refresher.app import settings as app_settings
from refresher.core.model import Bank
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import schedule
from refresher.srs import stats as core
from refresher.storage.browse import LastStudy
from refresher.storage.store import Store, open_store


@dataclass(frozen=True)
class BankLine:
    id: str
    title: str
    questions: int
    due: int  # due today, under the review cap
    new: int  # new cards still to introduce today
    unseen: int  # never studied at all
    readiness: float | None  # on the interview morning; None without a date ahead


@dataclass(frozen=True)
class Home:
    today: date
    banks: list[BankLine]
    skipped: list[bank_access.Skipped]
    shared: list[str]  # banks with one id, or sharing question ids (`banks.shared_ids`)
    streak: int
    studied_today: bool
    interview: date | None
    days_left: int | None  # None without a date ahead
    last: LastStudy | None
    last_day_answers: int  # answers on the last study's day (in that bank)
    last_day: date | None  # the study day of the last study
    last_local: datetime | None  # its time on the learner's clock
    default_bank: str | None  # the bank `review` opens without a name

    @property
    def warnings(self) -> list[str]:
        """One line per bank problem, as `refresher banks` words them."""
        return [s.warning for s in self.skipped] + self.shared

    @property
    def next_command(self) -> str:
        """The one command to run next."""
        for line in self.banks:
            if line.due or line.new:
                return "refresher review" + self._name(line.id)
        if self.last is None:
            return "refresher quiz"
        return "refresher quiz --missed" if self.banks else "refresher banks"

    def _name(self, bank: str) -> str:
        return "" if bank == self.default_bank else f" {bank}"


def compute(
    store: Store,
    banks: list[Bank],
    skipped: list[bank_access.Skipped],
    settings: Config,
    now: datetime,
) -> Home:
    day = schedule.StudyDay.local_to(now, settings.day_starts_at)
    today = day.date_of(now)
    lines: list[BankLine] = []
    days_left: int | None = None
    target = plan.target_of(settings)
    for b in banks:
        p = plan.compute(store, b, settings, now, remember_note=False)
        ahead = p.status == "ahead"
        if ahead:
            days_left = p.days_left
        lines.append(
            BankLine(
                id=b.id,
                title=b.title,
                questions=len(b.questions),
                due=p.due_today,
                new=p.new_left,
                unseen=p.cards.new,
                readiness=p.readiness.overall if ahead else None,
            )
        )

    def studied(first: date) -> set[date]:
        rows = store.study_days(day.start(first), day.shift_minutes)
        return {date.fromisoformat(d) for d in rows}

    streak, studied_today = core.streak(studied, today)
    last = store.last_study()
    last_answers = 0
    last_day: date | None = None
    if last is not None:
        last_day = day.date_of(last.at)
        start, end = day.start(last_day), day.start(last_day + timedelta(days=1))
        last_answers = store.answers_between(start, end, last.bank)
    return Home(
        today=today,
        banks=lines,
        skipped=skipped,
        shared=bank_access.shared_ids(banks),
        streak=streak,
        studied_today=studied_today,
        interview=None if target is None else target.day,
        days_left=days_left,
        last=last,
        last_day_answers=last_answers,
        last_day=last_day,
        last_local=None if last is None else last.at.astimezone(now.tzinfo),
        default_bank=banks[0].id if banks else None,
    )


def gather(home: Path | None = None) -> Home:
    """The home screen over every bank that loads, as of now."""
    banks, skipped = bank_access.load_all(home)
    settings = app_settings.load(home)
    with open_store(home) as store:
        return compute(store, banks, skipped, settings, local_now())
