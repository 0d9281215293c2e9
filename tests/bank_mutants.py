"""Mutants of a bank's text for fuzzing the loader: lines deleted, doubled, swapped, scalars and
types changed, tags, aliases, control characters, deep nesting, truncation. Deterministic for
a given seed. Used by `tests/test_bank_fuzz.py` (a few hundred in `make test`) and `make fuzz`."""

from __future__ import annotations

import random

_SCALARS = [
    "!!float abc", "!!int abc", "!!bool abc", "!!timestamp 2001-13-45", "!!binary ===",
    "!!python/object/apply:os.system ['true']", "[1, [2, [3]]]", "{a: {b: c}}", "~", "-1",
    "1e400", ".nan", "-.inf", "10000000000000000000000", "''", "'\\x1b[2J'", "\"\\e]0;x\\a\"",
    "\"\\u202e\"", "*nosuch", "&a [*a]", "yes", "0x1F", "2001-12-14", "[]", "{}", "|\n  text",
    "A", "Z", "[A, Z]", "!!set {a, b}", "!!omap [a: 1]", "\"\\x00\"",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        lines = _one(lines, rng)
    return "\n".join(lines)


def _one(lines: list[str], rng: random.Random) -> list[str]:
    k = rng.randrange(len(lines))
    op = rng.randrange(11)
    line = lines[k]
    if op == 0:
        return lines[:k] + lines[k + 1 :]
    if op == 1:
        return lines[: k + 1] + [line] + lines[k + 1 :]
    if op == 2:
        j = rng.randrange(len(lines))
        lines = list(lines)
        lines[k], lines[j] = lines[j], lines[k]
        return lines
    if op in (3, 4, 5) and ":" in line:
        key = line.split(":", 1)[0]
        return lines[:k] + [f"{key}: {rng.choice(_SCALARS)}"] + lines[k + 1 :]
    if op == 6:
        pos = rng.randrange(len(line) + 1)
        char = rng.choice(["\x1b", "\x07", "\x9b", "\u202e", "\x00", "\t", "\r", "\x7f"])
        return lines[:k] + [line[:pos] + char + line[pos:]] + lines[k + 1 :]
    if op == 7 and ":" in line:
        key = line.split(":", 1)[0]
        depth = rng.choice([50, 340, 990])
        nested = (
            "[" * depth + "]" * depth if rng.random() < 0.5 else "{a: " * depth + "1" + "}" * depth
        )
        return lines[:k] + [f"{key}: {nested}"] + lines[k + 1 :]
    if op == 8:
        bomb = ["  - id: bomb", "    type: numeric", "    topic: cnn", "    prompt: P"]
        bomb.append("    compute: {kind: pool, a: &a [1,1,1,1,1,1,1,1,1,1],"
                    " b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b],"
                    " d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]}")  # fmt: skip
        return lines[:k] + bomb + lines[k:]
    if op == 9:
        return lines[: rng.randrange(1, len(lines) + 1)]
    if op == 10 and line.strip():
        pos = rng.randrange(len(line) + 1)
        return (
            lines[:k]
            + [line[:pos] + rng.choice("'\"[]{}:-&*!|>%@`#,?") + line[pos:]]
            + lines[k + 1 :]
        )
    return lines
