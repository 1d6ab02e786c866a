"""A bounded fuzz run over the workbook reader and the worksheet functions' argument handling.

Mutated workbooks must be read or refused with a BookError (one line); arbitrary Excel-shaped
arguments must give numbers or the one-line text a cell shows. Anything else is a crash, and a
crash found here becomes a regression test below the fuzzers.
"""
import io
import math
import warnings
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdfit
from gdfit.excel import udfs
from gdfit.files.book import BookError, find_data, load_book, read_region

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
    wb = load_book(path)
    ws = wb.active
    return read_region(ws, find_data(ws)) if hasattr(ws, "iter_rows") else None


@FUZZ
@given(mutation=mutations, position=st.floats(0, 1))
def test_mutated_workbooks_are_read_or_refused(tmp_path_factory, mutation, position):
    path = tmp_path_factory.mktemp("fuzz") / "book.xlsx"
    path.write_bytes(_mutated(*mutation, position))
    try:
        _read(path)
    except BookError as exc:
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


def _cell_ok(out, name):
    if isinstance(out, str):
        assert out.startswith(f"{name}: ") and "\n" not in out, out
        return
    for row in out:
        for v in row:
            assert v is None or isinstance(v, (str, bool, int)) or (isinstance(v, float) and math.isfinite(v)) \
                or not isinstance(v, float), (name, v)


@FUZZ
@given(known_y=RANGE, known_x=st.one_of(st.none(), RANGE), const=CELL, stats=CELL, rate=CELL)
def test_gd_fit_never_raises(known_y, known_x, const, stats, rate):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _cell_ok(udfs.GD_FIT(known_y, known_x, const, stats, rate, 50), "GD_FIT")


@FUZZ
@given(known_y=RANGE, known_x=RANGE, new_x=RANGE, coefficients=RANGE, loss=CELL)
def test_other_functions_never_raise(known_y, known_x, new_x, coefficients, loss):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _cell_ok(udfs.GD_PREDICT(known_y, known_x, new_x, None, None, 50), "GD_PREDICT")
        _cell_ok(udfs.GD_LOSS(known_y, known_x, coefficients, loss), "GD_LOSS")
        _cell_ok(udfs.GD_LEARNING_RATE(known_x, loss), "GD_LEARNING_RATE")
