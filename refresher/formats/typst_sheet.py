"""A worksheet as Typst markup: the same page as the HTML worksheet (`render/paper.py`), to
compile into a PDF.

Questions are numbered and kept whole, each with writing room of its answer's shape (an empty
grid for a matrix, a box per step of an `order`, a line per blank of a `cloze`, lines for an
open question in proportion to its model answer); flashcards are listed by their front. The
key (`answers`) starts on a new page with a short list of answers in two columns, then the
worked solutions, which stop at the value asked, and names the seed that prints the sheet
again. Every text from the bank goes through `typst.text` (a string literal, never code).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from refresher.core.model import Bank
from refresher.explain.steps import Chart, format_part
from refresher.formats import typst as ty
from refresher.kinds.letters import letter
from refresher.quiz.round import Item
from refresher.quiz.worksheet import Again

CHARS_PER_LINE = 180  # of model answer per ruled line (a written answer is its gist)
OPEN_LINES = (3, 6)  # fewest and most lines under an open question
SHORT_OPTION = 36  # options no longer than this (characters) are set in two columns

# How the inputs of a cell are named in the session's notation.
INPUT_NAMES = {
    "rnn": {"x": "x1", "h": "h0"},
    "lstm": {"x": "x_t", "h": "h_{t-1}", "c": "c_{t-1}"},
    "gru": {"x": "x_t", "h": "h_{t-1}"},
    "bptt": {"x": "x1", "h": "h0", "label": "label", "target": "target"},
}


class Entry:
    """One question on paper: stem, room, its line in the short key, and its solution."""

    def __init__(self, stem: str, room: str, answer: str, solution: str = "") -> None:
        self.stem, self.room, self.answer, self.solution = stem, room, answer, solution


def _prompt(item: Item) -> str:
    return f"#strong[{ty.text(item.question.prompt)}]"


def _options(options: list[str]) -> str:
    two = max((len(o) for o in options), default=0) <= SHORT_OPTION
    items = ", ".join(f"[{ty.text(o)}]" for o in options)
    return f"#opts(({items},), two: {'true' if two else 'false'})"


def _choice(item: Item) -> Entry:
    q = item.question
    answer = f"*{letter(item.order.index(q.answer))}*"
    return Entry(_prompt(item) + _options(item.options), "", answer)


def _multi(item: Item) -> Entry:
    q = item.question
    stem = _prompt(item) + _options(item.options)
    if "all that apply" not in q.prompt.lower():
        stem += "\n#text(size: 9pt, fill: muted)[Tick all that apply.]"
    answer = " ".join(letter(k) for k in sorted(item.order.index(i) for i in q.answers))
    return Entry(stem, "", f"*{answer}*")


def _truefalse(item: Item) -> Entry:
    stem = _prompt(item) + " #h(0.6em) #box(text(size: 9pt, fill: muted)[True / False])"
    return Entry(stem, "", "*True*" if item.question.answer else "*False*")


def _blank(item: Item) -> Entry:
    return Entry(_prompt(item), "#writing(1)", f"#strong[{ty.text(item.question.answers[0])}]")


def _open(item: Item) -> Entry:
    q = item.question
    low, high = OPEN_LINES
    lines = max(low, min(high, round(len(q.answer) / CHARS_PER_LINE)))
    solution = f"#par[{ty.text(q.answer)}]"
    if q.points:
        points = " ".join(f"#text(fill: accent)[•] {ty.text(p)}" for p in q.points)
        solution += f'\n#par[#text(fill: accent, weight: "bold")[Key points:] {points}]'
    answer = "#text(fill: muted)[model answer in the solutions]"
    return Entry(_prompt(item), f"#writing({lines})", answer, solution)


def _card(item: Item) -> Entry:
    return Entry(_prompt(item), "", ty.text(item.question.back))


def _order(item: Item) -> Entry:
    q = item.question
    steps = [q.items[i] for i in item.order]
    answer = "*" + " ".join(letter(item.order.index(k)) for k in range(len(q.items))) + "*"
    labels = ty.array([str(k + 1) for k in range(len(q.items))])
    return Entry(_prompt(item) + _options(steps), f"#boxes({labels})", answer)


def _match(item: Item) -> Entry:
    q = item.question
    right = [q.right[i] for i in item.order]
    cells = []
    for k in range(max(len(q.left), len(right))):
        cells += [f"[*{k + 1}.*]", f"[{ty.text(q.left[k])}]"] if k < len(q.left) else ["[]", "[]"]
        cells += [f"[*{letter(k)})*]", f"[{ty.text(right[k])}]"] if k < len(right) else ["[]", "[]"]
    table = (
        "#block(above: 0.4em, grid(columns: (1.6em, 1fr, 1.6em, 1fr), row-gutter: 0.35em, "
        + ", ".join(cells)
        + "))"
    )
    letters = [letter(item.order.index(a)) for a in q.answers]
    answer = "*" + " ".join(f"{k}{c}" for k, c in enumerate(letters, 1)) + "*"
    labels = ty.array([str(k + 1) for k in range(len(q.left))])
    return Entry(_prompt(item) + table, f"#boxes({labels})", answer)


def _cloze(item: Item) -> Entry:
    q = item.question
    passage = ty.text(q.segments[0])
    for k in range(len(q.blanks)):
        passage += f" #strong[[{k + 1}]]#h(0.2em)\\_\\_\\_\\_\\_\\_ " + ty.text(q.segments[k + 1])
    bare = q.prompt == q.passage(["____"] * len(q.blanks)).strip()
    stem = f"#strong[{passage}]" if bare else _prompt(item) + f"\n#par[{passage}]"
    answer = "; ".join(f"\\[{k}\\] #strong[{ty.text(b[0])}]" for k, b in enumerate(q.blanks, 1))
    return Entry(stem, f"#blanks({len(q.blanks)})", answer)


def _numeric_stem(item: Item, precision: int = 3) -> str:
    from refresher.kinds.numeric.engine import EACH, asked_name, setting_parts, used_params

    instance = item.instance
    assert instance is not None
    worked = instance.worked
    parts = [_prompt(item)]
    grids = []
    for name, value in worked.inputs.items():
        arr = np.asarray(value)
        if arr.ndim == 2 and worked.kind in ("pool", "conv"):
            label = "C" if name == "input" and worked.kind == "pool" else name
            title = f"{label} ({arr.shape[0]}x{arr.shape[1]})"
            grids.append(f"[{ty.matrix(arr.astype(float), precision, title=title)}]")
    if grids:
        parts.append(f"#block(above: 0.5em, stack(dir: ltr, spacing: 1.5em, {', '.join(grids)}))")
    names = INPUT_NAMES.get(worked.kind)
    if names:
        parts.append(ty.inputs_markup(worked, names, precision))
    elif worked.kind not in ("pool", "conv"):
        for name, value in worked.inputs.items():
            shown = setting_parts(name, value)
            if shown is None:
                text = value if isinstance(value, str) else format_part(np.asarray(value), 3)
                parts.append(f"#par[{ty.line(f'{name} {text}')}]")
            else:
                parts.append(f"#par[{ty.text(' '.join(p for p in shown if p))}]")
    settings = [setting_parts(k, v) for k, v in used_params(worked.params, worked.kind).items()]
    shown = [" ".join(p for p in s if p) for s in settings if s]
    if shown:
        parts.append(f"#par[{ty.text(' · '.join(shown))}]")
    weights = ty.weights_markup(worked, precision)
    if weights:
        parts.append(weights)
    ask = f"#text(fill: muted)[Asked:] #strong[{ty.line(asked_name(worked.kind, instance.ask))}]"
    shape = instance.expected.shape
    if len(shape) == 2:
        ask += f" #text(fill: muted)[({shape[0]}x{shape[1]})]"
    elif len(shape) == 1 and instance.ask != "output_size":
        each = EACH.get(instance.ask, "one per unit")
        ask += f" #text(fill: muted)[({shape[0]} values, {each})]"
    parts.append(f"#block(above: 0.5em)[{ask}]")
    return "\n".join(parts)


def _numeric(item: Item, chart: Callable[[Chart], str] | None) -> Entry:
    from refresher.kinds.numeric.engine import asked_name, format_answer

    q = item.question
    if item.instance is None:  # a fixed answer (an imported question)
        return Entry(_prompt(item), "#writing(1)", ty.text(format_answer(q.value)))
    instance = item.instance
    shape = instance.expected.shape
    if len(shape) == 2:
        room = f"#writing(1) #empty-grid({shape[0]}, {shape[1]})"
    elif len(shape) == 1:
        room = f"#writing(1) #empty-grid(1, {shape[0]})"
    else:
        room = "#writing(2)"
    worked = instance.worked
    last = instance.answered_at
    body = ty.worked_markup(
        worked,
        3,
        names=INPUT_NAMES.get(worked.kind, {}),
        chart=chart,
        upto=last,
        header=False,
        two_columns=worked.kind in ("pool", "conv"),
    )
    if last < len(worked.steps):
        name = asked_name(worked.kind, instance.ask)
        body += (
            f"\n#block(above: 0.5em)[{ty.text('So ')}{ty.line(name)}{ty.text(' = ')}"
            f"#strong[{ty.text(format_answer(instance.expected))}]]"
        )
    answer = f"#strong[{ty.text(format_answer(instance.expected))}]"
    return Entry(_numeric_stem(item), room, answer, body)


_KINDS: dict[str, Callable[[Item], Entry]] = {
    "choice": _choice,
    "multi": _multi,
    "truefalse": _truefalse,
    "blank": _blank,
    "open": _open,
    "card": _card,
    "order": _order,
    "match": _match,
    "cloze": _cloze,
}


def entry(item: Item, chart: Callable[[Chart], str] | None = None) -> Entry:
    if item.question.type == "numeric":
        return _numeric(item, chart)
    return _KINDS[item.question.type](item)


def _questions(items: list[Item], entries: list[Entry]) -> list[str]:
    """Numbered questions; a run of flashcards (front only) flows in two columns."""
    out: list[str] = []
    cards: list[str] = []
    for k, (item, e) in enumerate(zip(items, entries, strict=True), 1):
        room = f"\n{e.room}" if e.room else ""
        block = f"#q({k}, [\n{e.stem}{room}\n])"
        if item.question.type == "card":
            cards.append(block)
            continue
        if cards:
            out.append("#columns(2, gutter: 1.5em)[\n" + "\n".join(cards) + "\n]")
            cards = []
        out.append(block)
    if cards:
        out.append("#columns(2, gutter: 1.5em)[\n" + "\n".join(cards) + "\n]")
    return out


def _key(items: list[Item], entries: list[Entry], bank: Bank, again: Again, new_page: bool) -> str:
    out = ["#pagebreak(weak: true)"] if new_page else []
    out.append(f"#heading(level: 2)[Answer key --- {ty.text(bank.title)}]")
    short = []
    for k, (item, e) in enumerate(zip(items, entries, strict=True), 1):
        expl = item.question.explanation
        more = ""
        if expl and not e.solution:
            more = f" #text(fill: muted, size: 7.5pt)[--- {ty.text(expl)}]"
        short.append(
            f"#block(breakable: false, below: 0.45em, grid(columns: (2.2em, 1fr), "
            f'text(weight: "bold", fill: accent)[{k}.], [{e.answer}{more}]))'
        )
    out.append("#block[#set text(size: 8.5pt)\n#columns(2, gutter: 1.5em)[\n")
    out.append("\n".join(short) + "\n]]")
    solved = [
        (k, item, e)
        for k, (item, e) in enumerate(zip(items, entries, strict=True), 1)
        if e.solution
    ]
    if solved:
        out.append("#heading(level: 2)[Solutions]")
        out.append("#block[#set text(size: 8.5pt)")
        for k, item, e in solved:
            expl = item.question.explanation
            number = f'text(weight: "bold", fill: accent)[{k}.]'
            if not expl:  # the number beside the solution's first lines
                out.append(
                    f"#block(above: 1.1em, grid(columns: (2.4em, 1fr), {number}, "
                    f"[\n{e.solution}\n]))"
                )
                continue
            lead = f"#par[{ty.text(expl)}]"
            # the number and explanation stick to the solution's first block (a step is whole)
            out.append(
                f"#block(above: 1.1em, below: 0.5em, sticky: true, grid(columns: (2.4em, 1fr), "
                f"{number}, [{lead}]))\n"
                f"#pad(left: 2.4em)[\n{e.solution}\n]"
            )
        out.append("]")
    out.append(
        "#block(above: 1.5em, stroke: (top: 0.5pt + luma(170)), inset: (top: 0.5em), "
        f"text(size: 8.5pt, fill: muted)[Printed from seed {again.seed}: "
        f"#raw({ty.string(again.print_command)}) prints this sheet again, and "
        f"#raw({ty.string(again.quiz_command)}) asks the same numbers.])"
    )
    return "\n".join(out)


SHEET_STYLE = """\
#show heading.where(level: 1): set text(size: 15pt)
#show heading.where(level: 2): set text(size: 12pt)
#show heading: set block(above: 1em, below: 0.7em)
"""


def worksheet(
    bank: Bank,
    items: list[Item],
    seed: int,
    *,
    date: str,
    answers: bool = False,
    key_only: bool = False,
    paper: str = "a4",
    chart: Callable[[Chart], str] | None = None,
    again: Again | None = None,
) -> str:
    """The worksheet as a Typst document: header with the name/date line, the questions, and
    with `answers` the key on a new page (`key_only`: the key alone)."""
    entries = [entry(i, chart) for i in items]
    body = [SHEET_STYLE]
    if not key_only:
        n = len(items)
        body.append(
            f"#heading(level: 1)[{ty.text(bank.title)}]\n"
            f"#text(fill: muted)[{n} question{'' if n == 1 else 's'}]\n"
            "#block(above: 0.9em, below: 1.2em, grid(columns: (auto, 1fr, auto, 12em), "
            "column-gutter: 0.4em, [Name:], line(length: 100%, stroke: 0.5pt), [#h(1.5em)Date:], "
            f"[{ty.text(date)}]))\n"
            "#line(length: 100%, stroke: 0.5pt + luma(140))"
        )
        body += _questions(items, entries)
    if answers or key_only:
        body.append(_key(items, entries, bank, again or Again.of(seed), new_page=not key_only))
    return ty.document(bank.title, "\n".join(body), paper=paper)
