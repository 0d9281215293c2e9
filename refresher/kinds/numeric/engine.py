"""Numeric questions: fresh inputs per attempt, answers computed by the explain engine, grading.

A numeric item's `compute:` spec names an explain kind (`pool`, `lstm`, ...) and its inputs.
Any input may be random, drawn per attempt:

    {random: [4, 4], low: 0, high: 9}      integers in [low, high], this shape ([] = a scalar)
    {random: [3], low: -1, high: 1, decimals: 1}   multiples of 0.1
    {choice: [avg, max]}                   one of the listed values

`instantiate(question, seed)` resolves them with a generator seeded from the round's seed and the
question's key, so `quiz --seed S` and `print --seed S` show the same numbers whatever the order.
`ask:` picks which result is asked (default: the example's main answer). Pure: NumPy, no I/O.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from refresher.core import limits
from refresher.core.errors import BankError, InputError
from refresher.core.model import Outcome
from refresher.core.parse import parse_matrix, parse_scalar, parse_vector
from refresher.explain import registry
from refresher.explain.spec import Problem, SpecError
from refresher.explain.steps import Worked, format_number
from refresher.kinds.numeric import mistakes
from refresher.kinds.numeric.model import NumericQuestion


def _core(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The registry's spec: `ask:` (the bank's word) is the registry's `answer:`."""
    core = dict(spec)
    if "ask" in core:
        core["answer"] = core.pop("ask")
    return core


@dataclass(frozen=True)
class Instance:
    """One attempt's concrete spec, its worked solution and the value asked for."""

    spec: dict[str, Any]
    worked: Worked
    ask: str
    seed: int | None = None  # the seed it was drawn from: `instantiate(question, seed)` again

    @property
    def expected(self) -> np.ndarray:
        return np.asarray(self.worked.result[self.ask], dtype=float)

    @property
    def answered_at(self) -> int:
        """How many steps a solution shows: up to the last step that computes the value asked
        (a question about z_t stops at z_t), or every step when none names it."""
        steps = self.worked.steps
        asked = [n for n, s in enumerate(steps, 1) if self.ask in s.values]
        return asked[-1] if asked else len(steps)


# How asked values read to a learner: the session's notation, not result keys.
ASKED = {
    "output": "the output map",
    "output_size": "the output size (rows cols)",
    "count": "the parameter count (one bias per weight block)",
    "pytorch": "PyTorch's parameter count (two biases per weight block)",
    "norms": "the gradient norms",
    "cell_norms": "‖∂c_T/∂c_0‖ along the cell state, T = 1..steps",
    "final_norm": "‖∂h_T/∂h_0‖ after the last step",
    "vanish_step": "the first T at which ‖∂h_T/∂h_0‖ is below 0.01",
    "loss": "the loss L",
    "dL_dW_h": "∂L/∂W_h",
    "dL_dW_x": "∂L/∂W_x",
    "dL_db_h": "∂L/∂b_h",
    "dL_dW_y": "∂L/∂W_y",
    "dL_db_y": "∂L/∂b_y",
    "dL_dh": "∂L/∂h_t for t = 1..T (one row per step)",
    "contribution_norms": "the norm of each step's share of ∂L/∂W_h, t = 1..T",
    "scores": "the scores q·k_j (before any scaling)",
    "scaled": "the scores the softmax takes, s_j = q·k_j / √d_k",
    "weights": "the attention weights a_j = softmax(s)_j",
    "context": "the context vector c = Σ a_j·v_j",
    "log_probs": "log p_t for each token",
    "nll": "the mean negative log-likelihood, NLL = -(1/T) Σ log p_t",
    "perplexity": "the perplexity",
    "prob": "the probability of the sequence beam search returns",
    "greedy_prob": "the probability of the sequence greedy decoding writes",
    "best_prob": "the probability of the most probable sequence",
    "sequence": "the tokens beam search returns, as numbers (A = 1, B = 2, ...)",
    "greedy_sequence": "the tokens greedy decoding writes, as numbers (A = 1, B = 2, ...)",
}
# Asked values whose name depends on the kind (a layer's shapes, not a pooled map).
ASKED_BY_KIND = {
    "lstm": {"step": "the whole step, one row each: f_t; i_t; g_t; o_t; c_t; h_t"},
    "gru": {"step": "the whole step, one row each: r_t; z_t; n_t; h_t"},
    "shapes": {
        "input": "the input's shape",
        "output": "the output's shape",
        "h_n": "the final hidden state's shape (h_n; Keras: the state h)",
        "c_n": "the final cell state's shape (c_n; Keras: the state c)",
        "returned": "how many tensors the layer call returns",
    },
}
EACH = {
    "norms": "one per step",
    "cell_norms": "one per step",
    "contribution_norms": "one per step",
    "dL_db_y": "one per output",
    "y": "one per output",
    "logits": "one per output",
    "scores": "one per key",
    "scaled": "one per key",
    "weights": "one per key",
    "context": "one per value entry",
    "log_probs": "one per token",
    "sequence": "one per token",
    "greedy_sequence": "one per token",
}
CELL_SUFFIX = {"rnn": "1", "lstm": "_t", "gru": "_t"}


def asked_name(kind: str, key: str) -> str:
    """How the value `key` asked of a `kind` example reads to a learner (``z_t``)."""
    if key in ASKED_BY_KIND.get(kind, {}):
        return ASKED_BY_KIND[kind][key]
    if key in ASKED:
        return ASKED[key]
    suffix = CELL_SUFFIX.get(kind)
    if suffix and len(key) == 1:
        return f"{key}{suffix}"  # h -> h1 (RNN), f -> f_t (LSTM)
    if suffix and key.startswith("a_"):
        return f"{key} (pre-activation)"
    return key


# How a numeric question's settings read to a learner, on screen and in text exports.
SETTING_NAMES = {
    "mode": "mode",
    "size": "window",
    "stride": "stride",
    "padding": "padding",
    "ceil": "ceil mode",
    "exclude_pad": "padding excluded from the divisor",
    "cell": "cell",
    "input_size": "input size",
    "hidden_size": "hidden size",
    "output_size": "output size",
    "variant": "variant",
    "loss": "loss",
    "scale": "S",
    "steps": "T",
    "hidden": "hidden units",
    "forget_bias": "forget-gate bias b_f",
    "scaled": "scores divided by √d_k",
    "base": "log base",
    "width": "beam width k",
}


def setting_parts(name: str, value: Any) -> tuple[str, str] | None:
    """(label, value as text; "" for an on flag) of a named setting, None when it is not
    shown (off, unset, no output layer) or is not a setting."""
    label = SETTING_NAMES.get(name)
    if label is None or value is None or value is False or (name == "output_size" and not value):
        return None
    if value is True:
        return label, ""
    if isinstance(value, list | tuple) and len(value) == 2:
        return label, f"{value[0]}x{value[1]}"
    return label, str(value)


# Kinds whose inputs spell out every setting (the layer as code): only those inputs are shown.
SPELLED_OUT = {"shapes": ("layer", "data")}


def used_params(params: Mapping[str, Any], kind: str = "") -> dict[str, Any]:
    """The settings that matter for the cell: the forget-gate bias only for an LSTM; for a kind
    whose inputs say them all (`SPELLED_OUT`), those inputs alone."""
    if kind in SPELLED_OUT:
        return {k: params[k] for k in SPELLED_OUT[kind] if k in params}
    return {
        k: v for k, v in params.items() if not (k == "forget_bias" and params.get("cell") == "rnn")
    }


def instance_rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(key.encode())])


def _is_random(value: Any) -> bool:
    return isinstance(value, Mapping) and ("random" in value or "choice" in value)


def _draw(value: Mapping[str, Any], rng: np.random.Generator) -> Any:
    if "choice" in value:
        options = list(value["choice"])
        return options[int(rng.integers(len(options)))]
    shape = value["random"]
    shape = [shape] if isinstance(shape, int) else list(shape)
    low, high = value.get("low", 0), value.get("high", 9)
    decimals = int(value.get("decimals", 0))
    scale = 10**decimals
    drawn = rng.integers(round(low * scale), round(high * scale) + 1, size=shape) / scale
    if decimals == 0:
        drawn = drawn.astype(int)
    return drawn.tolist()


def resolve_spec(spec: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """The spec with every random input drawn (keys in a fixed order, so draws are stable)."""
    out: dict[str, Any] = {}
    for key in spec:
        value = spec[key]
        out[key] = _draw(value, rng) if _is_random(value) else value
    return out


def spec_problems(spec: Mapping[str, Any]) -> list[str]:
    """What is wrong with a compute spec (checked on a sample draw), for `refresher check`."""
    return [message for _, message in spec_problems_by_key(spec)]


def spec_problems_by_key(spec: Mapping[str, Any]) -> list[Problem]:
    """`spec_problems`, each with the spec key it is about (None: the spec as a whole), as the
    problems carry it (the registry's `answer` is the bank's `ask`)."""
    problems = _random_problems_by_key(spec)
    if problems:
        return problems
    found = registry.validate_by_key(_core(resolve_spec(spec, instance_rng(0, "check"))))
    return _bank_words(found)


def _bank_words(problems: list[Problem]) -> list[Problem]:
    """The registry calls the asked value `answer`; a bank calls it `ask`."""
    return [
        Problem("ask", f"ask:{message[len('answer:') :]}")
        if key == "answer" and message.startswith("answer:")
        else Problem(key, message)
        for key, message in problems
    ]


def random_problems(spec: Mapping[str, Any]) -> list[str]:
    """What is wrong with the random inputs of a spec (limits included), before any draw."""
    return [message for _, message in _random_problems_by_key(spec)]


def _random_problems_by_key(spec: Mapping[str, Any]) -> list[Problem]:
    return [
        Problem(str(key), message)
        for key, value in spec.items()
        if _is_random(value)
        for message in _random_problems(key, value)
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _random_problems(key: str, value: Mapping[str, Any]) -> list[str]:
    if "choice" in value:
        ok = isinstance(value["choice"], list) and value["choice"]
        return [] if ok else [f"{key}: 'choice' must be a non-empty list"]
    unknown = set(value) - {"random", "low", "high", "decimals"}
    if unknown:
        return [f"{key}: unknown key '{sorted(unknown, key=str)[0]}' in a random input"]
    shape = value["random"]
    dims = [shape] if isinstance(shape, int) else shape
    if (
        not isinstance(dims, list)
        or len(dims) > 2
        or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 < d <= limits.RANDOM_DIM
            for d in dims
        )
        or math.prod(dims) > limits.ARRAY_CELLS
    ):
        return [
            f"{key}: 'random' must be a shape like [4, 4] (sizes 1-{limits.RANDOM_DIM}) "
            "or [] for a number"
        ]
    low, high = value.get("low", 0), value.get("high", 9)
    if not all(_is_number(v) for v in (low, high)):
        return [f"{key}: low and high must be numbers"]
    if not all(math.isfinite(v) and abs(v) <= limits.NUMBER_ABS for v in (low, high)):
        return [
            f"{key}: low and high must be finite numbers from -{limits.NUMBER_ABS:g} to "
            f"{limits.NUMBER_ABS:g}"
        ]
    if low > high:
        return [f"{key}: low ({low}) is above high ({high})"]
    decimals = value.get("decimals", 0)
    if (
        not isinstance(decimals, int)
        or isinstance(decimals, bool)
        or not (0 <= decimals <= limits.DECIMALS)
    ):
        return [f"{key}: decimals must be 0-{limits.DECIMALS}"]
    return []


def instantiate(question: NumericQuestion, seed: int, *, path: str | None = None) -> Instance:
    """Draw this attempt's inputs and compute the worked solution.

    The spec is checked with `check`'s validator (random inputs and their limits first, then
    the registry's checks of the drawn spec) before anything is drawn or computed. A problem is
    a `BankError` of one line: ``FILE:LINE: ID: compute: ...`` when the caller passes the bank's
    `path`, else ``BANK/ID (line N): compute: ...``.
    """
    problems = random_problems(question.compute)
    if not problems:
        spec = resolve_spec(question.compute, instance_rng(seed, question.key))
        try:
            return replace(solve(spec), seed=seed)
        except SpecError as exc:
            problems = [message for _, message in _bank_words(exc.keyed)]
    where = (
        f"{path}:{question.line}: {question.id}"
        if path
        else f"{question.key} (line {question.line})"
    )
    raise BankError([f"{where}: compute: {'; '.join(problems)}"])


def solve(spec: Mapping[str, Any]) -> Instance:
    """The worked solution of a concrete spec (no random inputs left); `SpecError` if invalid."""
    leftover = random_problems(spec) or [
        f"{k}: not drawn yet" for k, v in spec.items() if _is_random(v)
    ]
    if leftover:
        raise SpecError(leftover)
    worked = registry.compute(_core(spec))
    return Instance(spec=dict(spec), worked=worked, ask=worked.answer_key)


# --- reading and grading answers -------------------------------------------------------------


_SAMPLE = ("0.2", "0.7", "0.1", "0.5", "0.9", "0.3", "0.6", "0.4")


def answer_example(shape: tuple[int, ...], expected: Any = None, sizes: bool = False) -> str:
    """An answer of the question's own shape to show as an example: as many numbers as it
    wants (`0.2 0.7 0.1` for three), whole sizes for an output size (`8 8`, never the answer
    itself), rows split by ';' for a matrix."""
    if sizes:
        count = shape[0] if shape else 1
        same = expected is not None and [float(v) for v in np.ravel(expected)] == [8.0] * count
        return " ".join(["12" if same else "8"] * count)
    if len(shape) == 0 or math.prod(shape) == 1:
        return "0.5"
    if len(shape) == 1:
        return " ".join(_SAMPLE[k % len(_SAMPLE)] for k in range(shape[0]))
    rows, cols = shape[0], shape[1]
    cells = [_SAMPLE[k % len(_SAMPLE)] for k in range(rows * cols)]
    return "; ".join(" ".join(cells[r * cols : (r + 1) * cols]) for r in range(rows))


def shape_name(shape: tuple[int, ...], example: str | None = None) -> str:
    """What an answer of `shape` is, with an example of that very shape."""
    if len(shape) == 0 or (len(shape) == 1 and shape[0] == 1):
        return "a single number"
    if len(shape) == 1:
        return f"{shape[0]} numbers (like {example or answer_example(shape)})"
    return f"a {shape[0]}x{shape[1]} matrix (rows split by ';')"


def instance_example(instance: Instance) -> str:
    """The example shown for `instance` in its hint and in a refusal alike."""
    expected = instance.expected
    sizes = instance.ask == "output_size"
    return answer_example(expected.shape, expected, sizes=sizes)


def first_row_problem(text: str, shapes: list[tuple[int, ...]]) -> tuple[int, str | None]:
    """For a matrix typed row by row: how many rows to read in all, given the first line, and
    the problem with that line when its count fits no answer (`shapes`: the right one first,
    then those of named mistakes). A line that does not read as numbers is left to grading."""
    try:
        count = len(parse_vector(text.strip().replace("×", "x")))
    except InputError:
        return 1, None
    matrices = [s for s in shapes if len(s) == 2]
    for rows, cols in matrices:
        if count == rows * cols:
            return 1, None
    for rows, cols in matrices:
        if count == cols:
            return rows, None
    if not matrices:
        return 1, None
    rows, cols = matrices[0]
    return 1, (f"expected {cols} numbers in a row (or all {rows * cols} on one line), got {count}")


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def shape_text(text: str) -> str:
    """A tensor shape as typed or pasted (``(32, 10, 16)``, ``torch.Size([32, 10, 16])``,
    ``32x10x16``, ``(32,)``) as plain numbers: ``32 10 16``."""
    plain = text.strip()
    for word in ("torch.Size", "TensorShape"):
        if plain.startswith(word):
            plain = plain[len(word) :]
    plain = plain.translate({ord(c): " " for c in "()[]×xX"})
    return plain.strip().rstrip(",")


def read_answer(text: str, shape: tuple[int, ...], example: str | None = None) -> np.ndarray:
    """Parse `text` into an array of `shape`; InputError (re-prompt) when it does not fit,
    naming the shape with `example` (one of that shape) when given."""
    cleaned = text.strip().replace("×", "x")
    if not cleaned:
        raise InputError(f"expected {shape_name(shape, example)}")
    if len(shape) == 0 and _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")  # 2,480 is one number here, not two
    try:
        if len(shape) == 0 or shape == (1,):
            value = np.asarray(parse_scalar(cleaned), dtype=float).reshape(shape)
        elif len(shape) == 1:
            # "2x3" reads as two numbers, the way output sizes are written
            if "x" in cleaned.lower() and shape == (2,):
                cleaned = cleaned.lower().replace("x", " ")
            value = np.asarray(parse_vector(cleaned), dtype=float)
        else:
            value = np.asarray(parse_matrix(cleaned), dtype=float)
            if value.shape[0] == 1 and value.size == math.prod(shape) and value.shape != shape:
                value = value.reshape(shape)  # every number on one line, row after row
    except InputError as exc:
        raise InputError(f"{exc} — expected {shape_name(shape, example)}") from None
    if value.shape != shape:
        count = f"{value.size} number{'s' if value.size != 1 else ''}"
        got = "x".join(map(str, value.shape)) if value.ndim == 2 else count
        raise InputError(f"expected {shape_name(shape, example)}, got {got}")
    return value


def grade(instance: Instance, text: str, tolerance: float = 0.01, rtol: float = 0.0) -> Outcome:
    """Right or wrong, with the cells that were off and, for a wrong answer that matches a named
    mistake (`refresher.kinds.numeric.mistakes`), that mistake. An answer of another shape is wrong
    when it matches a mistake of that shape; otherwise it cannot be read (InputError: asked
    again)."""
    expected = instance.expected
    detail: dict[str, Any] = {"wrong_cells": [], "shape": list(expected.shape)}
    if instance.worked.kind in SHAPE_ANSWERS and expected.ndim == 1:
        return _grade_shape(instance, text, detail)
    try:
        given = read_answer(text, expected.shape, instance_example(instance))
    except InputError:
        found = _mistaken_shape(instance, text, tolerance, rtol)
        if found is None:
            raise
        mistake, given = found
        detail.update(mistake=mistake.name, diagnosis=mistake.diagnosis)
        return Outcome(False, format_answer(given), format_answer(expected), detail)
    close = np.isclose(given, expected, rtol=rtol, atol=tolerance)
    if expected.ndim:
        detail["wrong_cells"] = [list(map(int, idx)) for idx in np.argwhere(~close)]
    correct = bool(close.all())
    if not correct:
        mistake = mistakes.diagnose(instance, given, tolerance, rtol)
        if mistake is not None:
            detail.update(mistake=mistake.name, diagnosis=mistake.diagnosis)
    return Outcome(correct, format_answer(given), format_answer(expected), detail)


# Kinds whose answers are tensor shapes: a shape of another rank is a wrong answer (the rank
# is part of what is asked), not a misread one to ask again.
SHAPE_ANSWERS = frozenset({"shapes"})


def _grade_shape(instance: Instance, text: str, detail: dict[str, Any]) -> Outcome:
    expected = instance.expected
    plain = shape_text(text)
    try:
        given = np.asarray(parse_vector(plain), dtype=float) if plain.strip() else None
    except InputError as exc:
        raise InputError(f"{exc} — expected a shape, its sizes separated by spaces") from None
    if given is None:
        raise InputError("expected a shape, its sizes separated by spaces (like 32 10 16)")
    if given.shape == expected.shape:
        close = np.isclose(given, expected, atol=0.0)
        detail["wrong_cells"] = [list(map(int, idx)) for idx in np.argwhere(~close)]
        if close.all():
            return Outcome(True, format_answer(given), format_answer(expected), detail)
    mistake = mistakes.diagnose(instance, given, 0.0, 0.0)
    if mistake is not None:
        detail.update(mistake=mistake.name, diagnosis=mistake.diagnosis)
    return Outcome(False, format_answer(given), format_answer(expected), detail)


def grade_value(expected: Any, text: str, tolerance: float = 0.01, rtol: float = 0.0) -> Outcome:
    """Grade `text` against a known answer (an imported question's fixed number)."""
    expected = np.asarray(expected, dtype=float)
    given = read_answer(text, expected.shape)
    close = np.isclose(given, expected, rtol=rtol, atol=tolerance)
    wrong = [list(map(int, idx)) for idx in np.argwhere(~close)] if expected.ndim else []
    detail = {"wrong_cells": wrong, "shape": list(expected.shape)}
    return Outcome(bool(close.all()), format_answer(given), format_answer(expected), detail)


def _mistaken_shape(
    instance: Instance, text: str, tolerance: float, rtol: float
) -> tuple[Any, np.ndarray] | None:
    """A named mistake whose answer has another shape than the right one, matched by `text`."""
    for mistake in mistakes.mistakes(instance):
        if mistake.value.shape == instance.expected.shape:
            continue
        try:
            given = read_answer(text, mistake.value.shape)
        except InputError:
            continue
        if np.allclose(given, mistake.value, rtol=rtol, atol=tolerance):
            return mistake, given
    return None


def answer_shapes(instance: Instance) -> list[tuple[int, ...]]:
    """The right answer's shape, then the other shapes a named mistake gives (distinct)."""
    shapes = [tuple(instance.expected.shape)]
    for mistake in mistakes.mistakes(instance):
        if tuple(mistake.value.shape) not in shapes:
            shapes.append(tuple(mistake.value.shape))
    return shapes


def format_answer(value: np.ndarray, precision: int = 4) -> str:
    """Scalars as numbers, vectors space-separated, matrices as `a b; c d` (how one types them)."""
    value = np.asarray(value, dtype=float)
    if value.ndim == 0:
        return format_number(float(value), precision)
    if value.ndim == 1:
        return " ".join(format_number(float(v), precision) for v in value)
    return "; ".join(" ".join(format_number(float(v), precision) for v in row) for row in value)
