"""Drawing `cloze` questions: the passage with numbered blanks; each blank marked."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from refresher.kinds.cloze import group_sentences
from refresher.render.kinds.base import View
from refresher.render.kinds.blank import accepted_note
from refresher.render.layout import diff_text, marked


def _passage(q, fills: list[Text], style: str = "") -> Text:
    out = Text(q.segments[0], style=style)
    for k, fill in enumerate(fills):
        out.append_text(fill)
        out.append(q.segments[k + 1], style=style)
    return out


def _numbered(q, style: str = "") -> Text:
    blanks = [Text(f"[{k}]____", style="letter") for k in range(1, len(q.blanks) + 1)]
    return _passage(q, blanks, style)


def _bare(q) -> bool:
    """Whether the prompt is only the passage (no instruction of its own)."""
    return q.prompt == q.passage(["____"] * len(q.blanks)).strip()


class ClozeView(View):
    def prompt(self, item) -> Text:
        q = item.question
        return _numbered(q, "bold") if _bare(q) else Text(q.prompt, style="bold")

    def body(self, item) -> list[RenderableType]:
        q = item.question
        parts: list[RenderableType] = [] if _bare(q) else [_numbered(q)]
        if len(q.blanks) > 1:
            parts.append(
                Text("  One answer per blank: all on one line split by ';'.", style="muted")
            )
        parts.extend(Text("  " + line, style="muted") for line in group_sentences(q))
        return parts

    def expected(self, answered) -> Text:
        q = answered.item.question
        return _passage(q, [Text(b[0], style="bold") for b in q.blanks])

    def notes(self, answered) -> list[RenderableType]:
        detail = answered.outcome.detail
        blanks, typed = detail.get("blanks", []), detail.get("typed", [])
        out: list[RenderableType] = []
        for k, (result, given) in enumerate(zip(blanks, typed, strict=False), 1):
            if answered.outcome.correct and "note" not in result:
                continue
            mark, style = marked(result["ok"])
            line = Text.assemble("  ", (mark, style), f" [{k}] ", given)
            if "note" in result:
                line.append_text(accepted_note(result["note"]))
            elif "diff" in result:
                line.append_text(
                    Text.assemble(("  compared: ", "muted"), diff_text(result["diff"]))
                )
            out.append(line)
        return out

    def sheet_question(self, item) -> list[RenderableType]:
        q = item.question
        shown = [] if _bare(q) else [Text("   ").append_text(_numbered(q))]
        return shown + [Text("   " + line, style="muted") for line in group_sentences(q)]

    def sheet_answer(self, item) -> Text:
        q = item.question
        text = Text("; ".join(b[0] for b in q.blanks), style="bold")
        others = [f"[{k}] {', '.join(b[1:])}" for k, b in enumerate(q.blanks, 1) if len(b) > 1]
        if others:
            text.append(f"  (also: {'; '.join(others)})", style="muted")
        return text
