"""Worksheets on paper: an HTML page that prints on A4 and Letter.

Prose (prompts, options, explanations, model answers, key points) is real HTML text that the
browser wraps to the page, with hanging indents; only grids, matrices and equations are set in
fixed width, rendered by Rich at `PRE_WIDTH` columns in a font size that fits the printable
width of both paper sizes. Under each question is writing room of the answer's shape: an empty
grid for a matrix, a box per letter of an `order` question, a line per blank of a `cloze`,
lines for an open question in proportion to its model answer.

The learner's sheet names no kind and no seed; the key (with `answers`) starts on a new page
with a short list of answers, then the worked solutions, and its footer names the seed that
prints the same sheet again.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import RenderableType

from refresher.core.model import Bank
from refresher.kinds import KINDS
from refresher.kinds.letters import letter
from refresher.quiz.round import Item
from refresher.quiz.worksheet import Again
from refresher.render.console import make_console
from refresher.render.export import PRINT_COLOURS, PRINT_STYLES

PRE_WIDTH = 92  # columns of a fixed-width block: 92 x 0.6 x 8.2pt fits A4's 180 mm
CHARS_PER_LINE = 220  # of model answer per ruled line (a written answer is its gist)
OPEN_LINES = (3, 6)  # fewest and most lines under an open question
HALF_WIDTH = 52  # columns of a worked step set in two columns
SHORT_OPTION = 36  # options no longer than this (characters) are set in two columns


def esc(text: str) -> str:
    """Text as HTML, its line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def _record(renderable: RenderableType, width: int):
    console = make_console(file=io.StringIO(), width=width, record=True, force_terminal=True)
    console.push_theme(PRINT_STYLES)
    console.print(renderable)
    return console


def pre(renderable: RenderableType, width: int = PRE_WIDTH) -> str:
    """A Rich renderable as a fixed-width block, in the print colours, trailing spaces cut."""
    console = _record(renderable, width)
    code = console.export_html(theme=PRINT_COLOURS, inline_styles=True, code_format="{code}")
    body = "\n".join(line.rstrip() for line in code.split("\n")).strip("\n")
    return f'<pre class="fixed">{body}</pre>'


def content_width(renderable: RenderableType, width: int = PRE_WIDTH) -> int:
    """The widest line of `renderable` at `width` columns, not counting the rules that fill
    the width (a step's `Step n of m ───` heading)."""
    text = _record(renderable, width).export_text(styles=False)
    return max((len(line.rstrip().rstrip("─").rstrip()) for line in text.splitlines()), default=0)


def _options(options: Sequence[str]) -> str:
    rows = "".join(
        f'<div class="opt"><span class="lab">{letter(k)})</span>{esc(o)}</div>'
        for k, o in enumerate(options)
    )
    short = max((len(o) for o in options), default=0) <= SHORT_OPTION
    return f'<div class="opts{" two" if short else ""}">{rows}</div>'


def _lines(n: int) -> str:
    return '<div class="lines">' + '<div class="line"></div>' * n + "</div>"


def _boxes(n: int, labels: Sequence[str] = ()) -> str:
    cells = "".join(
        f'<span class="box">{f"<i>{esc(labels[k])}</i>" if k < len(labels) else ""}</span>'
        for k in range(n)
    )
    return f'<div class="boxes">{cells}</div>'


def empty_grid(rows: int, cols: int) -> str:
    """An empty table of `rows` x `cols` cells to write a matrix answer in."""
    row = "<tr>" + "<td></td>" * cols + "</tr>"
    return f'<table class="grid" data-shape="{rows}x{cols}">{row * rows}</table>'


# ------------------------------------------------------------------------------ per kind


@dataclass(frozen=True)
class Entry:
    """One question on paper: the stem (kept with its first lines), the room under it, its
    line in the short key, and what the worked solutions say about it (empty: nothing)."""

    stem: str
    room: str
    answer: str
    solution: str = ""


def _cloze_passage(q) -> str:
    out = esc(q.segments[0])
    for k in range(len(q.blanks)):
        out += f'<b class="blank">[{k + 1}]&#8239;______</b>' + esc(q.segments[k + 1])
    return out


def _prompt(item: Item) -> str:
    return f'<p class="prompt">{esc(item.question.prompt)}</p>'


def _choice(item: Item) -> Entry:
    q = item.question
    answer = letter(item.order.index(q.answer))  # the sheet has the options' text
    return Entry(_prompt(item) + _options(item.options), "", answer)


def _multi(item: Item) -> Entry:
    q = item.question
    stem = _prompt(item) + _options(item.options)
    if "all that apply" not in q.prompt.lower():
        stem += '<p class="note">Tick all that apply.</p>'
    shown = sorted(item.order.index(i) for i in q.answers)
    answer = " ".join(letter(k) for k in shown)
    return Entry(stem, "", answer)


def _truefalse(item: Item) -> Entry:
    prompt = esc(item.question.prompt)
    stem = f'<p class="prompt">{prompt} <span class="tf">True&nbsp;/&nbsp;False</span></p>'
    return Entry(stem, "", "True" if item.question.answer else "False")


def _blank(item: Item) -> Entry:
    return Entry(_prompt(item), _lines(1), esc(item.question.answers[0]))


def _open_room(q) -> int:
    size = len(q.answer)
    low, high = OPEN_LINES
    return max(low, min(high, round(size / CHARS_PER_LINE)))


def _open(item: Item) -> Entry:
    q = item.question
    answer = '<span class="see">model answer in the solutions</span>'
    solution = f'<p class="model">{esc(q.answer)}</p>'
    if q.points:
        points = " ".join(f'<span class="pt">{esc(p)}</span>' for p in q.points)
        solution += f'<p class="points"><b class="kp">Key points:</b> {points}</p>'
    return Entry(_prompt(item), _lines(_open_room(q)), answer, solution)


def _card(item: Item) -> Entry:
    return Entry(_prompt(item), "", f'<span class="back">{esc(item.question.back)}</span>')


def _order(item: Item) -> Entry:
    q = item.question
    steps = [q.items[i] for i in item.order]
    stem = _prompt(item) + _options(steps)
    answer = " ".join(letter(item.order.index(k)) for k in range(len(q.items)))
    return Entry(stem, _boxes(len(q.items), [str(k + 1) for k in range(len(q.items))]), answer)


def _match(item: Item) -> Entry:
    q = item.question
    right = [q.right[i] for i in item.order]
    rows = "".join(
        "<tr>"
        + (
            f"<td class='lab'>{k + 1}.</td><td>{esc(q.left[k])}</td>"
            if k < len(q.left)
            else "<td></td><td></td>"
        )
        + (
            f"<td class='lab'>{letter(k)})</td><td>{esc(right[k])}</td>"
            if k < len(right)
            else "<td></td><td></td>"
        )
        + "</tr>"
        for k in range(max(len(q.left), len(right)))
    )
    stem = _prompt(item) + f'<table class="match">{rows}</table>'
    labels = [f"{k + 1}" for k in range(len(q.left))]
    letters = [letter(item.order.index(a)) for a in q.answers]
    answer = " ".join(f"{k}{c}" for k, c in enumerate(letters, 1))
    return Entry(stem, _boxes(len(q.left), labels), answer)


def _cloze(item: Item) -> Entry:
    q = item.question
    bare = q.prompt == q.passage(["____"] * len(q.blanks)).strip()
    stem = f'<p class="prompt">{_cloze_passage(q)}</p>'
    if not bare:
        stem = _prompt(item) + f'<p class="passage">{_cloze_passage(q)}</p>'
    room = (
        '<div class="blanks">'
        + "".join(
            f'<div class="bl"><span class="lab">[{k + 1}]</span><span class="line"></span></div>'
            for k in range(len(q.blanks))
        )
        + "</div>"
    )
    answer = "; ".join(f"[{k}] {esc(b[0])}" for k, b in enumerate(q.blanks, 1))
    return Entry(stem, room, answer)


def _numeric(item: Item) -> Entry:
    from refresher.kinds.numeric.engine import format_answer

    q = item.question
    if item.instance is None:  # a fixed answer (an imported question)
        return Entry(_prompt(item), _lines(1), esc(format_answer(q.value)))
    from refresher.render.numeric import asked_name, inputs_view
    from refresher.render.worked import result_section, step_section

    instance = item.instance
    stem = _prompt(item) + pre(inputs_view(instance))
    shape = instance.expected.shape
    if len(shape) == 2:
        room = _lines(1) + empty_grid(*shape)
    elif len(shape) == 1:
        room = _lines(1) + empty_grid(1, shape[0])
    else:
        room = _lines(3)
    worked = instance.worked
    total = len(worked.steps)
    last = instance.answered_at  # the step that gives what was asked
    sections = [
        step_section(s, n, total, 3, PRE_WIDTH) for n, s in enumerate(worked.steps[:last], 1)
    ]
    if last == total:
        sections.append(result_section(worked, 3))
    shown = list(enumerate(worked.steps[:last], 1))
    # a pooling or convolution step (one window) is narrow: set those in two columns
    wide = [n for n, x in enumerate(sections) if content_width(x) > HALF_WIDTH]
    split = 1 if wide == [0] and len(sections) > 2 else 0
    blocks = [pre(x) for x in sections[:split]] if split else [pre(x) for x in sections]
    if split:
        rest = [step_section(s, n, total, 3, HALF_WIDTH) for n, s in shown[split:]]
        rest += sections[len(shown) :]
        cells = "".join(f'<div class="step">{pre(x, HALF_WIDTH)}</div>' for x in rest)
    body = "".join(f'<div class="step">{x}</div>' for x in blocks)
    if split:
        body += f'<div class="steps two">{cells}</div>'
    if last < total:
        body += (
            f'<p class="ans">So {esc(asked_name(worked.kind, instance.ask))} = '
            f'<span class="num">{esc(format_answer(instance.expected))}</span></p>'
        )
    solution = f'<div class="steps">{body}</div>'
    answer = f'<span class="num">{esc(format_answer(instance.expected))}</span>'
    return Entry(stem, room, answer, solution)


PAPER: dict[str, Callable[[Item], Entry]] = {
    "choice": _choice,
    "multi": _multi,
    "truefalse": _truefalse,
    "blank": _blank,
    "numeric": _numeric,
    "open": _open,
    "card": _card,
    "order": _order,
    "match": _match,
    "cloze": _cloze,
}

if set(PAPER) != set(KINDS):  # a new kind must say how it prints
    raise ImportError(f"paper: kinds without a worksheet entry: {sorted(set(KINDS) - set(PAPER))}")


def entry(item: Item) -> Entry:
    return PAPER[item.question.type](item)


# ------------------------------------------------------------------------------ the page


def _css_string(text: str) -> str:
    return (
        '"' + "".join(c if c.isalnum() or c in " -.,:()&" else f"\\{ord(c):x} " for c in text) + '"'
    )


CSS = """\
@page { PAPER margin: 13mm 13mm 11mm;
  @top-left { content: TITLE; font: 8pt 'DejaVu Sans', Arial, sans-serif; color: #555; }
  @top-right { content: "page " counter(page) " of " counter(pages);
               font: 8pt 'DejaVu Sans', Arial, sans-serif; color: #555; } }
@page :first { @top-left { content: none; } }
html { font: 9.5pt/1.3 'DejaVu Sans', Arial, Helvetica, sans-serif; color: #141414;
  background: #fff; }
body { margin: 2em auto; max-width: 46em; padding: 0 1em; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
h1 { font-size: 15pt; margin: 0 0 .2em; }
h2 { font-size: 12pt; margin: 0 0 .6em; }
h3 { font-size: 10.5pt; margin: 1em 0 .4em; break-after: avoid; }
.head { border-bottom: 1px solid #8c8c8c; margin-bottom: 1em; padding-bottom: .4em; }
.head p { margin: 0; color: #333; }
.name { display: flex; gap: 2em; margin-top: .8em !important; }
.name span { flex: 1; border-bottom: 1px solid #555; }
.name span.date { flex: 0 0 12em; }
p { margin: 0; }
.q, .a { display: grid; grid-template-columns: 2.6em 1fr; column-gap: .3em; margin: 0 0 .65em; }
.q > .n, .a > .n { font-weight: bold; color: #005a78; }
.stem { break-inside: avoid; }
.q { break-inside: avoid; }  /* a question is at most half a page: kept whole */
.q.card { margin-bottom: .3em; }
.room { grid-column: 2; break-before: avoid; }
.prompt { font-weight: bold; }
.passage { margin-top: .2em; }
.note, .see { color: #4d4d4d; font-size: 9pt; }
.opts { margin-top: .15em; }
.opts.two { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5em; }
.tf { font-weight: normal; color: #4d4d4d; font-size: 9pt; white-space: nowrap; margin-left: .6em; }
.opt { padding-left: 1.8em; text-indent: -1.8em; }
.lab { display: inline-block; width: 1.8em; text-indent: 0; color: #005a78; font-weight: bold; }
table.match { border-collapse: collapse; margin-top: .2em; }
table.match td { padding: 0 .4em 0 0; vertical-align: top; }
pre.fixed { font-family: 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace;
  font-size: 8.2pt; line-height: 1.25; margin: .3em 0 0; white-space: pre; overflow: hidden;
  max-width: 100%; }
pre.fixed code { font-family: inherit; }
.lines .line, .bl .line { display: block; height: 1.7em; border-bottom: 1px solid #b3b3b3; }
.bl { display: flex; align-items: flex-end; }
.bl .lab { width: 2.4em; }
.bl .line { flex: 1; }
.boxes { display: flex; gap: .5em; margin-top: .5em; }
.box { width: 2.2em; height: 2.2em; border: 1px solid #777; position: relative; }
.box i { position: absolute; left: .15em; top: 0; font-size: 7pt; color: #666; }
table.grid { border-collapse: collapse; margin-top: .6em; }
table.grid td { border: 1px solid #777; width: 4.2em; height: 1.9em; }
.key { break-before: page; }
.shortkey { font-size: 8pt; line-height: 1.25; }
.shortkey { column-count: 2; column-gap: 1.5em; }
.shortkey .a { margin: 0 0 .25em; grid-template-columns: 2.6em 1fr; break-inside: avoid; }
.ak { font-weight: bold; }
.ak .back, .ak .see { font-weight: normal; }
.shortkey .see { font-size: inherit; }  /* as large as the other answers of the key */
.cards { column-count: 2; column-gap: 2em; margin-bottom: .8em; }
.cards .q { break-inside: avoid; }
.num { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 8.5pt; }
.sols { font-size: 8.5pt; }
.sols .a { margin-bottom: .8em; }
.sols .a { grid-template-columns: 3.2em 1fr; }
.sols .a > .n { font-size: 9pt; }
.sols .title { font-weight: bold; break-after: avoid; }
.step { break-inside: avoid; }
.steps.two { column-count: 2; column-gap: 1.5em; }
.sols pre.fixed { font-size: 7pt; line-height: 1.17; }
.solhead { margin-top: 1.2em; break-after: avoid; }
.ans { margin-top: .3em; }
.model { margin-top: .2em; }
.kp { color: #005a78; }
.points { margin-top: .2em; }
.pt::before { content: "• "; color: #005a78; }
.pt { margin-right: .5em; }
.expl { color: #333; font-weight: normal; }
.sols .expl { font-size: 8pt; }
.foot { margin-top: 1.5em; color: #555; font-size: 8.5pt; border-top: 1px solid #bbb; }
"""


def _questions(items: list[Item], entries: list[Entry]) -> list[str]:
    """The numbered questions; a run of flashcards (front only) flows in two columns."""
    out: list[str] = []
    in_cards = False
    for k, (item, e) in enumerate(zip(items, entries, strict=True), 1):
        card = item.question.type == "card"
        if card != in_cards:
            out.append('<div class="cards">' if card else "</div>")
            in_cards = card
        cls = "q card" if card else "q"
        room = f'<div class="room">{e.room}</div>' if e.room else ""
        out.append(
            f'<section class="{cls}"><span class="n">{k}.</span>'
            f'<div class="stem">{e.stem}</div>{room}</section>'
        )
    if in_cards:
        out.append("</div>")
    return out


def _key(items: list[Item], entries: list[Entry], title: str, again: Again) -> list[str]:
    """The short key (each answer once, with its explanation), then the worked solutions."""
    out = [f'<section class="key"><h2>Answer key — {title}</h2><div class="shortkey">']
    for k, (item, e) in enumerate(zip(items, entries, strict=True), 1):
        expl = item.question.explanation
        more = f' <span class="expl">— {esc(expl)}</span>' if expl and not e.solution else ""
        out.append(
            f'<div class="a"><span class="n">{k}.</span><p><span class="ak">{e.answer}</span>'
            f"{more}</p></div>"
        )
    out.append("</div>")
    solved = [
        (k, item, e)
        for k, (item, e) in enumerate(zip(items, entries, strict=True), 1)
        if e.solution
    ]
    if solved:
        out.append('<h2 class="solhead">Solutions</h2><div class="sols">')
        for k, item, e in solved:
            expl = item.question.explanation
            parts = (f'<p class="expl">{esc(expl)}</p>' if expl else "") + e.solution
            out.append(f'<div class="a"><span class="n">{k}.</span><div>{parts}</div></div>')
        out.append("</div>")
    out.append(
        f'<p class="foot">Printed from seed {again.seed}: '
        f"<code>{esc(again.print_command)}</code> prints this sheet again, and "
        f"<code>{esc(again.quiz_command)}</code> asks the same numbers.</p></section>"
    )
    return out


def worksheet_html(
    bank: Bank,
    items: list[Item],
    seed: int,
    *,
    date: str,
    answers: bool = False,
    key_only: bool = False,
    paper: str | None = None,
    again: Again | None = None,
) -> str:
    """The worksheet as one HTML page. `answers` adds the key (a short list, then worked
    solutions) on a new page; `key_only` prints the key alone; `paper` ("A4", "letter")
    pins the page size (by default the printer's)."""
    entries = [entry(i) for i in items]
    title = html.escape(bank.title)
    n = len(items)
    body: list[str] = []
    if not key_only:
        body.append(
            f'<header class="head"><h1>{title}</h1>'
            f"<p>{n} question{'' if n == 1 else 's'}</p>"
            '<p class="name">Name:&nbsp;<span></span>Date:&nbsp;<span class="date">'
            f"{html.escape(date)}</span></p></header>"
        )
        body += ["<main>", *_questions(items, entries), "</main>"]
    if answers or key_only:
        body += _key(items, entries, title, again or Again.of(seed))
    css = CSS.replace("TITLE", _css_string(bank.title))
    css = css.replace("PAPER", f"size: {paper};" if paper else "")
    if key_only:
        css += ".key { break-before: auto; }\n"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
