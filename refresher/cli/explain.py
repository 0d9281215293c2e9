"""`refresher explain ...`: worked examples computed live (pooling, conv, RNN, LSTM, GRU, ...).

Each command gathers its options into a compute spec, calls `explain.registry.compute`, and
renders the `Worked` it returns: to the terminal, as JSON (`--json`) or to a file (`--export`).
NumPy and the explain engine are imported inside the commands, so `refresher --help` and
`refresher quiz` never load them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refresher.cli.help import PagedCommand, PagedGroup
from refresher.core.errors import InputError

if TYPE_CHECKING:
    from refresher.explain.steps import Worked

explain_app = typer.Typer(
    cls=PagedGroup,
    help="Print worked examples computed live: pooling, convolution, RNN, LSTM, GRU, "
    "gradients, backpropagation through time and parameter counts.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(explain_app, name="explain")


# ------------------------------------------------------------------------------ choices
# Enums, so --help lists the choices and a wrong one is refused before anything runs.


class PoolMode(StrEnum):
    avg = "avg"
    max = "max"


class GruVariant(StrEnum):
    cho = "cho"
    pytorch = "pytorch"


class GradientInputs(StrEnum):
    zero = "zero"
    random = "random"


class GradientCell(StrEnum):
    rnn = "rnn"
    lstm = "lstm"


class Loss(StrEnum):
    ce = "ce"
    mse = "mse"


class Cell(StrEnum):
    rnn = "rnn"
    lstm = "lstm"
    gru = "gru"


# ------------------------------------------------------------------------------ shared options

Json = Annotated[
    bool, typer.Option("--json", help="Print one JSON object with every value, nothing else.")
]
Export = Annotated[
    Path | None,
    typer.Option(
        "--export", metavar="FILE", help="Also save the rendering as .html, .svg or .txt."
    ),
]
StepMode = Annotated[
    bool, typer.Option("--step", help="Wait for Enter between steps (on a terminal).")
]
Precision = Annotated[
    int,
    typer.Option(
        "--precision",
        min=1,
        max=10,
        metavar="N",
        help="Decimals shown, at most (trailing zeros are dropped).",
    ),
]
Seed = Annotated[
    int | None,
    typer.Option("--seed", help="Draw weights in multiples of 0.1 from this seed (default: 14)."),
]
ParamsFile = Annotated[
    Path | None,
    typer.Option("--params", metavar="FILE", help="Weights from a YAML or JSON file."),
]
InitialState = Annotated[
    str | None,
    typer.Option("--h", metavar="V", help="Initial state h0 (default: 0.5 -0.5 repeated)."),
]
HiddenSize = Annotated[
    int | None,
    typer.Option(
        "--hidden-size", help="Hidden units for seeded weights (default: 2, at most 256)."
    ),
]
InputSize = Annotated[
    int | None,
    typer.Option(
        "--input-size",
        help="Input size for seeded weights, at most 256 (default: from --x, or 2).",
    ),
]


def _spec(kind: str, **options: Any) -> dict[str, Any]:
    """A compute spec from the options the user actually gave (None = not given)."""
    return {"kind": kind, **{k: v for k, v in options.items() if v is not None}}


def _compute(spec: dict[str, Any]) -> Worked:
    from refresher.explain.registry import compute

    return compute(spec, option_prefix="--")


def _matrix_input(text: str | None, file: Path | None) -> Any:
    if text is not None and file is not None:
        raise InputError("--input and --input-file: give one or the other")
    if file is not None:
        from refresher.explain.inputs import load_matrix_file

        return load_matrix_file(file)
    return text


def _params_file(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from refresher.explain.inputs import load_params_file

    return load_params_file(path)


def _pause(n: int, total: int) -> bool:
    from refresher.render.worked import ask_to_continue

    return ask_to_continue(n, total)


def _show(
    worked: Worked, *, as_json: bool, export: Path | None, step: bool, precision: int
) -> None:
    """Render to the terminal (or print JSON), then write the export file if asked."""
    from refresher.render.export import check_export_path

    if export is not None:
        check_export_path(export)  # fail before printing anything
    if as_json:
        import json

        indent = None if worked.summarised else 2  # big inputs: compact, one line
        typer.echo(
            json.dumps(
                worked.to_dict(precision), indent=indent, ensure_ascii=False, allow_nan=False
            )
        )
    else:
        from refresher.render.console import make_console, stdin_is_tty
        from refresher.render.worked import render_worked

        pause = _pause if step and stdin_is_tty() else None
        render_worked(worked, make_console(), precision=precision, pause=pause)
    if export is not None:
        from refresher.render.console import make_console
        from refresher.render.export import EXPORT_WIDTH, export_sections
        from refresher.render.worked import worked_sections

        path = export_sections(
            worked_sections(worked, precision, EXPORT_WIDTH), export, title=worked.title
        )
        make_console(stderr=True).print(
            f"saved {path}", style="muted", soft_wrap=True, markup=False
        )


# ------------------------------------------------------------------------------ commands


@explain_app.command("pool", cls=PagedCommand)
def pool(
    input: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            metavar="M",
            help='Input matrix, e.g. "1 2 3 4; 5 6 7 8" (default: the session\'s C).',
        ),
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input-file", metavar="FILE", help="Input matrix from .txt, .csv or .npy."),
    ] = None,
    mode: Annotated[
        PoolMode,
        typer.Option("--mode", case_sensitive=False, help="Average or max pooling."),
    ] = PoolMode.avg,
    size: Annotated[str, typer.Option("--size", "-k", metavar="K|KxL", help="Window size.")] = "2",
    stride: Annotated[
        str | None,
        typer.Option("--stride", "-s", metavar="S|SxT", help="Stride (default: the window size)."),
    ] = None,
    padding: Annotated[
        str, typer.Option("--padding", "-p", metavar="P|PxQ", help="Padding on each side.")
    ] = "0",
    ceil: Annotated[
        bool, typer.Option("--ceil", help="Ceil mode: keep a last partial window.")
    ] = False,
    exclude_pad: Annotated[
        bool, typer.Option("--exclude-pad", help="Average over real input cells only.")
    ] = False,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """Average or max pooling, window by window (PyTorch's avg_pool2d / max_pool2d rules)."""
    spec = _spec(
        "pool",
        input=_matrix_input(input, input_file),
        mode=mode.value,
        size=size,
        stride=stride,
        padding=padding,
        ceil=ceil,
        exclude_pad=exclude_pad,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("conv", cls=PagedCommand)
def conv(
    input: Annotated[
        str | None,
        typer.Option("--input", "-i", metavar="M", help="Input matrix (default: the session's C)."),
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input-file", metavar="FILE", help="Input matrix from .txt, .csv or .npy."),
    ] = None,
    kernel: Annotated[
        str | None, typer.Option("--kernel", metavar="M", help='Kernel (default: "1 0; 0 -1").')
    ] = None,
    stride: Annotated[str, typer.Option("--stride", "-s", metavar="S|SxT", help="Stride.")] = "1",
    padding: Annotated[
        str, typer.Option("--padding", "-p", metavar="P|PxQ", help="Zero padding on each side.")
    ] = "0",
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """2-D convolution (cross-correlation, as deep-learning frameworks compute it), cell by cell."""
    spec = _spec(
        "conv",
        input=_matrix_input(input, input_file),
        kernel=kernel,
        stride=stride,
        padding=padding,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("rnn", cls=PagedCommand)
def rnn(
    params: ParamsFile = None,
    x: Annotated[
        str | None,
        typer.Option(
            "--x",
            metavar="V",
            help='Input x1, e.g. "1 -1"; a matrix ("1 -1; 0 1") gives one row per step.',
        ),
    ] = None,
    h: InitialState = None,
    seed: Seed = None,
    steps: Annotated[
        int | None,
        typer.Option(
            "--steps",
            help="Unroll T time steps (at most 20); one --x is repeated, no --x draws inputs.",
        ),
    ] = None,
    hidden_size: HiddenSize = None,
    input_size: InputSize = None,
    output_size: Annotated[
        int | None,
        typer.Option("--output-size", help="Output classes (default: 3, at most 256)."),
    ] = None,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """One RNN step: h1 = tanh(W_h h0 + W_x x1 + b_h), y1 = softmax(W_y h1 + b_y)."""
    spec = _spec(
        "rnn",
        params=_params_file(params),
        x=x,
        h=h,
        seed=seed,
        steps=steps,
        hidden_size=hidden_size,
        input_size=input_size,
        output_size=output_size,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("lstm", cls=PagedCommand)
def lstm(
    params: ParamsFile = None,
    x: Annotated[
        str | None,
        typer.Option("--x", metavar="V", help='Input x_t, e.g. "1 -1" (default: 1 -1 repeated).'),
    ] = None,
    h: Annotated[
        str | None,
        typer.Option(
            "--h", metavar="V", help="Previous state h_{t-1} (default: 0.5 -0.5 repeated)."
        ),
    ] = None,
    c: Annotated[
        str | None,
        typer.Option("--c", metavar="V", help="Previous cell c_{t-1} (default: 1 -1 repeated)."),
    ] = None,
    seed: Seed = None,
    hidden_size: HiddenSize = None,
    input_size: InputSize = None,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """One LSTM step, gate by gate, in the session's notation (f, c_ft, i, g, c_it, c, o, h)."""
    spec = _spec(
        "lstm",
        params=_params_file(params),
        x=x,
        h=h,
        c=c,
        seed=seed,
        hidden_size=hidden_size,
        input_size=input_size,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("gru", cls=PagedCommand)
def gru(
    params: ParamsFile = None,
    x: Annotated[
        str | None,
        typer.Option("--x", metavar="V", help='Input x_t, e.g. "1 -1" (default: 1 -1 repeated).'),
    ] = None,
    h: Annotated[
        str | None,
        typer.Option(
            "--h", metavar="V", help="Previous state h_{t-1} (default: 0.5 -0.5 repeated)."
        ),
    ] = None,
    variant: Annotated[
        GruVariant,
        typer.Option(
            "--variant",
            case_sensitive=False,
            help="cho: the reset gate acts before W_nh (Cho et al., d2l); pytorch: after it "
            "(nn.GRUCell).",
        ),
    ] = GruVariant.cho,
    seed: Seed = None,
    hidden_size: HiddenSize = None,
    input_size: InputSize = None,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """One GRU step: reset gate r, update gate z, candidate n, h_t = z*h + (1-z)*n."""
    spec = _spec(
        "gru",
        params=_params_file(params),
        x=x,
        h=h,
        variant=variant.value,
        seed=seed,
        hidden_size=hidden_size,
        input_size=input_size,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("gradients", cls=PagedCommand)
def gradients(
    scale: Annotated[
        float,
        typer.Option("--scale", "-S", help="S: the recurrent matrix is S times an orthogonal one."),
    ] = 0.9,
    steps: Annotated[int, typer.Option("--steps", "-T", help="Time steps T (at most 200).")] = 50,
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden units (at most 128).")] = 8,
    inputs: Annotated[
        GradientInputs,
        typer.Option(
            "--inputs",
            case_sensitive=False,
            help="zero: the norms are exactly S^T; random: drawn from the seed.",
        ),
    ] = GradientInputs.zero,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the matrices and inputs.")] = 0,
    cell: Annotated[
        GradientCell,
        typer.Option("--cell", case_sensitive=False, help="lstm adds the LSTM's cell-state path."),
    ] = GradientCell.rnn,
    forget_bias: Annotated[
        float, typer.Option("--forget-bias", help="LSTM forget-gate bias (with --cell lstm).")
    ] = 4.0,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 3,
) -> None:
    """Vanishing / exploding gradients: ‖∂h_T/∂h_0‖ for T = 1..steps on a log-scale chart."""
    spec = _spec(
        "gradients",
        scale=scale,
        steps=steps,
        hidden=hidden,
        inputs=inputs.value,
        seed=seed,
        cell=cell.value,
        forget_bias=forget_bias,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)


@explain_app.command("params", cls=PagedCommand)
def params(
    cell: Annotated[
        Cell, typer.Option("--cell", case_sensitive=False, help="The kind of layer.")
    ] = Cell.lstm,
    input_size: Annotated[int, typer.Option("--input-size", help="Input size X.")] = 3,
    hidden_size: Annotated[int, typer.Option("--hidden-size", help="Hidden size H.")] = 2,
    output_size: Annotated[
        int, typer.Option("--output-size", help="Add an output layer of this size (0: none).")
    ] = 0,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
) -> None:
    """Parameter count of one layer: the session's one bias per block, and PyTorch's two."""
    spec = _spec(
        "params",
        cell=cell.value,
        input_size=input_size,
        hidden_size=hidden_size,
        output_size=output_size,
    )
    # Counts are whole numbers: there are no decimals to choose, so no --precision.
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=3)


@explain_app.command("bptt", cls=PagedCommand)
def bptt(
    params: ParamsFile = None,
    xs: Annotated[
        str | None,
        typer.Option(
            "--xs",
            metavar="M",
            help='Inputs, one row per step: "1 -1; 0.5 0; -1 1" (default: drawn from the seed).',
        ),
    ] = None,
    h: InitialState = None,
    seed: Seed = None,
    steps: Annotated[
        int | None,
        typer.Option(
            "--steps",
            help="Time steps T without --xs (default: 3, at most 20); one --xs row is repeated.",
        ),
    ] = None,
    hidden_size: Annotated[
        int | None,
        typer.Option(
            "--hidden-size", help="Hidden units for seeded weights (default: 2, at most 16)."
        ),
    ] = None,
    input_size: Annotated[
        int | None,
        typer.Option(
            "--input-size", help="Input size for seeded weights (default: from --xs, or 2)."
        ),
    ] = None,
    output_size: Annotated[
        int | None,
        typer.Option("--output-size", help="Outputs (classes) for seeded weights (default: 3)."),
    ] = None,
    loss: Annotated[
        Loss,
        typer.Option(
            "--loss",
            case_sensitive=False,
            help="ce: softmax cross-entropy with --label; mse: ½‖y - target‖² with --target.",
        ),
    ] = Loss.ce,
    label: Annotated[
        int | None,
        typer.Option("--label", metavar="K", help="The true class, counted from 1 (default: 1)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            metavar="V",
            help="Target vector for --loss mse (default: --label's one-hot vector).",
        ),
    ] = None,
    as_json: Json = False,
    export: Export = None,
    step: StepMode = False,
    precision: Precision = 4,
) -> None:
    """Backpropagation through time: h_t = tanh(W_h·h_{t-1} + W_x·x_t + b_h), y = W_y·h_T + b_y,
    then every step back with its share of the gradients."""
    spec = _spec(
        "bptt",
        params=_params_file(params),
        xs=xs,
        h=h,
        seed=seed,
        steps=steps,
        hidden_size=hidden_size,
        input_size=input_size,
        output_size=output_size,
        loss=loss.value,
        label=label,
        target=target,
    )
    _show(_compute(spec), as_json=as_json, export=export, step=step, precision=precision)
