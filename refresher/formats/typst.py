"""Typst markup for paper, and the compiler call that turns it into a PDF.

Nothing from a bank or an example is ever pasted into the markup as code: every text goes in
as a Typst string literal (`string`, `text`), which Typst shows as text and never runs, and an
equation is converted token by token (`line`, `math`): letters, digits and the operators a
worked example uses become Typst math, anything else a quoted string. So `#read("/etc/passwd")`
in a prompt prints those characters.

A worked example (`worked`) is typeset from the same `Worked` the terminal draws: its lines as
equations with subscripts, σ, ⊙ and fractions, its matrices as tables or `mat`, its windows
highlighted. A chart is the one thing drawn elsewhere (by the caller, as monospaced text).

The compiler is the `typst` package (the `pdf` extra), run in process with only the fonts its
wheel embeds, so a PDF looks the same on every system and reads no file of this machine.
"""

from __future__ import annotations

import importlib.util
import math as _math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from refresher.core.errors import InputError
from refresher.explain.steps import (
    Chart,
    Grid,
    Step,
    Worked,
    format_entries,
    format_line,
    format_part,
    split_comment,
)

MISSING = "--export: a PDF needs Typst, which is not installed: pip install 'refresher[pdf]'"


def available() -> bool:
    """Whether the Typst compiler (the `pdf` extra) can be imported."""
    return importlib.util.find_spec("typst") is not None


# ------------------------------------------------------------------------------ text


def string(value: str) -> str:
    """`value` as a Typst string literal: shown as text wherever it goes, never run."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def text(value: str) -> str:
    """`value` as markup: a string literal, ended so nothing after it continues it."""
    return "#" + string(value) + ";" if value else ""


def array(values: Sequence[Any]) -> str:
    """A Typst array of literals (strings, numbers, booleans, arrays or raw markup `Raw`)."""
    return "(" + "".join(literal(v) + ", " for v in values) + ")"


class Raw(str):
    """Markup built here (never from a bank), passed through as it is."""


def literal(value: Any) -> str:
    if isinstance(value, Raw):
        return "[" + value + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and _math.isfinite(value):
        return repr(value)
    if isinstance(value, list | tuple):
        return array(value)
    return string(str(value))


# ------------------------------------------------------------------------------ equations

# Multi-letter names set upright as operators; any other word is prose.
FUNCTIONS = frozenset(
    {"tanh", "exp", "max", "min", "avg", "mean", "softmax", "diag", "log", "ln", "sigmoid"}
    | {"sum", "relu", "argmax", "sgn", "floor", "ceil"}
)
_OPS = {
    "·": "dot.op",
    "*": "⊙",
    "=": "=",
    "+": "+",
    "-": "-",
    "−": "-",
    "×": "times",
    "≈": "approx",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "⊙": "⊙",
    "<": "<",
    ">": ">",
}
_PUNCT = ",;:.!?%"
_OPEN, _CLOSE = "([", ")]"


class _Tok:
    __slots__ = ("src", "kind", "glued", "start", "end")

    def __init__(self, src: str, kind: str, glued: bool, start: int, end: int) -> None:
        self.src, self.kind, self.glued, self.start, self.end = src, kind, glued, start, end


def _script(s: str, i: int) -> tuple[str, int]:
    """The sub- or superscript that starts at `s[i]` (after ``_`` or ``^``) and where it ends."""
    if i < len(s) and s[i] == "{":
        depth, k = 0, i
        while k < len(s):
            depth += {"{": 1, "}": -1}.get(s[k], 0)
            if depth == 0:
                return s[i + 1 : k], k + 1
            k += 1
        return s[i + 1 :], len(s)
    k = i + 1 if i < len(s) and s[i] == "-" else i
    while k < len(s) and s[k].isascii() and s[k].isalnum():
        k += 1
    return s[i:k], k


def _number_end(s: str, i: int) -> int:
    k = i
    while k < len(s) and s[k].isdigit() and s[k].isascii():
        k += 1
    if k + 1 < len(s) and s[k] == "." and s[k + 1].isdigit():
        k += 1
        while k < len(s) and s[k].isdigit() and s[k].isascii():
            k += 1
    if k < len(s) and s[k] == "e":
        m = k + 1
        if m < len(s) and s[m] in "+-":
            m += 1
        if m < len(s) and s[m].isdigit():
            k = m
            while k < len(s) and s[k].isdigit():
                k += 1
    return k


def _shape_end(s: str, i: int) -> int:
    """The end of a shape such as ``4x4`` or ``2x3x3`` starting at `i` (`i` when none)."""
    k = _number_end(s, i)
    end = i
    while k < len(s) and s[k] == "x" and k + 1 < len(s) and s[k + 1].isdigit():
        k = _number_end(s, k + 1)
        end = k
    return end


def _tokens(s: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, glued = 0, False
    while i < len(s):
        ch = s[i]
        if ch.isspace():
            i, glued = i + 1, False
            continue
        start = i
        if ch in "_^" and toks and glued:
            inner, i = _script(s, i + 1)
            if inner:
                toks[-1].src += f"{ch}({math(inner)})"
                toks[-1].end = i
                if toks[-1].kind == "text":
                    toks[-1].kind = "atom"
                continue
            i = start
        if ch.isalpha():
            k = i
            while k < len(s) and s[k].isalpha():
                k += 1
            word = s[i:k]
            d = k
            while d < len(s) and s[d].isascii() and s[d].isdigit():
                d += 1
            after = s[d : d + 2]
            more = after[:1].isascii() and after[:1].isalpha()
            decimal = after[:1] == "." and after[1:2].isdigit()
            if len(word) == 1 and d > k and not (more or decimal):
                # the session's h3, x1: an index
                tok, k = _Tok(f"{word}_({s[k:d]})", "atom", glued, i, d), d
            elif len(word) == 1:
                tok = _Tok(word, "atom", glued, i, k)
            elif word in FUNCTIONS:
                tok = _Tok(f"op({string(word)})", "atom", glued, i, k)
            else:
                tok = _Tok(string(word), "text", glued, i, k)
            i = k
        elif ch.isdigit() and ch.isascii():
            k = _shape_end(s, i)
            if k > i:
                tok = _Tok(string(s[i:k]), "atom", glued, i, k)
            else:
                k = _number_end(s, i)
                tok = _Tok(s[i:k], "atom", glued, i, k)
            i = k
        elif s.startswith("···", i):
            tok, i = _Tok("dots.c", "atom", glued, i, i + 3), i + 3
        elif s.startswith("...", i) or ch == "…":
            n = 3 if ch == "." else 1
            tok, i = _Tok("dots.h", "atom", glued, i, i + n), i + n
        elif s.startswith("..", i):  # 1..T
            tok, i = _Tok(string(".."), "atom", glued, i, i + 2), i + 2
        elif s.startswith("+=", i):
            tok, i = _Tok('class("relation", "+=")', "op", glued, i, i + 2), i + 2
        elif s.startswith("<=", i) or s.startswith(">=", i):
            tok, i = _Tok(s[i : i + 2], "op", glued, i, i + 2), i + 2
        elif ch in _OPS:
            tok, i = _Tok(_OPS[ch], "op", glued, i, i + 1), i + 1
        elif ch in _OPEN:
            tok, i = _Tok(ch, "open", glued, i, i + 1), i + 1
        elif ch in _CLOSE:
            tok, i = _Tok(ch, "close", glued, i, i + 1), i + 1
        elif ch == "/":
            tok, i = _Tok("/", "frac", glued, i, i + 1), i + 1
        elif ch in "‖|":
            tok, i = _Tok(ch, "bar", glued, i, i + 1), i + 1
        elif ch in _PUNCT:
            tok, i = _Tok(ch, "punct", glued, i, i + 1), i + 1
        elif ch == "'" and toks and glued:
            toks[-1].src += "'"
            toks[-1].end = i + 1
            i += 1
            continue
        elif ch.isascii() or not ch.isprintable():
            tok, i = _Tok(string(ch), "atom", glued, i, i + 1), i + 1
        else:  # a symbol: ∂, ², ₂, ✓ ...
            tok, i = _Tok(ch, "atom", glued, i, i + 1), i + 1
        toks.append(tok)
        glued = True
    return toks


def _operand(toks: list[_Tok], at: int, step: int) -> tuple[int, int]:
    """The tokens next to a ``/`` at `at` that form its numerator (`step` -1) or denominator
    (+1): the glued run up to an operator, a bracket that is not its own or a space."""
    edge = at
    k = at + step
    if step < 0 and not toks[at].glued:
        return at, at
    while 0 <= k < len(toks):
        tok = toks[k]
        if step > 0 and k > at + 1 and not tok.glued:
            break
        if step < 0 and k < at - 1 and not toks[k + 1].glued:
            break
        if tok.kind in ("op", "bar", "punct", "frac", "text"):
            break
        opener, closer = ("close", "open") if step < 0 else ("open", "close")
        if tok.kind == closer:
            break
        if tok.kind == opener:  # a bracketed group: take it whole
            depth = 0
            while 0 <= k < len(toks):
                depth += {opener: 1, closer: -1}.get(toks[k].kind, 0)
                if depth == 0:
                    break
                k += step
            if not 0 <= k < len(toks):
                break
        edge = k
        k += step
    return (edge, at - 1) if step < 0 else (at + 1, edge)


def _math_of(toks: list[_Tok]) -> str:
    """Typst math from tokens; a fraction's operands of several glued atoms are bracketed."""
    wrap_open: dict[int, int] = {}
    wrap_close: dict[int, int] = {}
    for k, tok in enumerate(toks):
        if tok.kind != "frac":
            continue
        sides = [_operand(toks, k, step) for step in (-1, 1)]
        lonely = (
            k == 0
            or k + 1 == len(toks)
            or toks[k - 1].kind in ("op", "punct", "open", "frac")
            or toks[k + 1].kind in ("op", "punct", "close", "frac")
        )
        if lonely or any(b < a for a, b in sides):  # nothing to divide: a slash in a sentence
            tok.kind, tok.src = "atom", string("/")
            continue
        for a, b in sides:
            if b > a and not (toks[a].kind == "open" and toks[b].kind == "close"):
                wrap_open[a] = wrap_open.get(a, 0) + 1
                wrap_close[b] = wrap_close.get(b, 0) + 1
    out: list[str] = []
    for k, tok in enumerate(toks):
        src = tok.src
        if tok.kind == "bar":
            src = "‖" if tok.src == "‖" else "bar.v"
        if tok.kind == "punct" and tok.src in ";:":
            src = string(tok.src)  # punctuation, not a relation
        spaced = k and not tok.glued and tok.kind in ("atom", "open", "text")
        if spaced and toks[k - 1].kind in ("atom", "close", "punct", "text"):
            src = "space " + src  # `unit 2 43%`: the space the line had
        out.append("(" * wrap_open.get(k, 0) + src + ")" * wrap_close.get(k, 0))
    return " ".join(out)


def math(value: str) -> str:
    """`value` (an equation as the terminal shows it) as Typst math, without the dollars."""
    return _math_of(_tokens(value))


def line(value: str) -> str:
    """A line of a worked example as markup: prose words as text (so the line wraps at its
    spaces), everything between them as inline equations (which wrap at their operators)."""
    toks = _tokens(value)
    # prose: words, the punctuation and hyphens stuck to them, and the articles between them
    prose = [t.kind == "text" for t in toks]
    for k, tok in enumerate(toks):
        if tok.kind == "atom" and tok.src in ("a", "A", "I") and k + 1 < len(toks):
            nxt = toks[k + 1]
            word = nxt.kind == "text" or nxt.src.startswith("op(")
            if word and not nxt.glued and (k == 0 or prose[k - 1]):
                prose[k] = True
    for k, tok in enumerate(toks):
        if not prose[k] and k and prose[k - 1] and tok.glued and tok.kind == "punct":
            prose[k] = True
        hyphen = tok.src == "-" and 0 < k < len(toks) - 1 and prose[k - 1] and tok.glued
        if hyphen and toks[k + 1].kind == "text" and toks[k + 1].glued:
            prose[k] = True
    for k in range(len(toks) - 1, -1, -1):  # `= 23.` and `64: showing`: text punctuation
        tok = toks[k]
        if tok.kind == "punct" and tok.glued and tok.src in ".,:;" and not prose[k]:
            last = k + 1 == len(toks)
            if last or (prose[k + 1] and not toks[k + 1].glued):
                prose[k] = True
    out: list[str] = []
    k = 0
    while k < len(toks):
        j = k
        while j + 1 < len(toks) and prose[j + 1] == prose[k]:
            j += 1
        lead = " " if k and not toks[k].glued else ""
        if prose[k]:
            out.append(lead + text(value[toks[k].start : toks[j].end]))
        else:
            out.append(lead + "$" + _math_of(toks[k : j + 1]) + "$")
        k = j + 1
    return "".join(out)


# ------------------------------------------------------------------------------ the page

PREAMBLE = """\
#let accent = rgb("#005a78")
#let muted = luma(90)
#let window-fill = rgb("#ffe680")
#set document(title: TITLE)
#set page(paper: PAPER, margin: (x: 15mm, top: 17mm, bottom: 14mm),
  header: context {
    set text(size: 8pt, fill: muted)
    if counter(page).get().first() > 1 { TITLE }
    h(1fr)
    [page #counter(page).display() of #counter(page).final().first()]
  })
#set text(font: "New Computer Modern", size: 9.5pt, lang: "en", hyphenate: false)
#show math.equation: set text(font: "New Computer Modern Math")
#show raw: set text(font: "DejaVu Sans Mono", size: 7pt)
#set par(leading: 0.5em, spacing: 0.7em, justify: false)
#show regex("\\p{L}+(-\\p{L}+)+"): box  // a line never ends inside "encoder-decoder"
#let q(n, body) = block(breakable: false, width: 100%, below: 0.9em,
  grid(columns: (2.2em, 1fr), text(weight: "bold", fill: accent)[#n.], body))
#let opts(items, two: false) = grid(columns: if two { (1fr, 1fr) } else { (1fr,) },
  column-gutter: 1.2em, row-gutter: 0.35em, inset: (top: 0.2em),
  ..items.enumerate().map(((k, o)) => par(hanging-indent: 1.6em,
    [#box(width: 1.6em, text(weight: "bold", fill: accent, numbering("A)", k + 1)))#o])))
#let writing(n) = block(above: 0.5em, for _ in range(n) {
  block(height: 1.6em, width: 100%, above: 0pt, below: 0pt,
    align(bottom, line(length: 100%, stroke: 0.5pt + luma(160)))) })
#let boxes(labels) = block(above: 0.6em, stack(dir: ltr, spacing: 0.5em,
  ..labels.map(l => box(width: 2.1em, height: 2.1em, stroke: 0.6pt + luma(110), inset: 2pt,
    align(top + left, text(size: 6.5pt, fill: muted, l))))))
#let empty-grid(rows, cols) = block(above: 0.6em, table(columns: (3.8em,) * cols,
  rows: (1.8em,) * rows, stroke: 0.6pt + luma(110), ..((([],) * cols) * rows)))
#let blanks(n) = block(above: 0.5em, for k in range(n) {
  block(above: 0pt, below: 0pt, height: 1.6em, grid(columns: (2.4em, 1fr),
    align(bottom)[[#(k + 1)]], align(bottom, line(length: 100%, stroke: 0.5pt + luma(160))))) })
#let matrix(cells, hi: none, dim: none, title: none) = {
  let rows = cells.len()
  let cols = if rows > 0 { cells.at(0).len() } else { 0 }
  block(breakable: false, {
    if title != none { text(size: 8pt, fill: muted, title); linebreak() }
    table(columns: cols, inset: (x: 4pt, y: 2.5pt), align: right, stroke: 0.4pt + luma(170),
      fill: (x, y) => if hi != none and hi.at(y).at(x) { window-fill } else { none },
      ..cells.enumerate().map(((i, row)) => row.enumerate().map(((j, c)) =>
        if dim != none and dim.at(i).at(j) { text(fill: muted, c) } else { c })).flatten())
  })
}
#let step(n, total, title, body) = block(breakable: false, width: 100%, above: 0.8em, {
  strong(text(fill: accent)[Step #n of #total])
  [ --- ]
  strong(title)
  block(above: 0.4em, inset: (left: 0.8em), body)
})
#let eqs(rows) = grid(columns: (auto, auto), column-gutter: 1.5em, row-gutter: 0.45em,
  ..rows.map(((e, c)) => (par(hanging-indent: 1.5em, e), text(fill: muted, c))).flatten())
#let note(body) = block(above: 0.4em, par(hanging-indent: 1em, [→ #emph(body)]))
"""


def document(title: str, body: str, *, paper: str = "a4") -> str:
    """A whole Typst document: page size, the running header (`title`, page n of m), fonts
    and the layout functions, then `body`."""
    page = {"a4": '"a4"', "letter": '"us-letter"'}[paper]
    head = PREAMBLE.replace("TITLE", string(title)).replace("PAPER", page)
    return head + "\n" + body + "\n"


def compile_pdf(source: str) -> bytes:
    """The PDF of a Typst `source`, compiled in process with the compiler's own fonts only."""
    if not available():
        raise InputError(MISSING)
    import typst

    try:
        out = typst.compile(source.encode("utf-8"), format="pdf", ignore_system_fonts=True)
    except typst.TypstError as exc:  # markup built here: a bug, said in one line
        first = (str(exc).strip().splitlines() or ["no reason given"])[0]
        raise InputError(f"--export: Typst could not set this page: {first}") from None
    return out if isinstance(out, bytes) else b"".join(out)


# ------------------------------------------------------------------------------ worked examples


def _line_parts(parts: Sequence[Any], precision: int) -> str:
    return line(format_line(parts, precision))


def equations(lines: Sequence[Sequence[Any]], precision: int) -> str:
    """A block of lines: equations with their comments in a column, sentences as paragraphs."""
    out: list[str] = []
    rows: list[tuple[str, str]] = []

    def flush() -> None:
        if rows:
            cells = ", ".join(f"([{e}], [{c}])" for e, c in rows)
            out.append(f"#eqs(({cells},))")
            rows.clear()

    for parts in lines:
        body, comment = split_comment(parts)
        if comment is not None:
            rows.append((_line_parts(body, precision), line(comment)))
            continue
        flush()
        out.append(f"#par(hanging-indent: 1.5em)[{_line_parts(body, precision)}]")
    flush()
    return "\n".join(out)


def _cells(values: np.ndarray, precision: int) -> list[list[str]]:
    arr = np.atleast_2d(np.asarray(values, dtype=float))
    finite = [float(v) for v in arr.flat if _math.isfinite(v)]
    texts = iter(format_entries(finite, precision)) if finite else iter(())
    return [[next(texts) if _math.isfinite(v) else "·" for v in row] for row in arr]


MAX_SIDE = 12  # rows or columns of a matrix set in full; a larger one shows its corners


def _keep(n: int) -> list[int]:
    """Indices along one axis of at most `MAX_SIDE` entries; -1 stands for ``…``."""
    if n <= MAX_SIDE:
        return list(range(n))
    head = MAX_SIDE - 2
    return [*range(head), -1, n - 1]


def _corners(rows: list[list[Any]], filler: Any) -> list[list[Any]]:
    """`rows` with the middle rows and columns of a large matrix as one `filler` row/column."""
    if not rows:
        return rows
    keep_r, keep_c = _keep(len(rows)), _keep(len(rows[0]))
    return [[filler if i < 0 or j < 0 else rows[i][j] for j in keep_c] for i in keep_r]


def matrix(values: Any, precision: int, *, title: str = "") -> str:
    """A matrix as a small ruled table (a vector as one column, as the units it feeds); one
    over `MAX_SIDE` rows or columns shows its corners around ``…``."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    call = f"#matrix({array(_corners(_cells(arr, precision), '…'))}"
    return call + (f", title: [{line(title)}])" if title else ")")


def _grid(grid: Grid, precision: int) -> str:
    r0, r1, c0, c1 = grid.window
    o_r, o_c = grid.origin
    n, m = grid.shape
    rows, cols = grid.values.shape
    cells = _cells(grid.values, precision)
    hi = [[r0 <= i < r1 and c0 <= j < c1 for j in range(cols)] for i in range(rows)]
    dim = [
        [
            not (o_r <= i < o_r + n and o_c <= j < o_c + m) and not _math.isnan(grid.values[i, j])
            for j in range(cols)
        ]
        for i in range(rows)
    ]
    for i in range(rows):
        for j in range(cols):
            if dim[i][j]:
                cells[i][j] = grid.pad_text
    padded = ", padded" if (o_r or o_c or rows > n) else ""
    label = f"{grid.input_label} ({n}x{m}{padded})" if grid.whole else grid.input_label
    cells, hi, dim = _corners(cells, "…"), _corners(hi, False), _corners(dim, True)
    blocks = [
        f"#matrix({array(cells)}, hi: {array(hi)}, dim: {array(dim)}, title: [{line(label)}])"
    ]
    if grid.kernel is not None:
        kr, kc = grid.kernel.shape
        blocks.append(matrix(grid.kernel, precision, title=f"kernel ({kr}x{kc})"))
    if grid.output is not None:
        pi, pj = grid.position
        orows, ocols = grid.output.shape
        out = _cells(grid.output, precision)
        later = [[i * ocols + j > pi * ocols + pj for j in range(ocols)] for i in range(orows)]
        for i in range(orows):
            for j in range(ocols):
                if later[i][j]:
                    out[i][j] = "·"
        now = [[(i, j) == (pi, pj) for j in range(ocols)] for i in range(orows)]
        out, now, later = _corners(out, "…"), _corners(now, False), _corners(later, True)
        title = f"{grid.output_label} ({orows}x{ocols})"
        blocks.append(
            f"#matrix({array(out)}, hi: {array(now)}, dim: {array(later)}, title: [{line(title)}])"
        )
    return (
        "#block(above: 0.5em, stack(dir: ltr, spacing: 1.2em, "
        + ", ".join(f"[{b}]" for b in blocks)
        + "))"
    )


def _table(step: Step, precision: int) -> str:
    assert step.table is not None
    head = ", ".join(f"[{line(h)}]" for h in step.table.header)
    rows = ", ".join(f"[{line(format_part(c, precision))}]" for row in step.table.rows for c in row)
    n = len(step.table.header)
    return (
        f"#block(above: 0.5em, table(columns: {n}, stroke: none, inset: (x: 6pt, y: 2pt), "
        f"align: (x, y) => if x == 0 {{ left }} else {{ right }}, "
        f"table.header({head}), table.hline(stroke: 0.4pt + luma(150)), {rows}))"
    )


def step_markup(
    step: Step, n: int, total: int, precision: int, chart: Callable[[Chart], str] | None = None
) -> str:
    """One numbered step: its heading, equations, table, grid, chart and reading."""
    body = [equations(step.lines, precision)]
    if step.table is not None:
        body.append(_table(step, precision))
    if step.grid is not None:
        body.append(_grid(step.grid, precision))
    if step.chart is not None and chart is not None:
        body.append(f"#block(above: 0.6em, raw({string(chart(step.chart))}, block: true))")
    if step.note:
        body.append(f"#note[{line(step.note)}]")
    inner = "\n".join(b for b in body if b)
    return f"#step({n}, {total}, [{line(step.title)}], [\n{inner}\n])"


def inputs_markup(worked: Worked, names: dict[str, str], precision: int) -> str:
    """``inputs  x_t = [1, -1]   h_{t-1} = [0.5, -0.5]`` as one wrapping line of equations."""
    items = []
    for key, label in names.items():
        if key not in worked.inputs:
            continue
        value = np.asarray(worked.inputs[key], dtype=float)
        if key == "x" and value.ndim == 2:
            shown = f"x1..x{value.shape[0]} = " + format_part(value, precision)
            items.append(line(shown) + text(" (one row per step)"))
        else:
            items.append(line(f"{label} = " + format_part(value, precision)))
    if not items:
        return ""
    return (
        "#par(hanging-indent: 1.5em)["
        + text("inputs")
        + " #h(0.8em) "
        + " #h(1.2em) ".join(items)
        + "]"
    )


def weights_markup(worked: Worked, precision: int, note: str = "") -> str:
    """Every gate's weights: its label, then its matrices side by side."""
    if not worked.groups:
        return ""
    label = "weights" + (f" ({note})" if note else "")
    rows = [f"#text(fill: muted)[{text(label)}]"]
    for group in worked.groups:
        blocks = []
        for name in group.names:
            value = np.asarray(worked.params[name], dtype=float)
            shape = "x".join(str(s) for s in value.shape)
            blocks.append(f"[{matrix(value, precision, title=f'{name} ({shape})')}]")
        rows.append(
            f"#block(above: 0.4em, breakable: false, grid(columns: (7em, 1fr), "
            f"[{text(group.label)}], stack(dir: ltr, spacing: 1em, {', '.join(blocks)})))"
        )
    return "\n".join(rows)


def header_markup(worked: Worked, precision: int, names: dict[str, str]) -> str:
    parts = [f'#block(below: 0.6em, text(weight: "bold", size: 11pt)[{line(worked.title)}])']
    if worked.intro:
        parts.append(
            "#block(stroke: 0.5pt + luma(150), inset: 6pt, radius: 2pt, breakable: false)["
            + equations(worked.intro, precision)
            + "]"
        )
    inputs = inputs_markup(worked, names, precision)
    if inputs:
        parts.append(inputs)
    weights = weights_markup(worked, precision, worked.weights_note)
    if weights:
        parts.append(weights)
    return "\n".join(parts)


def result_markup(worked: Worked, precision: int) -> str:
    body = ['#block(above: 1em, text(weight: "bold", fill: rgb("#1a6b2a"))[Result])']
    answer = worked.result.get(worked.answer_key)
    if worked.kind in ("pool", "conv") and answer is not None:
        out = np.asarray(answer)
        body.append(matrix(out, precision, title=f"output ({out.shape[0]}x{out.shape[1]})"))
    for parts in worked.outro:
        body.append(f"#par(hanging-indent: 1.5em)[{_line_parts(parts, precision)}]")
    if worked.summarised:
        body.append(
            "#text(fill: muted)["
            + text("(a summary: the input was too big to show every step; --json has every value)")
            + "]"
        )
    return "#block(breakable: false)[\n" + "\n".join(body) + "\n]"


def worked_markup(
    worked: Worked,
    precision: int,
    *,
    names: dict[str, str],
    chart: Callable[[Chart], str] | None = None,
    upto: int | None = None,
    header: bool = True,
    two_columns: bool = False,
) -> str:
    """A worked example as markup: header, steps (the first `upto`), then the result when
    every step is shown. `two_columns` sets narrow steps (one window each) side by side."""
    total = len(worked.steps)
    last = total if upto is None else upto
    steps = [
        step_markup(s, n, total, precision, chart) for n, s in enumerate(worked.steps[:last], 1)
    ]
    parts = [header_markup(worked, precision, names)] if header else []
    if two_columns and len(steps) > 2:
        parts.append(steps[0])
        # rows of two (a grid row breaks to the next page whole; columns would not balance)
        cells = ", ".join(f"[{x}]" for x in steps[1:])
        parts.append(f"#grid(columns: (1fr, 1fr), column-gutter: 1.2em, {cells})")
    else:
        parts.extend(steps)
    if last == total:
        parts.append(result_markup(worked, precision))
    return "\n".join(parts)
