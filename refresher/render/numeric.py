"""Numeric questions on screen: the inputs a learner needs (never the answer), and the verdict.

The inputs come from the attempt's `Worked` (what the explain engine computed from), drawn with
the same grid and weights helpers as `refresher explain`, so a question and its worked solution
look alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from refresher.explain.steps import format_part
from refresher.kinds.numeric.engine import Instance, format_answer, setting_parts, used_params
from refresher.render import worked as draw_worked


def _setting(name: str, value: Any) -> str | None:
    parts = setting_parts(name, value)
    return None if parts is None else " ".join(p for p in parts if p)


# How asked values read to a learner: the session's notation, not result keys.
_ASKED = {
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
_EACH = {
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
_CELL_SUFFIX = {"rnn": "1", "lstm": "_t", "gru": "_t"}


# Asked values whose name depends on the kind (a layer's shapes, not a pooled map).
_ASKED_BY_KIND = {
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


def asked_name(kind: str, key: str) -> str:
    if key in _ASKED_BY_KIND.get(kind, {}):
        return _ASKED_BY_KIND[kind][key]
    if key in _ASKED:
        return _ASKED[key]
    suffix = _CELL_SUFFIX.get(kind)
    if suffix and len(key) == 1:
        return f"{key}{suffix}"  # h -> h1 (RNN), f -> f_t (LSTM)
    if suffix and key.startswith("a_"):
        return f"{key} (pre-activation)"
    return key


def inputs_view(instance: Instance, precision: int = 3) -> RenderableType:
    """Everything shown with the prompt: grids, vectors, weights and settings."""
    worked = instance.worked
    parts: list[RenderableType] = []
    grids: list[Text] = []
    for name, value in worked.inputs.items():
        arr = np.asarray(value)
        if arr.ndim == 2 and worked.kind in ("pool", "conv"):
            label = "C" if name == "input" and worked.kind == "pool" else name
            title = Text(f"{label} ({arr.shape[0]}x{arr.shape[1]})\n", style="accent")
            title.append_text(draw_worked.matrix_text(arr.astype(float), precision))
            grids.append(title)
    if grids:
        parts.append(draw_worked.side_by_side(grids, 100))
    cell_inputs = draw_worked.inputs_text(worked, precision) or draw_worked.kind_inputs(
        worked, precision
    )
    if cell_inputs is not None:
        parts.append(cell_inputs)
    elif worked.kind not in ("pool", "conv"):
        for name, value in worked.inputs.items():
            text = value if isinstance(value, str) else format_part(np.asarray(value), precision)
            shown = _setting(name, value) or f"{name} {text}"
            parts.append(Text(shown, style="accent"))
    settings = [
        s for s in (_setting(k, v) for k, v in used_params(worked.params, worked.kind).items()) if s
    ]
    if settings:
        parts.append(Text(" · ".join(settings), style="accent"))
    if worked.groups:
        parts.append(Text("weights", style="muted"))
        parts.append(draw_worked.weights_table(worked, precision))
    ask = Text("Asked: ", style="muted")
    ask.append(asked_name(worked.kind, instance.ask), style="bold")
    shape = instance.expected.shape
    if len(shape) == 2:
        ask.append(f"  ({shape[0]}x{shape[1]})", style="muted")
    elif len(shape) == 1 and instance.ask != "output_size" and worked.kind != "shapes":
        each = _EACH.get(instance.ask, "one per unit")
        ask.append(f"  ({shape[0]} values, {each})", style="muted")
    parts.append(ask)
    return Padding(Group(*parts), (0, 0, 0, 2), expand=False)


# The rows of a cell's ``step`` result, by name (refresher.explain.lstm / gru STEP_ROWS).
_STEP_ROWS = {
    "lstm": ("f_t", "i_t", "g_t", "o_t", "c_t", "h_t"),
    "gru": ("r_t", "z_t", "n_t", "h_t"),
}


def wrong_cells(console: Console, instance: Instance, wrong: list[list[int]]) -> None:
    """Point at the cells that were off, for vectors and matrices."""
    if not wrong or not instance.expected.ndim:
        return
    expected = instance.expected
    rows = _STEP_ROWS.get(instance.worked.kind) if instance.ask == "step" else None
    cells = []
    for idx in wrong[:8]:
        if rows and len(idx) == 2:  # a whole cell step: the value by its name
            unit = f" (unit {idx[1] + 1})" if expected.shape[1] > 1 else ""
            where = rows[idx[0]] + unit
        elif len(idx) == 2:
            where = f"row {idx[0] + 1}, col {idx[1] + 1}"
        else:
            where = f"entry {idx[0] + 1}"
        cells.append(f"{where} should be {format_answer(expected[tuple(idx)])}")
    more = f" (and {len(wrong) - 8} more)" if len(wrong) > 8 else ""
    off = Text("Off: " + "; ".join(cells) + more, style="wrong")
    console.print(Padding(off, (0, 0, 0, 2), expand=False))


def worked_solution(console: Console, instance: Instance) -> None:
    console.print(Text("  Worked solution", style="accent"))
    sections = draw_worked.worked_sections(instance.worked, width=console.width - 4)
    console.print(Padding(Group(*sections), (0, 0, 0, 4), expand=False))
