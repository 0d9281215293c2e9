"""Named mistakes on numeric answers: the item's computation re-run the way learners get it wrong.

`mistakes(instance)` returns, for one numeric instance (see
`refresher.kinds.numeric.engine.Instance`), every named mistake of its compute kind with the
value that mistake gives for the asked result, in a fixed order (the most telling first).
Mistakes whose value equals the right answer, or an earlier mistake's, are left out, so a match
always says something true. `diagnose()` finds the mistake a typed answer matches within the
item's tolerance.

Each mistake has a stable `name` (stored with the attempt), a short `label` (`stats` lists the
most frequent) and a one-line `diagnosis` with this instance's numbers. Pure: NumPy and the
explain engine's own kernels; nothing here changes how the right answer is computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from refresher.explain import attention, conv, decoding, pooling, shapes
from refresher.explain.inputs import pair_text
from refresher.explain.rnn import sigmoid, softmax
from refresher.kinds.numeric.names import LABELS, label_of

__all__ = ["LABELS", "Mistake", "diagnose", "label_of", "mistakes"]


@dataclass(frozen=True)
class Mistake:
    name: str  # stable: "pool:stride-1", stored with the attempt
    diagnosis: str  # one line, with this instance's numbers
    value: np.ndarray  # what the mistake gives for the asked result

    @property
    def label(self) -> str:
        return label_of(self.name)


Candidate = tuple[str, str, Any]  # name, diagnosis, value (or None: not applicable)


def mistakes(instance: Any) -> list[Mistake]:
    """The named mistakes of `instance` (a numeric `Instance`) that give a wrong answer."""
    worked = instance.worked
    maker = _KINDS.get(worked.kind)
    if maker is None:
        return []
    expected = np.asarray(instance.expected, dtype=float)
    found: list[Mistake] = []
    with np.errstate(all="ignore"):
        for name, diagnosis, value in maker(worked, instance.ask):
            if value is None:
                continue
            value = np.asarray(value, dtype=float)
            if not np.all(np.isfinite(value)) or _same(value, expected):
                continue
            if any(_same(value, m.value) for m in found):
                continue
            found.append(Mistake(name, diagnosis, value))
    return found


def diagnose(
    instance: Any, given: np.ndarray, tolerance: float = 0.01, rtol: float = 0.0
) -> Mistake | None:
    """The first named mistake whose value `given` matches within the tolerance, or None."""
    given = np.asarray(given, dtype=float)
    for m in mistakes(instance):
        if m.value.shape == given.shape and np.allclose(given, m.value, rtol=rtol, atol=tolerance):
            return m
    return None


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-9))


def _pick(result: Mapping[str, Any], ask: str) -> Any:
    return result.get(ask)


def _pair_words(pair: Any) -> str:
    a, b = int(pair[0]), int(pair[1])
    if a == b:
        return f"{a} cell{'s' if a != 1 else ''}"
    return f"{a} rows down and {b} columns across"


# --- pooling and convolution ------------------------------------------------------------------


def _pool(worked: Any, ask: str) -> list[Candidate]:
    x = np.asarray(worked.inputs["input"], dtype=float)
    p = worked.params
    mode, ceil, exclude = p["mode"], bool(p["ceil"]), bool(p["exclude_pad"])
    size, stride, padding = tuple(p["size"]), tuple(p["stride"]), tuple(p["padding"])

    def run(**change: Any) -> np.ndarray | None:
        args = dict(
            size=size, stride=stride, padding=padding, mode=mode, ceil_mode=ceil,
            count_include_pad=not exclude,
        )  # fmt: skip
        args.update(change)
        shape = (x.shape[0], x.shape[1])
        if pooling.pool_problems(
            shape, args["size"], args["stride"], args["padding"], args["ceil_mode"]
        ):
            return None
        return pooling.pool2d(x, **args)

    padded = max(padding) > 0
    other = "max" if mode == "avg" else "avg"
    out: list[Candidate] = []
    if stride != (1, 1):
        out.append((
            "pool:stride-1",
            f"This is what you get with stride 1: the window moves {_pair_words(stride)} at a "
            "time here.",
            run(stride=(1, 1)),
        ))  # fmt: skip
    if stride != size:
        out.append((
            "pool:stride-window",
            f"This is what you get with the windows side by side (stride {pair_text(size)}): "
            f"here the window moves {_pair_words(stride)} at a time"
            + (", so windows overlap." if max(stride) < max(size) else "."),
            run(stride=size),
        ))  # fmt: skip
    if padded:
        out.append((
            "pool:padding-ignored",
            f"This is what you get without the padding: padding {pair_text(padding)} adds "
            "cells on every side of the input first.",
            run(padding=(0, 0)),
        ))  # fmt: skip
    if padded and mode == "avg":
        if exclude:
            out.append((
                "pool:pad-counted",
                "You divided by the whole window, padded cells included; here only the real "
                "cells count in the average.",
                run(count_include_pad=True),
            ))  # fmt: skip
        else:
            out.append((
                "pool:pad-not-counted",
                "You divided by the real cells only; here the padded zeros count in the "
                "average (the divisor is the whole window).",
                run(count_include_pad=False),
            ))  # fmt: skip
    if ceil:
        out.append((
            "pool:floor",
            "You rounded the output size down; here it rounds up (ceil mode), so the last "
            "window hangs over the edge.",
            run(ceil_mode=False),
        ))  # fmt: skip
    else:
        out.append((
            "pool:ceil",
            "You rounded the output size up (ceil mode); here it rounds down: "
            "floor((n + 2p - k) / s) + 1, and a window that does not fit is dropped.",
            run(ceil_mode=True),
        ))  # fmt: skip
    word = {"avg": "average", "max": "maximum"}
    out.append((
        f"pool:{other}-for-{mode}",
        f"This is {word[other]} pooling; the question asks for the {word[mode]} of each window.",
        run(mode=other),
    ))  # fmt: skip
    out.append(_transposed("pool", worked.result.get(ask)))
    return out


def _transposed(kind: str, value: Any) -> Candidate:
    value = None if value is None else np.asarray(value, dtype=float)
    if value is None or value.ndim != 2:
        return (f"{kind}:transposed", "", None)
    return (
        f"{kind}:transposed",
        "Rows and columns are swapped: your answer is the transpose of the right one.",
        value.T,
    )


def _conv(worked: Any, ask: str) -> list[Candidate]:
    x = np.asarray(worked.inputs["input"], dtype=float)
    kernel = np.asarray(worked.inputs["kernel"], dtype=float)
    stride, padding = tuple(worked.params["stride"]), tuple(worked.params["padding"])

    def run(k: np.ndarray = kernel, s: Any = stride, p: Any = padding) -> np.ndarray | None:
        if conv.conv_problems((x.shape[0], x.shape[1]), k.shape, s, p):
            return None
        return conv.conv2d(x, k, s, p)

    out: list[Candidate] = [
        (
            "conv:kernel-flipped",
            "This is true convolution, with the kernel flipped; deep-learning frameworks slide "
            "it as it is (cross-correlation).",
            run(k=kernel[::-1, ::-1]),
        )
    ]
    if max(padding) > 0:
        out.append((
            "conv:padding-ignored",
            f"This is what you get without the padding: padding {pair_text(padding)} adds zeros "
            "on every side of the input first.",
            run(p=(0, 0)),
        ))  # fmt: skip
    if stride != (1, 1):
        out.append((
            "conv:stride-ignored",
            f"This is what you get with stride 1: the kernel moves {_pair_words(stride)} at a "
            "time here.",
            run(s=(1, 1)),
        ))  # fmt: skip
    out.append(_transposed("conv", worked.result.get(ask)))
    return out


def _size(worked: Any, ask: str) -> list[Candidate]:
    n = [int(v) for v in worked.inputs["input_size"]]
    p = worked.params
    k, s, pad = [int(v) for v in p["size"]], [int(v) for v in p["stride"]], p["padding"]
    pad = [int(v) for v in pad]
    ceil = bool(p.get("ceil", False))
    pooled = worked.kind == "pool-size"

    def each(rule: Callable[[int, int, int, int], int | None]) -> list[int] | None:
        values = [rule(n[a], k[a], s[a], pad[a]) for a in (0, 1)]
        if any(v is None or v < 1 for v in values):
            return None
        return values

    def span(nn: int, kk: int, pp: int) -> int | None:
        value = nn + pp - kk
        return value if value >= 0 else None

    def usual(nn: int, kk: int, ss: int, pp: int, up: bool = ceil) -> int | None:
        if nn + 2 * pp - kk < 0:
            return None
        return pooling.output_size(nn, kk, ss, pp, up) if pooled else (nn + 2 * pp - kk) // ss + 1

    out: list[Candidate] = []
    if max(pad) > 0:
        out.append((
            "size:pad-once",
            "You added the padding once; it goes on both sides: n + 2p, here "
            f"{n[0]} + 2*{pad[0]} = {n[0] + 2 * pad[0]}.",
            each(lambda nn, kk, ss, pp: None if span(nn, kk, pp) is None
                 else span(nn, kk, pp) // ss + 1),
        ))  # fmt: skip
    out.append((
        "size:plus-one",
        "You forgot the +1: (n + 2p - k) / s counts the moves, and the first position adds one.",
        each(lambda nn, kk, ss, pp: None if nn + 2 * pp - kk < 0 else (nn + 2 * pp - kk) // ss),
    ))  # fmt: skip
    if max(pad) > 0:
        out.append((
            "size:padding-ignored",
            f"This is the size without padding; here padding {pair_text(pad)} goes on each "
            "side.",
            each(lambda nn, kk, ss, pp: usual(nn, kk, ss, 0)),
        ))  # fmt: skip
    if max(s) > 1:
        out.append((
            "size:stride-ignored",
            f"This is the size with stride 1; here the window moves {_pair_words(s)} at a "
            "time, so divide by the stride.",
            each(lambda nn, kk, ss, pp: usual(nn, kk, 1, pp)),
        ))  # fmt: skip
    if pooled and ceil:
        out.append((
            "size:floor",
            "You rounded down; this pooling uses ceil mode, so the division rounds up.",
            each(lambda nn, kk, ss, pp: usual(nn, kk, ss, pp, False)),
        ))  # fmt: skip
    else:
        out.append((
            "size:ceil",
            "You rounded up; the division rounds down: floor((n + 2p - k) / s) + 1.",
            each(lambda nn, kk, ss, pp: None if nn + 2 * pp - kk < 0
                 else -(-(nn + 2 * pp - kk) // ss) + 1),
        ))  # fmt: skip
    right = worked.result.get(ask)
    if right is not None and len(right) == 2:
        out.append((
            "size:transposed",
            "Rows and columns are swapped: give the rows first, then the columns.",
            [right[1], right[0]],
        ))  # fmt: skip
    return out


# --- recurrent cells ------------------------------------------------------------------------

_ACT = {"sigmoid": sigmoid, "tanh": np.tanh}


def _rnn(worked: Any, ask: str) -> list[Candidate]:
    p = {k: np.asarray(v, dtype=float) for k, v in worked.params.items()}
    xs = np.atleast_2d(np.asarray(worked.inputs["x"], dtype=float))
    h0 = np.asarray(worked.inputs["h"], dtype=float)
    single = np.asarray(worked.inputs["x"]).ndim == 1

    def run(act: str = "tanh", bias: bool = True) -> Any:
        h = h0
        rows: dict[str, list[np.ndarray]] = {"a_h": [], "h": [], "logits": [], "y": []}
        for x in xs:
            a_h = p["W_h"] @ h + p["W_x"] @ x + (p["b_h"] if bias else 0.0)
            h = _ACT[act](a_h)
            logits = p["W_y"] @ h + (p["b_y"] if bias else 0.0)
            for key, value in zip(rows, (a_h, h, logits, softmax(logits)), strict=True):
                rows[key].append(value)
        result = {k: (v[0] if single else np.stack(v)) for k, v in rows.items()}
        return _pick(result, ask)

    return [
        (
            "rnn:bias-left-out",
            "This is what you get without the bias: add b_h (and b_y for the output) before "
            "squashing.",
            run(bias=False),
        ),
        (
            "rnn:sigmoid-for-tanh",
            "This uses the sigmoid for the hidden state; the RNN squashes it with tanh, into "
            "(-1, 1).",
            run(act="sigmoid"),
        ),
    ]


_GATE_NAMES = {
    "f": "forget gate f_t",
    "i": "input gate i_t",
    "o": "output gate o_t",
    "r": "reset gate r_t",
    "z": "update gate z_t",
}


def _activations_swapped(
    kind: str, gates: str, candidate: tuple[str, str], run: Callable[..., Any]
) -> list[Candidate]:
    """tanh for each gate's sigmoid, then the sigmoid for the candidate's tanh (`candidate`:
    its letter in the equations and its key in `run`'s activations)."""
    letter, key = candidate
    swapped: list[Candidate] = [
        (
            f"{kind}:tanh-for-sigmoid-{gate}",
            f"This uses tanh for the {_GATE_NAMES[gate]}; gates take the sigmoid, a share "
            "between 0 and 1.",
            run(acts={gate: "tanh"}),
        )
        for gate in gates
    ]
    swapped.append((
        f"{kind}:sigmoid-for-tanh-{letter}",
        f"This uses the sigmoid for the candidate {letter}_t; it takes tanh, values between -1 "
        "and 1.",
        run(acts={key: "sigmoid"}),
    ))  # fmt: skip
    return swapped


def _lstm(worked: Any, ask: str) -> list[Candidate]:
    p = {k: np.asarray(v, dtype=float) for k, v in worked.params.items()}
    x = np.asarray(worked.inputs["x"], dtype=float)
    h0 = np.asarray(worked.inputs["h"], dtype=float)
    c0 = np.asarray(worked.inputs["c"], dtype=float)

    def run(
        acts: Mapping[str, str] | None = None,
        bias: bool = True,
        swap_hc: bool = False,
        forget_on_candidate: bool = False,
        tanh_c: bool = True,
    ) -> Any:
        act = {"f": "sigmoid", "i": "sigmoid", "c": "tanh", "o": "sigmoid", **(acts or {})}
        h_in, c_in = (c0, h0) if swap_hc else (h0, c0)

        def pre(g: str) -> np.ndarray:
            return p[f"W_{g}h"] @ h_in + p[f"W_{g}x"] @ x + (p[f"b_{g}"] if bias else 0.0)

        a = {g: pre(g) for g in "fico"}
        f, i, g, o = (_ACT[act[k]](a[k]) for k in "fico")
        c_ft, c_it = (g * f, c_in * i) if forget_on_candidate else (c_in * f, i * g)
        c = c_ft + c_it
        h = o * (np.tanh(c) if tanh_c else c)
        result = {
            "a_f": a["f"], "f": f, "c_ft": c_ft, "a_i": a["i"], "i": i, "a_g": a["c"], "g": g,
            "c_it": c_it, "c": c, "a_o": a["o"], "o": o, "h": h,
        }  # fmt: skip
        result["step"] = np.stack([result[k] for k in ("f", "i", "g", "o", "c", "h")])
        return _pick(result, ask)

    return [
        *_activations_swapped("lstm", "fio", ("g", "c"), run),
        (
            "lstm:bias-left-out",
            "This is what you get without the biases: add b_f, b_i, b_c and b_o before squashing.",
            run(bias=False),
        ),
        (
            "lstm:h-c-swapped",
            "You swapped h_{t-1} and c_{t-1}: the gates read the hidden state h_{t-1}, and the "
            "forget gate scales the cell state c_{t-1}.",
            run(swap_hc=True),
        ),
        (
            "lstm:forget-on-candidate",
            "You applied the forget gate to the candidate: f_t scales the old cell state "
            "c_{t-1}, and i_t scales the candidate g_t.",
            run(forget_on_candidate=True),
        ),
        (
            "lstm:no-tanh-on-c",
            "You left out the tanh of the cell state: h_t = o_t * tanh(c_t).",
            run(tanh_c=False),
        ),
    ]


def _gru(worked: Any, ask: str) -> list[Candidate]:
    params = dict(worked.params)
    variant = str(params.pop("variant", "cho"))
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    x = np.asarray(worked.inputs["x"], dtype=float)
    h = np.asarray(worked.inputs["h"], dtype=float)

    def run(
        acts: Mapping[str, str] | None = None,
        bias: bool = True,
        flip_z: bool = False,
        reset_after: bool = variant == "pytorch",
    ) -> Any:
        act = {"r": "sigmoid", "z": "sigmoid", "n": "tanh", **(acts or {})}

        def b(name: str) -> Any:
            return p[name] if bias else 0.0

        a_r = p["W_rh"] @ h + p["W_rx"] @ x + b("b_r")
        r = _ACT[act["r"]](a_r)
        a_z = p["W_zh"] @ h + p["W_zx"] @ x + b("b_z")
        z = _ACT[act["z"]](a_z)
        extra: dict[str, np.ndarray] = {}
        if variant == "cho":
            b_in, b_hn = b("b_n"), 0.0
        else:
            b_in, b_hn = b("b_in"), b("b_hn")
        if reset_after:
            hn = p["W_nh"] @ h + b_hn
            a_n = p["W_nx"] @ x + b_in + r * hn
            extra = {"hn": hn, "r_hn": r * hn}
        else:
            rh = r * h
            a_n = p["W_nh"] @ rh + b_hn + p["W_nx"] @ x + b_in
            extra = {"rh": rh}
        n = _ACT[act["n"]](a_n)
        new = (1.0 - z) * h + z * n if flip_z else z * h + (1.0 - z) * n
        result = {"a_r": a_r, "r": r, "a_z": a_z, "z": z, **extra, "a_n": a_n, "n": n, "h": new}
        result["step"] = np.stack([r, z, n, new])
        return _pick(result, ask)

    out = [
        *_activations_swapped("gru", "rz", ("n", "n"), run),
        (
            "gru:bias-left-out",
            "This is what you get without the biases: add each block's bias before squashing.",
            run(bias=False),
        ),
        (
            "gru:update-flipped",
            "You used z and 1 - z the other way round: here h_t = z_t * h_{t-1} + (1 - z_t) * "
            "n_t, so z_t keeps the old state.",
            run(flip_z=True),
        ),
    ]
    if variant == "cho":
        out.append((
            "gru:reset-after",
            "You applied the reset gate after the product (PyTorch's form); here it scales "
            "h_{t-1} first: W_nh·(r_t * h_{t-1}).",
            run(reset_after=True),
        ))  # fmt: skip
    else:
        out.append((
            "gru:reset-before",
            "You applied the reset gate to h_{t-1} before the product; in PyTorch's form it "
            "scales W_nh·h_{t-1} + b_hn after.",
            run(reset_after=False),
        ))  # fmt: skip
    return out


# --- parameter counts -------------------------------------------------------------------------

_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}
_CELL_WORDS = {"rnn": "a simple RNN", "gru": "a GRU", "lstm": "an LSTM"}


def _params(worked: Any, ask: str) -> list[Candidate]:
    p = worked.params
    cell, x, h, y = (
        str(p["cell"]),
        int(p["input_size"]),
        int(p["hidden_size"]),
        int(p["output_size"]),
    )
    if ask not in ("count", "pytorch"):
        return []
    biases = 1 if ask == "count" else 2
    g = _BLOCKS[cell]

    def total(
        blocks: int = g, xx: int = x, hh: int = h, nb: int = biases, head: bool = True
    ) -> int:
        out_layer = y * (hh + (1 if nb else 0)) if head else 0
        return blocks * (hh * (xx + hh) + nb * hh) + out_layer

    out: list[Candidate] = []
    if ask == "count":
        out.append((
            "params:two-biases",
            f"You counted two bias vectors per block (PyTorch's b_ih and b_hh); the question "
            f"counts one: {g} x {h} fewer.",
            total(nb=2),
        ))  # fmt: skip
    else:
        out.append((
            "params:one-bias",
            f"You counted one bias vector per block; PyTorch keeps two (b_ih and b_hh): "
            f"{g} x {h} more.",
            total(nb=1),
        ))  # fmt: skip
    out.append((
        "params:no-biases",
        f"You left out the biases: each block adds {biases * h} to its {h}x{x + h} weights.",
        total(nb=0),
    ))  # fmt: skip
    for other, blocks in _BLOCKS.items():
        if other != cell:
            out.append((
                f"params:gates-{other}",
                f"This is the count for {_CELL_WORDS[other]} ({blocks} block"
                f"{'s' if blocks != 1 else ''}); {_CELL_WORDS[cell]} has {g}.",
                total(blocks=blocks),
            ))  # fmt: skip
    if x != h:
        out.append((
            "params:sizes-swapped",
            f"You swapped the input and hidden sizes: each block has H x (X + H) weights and H "
            f"biases, with H = {h} hidden units and X = {x} inputs.",
            total(xx=h, hh=x),
        ))  # fmt: skip
    if y:
        out.append((
            "params:output-forgotten",
            f"You left out the output layer: it adds Y·(H + 1) = {y}·{h + 1} = {y * (h + 1)}.",
            total(head=False),
        ))  # fmt: skip
    return out


# --- attention -------------------------------------------------------------------------------


def _attention(worked: Any, ask: str) -> list[Candidate]:
    attend = attention.attend
    q, keys, values = (
        np.asarray(worked.inputs[k], dtype=float) for k in ("query", "keys", "values")
    )
    mask = worked.inputs.get("mask")
    mask = None if mask is None else np.asarray(mask, dtype=float)
    scaled = bool(worked.params["scaled"])
    d = q.shape[0]

    def run(**change: Any) -> Any:
        args: dict[str, Any] = {"scaled": scaled, "mask": mask, **change}
        return _pick(attend(q, keys, values, **args), ask)

    out: list[Candidate] = []
    if scaled and ask != "scores":
        out.append(
            (
                "attention:unscaled",
                f"This leaves out the division by √d_k = √{d}: divide each score q·k_j by it "
                "before the softmax.",
                run(scaled=False),
            )
        )
    if mask is not None and ask != "scores":
        out.append(
            (
                "attention:mask-ignored",
                "This lets the query see the masked keys: a masked score is -∞ before the "
                "softmax, so its weight is 0.",
                run(mask=None),
            )
        )
    if ask == "context":
        logits = attend(q, keys, values, scaled=scaled, mask=mask)["scaled"]
        visible = np.isfinite(logits)
        out.append(
            (
                "attention:scores-as-weights",
                "This weights the values by the raw scores: turn them into weights with the "
                "softmax first, so that they add up to 1.",
                np.where(visible, logits, 0.0) @ values,
            )
        )
        out.append(
            (
                "attention:plain-average",
                "This is the plain average of the values: each value counts by its softmax "
                "weight, not equally.",
                values[visible].mean(axis=0),
            )
        )
    if ask == "weights":
        logits = attend(q, keys, values, scaled=scaled, mask=mask)["scaled"]
        visible = np.isfinite(logits)
        shares = np.where(visible, logits, 0.0)
        total = shares.sum()
        out.append(
            (
                "attention:scores-normalised",
                "This divides each score by their sum; the softmax divides e^(s_j) by the sum of "
                "the e^(s_i).",
                shares / total if total else None,
            )
        )
    return out


# --- framework shapes --------------------------------------------------------------------------


def _shapes(worked: Any, ask: str) -> list[Candidate]:
    p = dict(worked.params)
    torch = p["framework"] == "pytorch"

    def run(**change: Any) -> Any:
        value = shapes.layer_shapes(**{**p, **change}).get(ask)
        return None if value is None else np.array(value)

    out: list[Candidate] = []
    if torch and ask in ("h_n", "c_n") and p["batch_first"]:
        d_l = (2 if p["bidirectional"] else 1) * p["layers"]
        out.append(
            (
                "shapes:batch-first-on-states",
                f"This puts the batch first in {ask}; batch_first moves it in the input and the "
                f"output only, so {ask} stays (D·num_layers, N, H) with D·num_layers = {d_l}.",
                np.array([p["batch"], d_l, p["hidden_size"]]),
            )
        )
    if torch and ask in ("input", "output"):
        out.append((
            "shapes:batch-first-ignored",
            "This has the time and batch axes the other way round: "
            + ("batch_first=True puts the batch first." if p["batch_first"]
               else "without batch_first, time comes first, (T, N, ·)."),
            run(batch_first=not p["batch_first"]),
        ))  # fmt: skip
    if p["bidirectional"] and ask in ("output", "h_n", "c_n"):
        out.append((
            "shapes:directions-forgotten",
            "This counts one direction only: a bidirectional layer doubles "
            + ("the output's features (D·H)." if ask == "output"
               else "the final states (D·num_layers of them)." if torch
               else "the states returned, not their shape."),
            run(bidirectional=False) if ask == "output" or torch else None,
        ))  # fmt: skip
    if torch and ask in ("h_n", "c_n") and p["layers"] > 1:
        out.append(
            (
                "shapes:layers-forgotten",
                f"This leaves out the layers: {ask} keeps the final state of each of the "
                f"{p['layers']} layers, not only the top one.",
                run(layers=1),
            )
        )
    if torch and ask == "output" and p["layers"] > 1:
        d = 2 if p["bidirectional"] else 1
        out.append(
            (
                "shapes:layers-in-output",
                "This stacks the layers into the output; the output is the top layer's states "
                f"only, so its last axis is D·H = {d * p['hidden_size']}.",
                np.array([*run()[:2], d * p["layers"] * p["hidden_size"]]),
            )
        )
    if not torch and ask == "output":
        out.append((
            "shapes:return-sequences",
            "This is the shape "
            + ("without return_sequences: with it every step comes out, (N, T, D·H)."
               if p["return_sequences"]
               else "with return_sequences=True; without it only the last step comes out."),
            run(return_sequences=not p["return_sequences"]),
        ))  # fmt: skip
    if not torch and ask == "returned" and p["bidirectional"] and p["return_state"]:
        out.append(
            (
                "shapes:directions-forgotten",
                "This counts one direction's states: Bidirectional returns the forward and the "
                "backward states after the output.",
                run(bidirectional=False),
            )
        )
    if ask == "output":
        out.append(
            (
                "shapes:input-size-in-output",
                "This keeps the input size as the last axis; the output has one entry per hidden "
                "unit (and direction), not per input feature.",
                run(hidden_size=p["input_size"]),
            )
        )
    return out


# --- decoding --------------------------------------------------------------------------------


def _perplexity(worked: Any, ask: str) -> list[Candidate]:
    probs = np.asarray(worked.inputs["probs"], dtype=float)
    base = worked.params["base"]
    b = math.e if base == "e" else 2.0
    v = decoding.perplexity(probs, base)
    t = probs.shape[0]
    out: list[Candidate] = []
    if ask == "perplexity":
        out.append(
            (
                "perplexity:nll-given",
                "This is the mean negative log-likelihood; the perplexity is e to that power "
                "(2 to it, in bits).",
                v["nll"],
            )
        )
        out.append(
            (
                "perplexity:no-mean",
                "This exponentiates the total, not the mean: divide the sum of -log p_t by "
                f"T = {t} first.",
                b ** (v["nll"] * t),
            )
        )
        out.append(
            (
                "perplexity:arithmetic-mean",
                "This is one over the plain average of the probabilities; perplexity takes their "
                "geometric mean, (Π p_t)^(1/T), before inverting.",
                1.0 / float(probs.mean()),
            )
        )
    if ask == "nll":
        other = "2" if base == "e" else "e"
        out.append(
            (
                "perplexity:other-base",
                f"This is the NLL with logs to base {other}; this one asks for base {base}.",
                decoding.perplexity(probs, other)["nll"],
            )
        )
        out.append(
            (
                "perplexity:sign",
                "This is the mean log-probability itself; the NLL is its negative, a positive "
                "number.",
                -v["nll"],
            )
        )
    return out


def _beam(worked: Any, ask: str) -> list[Candidate]:
    r = worked.result
    out: list[Candidate] = []
    if ask == "prob" and worked.params["width"] > 1:
        out.append(
            (
                "beam:greedy",
                "This is greedy decoding's sequence: a beam keeps the "
                f"{worked.params['width']} most probable prefixes at each step, not only the best.",
                r["greedy_prob"],
            )
        )
    if ask in ("prob", "greedy_prob") and not math.isclose(r["prob"], r["best_prob"]):
        out.append(
            (
                "beam:best-of-all",
                "This is the most probable sequence of all, which this beam drops on the way: "
                "keep only the prefixes the beam keeps at each step.",
                r["best_prob"],
            )
        )
    return out


_KINDS: dict[str, Callable[[Any, str], list[Candidate]]] = {
    "pool": _pool,
    "conv": _conv,
    "pool-size": _size,
    "conv-size": _size,
    "rnn": _rnn,
    "lstm": _lstm,
    "gru": _gru,
    "params": _params,
    "attention": _attention,
    "shapes": _shapes,
    "perplexity": _perplexity,
    "beam": _beam,
}
