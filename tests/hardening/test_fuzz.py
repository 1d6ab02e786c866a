"""A bounded fuzz run over the workbook reader and the worksheet functions' argument handling.

Mutated workbooks must be read or refused with a BookError (one line); arbitrary Excel-shaped
arguments must give numbers or the one-line text of one of gdfit's own refusals
(tests/hardening/cell_answers.py). Anything else is a crash, including a bug that the worksheet
function turns into an "unexpected ..." line, and a crash found here becomes a regression test
below the fuzzers.
"""
import io
import warnings
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdfit
from gdfit.core.data import InputError
from gdfit.core.descent import fit as descent_fit
from gdfit.excel import udfs
from gdfit.excel.cache import RESULTS
from gdfit.files.book import BookError
from gdfit.files.package import NotExtendable, open_user_book
from gdfit.files.read import read_data
from tests.hardening import test_matrix, test_properties
from tests.hardening.cell_answers import answer

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _seed_book() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ad_spend", "sales"])
    d = gdfit.datasets.ad_spend()
    for a, b in zip(d.ad_spend[:10], d.sales[:10]):
        ws.append([float(a), float(b)])
    buffer = io.BytesIO()
    wb.save(buffer)
    package = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return {name: package.read(name) for name in package.namelist()}


SEED = _seed_book()
PARTS = sorted(SEED)


def _pack(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


mutations = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(PARTS), st.just(b"")),
    st.tuples(st.just("replace"), st.sampled_from(PARTS), st.binary(max_size=200)),
    st.tuples(st.just("flip"), st.sampled_from(PARTS), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.sampled_from(PARTS), st.binary(max_size=0)),
)


def _mutated(kind: str, part: str, payload: bytes, position: float) -> bytes:
    parts = dict(SEED)
    data = parts[part]
    at = int(position * max(len(data) - 1, 0))
    if kind == "drop":
        del parts[part]
    elif kind == "replace":
        parts[part] = payload
    elif kind == "flip":
        parts[part] = data[:at] + payload + data[at + len(payload):]
    else:
        parts[part] = data[:at]
    return _pack(parts)


def _read(path):
    """What gdfit train does with a workbook: open it for writing, then read its data."""
    try:
        open_user_book(path)
    except NotExtendable:  # train then writes a new .xlsx of the values read below
        pass
    return read_data(path)


@FUZZ
@given(mutation=mutations, position=st.floats(0, 1))
def test_mutated_workbooks_are_read_or_refused(tmp_path_factory, mutation, position):
    path = tmp_path_factory.mktemp("fuzz") / "book.xlsx"
    path.write_bytes(_mutated(*mutation, position))
    try:
        _read(path)
    except InputError as exc:  # BookError (open_user_book) is an InputError too
        assert "\n" not in str(exc)


@FUZZ
@given(data=st.binary(max_size=400), cut=st.floats(0, 1))
def test_random_and_truncated_files_are_refused(tmp_path_factory, data, cut):
    path = tmp_path_factory.mktemp("fuzz") / "book.xlsx"
    whole = _pack(SEED)
    path.write_bytes(data if data else whole[: int(cut * len(whole))])
    try:
        _read(path)
    except BookError as exc:
        assert "\n" not in str(exc)


CELL = st.one_of(
    st.none(), st.just(""), st.booleans(), st.text(max_size=6),
    st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "=1+1", "1e5", " 3 "]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
    st.floats(-1e6, 1e6),
)
RANGE = st.integers(1, 8).flatmap(lambda n: st.integers(1, 3).flatmap(
    lambda k: st.lists(st.lists(CELL, min_size=k, max_size=k), min_size=n, max_size=n)))


NUMBER = st.floats(-1e6, 1e6)


@st.composite
def linest_ranges(draw):
    """known_y and known_x: any cells of any shapes, or (half the time) numbers of one height, so
    that the fit itself runs too and not only the argument checks."""
    if draw(st.booleans()):
        return draw(RANGE), draw(st.one_of(st.none(), RANGE))
    n, k = draw(st.integers(2, 8)), draw(st.integers(1, 3))
    column = st.lists(st.lists(NUMBER, min_size=1, max_size=1), min_size=n, max_size=n)
    block = st.lists(st.lists(NUMBER, min_size=k, max_size=k), min_size=n, max_size=n)
    return draw(column), draw(st.one_of(st.none(), block))


OPTION = st.one_of(st.none(), CELL)  # mostly omitted, or any cell


@FUZZ
@given(ranges=linest_ranges(), const=OPTION, stats=OPTION, rate=OPTION)
def test_gd_fit_never_raises(ranges, const, stats, rate):
    known_y, known_x = ranges
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answer(udfs.GD_FIT, known_y, known_x, const, stats, rate, 50)


@FUZZ
@given(known_y=RANGE, known_x=RANGE, new_x=RANGE, coefficients=RANGE, loss=CELL)
def test_other_functions_never_raise(known_y, known_x, new_x, coefficients, loss):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answer(udfs.GD_PREDICT, known_y, known_x, new_x, None, None, 50)
        answer(udfs.GD_LOSS, known_y, known_x, coefficients, loss)
        answer(udfs.GD_LEARNING_RATE, known_x, loss)


def test_a_bug_inside_a_worksheet_function_fails_the_fuzz_run(monkeypatch):
    """The cell still shows one line, but the fuzz run must not pass it as a refusal."""
    def broken(*args, **kwargs):
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'")

    monkeypatch.setattr(descent_fit, "descend", broken)  # the descent loop every GD_FIT runs
    RESULTS.clear()
    x, y = [[1.0], [2.0], [3.0]], [[2.0], [4.1], [5.9]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shown = udfs.GD_FIT(y, x)
        assert shown.startswith("GD_FIT: unexpected TypeError (unsupported operand") and "\n" not in shown
        with pytest.raises(AssertionError, match="GD_FIT hit a bug:\nTraceback"):
            answer(udfs.GD_FIT, y, x)
        with pytest.raises(AssertionError, match="TypeError: unsupported operand"):
            test_gd_fit_never_raises()
        with pytest.raises(AssertionError, match="TypeError: unsupported operand"):
            test_properties.test_gd_fit_cell_shows_numbers_or_one_line()  # the property test's too
        with pytest.raises(AssertionError, match="TypeError: unsupported operand"):
            test_matrix.test_worksheet_function("all-equal y")  # and the bad-input matrix's
    RESULTS.clear()
