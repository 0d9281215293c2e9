"""`refresher explain ...`: worked examples computed live (pooling, conv, RNN, LSTM, GRU, ...).

Each command is built from its kind's declaration (`refresher.explain.registry.EXAMPLES`, an
`Example` per kind): its options in the declared order, their flags, help and the one default
each has, then the shared ``--json``, ``--export``, ``--step`` and ``--precision``. A command
gathers the options given into a compute spec, calls `explain.registry.compute`, and renders the
`Worked` it returns: to the terminal, as JSON (`--json`) or to a file (`--export`). The
declarations are NumPy-free; NumPy, the maths modules and the renderers are imported inside the
commands, so `refresher --help` and `refresher quiz` never load them.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refresher.cli.help import PagedCommand, PagedGroup
from refresher.cli.lazy import EXPLAIN_HELP
from refresher.core import limits
from refresher.core.errors import InputError
from refresher.env.files import is_folder, read_regular
from refresher.explain.registry import EXAMPLES, compute
from refresher.explain.spec import Example, Option

if TYPE_CHECKING:
    from refresher.explain.steps import Worked

# The root app registers a stand-in that builds this group when `explain` is used
# (`refresher.cli.lazy`), so this module is imported only then.
explain_app = typer.Typer(cls=PagedGroup, help=EXPLAIN_HELP, no_args_is_help=True)


# ------------------------------------------------------------------------------ shared options

Json = Annotated[
    bool, typer.Option("--json", help="Print one JSON object with every value, nothing else.")
]
Export = Annotated[
    Path | None,
    typer.Option(
        "--export",
        metavar="FILE",
        help="Save the rendering as .html, .pdf, .svg or .txt (not shown).",
    ),
]
Show = Annotated[bool, typer.Option("--show", help="With --export: also print the example here.")]
SvgTheme = Annotated[
    str,
    typer.Option(
        "--theme", metavar="light|dark", help="An .svg export: light to print, dark for screens."
    ),
]
Paper = Annotated[
    str, typer.Option("--paper", metavar="a4|letter", help="Page size of a .pdf export.")
]
StepMode = Annotated[
    bool, typer.Option("--step", help="Wait for Enter between steps (on a terminal).")
]


def _precision(default: int) -> inspect.Parameter:
    option = typer.Option(
        default,
        "--precision",
        min=1,
        max=10,
        metavar="N",
        help="Decimals shown, at most, 1 to 10 (trailing zeros are dropped).",
    )
    return inspect.Parameter(
        "precision", inspect.Parameter.KEYWORD_ONLY, default=option, annotation=int
    )


def _spec(kind: str, **options: Any) -> dict[str, Any]:
    """A compute spec from the options the user actually gave (None = not given)."""
    return {"kind": kind, **{k: v for k, v in options.items() if v is not None}}


def _compute(spec: dict[str, Any]) -> Worked:
    return compute(spec, option_prefix="--")


def _matrix_input(text: str | None, file: Path | None, name: str = "--input-file") -> Any:
    """The input matrix's text, or the matrix in a .txt/.csv/.npy file: a regular file of at
    most `limits.INPUT_FILE_BYTES` (checked by `stat` before it is opened)."""
    if text is not None and file is not None:
        raise InputError("--input and --input-file: give one or the other")
    if file is None:
        return text
    suffix = file.suffix.lower()
    if is_folder(file):
        raise InputError(f"{name}: {file}: is a folder, not a file")
    if suffix not in {".txt", ".csv", ".npy"}:
        raise InputError(f"{name}: {file.name}: expected a .txt, .csv or .npy file")
    data = read_regular(file, limits.INPUT_FILE_BYTES, f"{name}: {file}")
    from refresher.explain.inputs import matrix_from_file  # lazy: NumPy

    return matrix_from_file(data, suffix, f"{name} {file.name}")


def _params_file(path: Path | None, name: str = "--params") -> dict[str, Any] | None:
    """Weights from a YAML or JSON file (a regular file of at most `limits.INPUT_FILE_BYTES`)."""
    if path is None:
        return None
    data = read_regular(path, limits.INPUT_FILE_BYTES, f"{name}: {path}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: {path}: cannot read the file ({exc})") from None
    from refresher.formats import params  # lazy: PyYAML

    return params.read(text, path.suffix.lower() == ".json", f"{name}: {path.name}")


def _pause(n: int, total: int) -> bool:
    from refresher.render.worked import ask_to_continue

    return ask_to_continue(n, total)


def _show(
    worked: Worked,
    *,
    as_json: bool,
    export: Path | None,
    step: bool,
    precision: int,
    show: bool = False,
    theme: str = "light",
    paper: str = "a4",
) -> None:
    """Render to the terminal (or print JSON), or with `export` save it and say `saved FILE`
    (`show` prints it too)."""
    from refresher.render.console import make_console, stdin_is_tty
    from refresher.render.export import check_export_path, check_theme

    if export is not None:
        check_export_path(export)  # fail before printing anything
        check_theme(theme)
        if paper.lower() not in ("a4", "letter"):
            raise InputError(f"--paper: {paper!r}: use a4 or letter")
        paper = paper.lower()
    if as_json:
        data = worked.to_dict(precision)
        if worked.summarised:  # big inputs: compact, one line
            typer.echo(json.dumps(data, ensure_ascii=False, allow_nan=False))
        else:  # indented, each row of a matrix on one line
            from refresher.core.jsonrows import dumps

            typer.echo(dumps(data))
    elif export is None or show:
        from refresher.render.worked import render_worked

        pause = _pause if step and stdin_is_tty() else None
        render_worked(worked, make_console(), precision=precision, pause=pause)
    if export is not None and export.suffix.lower() == ".pdf":
        from refresher.render.pdf import worked_pdf, write_pdf

        path = write_pdf(export, worked_pdf(worked, precision, paper))
        make_console(stderr=True).print(
            f"saved {path}", style="muted", soft_wrap=True, markup=False
        )
    elif export is not None:
        from refresher.render.export import EXPORT_WIDTH, export_sections
        from refresher.render.worked import worked_sections

        path = export_sections(
            worked_sections(worked, precision, EXPORT_WIDTH),
            export,
            title=worked.title,
            theme=theme,
        )
        make_console(stderr=True).print(
            f"saved {path}", style="muted", soft_wrap=True, markup=False
        )


# ------------------------------------------------------------------------------ commands
# One per kind that declares a command, its options built from the kind's `Option`s.

_TYPES: dict[str, type] = {"text": str, "int": int, "float": float, "flag": bool}
_INPUT_FILE = inspect.Parameter(
    "input_file",
    inspect.Parameter.KEYWORD_ONLY,
    default=typer.Option(
        None, "--input-file", metavar="FILE", help="Input matrix from .txt, .csv or .npy."
    ),
    annotation=Path | None,
)


def _parameters(option: Option) -> list[inspect.Parameter]:
    """The command-line parameter(s) of one option: its default shown, or left unset (None)
    with the default named in its help."""
    default = None if option.unset else option.default
    flags = option.flags or ("--" + option.key.replace("_", "-"),)
    kw: dict[str, Any] = {"help": option.help_text()}
    if option.metavar:
        kw["metavar"] = option.metavar
    if option.type == "choice":
        choices = StrEnum(option.key.title(), {c: c for c in option.choices or ()})
        annotation: Any = choices
        default, kw["case_sensitive"] = choices(default), False
    elif option.type in ("matrix", "params"):
        annotation = str | None if option.type == "matrix" else Path | None
    else:
        annotation = _TYPES[option.type]
        if default is None:
            annotation = annotation | None
    parameter = inspect.Parameter(
        option.key,
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(default, *flags, **kw),
        annotation=annotation,
    )
    return [parameter, _INPUT_FILE] if option.type == "matrix" else [parameter]


def _spec_values(example: Example, given: dict[str, Any]) -> dict[str, Any]:
    """The options given as spec values (files read, choices as their text)."""
    values: dict[str, Any] = {}
    for key in example.command:
        value, kind = given[key], example.by_key[key].type
        if kind == "matrix":
            value = _matrix_input(value, given["input_file"])
        elif kind == "params":
            value = _params_file(value)
        values[key] = value.value if isinstance(value, Enum) else value
    return values


def _command(example: Example) -> Callable[..., None]:
    def command(**given: Any) -> None:
        spec = _spec(example.name, **_spec_values(example, given))
        # a kind that has no decimals to choose (parameter counts) has no --precision
        precision = given.get("precision", example.precision)
        _show(
            _compute(spec),
            as_json=given["as_json"],
            export=given["export"],
            step=given["step"],
            precision=precision,
            show=given["show"],
            theme=given["theme"],
            paper=given["paper"],
        )

    parameters = [p for key in example.command for p in _parameters(example.by_key[key])]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in (
            ("as_json", Json, False),
            ("export", Export, None),
            ("step", StepMode, False),
            ("show", Show, False),
            ("theme", SvgTheme, "light"),
            ("paper", Paper, "a4"),
        )
    ]
    if example.choose_precision:
        parameters.append(_precision(example.precision))
    command.__signature__ = inspect.Signature(parameters)
    command.__doc__ = example.help
    command.__name__ = example.name.replace("-", "_")
    return command


for _example in EXAMPLES.values():
    if _example.command:
        explain_app.command(_example.name, cls=PagedCommand)(_command(_example))
