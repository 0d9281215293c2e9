"""Which key points of an interview question a typed answer covers (pure core).

Both the answer and each point are cut into words, the words are reduced by a small stemmer
written here (`stem`), and function words are dropped (`STOP_WORDS`). A point is covered when
the answer shares enough of the point's remaining words, each weighted by how specific it is to
that point among the question's points: a word every point shares ("gate" in a question about
gates) counts for little, a word only one point has counts in full. A point is covered too when
the answer names one of its two-word terms written together (`exposure bias`, `scheduled
sampling`) whose words belong to that point alone. `match` returns, per point,
whether it is covered and which words of the answer matched, with their places in the answer, so
the shell can highlight them. The learner confirms or changes the result: it is a first guess,
not a grade.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Share of a point's (weighted) words an answer must contain for the point to count as covered,
# and the fewest distinct words that must match when the point has more than this many.
COVER_SHARE = 0.4
MIN_WORDS = 2

_STOP_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each either
    else etc even ever every few for from further had has have having he her here hers him his
    how however i if in into is it its itself just let like made make makes many may me might
    more most much must my near no nor not now of off often on once one only onto or other our
    ours out over own per quite rather really same say says she should since so some such than
    that the their theirs them then there these they this those though through thus to too under
    until up upon us use used uses using very via was way we well were what when where whether
    which while who whom whose why will with within without would yet you your yours e g eg ie
    vs
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_NUMBER_WORDS = {
    "zero": "0",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twice": "2",
    "double": "2",
    "doubles": "2",
    "half": "0.5",
}

# Longest first: the first suffix that fits is the one removed.
_IZE = ("isations", "izations", "isation", "ization", "ising", "izing", "ised", "ized", "ises")
_IZE += ("izes", "ise", "ize")
_WORD = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_MIN_STEM = 3


def stem(word: str) -> str:
    """A crude English stem: `gates`, `gated`, `gating` -> `gat`; `memories` -> `memori`;
    `regularisation`, `regularize` -> `regulariz`. Lower-case words in, lower-case out."""
    w = word.lower()
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w]
    if w == "σ":  # the sigmoid as the worked solutions write it; typed, it is "sigma"
        return "sigma"
    if len(w) <= _MIN_STEM or w[0].isdigit():
        return w
    for suffix in _IZE:
        if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_STEM:
            return w[: -len(suffix)] + "iz"
    w = _strip_ending(w)
    if w.endswith("y") and len(w) > _MIN_STEM and w[-2] not in "aeiou":
        w = w[:-1] + "i"
    if w.endswith("e") and len(w) > _MIN_STEM:
        w = w[:-1]
    return w


def _strip_ending(w: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ness", "ingly", "edly", "ings", "ing"):
        if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_STEM:
            return _undouble(w[: -len(suffix)])
    if w.endswith("ied") or w.endswith("ies"):
        return w[:-3] + "y" if len(w) > 4 else w
    if w.endswith("ed") and len(w) - 2 >= _MIN_STEM:
        return _undouble(w[:-2])
    if w.endswith("ly") and len(w) - 2 >= _MIN_STEM + 1:
        return w[:-2]
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is", "as")):
        return w[:-1]
    return w


def _undouble(w: str) -> str:
    """`forgett` -> `forget`, `stopp` -> `stop`; `pass`, `fill`, `buzz` stay."""
    if len(w) > _MIN_STEM and w[-1] == w[-2] and w[-1] not in "aeiouylsz":
        return w[:-1]
    return w


@dataclass(frozen=True)
class Word:
    """One word of a text: where it is (`text[start:end]`) and its stem."""

    start: int
    end: int
    stem: str


def words(text: str) -> list[Word]:
    """The content words of `text` with their places: stop words and single letters dropped."""
    out = []
    for m in _WORD.finditer(text):
        raw = m.group().lower()
        if raw in STOP_WORDS or (len(raw) == 1 and not raw.isdigit()):
            continue
        out.append(Word(m.start(), m.end(), stem(raw)))
    return out


def stems(text: str) -> frozenset[str]:
    return frozenset(w.stem for w in words(text))


@dataclass(frozen=True)
class PointMatch:
    covered: bool
    matched: tuple[str, ...]  # the answer's words (as typed, lower-cased, each once) that matched
    stems: frozenset[str]  # the matched stems
    share: float  # weighted share of the point's words found in the answer


@dataclass(frozen=True)
class Coverage:
    """What `match` found: one `PointMatch` per point, and the places of the matched words in
    the answer (of covered points only) for highlighting."""

    points: tuple[PointMatch, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def ticked(self) -> tuple[int, ...]:
        """Indices of the covered points."""
        return tuple(k for k, p in enumerate(self.points) if p.covered)


def match(answer: str, points: Sequence[str]) -> Coverage:
    """Which of `points` the `answer` covers (see the module's rules)."""
    said = words(answer)
    said_stems = {w.stem for w in said}
    per_point = [stems(p) for p in points]
    counts: dict[str, int] = {}
    for s in per_point:
        for st in s:
            counts[st] = counts.get(st, 0) + 1
    said_pairs = _pairs(answer, said)
    results = []
    for text, s in zip(points, per_point, strict=True):
        result = _judge(s, said_stems, counts, answer, said)
        if not result.covered:
            result = _by_term(result, _pairs(text, words(text)), said_pairs, counts, answer, said)
        results.append(result)
    hit = set().union(*(r.stems for r in results if r.covered)) if results else set()
    spans = tuple((w.start, w.end) for w in said if w.stem in hit)
    return Coverage(tuple(results), spans)


def _judge(
    point: frozenset[str], said: set[str], counts: dict[str, int], answer: str, words_: list[Word]
) -> PointMatch:
    if not point:
        return PointMatch(False, (), frozenset(), 0.0)
    weight = {st: 1.0 / counts[st] for st in point}
    found = point & said
    # summed in a fixed order: a share on the threshold must not depend on set order
    share = sum(weight[st] for st in sorted(found)) / sum(weight[st] for st in sorted(point))
    enough = min(MIN_WORDS, len(point))
    covered = share >= COVER_SHARE - 1e-9 and len(found) >= enough
    typed = []
    for w in words_:
        if w.stem in found:
            word = answer[w.start : w.end].lower()
            if word not in typed:
                typed.append(word)
    return PointMatch(covered, tuple(typed), frozenset(found), share)


def _pairs(text: str, found: list[Word]) -> set[tuple[str, str]]:
    """Content words written next to each other (`exposure bias`, `scheduled sampling`, with
    nothing but a space or hyphen between): a named idea."""
    return {
        (a.stem, b.stem)
        for a, b in zip(found, found[1:], strict=False)
        if a.stem != b.stem and not text[a.end : b.start].strip(" -")
    }


def _by_term(
    result: PointMatch,
    point_pairs: set[tuple[str, str]],
    said_pairs: set[tuple[str, str]],
    counts: dict[str, int],
    answer: str,
    words_: list[Word],
) -> PointMatch:
    """A point is also covered when the answer names one of its two-word terms, both words
    belonging to this point alone: saying `exposure bias` covers "Exposure bias: ..."."""
    for first, second in sorted(point_pairs & said_pairs):
        if counts.get(first) == 1 and counts.get(second) == 1:
            found = result.stems | {first, second}
            typed = []
            for w in words_:
                word = answer[w.start : w.end].lower()
                if w.stem in found and word not in typed:
                    typed.append(word)
            return PointMatch(True, tuple(typed), frozenset(found), result.share)
    return result
