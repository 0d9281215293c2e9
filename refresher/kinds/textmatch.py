"""Matching a typed word or phrase against accepted answers, forgiving what a grader forgives.

Used by the `blank` and `cloze` kinds. Case, accents, hyphens and spacing never matter, except
that a minus sign written before a digit belongs to the number (`-1` is not `1`). Beyond that,
an answer is accepted when it differs from an accepted one only by:
- repeating the words printed right around the blank (`gradient clipping` for `gradient ____`);
- a plural/singular ending (`gates` for `gate`);
- one typo (a letter wrong, missing, extra, or two swapped) in a word of 5+ letters (never in
  a number: `33025` is not `33024`);
- a number written as a word (`two` for `2`).
A plural or a typo is named in a note ("spelled update"). On a miss, `diff` shows the typed
text against the nearest accepted answer, character by character. Pure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

import msgspec

BLANK_MARK = re.compile(r"_{3,}")
_NUMBERS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_NUMBERS)}
TYPO_MIN = 5  # words this long may carry one typo
_DASHES = "-_‐‑‒–—−"  # hyphen-minus, underscore, the Unicode hyphens and dashes, the minus sign
# A dash (with optional spaces) right before a digit and not right after a letter or digit is a
# minus sign: `-1`, `b_f = -1`, `(−2)`. Elsewhere dashes join words and fold to a space.
_MINUS = re.compile(r"(?<![^\W_])[-‐‑‒–—−]\s*(?=\d)")
_DASH_RUN = re.compile(f"[{re.escape(_DASHES)}]+")


def fold(text: str) -> str:
    """Case, accents, hyphens, spacing and edge punctuation folded for comparing answers."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("×", "x")  # 2×2 is how sizes are printed
    text = _MINUS.sub("\0", text)  # kept apart from the dashes folded below
    text = _DASH_RUN.sub(" ", text).replace("\0", "-")
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?'\"()")


def _words(text: str) -> list[str]:
    return [_NUMBER_WORDS.get(w, w) for w in fold(text).split()]


def _context(text: str, *, last: bool) -> list[str]:
    """Up to three words of `text` next to a blank (its end when `last`, else its start)."""
    words = [w for w in (_words(text.replace("*", " ")) if text else []) if w]
    return words[-3:] if last else words[:3]


class Match(msgspec.Struct, frozen=True):
    ok: bool
    nearest: str  # the accepted answer the typed one matched, or came closest to
    note: str = ""  # said when accepted with a plural or a typo: "spelled hidden state"


def match(typed: str, accepted: Sequence[str], before: str = "", after: str = "") -> Match:
    """Whether `typed` is one of `accepted`, given the text printed `before` and `after` it."""
    given = _words(typed)
    folded = {a: _words(a) for a in accepted}
    candidates = _without_context(given, _context(before, last=True), _context(after, last=False))
    for words in candidates:
        for answer, target in folded.items():
            if words == target or "".join(words) == "".join(target):
                return Match(True, answer)
    for words in candidates:
        for answer, target in folded.items():
            if len(words) == len(target) and all(
                _close(g, t) for g, t in zip(words, target, strict=True)
            ):
                return Match(True, answer, note=f"spelled {answer}")
    return Match(False, _nearest(typed, accepted))


def _without_context(given: list[str], before: list[str], after: list[str]) -> list[list[str]]:
    """The typed words, and the same with the words around the blank taken off either end."""
    heads = [given]
    for k in range(1, len(before) + 1):
        if len(given) > k and given[:k] == before[-k:]:
            heads.append(given[k:])
    out = list(heads)
    for words in heads:
        for k in range(1, len(after) + 1):
            if len(words) > k and words[-k:] == after[:k]:
                out.append(words[:-k])
    return out


def _close(given: str, target: str) -> bool:
    if given == target or _singular(given) == _singular(target):
        return True
    if not (given.isalpha() and target.isalpha()):
        return False  # a typo in a number, or next to a sign, changes its value
    return len(target) >= TYPO_MIN and one_edit(given, target)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` with one substitution, insertion, deletion or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _nearest(typed: str, accepted: Sequence[str]) -> str:
    given = fold(typed)
    return max(accepted, key=lambda a: difflib.SequenceMatcher(None, given, fold(a)).ratio())


DIFF_MIN_RATIO = 0.5  # answers further apart than this get no diff: it would be noise


def diff(typed: str, expected: str) -> list[tuple[str, str]]:
    """Segments of (`same` | `extra` | `missing`, text) turning `typed` into `expected`, or []
    when the two are too far apart for a diff to help."""
    a, b = typed.strip(), expected
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False)
    if matcher.ratio() < DIFF_MIN_RATIO:
        return []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("same", a[i1:i2]))
            continue
        if i2 > i1:
            out.append(("extra", a[i1:i2]))
        if j2 > j1:
            out.append(("missing", b[j1:j2]))
    return out
