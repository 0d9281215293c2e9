"""Kind name -> worked example (its `Example`), from plain-Python specs. The one entry point
for graders and the command line.

A spec is a mapping with a ``kind`` and option-like keys, the same names as the command-line
options (underscores for dashes)::

    {"kind": "pool", "mode": "avg", "input": [[1, 2], [3, 4]], "size": 2, "stride": 2}
    {"kind": "lstm", "seed": 3, "x": [1, -1]}
    {"kind": "gru", "params": {"W_rx": [[0.1]], ...}, "x": [1], "h": [0.5], "variant": "pytorch"}

Every key is optional except ``kind``; defaults are the session's own small examples. Values may
be numbers, nested lists or text (``"1 2; 3 4"``, ``"2x3"``). An optional ``answer`` names the
result value a numeric question grades (``Worked.answer``); each kind has a default.

``compute(spec)`` returns a `Worked` or raises `SpecError` (an `InputError`) listing every problem;
``validate(spec)`` returns those problems as strings and never raises, ``validate_by_key(spec)``
each with the key it is about (carried by the problem, not read back from its message).

Each kind declares itself (options and their defaults, results, command) in
`refresher.explain.specs`, and reads and computes in its maths module; `EXAMPLES` is only the
table. A new kind is its maths module, its declaration and one line here. This module and the
declarations are NumPy-free (the command line imports them to build its options); a kind's maths
module, and NumPy, are imported when a spec of that kind is computed. Kinds:

=============  ==================================================================  ===========
kind           keys                                                                answer
=============  ==================================================================  ===========
pool           input mode size stride padding ceil exclude_pad                     output
pool-size      input_size | input, size stride padding ceil                        output_size
conv           input kernel stride padding                                         output
conv-size      input_size | input, size stride padding                             output_size
rnn            params | seed input_size hidden_size output_size, x h steps         y
lstm           params | seed input_size hidden_size, x h c                         h
gru            params | seed input_size hidden_size, x h variant                   h
gradients      scale steps hidden inputs seed cell forget_bias                     norms
               (also final_norm, and vanish_step: the first T below 1%, when there is one)
params         cell input_size hidden_size output_size                             count
bptt           params | seed input_size hidden_size output_size, xs h steps       dL_dW_h
               loss label | target
attention      query keys values scaling mask                                      context
               (also scores, scaled and weights)
shapes         framework cell batch steps input_size hidden_size layers           output
               bidirectional batch_first return_sequences return_state
               (also input, h_n, c_n, and returned: the tensors a Keras call returns)
perplexity     probs base                                                          perplexity
               (also log_probs, nll)
beam           start next steps width                                              prob
               (also sequence, greedy_prob, greedy_sequence, best_prob)
=============  ==================================================================  ===========
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from refresher.core.errors import InputError
from refresher.explain.spec import Example, Problem, Reader, SpecError
from refresher.explain.specs.attention import ATTENTION
from refresher.explain.specs.bptt import BPTT
from refresher.explain.specs.conv import CONV, CONV_SIZE
from refresher.explain.specs.decoding import BEAM, PERPLEXITY
from refresher.explain.specs.gradients import GRADIENTS
from refresher.explain.specs.gru import GRU
from refresher.explain.specs.lstm import LSTM
from refresher.explain.specs.params import PARAMS
from refresher.explain.specs.pooling import POOL, POOL_SIZE
from refresher.explain.specs.rnn import RNN
from refresher.explain.specs.shapes import SHAPES

if TYPE_CHECKING:
    from refresher.explain.steps import Worked

__all__ = ["EXAMPLES", "SpecError", "compute", "kinds", "validate", "validate_by_key"]

EXAMPLES: dict[str, Example] = {
    example.name: example
    for example in (
        POOL,
        POOL_SIZE,
        CONV,
        CONV_SIZE,
        RNN,
        LSTM,
        GRU,
        GRADIENTS,
        PARAMS,
        BPTT,
        ATTENTION,
        SHAPES,
        PERPLEXITY,
        BEAM,
    )
}


def kinds() -> list[str]:
    """The kind names, in the order above."""
    return list(EXAMPLES)


def _labeller(prefix: str) -> Callable[[str], str]:
    if not prefix:
        return lambda key: key
    return lambda key: prefix + key.replace("_", "-")


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _prepare(spec: Any, prefix: str) -> tuple[Callable[[], Worked], str]:
    if not isinstance(spec, Mapping):
        raise SpecError([f"a compute spec must be a mapping, got {type(spec).__name__}"])
    if "kind" not in spec:
        raise SpecError([f"missing 'kind'; one of: {', '.join(EXAMPLES)}"])
    name = str(spec["kind"])
    example = EXAMPLES.get(name)
    if example is None:
        raise SpecError(
            [f"unknown kind {name!r}{_suggest(name, kinds())}; one of: {', '.join(EXAMPLES)}"]
        )
    known_keys = (*example.keys, "kind", "answer")
    problems = [
        Problem(
            str(key),
            f"unknown key {key!r} for kind {name}{_suggest(str(key), example.keys)}; "
            f"known keys: {', '.join((*example.keys, 'answer'))}",
        )
        for key in spec
        if key not in known_keys
    ]
    known = {k: v for k, v in spec.items() if k in known_keys}
    answer = example.answer
    if "answer" in spec:
        answer = str(spec["answer"])
        if answer not in example.results:
            problems.append(
                Problem(
                    "answer",
                    f"answer: {answer!r} is not a result of {name}; "
                    f"one of: {', '.join(example.results)}",
                )
            )
    try:  # the known keys are read even beside an unknown one: every problem in one report
        run = example.read()(Reader(known, _labeller(prefix), example))
    except SpecError as exc:
        problems.extend(exc.keyed)
    if problems:
        raise SpecError(problems)
    return run, answer


def compute(spec: Mapping[str, Any], *, option_prefix: str = "") -> Worked:
    """Compute the worked example a spec describes.

    Raises `SpecError` (an `InputError`) naming every bad key. `option_prefix="--"` names keys
    as command-line options (``--exclude-pad``) in those messages; the default names them as
    spec keys (``exclude_pad``).
    """
    run, answer = _prepare(spec, option_prefix)
    import numpy as np  # lazy: the kind's maths module has loaded it by now, --help never does

    # A value out of the float range is refused below, never a NumPy warning on stderr.
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        worked = run()
    _check_finite(worked, EXAMPLES[str(spec["kind"])])
    if answer not in worked.result:
        raise SpecError([Problem("answer", f"answer: {answer!r} is not computed for this spec")])
    return worked if answer == worked.answer_key else replace(worked, answer_key=answer)


def _not_finite(value: Any, minus_infinity: bool) -> float | None:
    """The first value that is nan or ±∞ (-∞ allowed when `minus_infinity`), else None."""
    import numpy as np

    if isinstance(value, str | bool | Decimal):
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):  # words (a verdict), or rows of them
        return None
    bad = ~np.isfinite(arr)
    if minus_infinity:
        bad &= arr != -np.inf
    return float(arr[bad].flat[0]) if bad.any() else None


def _check_finite(worked: Worked, example: Example) -> None:
    """Refuse, in one line, a worked example with a value out of the float range (nan or ±∞):
    shown, it would read as a result and its notes would be false. The inputs' bound
    (`limits.NUMBER_ABS`) keeps sums of products in range; this catches what still overflows
    (an exponential)."""
    named = [*worked.result.items(), *(kv for step in worked.steps for kv in step.values.items())]
    for name, value in named:
        bad = _not_finite(value, name in example.minus_infinity)
        if bad is not None:
            shown = "nan" if bad != bad else ("∞" if bad > 0 else "-∞")
            raise SpecError(
                [
                    Problem(
                        None,
                        f"{name} would be {shown}: beyond the float range (about ±1.8e308); "
                        "use less extreme numbers",
                    )
                ]
            )


def validate_by_key(spec: Any) -> list[Problem]:
    """`validate`'s problems, each with the spec key it is about (None: the spec as a whole, or
    a key the spec does not hold), so that a bank can point at the line of that key."""
    keys = {str(k) for k in spec} if isinstance(spec, Mapping) else set()
    return [Problem(key if key in keys else None, message) for key, message in _problems(spec)]


def validate(spec: Any) -> list[str]:
    """Every problem with a spec as one line each; an empty list when `compute` would work.

    Checks the kind, unknown keys, each value's type and shape, and the settings together
    (a window larger than the padded input, padding above half the window, weight shapes), all
    without running the computation.
    """
    return [message for _, message in _problems(spec)]


def _problems(spec: Any) -> list[Problem]:
    try:
        _prepare(spec, "")
    except SpecError as exc:
        return exc.keyed
    except InputError as exc:
        return [Problem(None, str(exc))]
    return []
