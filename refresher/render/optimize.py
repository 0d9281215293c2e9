"""Drawing `refresher optimize`: what was fitted, old against new on held-out reviews, which
parameters are in force; and the progress bar while fsrs-rs trains (on a terminal only)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from refresher.app.optimize import Optimized
from refresher.core.text import plural
from refresher.srs import optimize as core

WHO = {None: "all banks"}


@contextlib.contextmanager
def progress(console: Console) -> Iterator[Callable[[int, int], None] | None]:
    """A bar over the fits while a terminal is attached; nothing on a pipe."""
    if not console.is_terminal or console.is_dumb_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("fitting FSRS"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
    )
    task = bar.add_task("fit", total=core.FOLDS)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _scope(scope: str | None) -> str:
    return "all banks" if scope is None else f"bank {scope}"


def optimized(console: Console, result: Optimized) -> None:
    f = result.fitted
    where = _scope(result.scope)
    if f is None:
        if result.saved:
            back = "the defaults" if result.scope is None else "the parameters of all banks"
            console.print(
                f"FSRS parameters of {where} removed: back to {back}; "
                f"{plural(result.rescheduled, 'card')} rescheduled."
            )
        else:
            console.print(f"No fitted parameters for {where}: nothing to reset.")
        return
    counted = (
        f"{plural(f.reviews, 'review')} in {where}"
        if f.reviews
        else ("No reviews in any bank" if result.scope is None else f"No reviews in {where}")
    )
    console.print(
        f"{counted}: {plural(f.items, 'training item')} "
        "(a rating on a later day, with the history before it)."
    )
    if f.reason == "too-few":
        console.print(
            f"Too few to fit: fitting starts at {core.MIN_ITEMS} items "
            f"(all 21 parameters at {core.MIN_ITEMS_FULL}). The parameters in force are kept."
        )
        return
    if f.reason == "no-fit":
        console.print(  # enough items, but nothing in them moved a parameter
            "fsrs-rs fitted nothing: its default parameters came back unchanged, as the"
            " ratings follow no pattern of the intervals it could learn from. The parameters in"
            " force are kept."
        )
        return
    if f.partial:
        console.print("Only the first four parameters (the initial stabilities) were fitted.")
    if f.old_score is not None and f.new_score is not None:
        table = Table(box=None, padding=(0, 2), pad_edge=False)
        table.add_column("held-out reviews")
        table.add_column("log loss", justify="right")
        table.add_column("RMSE (bins)", justify="right")
        for name, s in (("in force", f.old_score), ("fitted", f.new_score)):
            table.add_row(name, f"{s.log_loss:.4f}", f"{s.rmse:.4f}")
        console.print(table)
        console.print(
            "(fitted on the earlier reviews, scored on the "
            f"{plural(f.old_score.items, 'later one')}; lower is better)"
        )
    gain = f.gain
    if f.kept:
        console.print(
            "The fitted parameters are not better on held-out reviews (both log loss and RMSE"
            " must be lower): the old ones stay."
        )
        return
    assert gain is not None and f.old_score is not None
    console.print(
        f"The fitted parameters are better (log loss {gain:.4f} lower, "
        f"{100 * gain / f.old_score.log_loss:.1f}%): saved for {where}; "
        f"{plural(result.rescheduled, 'card')} rescheduled. Undo: refresher optimize"
        f"{'' if result.scope is None else ' ' + result.scope} --reset"
    )
