"""refresher.core.parse: text -> numbers, as learners and options type them."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refresher.core.errors import InputError
from refresher.core.parse import parse_matrix, parse_scalar, parse_vector

# ------------------------------------------------------------------------------ scalars


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5", 3.5),
        ("-1e-3", -0.001),
        ("7/2", 3.5),
        ("-7/2", -3.5),
        ("1.5/0.5", 3.0),
        ("  42  ", 42.0),
        ("+.5", 0.5),
        ("5.", 5.0),
        ("\u22122", -2.0),  # Unicode minus, as slides print it
        ("1E3", 1000.0),
        ("0", 0.0),
    ],
)
def test_parse_scalar_accepts(text: str, expected: float) -> None:
    assert parse_scalar(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a number, got nothing"),
        ("   ", "expected a number, got nothing"),
        ("abc", "'abc' is not a number"),
        ("1/0", "divides by zero"),
        ("nan", "'nan' is not a number"),
        ("inf", "'inf' is not a number"),
        ("1e400", "too large"),
        ("1 2", "expected one number, got '1 2'"),
        ("1,2", "expected one number"),
        ("3.5.1", "'3.5.1' is not a number"),
        ("1_000", "is not a number"),
        ("7//2", "is not a number"),
    ],
)
def test_parse_scalar_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_scalar(text)


def test_parse_scalar_error_names_what_was_read() -> None:
    with pytest.raises(InputError, match=r"^answer: 'x' is not a number$"):
        parse_scalar("x", name="answer")


# ------------------------------------------------------------------------------ matrices


SESSION = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0], [5.0, 7.0, 6.0, 8.0]]


@pytest.mark.parametrize(
    "text",
    [
        "1 2 3 4; 5 6 7 8; 1 2 3 4; 5 7 6 8",
        "1,2,3,4;5,6,7,8;1,2,3,4;5,7,6,8",
        "1, 2, 3, 4\n5, 6, 7, 8\n1, 2, 3, 4\n5, 7, 6, 8\n",
        "[[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]]",
        "[1 2 3 4; 5 6 7 8; 1 2 3 4; 5 7 6 8]",
        "[[1. 2. 3. 4.]\n [5. 6. 7. 8.]\n [1. 2. 3. 4.]\n [5. 7. 6. 8.]]",  # NumPy's printout
        "[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]",
        "\n  1\t2\t3\t4\n\n  5 6 7 8 ;\n1 2 3 4;5 7 6 8;\n",
        "1 2 3 4\r\n5 6 7 8\r\n1 2 3 4\r\n5 7 6 8",
    ],
)
def test_parse_matrix_forms(text: str) -> None:
    assert parse_matrix(text) == SESSION


def test_parse_matrix_single_row_and_fractions() -> None:
    assert parse_matrix("1/2 -3/4 1e-1") == [[0.5, -0.75, 0.1]]
    assert parse_matrix("3.5 5.5; 3.75 5.25") == [[3.5, 5.5], [3.75, 5.25]]
    assert parse_matrix("[1, 2,]") == [[1.0, 2.0]]  # a trailing comma is forgiven
    assert parse_matrix("[[1, 2]; [3, 4]]") == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2; 3", r"row 2 has 1 number but row 1 has 2; every row needs the same count"),
        ("1 2 3\n4 5", r"row 2 has 2 numbers but row 1 has 3"),
        ("[[1, 2], [3]]", r"row 2 has 1 number but row 1 has 2"),
        ("1 2; x 4", r"row 2, column 1: 'x' is not a number"),
        ("1 two", r"entry 2: 'two' is not a number"),
        ("1,,2", r"row 1: empty entry between commas"),
        ("", r"expected numbers, got nothing"),
        (";;\n", r"expected numbers, got nothing"),
        ("[1, 2", r"unbalanced brackets"),
        ("1, 2]", r"unbalanced brackets"),
        ("[[[1]]]", r"too deeply nested"),
        ("[[1, 2] x [3, 4]]", r"unexpected 'x' between rows"),
        ("[[1; 2], [3, 4]]", r"not both"),
        ("1 nan", r"'nan' is not a number"),
    ],
)
def test_parse_matrix_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_matrix(text)


def test_parse_matrix_error_is_prefixed_with_name() -> None:
    with pytest.raises(InputError, match=r"^--input: row 2 has 1 number but row 1 has 2"):
        parse_matrix("1 2; 3", name="--input")


# ------------------------------------------------------------------------------ vectors


@pytest.mark.parametrize(
    "text", ["0.5 -1 2", "0.5, -1, 2", "[0.5, -1, 2]", "[[0.5, -1, 2]]", "0.5; -1; 2", "1/2 -1 2"]
)
def test_parse_vector_forms(text: str) -> None:
    assert parse_vector(text) == [0.5, -1.0, 2.0]


def test_parse_vector_rejects_a_matrix() -> None:
    with pytest.raises(InputError, match=r"^--x: expected a vector .* got a 2x2 matrix$"):
        parse_vector("1 2; 3 4", name="--x")


# ------------------------------------------------------------------------------ properties

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(st.lists(st.lists(finite, min_size=3, max_size=3), min_size=1, max_size=5))
def test_round_trip_through_every_written_form(rows: list[list[float]]) -> None:
    forms = [
        "; ".join(" ".join(repr(v) for v in row) for row in rows),
        "\n".join(", ".join(repr(v) for v in row) for row in rows),
        repr(rows),
    ]
    for text in forms:
        assert parse_matrix(text) == rows


@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=1000))
def test_fractions_parse_to_their_value(value: Fraction) -> None:
    text = f"{value.numerator}/{value.denominator}"
    assert parse_scalar(text) == pytest.approx(float(value))


@given(st.text(max_size=30))
def test_arbitrary_text_never_raises_anything_but_input_error(text: str) -> None:
    for fn in (parse_scalar, parse_vector, parse_matrix):
        with contextlib.suppress(InputError):
            fn(text)


def test_parse_does_not_import_numpy() -> None:
    code = "import sys, refresher.core.parse; sys.exit('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
