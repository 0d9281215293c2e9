"""Drawing `refresher find` (matches with the learner's record) and `refresher show` (one
question whole, with its history). Long prompts and answers wrap under themselves."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.console import Console
from rich.text import Text

from refresher.app.browse import Finding, Shown
from refresher.app.flags import Changed
from refresher.core.text import plural, strip_controls
from refresher.kinds.letters import letter
from refresher.render.layout import hanging
from refresher.srs.schedule import RATING_NAMES, Rating
from refresher.storage.browse import Record


def record_text(record: Record | None, zone: tzinfo | None = None) -> Text:
    if record is None or not record.answers:
        return Text("never answered", "muted")
    last = ""
    if record.last_at is not None:
        how = {True: "right", False: "wrong", None: "skipped"}[record.last_correct]
        last = f" · last {how} {record.last_at.astimezone(zone):%Y-%m-%d}"
    style = "right" if record.last_correct else ("wrong" if record.last_correct is False else "")
    return Text(f"{record.right} of {plural(record.answers, 'answer')} right{last}", style)


def _first_line(text: str, width: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def finding(console: Console, result: Finding) -> None:
    typed = strip_controls(result.text)  # what was typed, quoted back: no control, no markup
    if not result.found:
        console.print(Text(f"No question holds '{typed}'."))
        return
    shown = len(result.found)
    note = f" (the first {shown})" if shown < result.total else ""
    console.print(Text(f"{plural(result.total, 'question')} match '{typed}'{note}", "muted"))
    for f in result.found:
        q = f.question
        console.print()
        console.print(
            Text.assemble(
                (q.id, "accent"),
                "  ",
                (q.type, "letter"),
                "  ",
                (f.topic_name, ""),
                ("" if f.bank == "session-14" else f"  [{f.bank}]", "muted"),
                ("  ⚑ flagged" if f.flagged else "", "accent"),
            ),
            overflow="fold",
        )
        console.print(hanging([("", "")], [Text(_first_line(q.prompt))]), overflow="fold")
        console.print(hanging([("", "")], [record_text(f.record, result.zone)]))
    console.print()
    console.print(Text("refresher show ID shows one question with its answer and history", "muted"))


def _time(text: str, zone: tzinfo | None) -> str:
    try:
        return f"{datetime.fromisoformat(text).astimezone(zone):%Y-%m-%d %H:%M}"
    except ValueError:
        return text


def shown(console: Console, s: Shown) -> None:
    q = s.question
    head = Text.assemble((q.id, "accent"), "  ", (q.type, "letter"), "  ", s.topic_name)
    head.append(f"  {s.bank.id}", "muted")
    console.print(head, overflow="fold")
    if s.flagged_at is not None:
        console.print(
            Text(
                f"⚑ flagged {s.flagged_at.astimezone(s.zone):%Y-%m-%d}"
                f" (refresher unflag {q.id} clears it)",
                "accent",
            ),
            overflow="fold",
        )
    if q.tags:
        console.print(Text(f"tags: {', '.join(q.tags)}", "muted"), overflow="fold")
    console.print()
    console.print(Text(q.prompt), overflow="fold")
    lay = s.layout
    if "text" in lay:
        console.print(Text(str(lay["text"])), overflow="fold")
    for key in ("options", "items", "right"):
        if key in lay:
            entries = [str(e) for e in lay[key]]
            if key == "right":
                left = [str(e) for e in lay.get("left", ())]
                console.print(hanging([(f"{k + 1}.", "letter") for k in range(len(left))], left))
            console.print(
                hanging([(f"{letter(k)})", "letter") for k in range(len(entries))], entries)
            )
    if "points" in lay:
        points = [str(p) for p in lay["points"]]
        console.print(Text("Key points", "muted"))
        console.print(hanging([("•", "muted")] * len(points), points))
    console.print()
    labels = [("Answer", "right")]
    texts: list[str | Text] = [s.answer or "—"]
    if q.explanation:
        labels.append(("Why", "muted"))
        texts.append(q.explanation.strip())
    console.print(hanging(labels, texts, indent=0))
    console.print()
    if not s.attempts and not s.reviews:
        console.print(Text("History: never answered yet.", "muted"))
    else:
        console.print(Text("History", "accent"))
        for a in s.attempts:
            how = {True: ("right", "right"), False: ("wrong", "wrong"), None: ("skipped", "skip")}
            word, style = how[a.correct]
            given = _first_line(a.given, 60) or "—"
            console.print(
                Text.assemble(
                    f"  {_time(a.answered_at, s.zone)}  {a.mode:<9} ",
                    (f"{word:<7}", style),
                    f" {a.seconds:.0f}s  ",
                    (given, "muted"),
                ),
                overflow="fold",
            )
        for rating, at, _ms in s.reviews:
            name = (
                RATING_NAMES.get(Rating(rating), str(rating)) if rating in (1, 2, 3, 4) else rating
            )
            console.print(f"  {_time(at, s.zone)}  rated {name}")
    if s.card is not None:
        card = s.card
        state = "suspended" if card.suspended else card.state.name.lower()
        console.print(
            Text(
                f"Card: {state}, due {card.due.astimezone(s.zone):%Y-%m-%d %H:%M}, "
                f"{plural(card.lapses, 'lapse')}",
                "muted",
            )
        )
    if s.also_in:
        console.print(Text(f"Also in: {', '.join(s.also_in)} (refresher show BANK/ID)", "muted"))


def flag_changes(console: Console, changes: list[Changed], *, flagged: bool) -> None:
    """One line per question flagged or unflagged (or already so)."""
    for c in changes:
        if flagged:
            said = f"⚑ Flagged {c.key}." if c.done else f"{c.key} was flagged already."
        else:
            said = f"Unflagged {c.key}." if c.done else f"{c.key} was not flagged."
        console.print(Text(said, "accent" if c.done else "muted"), overflow="fold")


def flags_cleared(console: Console, n: int) -> None:
    if n:
        console.print(Text(f"Cleared {plural(n, 'flag')}.", "accent"))
    else:
        console.print(Text("No flags to clear.", "muted"))
