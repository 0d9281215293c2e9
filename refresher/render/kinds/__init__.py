"""How each question kind is drawn, by kind name; a kind without a view fails here, at import.

Adding a kind: a `View` subclass in a module of this folder, and its entry in `VIEWS`.
"""

from __future__ import annotations

from refresher.core.model import Question
from refresher.kinds import KINDS
from refresher.render.kinds.base import View
from refresher.render.kinds.blank import BlankView
from refresher.render.kinds.choice import ChoiceView, MultiView
from refresher.render.kinds.cloze import ClozeView
from refresher.render.kinds.match import MatchView
from refresher.render.kinds.numeric import NumericView
from refresher.render.kinds.order import OrderView
from refresher.render.kinds.selfgraded import CardView, OpenView
from refresher.render.kinds.truefalse import TrueFalseView

VIEWS: dict[str, View] = {
    "choice": ChoiceView(),
    "multi": MultiView(),
    "truefalse": TrueFalseView(),
    "blank": BlankView(),
    "numeric": NumericView(),
    "open": OpenView(),
    "card": CardView(),
    "order": OrderView(),
    "match": MatchView(),
    "cloze": ClozeView(),
}


def check_views(kinds: dict, views: dict) -> None:
    """Refuse a kind that cannot be drawn (or a view for no kind) before any question is asked."""
    missing = sorted(set(kinds) - set(views))
    if missing:
        raise ImportError(f"question kind(s) without a renderer: {', '.join(missing)}")
    extra = sorted(set(views) - set(kinds))
    if extra:
        raise ImportError(f"renderer(s) for unknown question kind(s): {', '.join(extra)}")


check_views(KINDS, VIEWS)


def view_of(question: Question) -> View:
    return VIEWS[question.type]
